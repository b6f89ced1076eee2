"""Configuration: initializationOptions, workspace/configuration, didChangeConfiguration; bad settings are
reported by name and the default is used; user lexicons (relative paths, reloaded when edited)."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as t

from support import LEXICON, Client, Doc, capabilities, findings, quoted, server_config, start, written

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = (
    "The minister held an information convention about counterfeit consciousness and profound learning.\n"
    "A shaky expression follows.\n"
)


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    lsp_client.set_configuration({}, section="unspun")
    await start(lsp_client, capabilities("visual-studio-code"), workspace)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
async def doc(client: Client, workspace, request):
    d = Doc(client, workspace / f"{request.node.name[:40]}.md", TEXT)
    await d.diagnostics()
    yield d
    await client.configure({}, d)  # back to the initializationOptions alone
    d.close()


def texts(diags) -> list[str]:
    return [written(d) for d in findings(diags)]


async def test_server_asks_for_its_configuration_section(client: Client, doc):
    assert t.WORKSPACE_CONFIGURATION in client.server_requests


async def test_min_confidence_takes_effect(client: Client, doc):
    assert texts(await doc.diagnostics()) == ["an information convention", "counterfeit consciousness", "profound learning", "shaky expression"]
    (diags,) = await client.configure({"minConfidence": 0.9}, doc)
    assert texts(diags) == ["an information convention", "counterfeit consciousness", "profound learning"]


async def test_what_fix_all_changes_is_never_a_hint(client: Client, doc):
    diags = findings(await doc.diagnostics())
    by_text = {written(d): d for d in diags}
    assert all(d.severity == t.DiagnosticSeverity.Warning for d in diags if d.data["safe"])
    # below `lowConfidence` one step milder, not below Information: still in the Problems panel and its count
    assert not by_text["shaky expression"].data["safe"]
    assert by_text["shaky expression"].severity == t.DiagnosticSeverity.Information
    (diags,) = await client.configure({"severity": {"fingerprint": "information"}, "lowConfidence": 1}, doc)
    assert {d.severity for d in findings(diags)} == {t.DiagnosticSeverity.Information}
    await client.configure({}, doc)


async def test_severity_per_kind_and_confidence(client: Client, doc):
    (diags,) = await client.configure({"severity": {"fingerprint": "error"}}, doc)
    by_text = {written(d): d.severity for d in findings(diags)}
    assert by_text["counterfeit consciousness"] == t.DiagnosticSeverity.Error
    # below `lowConfidence` (0.7 by default) a finding is shown one level lower
    assert by_text["shaky expression"] == t.DiagnosticSeverity.Warning
    (diags,) = await client.configure({"severity": {"fingerprint": "hint"}, "lowConfidence": 0.5}, doc)
    assert {d.severity for d in findings(diags)} == {t.DiagnosticSeverity.Hint}


async def test_kinds(client: Client, doc):
    (diags,) = await client.configure({"kinds": ["substitution"]}, doc)
    assert findings(diags) == []


async def test_bad_value_is_reported_and_the_default_used(client: Client, doc):
    (diags,) = await client.configure({"minConfidence": "high"}, doc)
    (msg,) = client.messages_containing("unspun.minConfidence")
    assert "using the default 0.5" in msg
    assert texts(diags) == ["an information convention", "counterfeit consciousness", "profound learning", "shaky expression"]


async def test_unknown_setting_gets_a_suggestion(client: Client, doc):
    await client.configure({"minConfidance": 0.9}, doc)
    (msg,) = client.messages_containing("unspun.minConfidance")
    assert "did you mean \u201cunspun.minConfidence\u201d" in msg
    assert [m.type for m in client.messages if "minConfidance" in m.message] == [t.MessageType.Warning]


async def test_missing_lexicon_is_reported_and_the_rest_used(client: Client, doc):
    (diags,) = await client.configure({"lexicons": [str(LEXICON), "no-such-lexicon.tsv"]}, doc)
    (msg,) = client.messages_containing("no-such-lexicon.tsv")
    assert "unspun.lexicons" in msg
    assert len(findings(diags)) == 4


async def test_spin_note_threshold_and_switch(client: Client, doc):
    assert any(d.code == "spin-score" for d in await doc.diagnostics())
    (diags,) = await client.configure({"spinThreshold": 50}, doc)
    assert not any(d.code == "spin-score" for d in diags)
    (diags,) = await client.configure({"spinNote": False}, doc)
    assert not any(d.code == "spin-score" for d in diags)


async def test_allow_setting(client: Client, doc):
    (diags,) = await client.configure({"allow": ["Counterfeit  Consciousness"]}, doc)
    assert texts(diags) == ["an information convention", "profound learning", "shaky expression"]


async def test_languages_and_file_types(client: Client, doc, workspace):
    txt = Doc(client, workspace / "plain.txt", TEXT, language_id="plaintext")
    assert findings(await txt.diagnostics())
    md_diags, txt_diags = await client.configure({"languages": ["markdown"], "fileExtensions": []}, doc, txt)
    assert findings(md_diags) and txt_diags == []
    txt.close()


async def test_fix_all_on_save(client: Client, doc):
    await client.configure({"fixAllOnSave": True}, doc)
    edits = await client.text_document_will_save_wait_until_async(
        t.WillSaveTextDocumentParams(text_document=doc.id, reason=t.TextDocumentSaveReason.Manual)
    )
    assert [e.new_text for e in edits] == ["a news conference", "artificial intelligence", "deep learning"]
    autosave = await client.text_document_will_save_wait_until_async(
        t.WillSaveTextDocumentParams(text_document=doc.id, reason=t.TextDocumentSaveReason.AfterDelay)
    )
    assert not autosave


async def test_user_lexicon_relative_to_workspace_and_reloaded(client: Client, doc, workspace):
    header = "tortured\texpected\n"
    (workspace / "extra.tsv").write_text(header + "shaky expression\tfirm wording\n", encoding="utf-8")
    (diags,) = await client.configure({"lexicons": [str(LEXICON), "extra.tsv"]}, doc)
    shaky = [d for d in findings(diags) if written(d) == "shaky expression"]
    assert quoted(shaky[0])[1:] == ["firm wording"]  # user lexicons override earlier ones
    await asyncio.sleep(1.1)  # files are checked for changes at most once a second
    (workspace / "extra.tsv").write_text(header + "shaky expression\tsolid wording\n", encoding="utf-8")
    doc.replace("follows", "follows here")
    diags = await doc.diagnostics()
    await client.wait_for(
        lambda: any(
            quoted(d)[1:] == ["solid wording"] for d in findings(client.published[doc.uri][-1].diagnostics)
        ),
        what="the reloaded lexicon",
    )


async def test_language_model_layers_can_be_switched_on(client: Client, doc):
    # whether or not the model's data is installed here, switching it on keeps lexicon findings coming
    (diags,) = await client.configure({"languageModel": True, "openVocabulary": True}, doc)
    assert "counterfeit consciousness" in texts(diags)


async def test_substitutions_as_hints_outside_spun_texts(client: Client, workspace):
    doc = Doc(client, workspace / "hints.md", "Trade with international locations was highly effective this year.\n")
    assert findings(await doc.diagnostics()) == []  # not spun: gated by default
    (diags,) = await client.configure({"substitutions": "hint"}, doc)
    shown = findings(diags)
    assert sorted(written(d) for d in shown) == ["highly effective", "international locations"]
    assert {d.severity for d in shown} == {t.DiagnosticSeverity.Hint}
    assert all(not d.data["safe"] and d.message.endswith("(possible spinner substitution)") for d in shown)
    # fix-all leaves hints alone
    result = await client.workspace_execute_command_async(
        t.ExecuteCommandParams(command="unspun.fixAll", arguments=[{"uri": doc.uri}])
    )
    assert result == {"applied": True, "edits": 0}
    # a text that looks spun: ordinary findings again
    doc.replace("Trade", "An information convention on counterfeit consciousness and profound learning. Trade")
    spun = findings(await doc.diagnostics())
    assert {written(d) for d in spun} >= {"highly effective", "international locations"}
    subs = [d for d in spun if d.code.startswith("substitution/")]
    assert subs and all(d.message.endswith(" (spinner substitution)") for d in subs)
    assert {d.severity for d in subs} <= {t.DiagnosticSeverity.Information, t.DiagnosticSeverity.Warning}
    await client.configure({}, doc)
    doc.close()
