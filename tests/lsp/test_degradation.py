"""Graceful degradation: odd document contents, unknown languages, a user lexicon that vanishes and a broken
project configuration each get a clear outcome, and the server keeps serving."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp

from support import LEXICON, Client, Doc, capabilities, findings, server_config, start, text_in

pytestmark = pytest.mark.asyncio(loop_scope="module")

SMALL = "We held an information convention.\n"


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("visual-studio-code"), workspace)
    yield
    await lsp_client.shutdown_session()


async def serving(client: Client, workspace, name: str) -> None:
    doc = Doc(client, workspace / f"{name}.md", SMALL)
    assert [text_in(doc.text, d.range) for d in findings(await doc.diagnostics())] == ["an information convention"]
    doc.close()


async def test_binary_looking_text_is_analysed_exactly(client: Client, workspace):
    text = "\x00\x01\x02\ufffd\ufeff PK\x03\x04 \U0001f600 an information convention \x00 \udcff"
    doc = Doc(client, workspace / "blob.txt", text, language_id="plaintext")
    diags = findings(await doc.diagnostics())
    assert [text_in(doc.text, d.range) for d in diags] == ["an information convention"]
    doc.close()
    await serving(client, workspace, "after-binary")


async def test_unknown_language_is_not_checked(client: Client, workspace):
    doc = Doc(client, workspace / "program.zzz", SMALL, language_id="no-such-language")
    await asyncio.sleep(0.3)
    assert not findings(client.diagnostics.get(doc.uri, []))
    doc.close()
    await serving(client, workspace, "after-unknown")


async def test_a_vanished_user_lexicon_is_reported(client: Client, workspace):
    own = workspace / "team.tsv"
    own.write_text(LEXICON.read_text("utf-8"), "utf-8")
    doc = Doc(client, workspace / "vanish.md", SMALL)
    await doc.diagnostics()
    (diags,) = await client.configure({"lexicons": [str(own)]}, doc)
    assert len(findings(diags)) == 1
    own.unlink()
    await asyncio.sleep(1.1)  # lexicon files are looked at no more than once a second
    mark = client.mark(doc.uri)
    doc.replace("We held", "They held")
    diags = findings(await client.diagnostics_after(doc.uri, mark))
    msgs = await client.wait_for(lambda: client.messages_containing("team.tsv"), what="a message naming team.tsv")
    assert any("not found" in m for m in msgs), msgs
    assert diags == []  # the only lexicon is gone: nothing to find, and nothing stale kept
    (diags,) = await client.configure({"lexicons": [str(LEXICON)]}, doc)
    assert [text_in(doc.text, d.range) for d in findings(diags)] == ["an information convention"]
    doc.close()
    await serving(client, workspace, "after-vanish")


async def test_a_broken_project_configuration_is_reported_with_its_line(client: Client, workspace):
    (workspace / "unspun.toml").write_text('[unspun]\nmin_confidence = 0.5\nallow = ["unterminated\n', "utf-8")
    await asyncio.sleep(1.1)  # the configuration file is looked at no more than once a second
    doc = Doc(client, workspace / "conf.md", SMALL)
    diags = findings(await doc.diagnostics())
    assert [text_in(doc.text, d.range) for d in diags] == ["an information convention"]  # defaults apply
    msgs = await client.wait_for(lambda: client.messages_containing("unspun.toml"), what="a message naming unspun.toml")
    assert msgs and any("TOML" in m for m in msgs) and any(":3" in m or "line 3" in m for m in msgs), msgs
    doc.close()
    (workspace / "unspun.toml").unlink()
    await serving(client, workspace, "after-config")
