"""The same session against the client-capability snapshots pytest-lsp ships (VS Code, Neovim 0.7 and 0.11,
Emacs/eglot) plus VS Code with pull diagnostics: what the server advertises and how it answers depends on
what each client says it supports."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from support import (
    BASE_OPTIONS, FIX_ALL, Client, Doc, capabilities, findings, position, server_config, server_options, start, text_in,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

CLIENTS = ["visual-studio-code", "vscode-pull", "neovim@v0.7.0", "neovim@v0.11.0", "emacs", "legacy"]
#: what each snapshot offers, as the server should read it
EXPECT = {
    #                     encoding  resolve pull   configuration  willSaveWaitUntil
    "visual-studio-code": ("utf-16", True, False, True, True),
    "vscode-pull": ("utf-16", True, True, True, True),
    "neovim@v0.7.0": ("utf-16", True, False, False, False),
    "neovim@v0.11.0": ("utf-8", True, False, True, True),
    "emacs": ("utf-32", False, False, True, True),
    "legacy": ("utf-16", False, False, False, False),
}
TEXT = "Ñandú 😀 notes: we held an information convention on counterfeit consciousness 🎉.\n"


@pytest_lsp.fixture(scope="module", params=CLIENTS, config=server_config())
async def client(lsp_client: Client, request, tmp_path_factory):
    root = tmp_path_factory.mktemp("editor")
    lsp_client.name = request.param
    lsp_client.root = root
    if request.param in ("neovim@v0.7.0", "legacy"):
        # no workspace/configuration here: settings come as initializationOptions, here without the section
        options = dict(BASE_OPTIONS)
    else:
        options = server_options()
        lsp_client.set_configuration({}, section="unspun")
    lsp_client.init_result = await start(lsp_client, capabilities(request.param), root, options)
    yield
    await lsp_client.shutdown_session()


def expect(client: Client):
    return dict(zip(("encoding", "resolve", "pull", "configuration", "will_save"), EXPECT[client.name]))


async def diagnostics(client: Client, doc: Doc) -> list[t.Diagnostic]:
    if expect(client)["pull"]:
        report = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(text_document=doc.id))
        return list(report.items)
    return await doc.diagnostics()


async def run_and_apply(client: Client, doc: Doc, command: t.Command) -> None:
    count = len(client.applied)
    result = await client.workspace_execute_command_async(
        t.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )
    assert result["applied"] is True
    assert len(client.applied) == count + 1
    doc.apply(client.applied[-1].edit)


async def test_advertised_capabilities(client: Client):
    caps = client.init_result.capabilities
    e = expect(client)
    assert list(caps.code_action_provider.code_action_kinds) == ["quickfix", FIX_ALL]
    assert bool(caps.code_action_provider.resolve_provider) == e["resolve"]
    assert (caps.diagnostic_provider is not None) == e["pull"]
    assert str(getattr(caps.position_encoding, "value", caps.position_encoding)) == e["encoding"]
    assert caps.text_document_sync.change == t.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close is True
    assert bool(caps.text_document_sync.will_save_wait_until) == e["will_save"]
    assert set(caps.execute_command_provider.commands) == {
        "unspun.ignore", "unspun.allow", "unspun.fixAll", "unspun.replace", "unspun.spinScores"
    }
    assert caps.hover_provider


async def test_configuration_is_asked_only_where_supported(client: Client):
    doc = Doc(client, client.root / "config.md", TEXT)
    await diagnostics(client, doc)
    asked = t.WORKSPACE_CONFIGURATION in client.server_requests
    assert asked == expect(client)["configuration"]
    doc.close()


async def test_diagnostic_ranges_use_the_negotiated_encoding(client: Client):
    doc = Doc(client, client.root / "ranges.md", TEXT)
    diags = findings(await diagnostics(client, doc))
    enc = client.encoding
    assert [text_in(TEXT, d.range, enc) for d in diags] == ["an information convention", "counterfeit consciousness"]
    start = TEXT.index("counterfeit")
    assert diags[1].range.start == position(TEXT, start, enc)
    expected_column = {"utf-16": start + 1, "utf-8": len(TEXT[:start].encode()), "utf-32": start}[enc]
    assert diags[1].range.start.character == expected_column
    doc.close()


async def test_quick_fix_and_fix_all(client: Client):
    doc = Doc(client, client.root / "fix.md", TEXT)
    await diagnostics(client, doc)
    actions = await doc.actions(doc.range_of("counterfeit"))
    if client.name == "legacy":  # commands only; the server applies the edit through workspace/applyEdit
        assert all(isinstance(a, t.Command) for a in actions)
        await run_and_apply(client, doc, actions[0])
    else:
        (fix,) = [a for a in actions if isinstance(a, t.CodeAction) and a.edit]
        assert fix.is_preferred in ((True,) if client.name != "neovim@v0.7.0" else (None,))
        doc.apply(fix.edit)
    assert doc.text == TEXT.replace("counterfeit consciousness", "artificial intelligence")
    await diagnostics(client, doc)
    (fix_all,) = await doc.actions(only=[FIX_ALL])
    if client.name == "legacy":
        await run_and_apply(client, doc, fix_all)
    else:
        assert fix_all.edit is not None  # asked for our exact kind: the edit comes inline, for every client
        doc.apply(fix_all.edit)
    assert doc.text == "Ñandú 😀 notes: we held a news conference on artificial intelligence 🎉.\n"
    assert await doc.actions(only=[FIX_ALL]) == []
    doc.close()


async def test_settings_change_reaches_the_server(client: Client):
    doc = Doc(client, client.root / "change.md", TEXT)
    assert len(findings(await diagnostics(client, doc))) == 2
    refreshes = client.diagnostic_refresh_count
    mark = client.mark(doc.uri)
    new = {"allow": ["counterfeit consciousness"]}
    client.set_configuration(new, section="unspun")
    settings = None if expect(client)["configuration"] else {"unspun": new}
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=settings))
    if expect(client)["pull"]:
        await client.wait_for(lambda: client.diagnostic_refresh_count > refreshes, what="a diagnostic refresh")
        diags = await diagnostics(client, doc)
    else:
        diags = await client.diagnostics_after(doc.uri, mark)
    assert [text_in(doc.text, d.range, client.encoding) for d in findings(diags)] == ["an information convention"]
    # back to the defaults, and wait until the server has taken that in
    refreshes, mark = client.diagnostic_refresh_count, client.mark(doc.uri)
    client.set_configuration({}, section="unspun")
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings=None if expect(client)["configuration"] else {"unspun": {}})
    )
    if expect(client)["pull"]:
        await client.wait_for(lambda: client.diagnostic_refresh_count > refreshes, what="a diagnostic refresh")
    else:
        assert len(findings(await client.diagnostics_after(doc.uri, mark))) == 2
    doc.close()


async def test_pull_only_for_pull_clients_with_result_ids(client: Client):
    doc = Doc(client, client.root / "pull.md", TEXT)
    if not expect(client)["pull"]:
        with pytest.raises(JsonRpcException) as err:  # not offered, so not served
            await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(text_document=doc.id))
        assert err.value.code == -32601
        assert len(findings(await doc.diagnostics())) == 2  # pushed instead
        doc.close()
        return
    first = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(text_document=doc.id))
    assert first.kind == "full" and first.result_id
    same = await client.text_document_diagnostic_async(
        t.DocumentDiagnosticParams(text_document=doc.id, previous_result_id=first.result_id)
    )
    assert same.kind == "unchanged" and same.result_id == first.result_id
    doc.replace("notes", "more notes")
    changed = await client.text_document_diagnostic_async(
        t.DocumentDiagnosticParams(text_document=doc.id, previous_result_id=first.result_id)
    )
    assert changed.kind == "full" and changed.result_id != first.result_id
    # typed after every finding: no diagnostic changed, so the client has nothing to read again
    doc.replace("\U0001f389.", "\U0001f389. Thanks.")
    again = await client.text_document_diagnostic_async(
        t.DocumentDiagnosticParams(text_document=doc.id, previous_result_id=changed.result_id)
    )
    assert again.kind == "unchanged" and again.result_id == changed.result_id
    assert not client.published  # never pushed to a pull client
    doc.close()


async def test_hover_format_follows_the_client(client: Client):
    doc = Doc(client, client.root / "hover.md", TEXT)
    await diagnostics(client, doc)
    hover = await client.text_document_hover_async(t.HoverParams(text_document=doc.id, position=doc.range_of("counterfeit").start))
    markdown = client.name != "legacy"
    assert hover.contents.kind == (t.MarkupKind.Markdown if markdown else t.MarkupKind.PlainText)
    value = hover.contents.value
    assert value.startswith("**unspun**: " if markdown else "unspun: ")
    assert ("\n- " in value) == markdown  # the evidence as a list
    assert "why this is a tortured phrase" in value
    # the evidence in plain words
    assert "is a known tortured phrase, a garbled \u201cartificial intelligence\u201d (the \u201clsptest\u201d lexicon" in value
    assert "Fix-all replaces it" in value
    assert "log10" not in value
    doc.close()
