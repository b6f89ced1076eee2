"""Answers for a document that moved on while they were computed are ContentModified (-32801), never edits
for the older text. The handlers run in-process with an analysis that lets the test edit the document while
it "runs"."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as t
from pygls.exceptions import JsonRpcContentModified

from unspun.engine import Options
from unspun.lsp import server as server_mod
from unspun.lsp.convert import PositionIndex
from unspun.lsp.snapshot import AnalysisKey, Result

URI = "file:///stale.md"
WHOLE = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=1, character=0))


def code_action_params(only=("source.fixAll.unspun",)) -> t.CodeActionParams:
    return t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=URI), range=WHOLE,
        context=t.CodeActionContext(diagnostics=[], only=list(only)),
    )


def server_where(during, engine=None):
    """A server with one open document (version 1) whose analysis calls `during(ls, doc)` while it runs and
    then returns a result for the version it started with."""
    ls = server_mod.create_server()
    ls.docs.open(t.TextDocumentItem(uri=URI, language_id="markdown", version=1, text="some text\n"))
    calls = []

    async def analysis_of(snap, early=None):
        version = snap.version
        calls.append(version)
        await asyncio.sleep(0)
        during(ls, snap.doc)
        key = AnalysisKey(version=version, generation=0, options=Options(), format="markdown", max_chars=0)
        if engine is None:
            return Result(analysis=None, index=None, key=key)
        return Result(analysis=engine.analyze(snap.text), index=PositionIndex(snap.text, "utf-16"), key=key)

    ls.analysis_of = analysis_of
    return ls, calls


def edit(ls, doc):
    doc.apply_changes([t.TextDocumentContentChangeWholeDocument(text="other text\n")], doc.version + 1)


def reopen(ls, doc):
    ls.docs.close(URI)
    ls.docs.open(t.TextDocumentItem(uri=URI, language_id="markdown", version=1, text="some text\n"))


@pytest.mark.parametrize("during", [edit, reopen])
@pytest.mark.parametrize("only", [("source.fixAll.unspun",), ("quickfix",)])
def test_a_code_action_for_an_older_version_is_content_modified(during, only):
    ls, calls = server_where(during)
    with pytest.raises(JsonRpcContentModified):
        asyncio.run(server_mod.code_action(ls, code_action_params(only)))
    assert calls == [1]


def test_an_analysis_cut_short_by_a_newer_version_is_content_modified():
    """Not an empty list, which would read as "nothing to fix"."""
    ls = server_mod.create_server()
    ls.docs.open(t.TextDocumentItem(uri=URI, language_id="markdown", version=1, text="some text\n"))

    async def analysis_of(snap, early=None):
        await asyncio.sleep(0)
        edit(ls, snap.doc)
        return None  # cancelled: the document changed

    ls.analysis_of = analysis_of
    with pytest.raises(JsonRpcContentModified):
        asyncio.run(server_mod.code_action(ls, code_action_params()))


def test_an_unchecked_document_has_no_actions():
    ls = server_mod.create_server()
    ls.docs.open(t.TextDocumentItem(uri=URI, language_id="markdown", version=1, text="some text\n"))

    async def analysis_of(snap, early=None):
        return None

    ls.analysis_of = analysis_of
    assert asyncio.run(server_mod.code_action(ls, code_action_params())) == []


def test_a_fix_all_resolved_for_an_older_version_is_content_modified():
    ls, _ = server_where(edit)
    action = t.CodeAction(title="fix all", data={"fixAll": True, "uri": URI})
    with pytest.raises(JsonRpcContentModified):
        asyncio.run(server_mod.resolve_code_action(ls, action))


def test_a_current_answer_goes_through(mini_engine):
    ls, _ = server_where(lambda ls, doc: None, mini_engine)
    doc = ls.docs.get(URI)
    doc.text = "We held a information convention today.\n"
    actions = asyncio.run(server_mod.code_action(ls, code_action_params()))
    assert len(actions) == 1  # the fix-all (a bare command: this client declared no code action literals)
