"""Oversized documents: only the first `maxDocumentSize` characters are checked, the user is told so, and the
server keeps serving; a 10 MB document and a single 1 MB line are handled."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as t

from support import Client, Doc, capabilities, findings, server_options, server_config, start, text_in

pytestmark = pytest.mark.asyncio(loop_scope="module")

FILLER = "The committee met on Tuesday and adjourned without further remarks. "


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("visual-studio-code"), workspace, server_options(maxDocumentSize=2000))
    yield
    await lsp_client.shutdown_session()


async def test_only_the_first_part_is_checked_and_the_user_is_told(client: Client, workspace):
    text = "An information convention.\n\n" + FILLER * 40 + "\n\nLate counterfeit consciousness.\n"
    assert len(text) > 2000
    doc = Doc(client, workspace / "long.md", text)
    diags = await doc.diagnostics()
    assert [text_in(doc.text, d.range) for d in findings(diags)] == ["An information convention"]
    notes = [d for d in diags if d.code == "document-too-large"]
    assert len(notes) == 1 and "maxDocumentSize" in notes[0].message and "2,000" in notes[0].message
    # fix-all stays within the checked part too
    actions = await doc.actions(only=["source.fixAll.unspun"])
    edits = [e for a in actions if isinstance(a, t.CodeAction) and a.edit for c in a.edit.document_changes or [] for e in c.edits]
    assert [e.new_text for e in edits] == ["A news conference"]
    doc.close()


async def test_raising_the_limit_checks_everything(client: Client, workspace):
    text = "An information convention.\n\n" + FILLER * 40 + "\n\nLate counterfeit consciousness.\n"
    doc = Doc(client, workspace / "long2.md", text)
    await doc.diagnostics()
    (diags,) = await client.configure({"maxDocumentSize": 0}, doc)
    assert [text_in(doc.text, d.range) for d in findings(diags)] == ["An information convention", "counterfeit consciousness"]
    assert not [d for d in diags if d.code == "document-too-large"]
    await client.configure({"maxDocumentSize": 2000}, doc)
    doc.close()


async def test_huge_documents_are_bounded_and_the_server_keeps_serving(client: Client, workspace):
    ten_mb = (FILLER * 150 + "\n\n") * 1000  # ~10 MB
    one_line = "word " * 200_000 + "information convention"  # a single 1 MB line
    for name, text in (("ten.md", ten_mb), ("line.txt", one_line)):
        doc = Doc(client, workspace / name, text)
        diags = await doc.diagnostics()
        assert [d.code for d in diags] == ["document-too-large"]
        doc.close()
    small = Doc(client, workspace / "after.md", "An information convention.\n")
    assert len(findings(await small.diagnostics())) == 1
    small.close()
