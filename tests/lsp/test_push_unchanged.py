"""A push that would repeat many diagnostics the client holds already is left out: an edit that changes no
diagnostic does not make an editor read and draw hundreds again. A refresh, and every version of a document with
few diagnostics, is pushed all the same. In-process, on the real analysis (the mini lexicon)."""

from __future__ import annotations

import asyncio

from lsprotocol import types as t

from unspun.lsp import diagnostics as diagnostics_mod, server as server_mod

URI = "file:///many.txt"
PARAGRAPH = "The delegates met at an information convention on Monday"


def _server(mini_engine, monkeypatch, text: str):
    ls = server_mod.create_server()
    ls.analyses.engine = mini_engine
    doc = ls.docs.open(t.TextDocumentItem(uri=URI, language_id="plaintext", version=1, text=text))
    pushed: list[tuple[int, str]] = []

    def record(method, params):
        assert method == t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
        pushed.append(params)

    monkeypatch.setattr(ls.protocol, "notify_text", record)
    return ls, doc, pushed


def _edit(doc, version: int, line: int, col: int, new: str) -> None:
    pos = t.Position(line=line, character=col)
    doc.apply_changes([t.TextDocumentContentChangePartial(range=t.Range(start=pos, end=pos), text=new)], version)


def _versions(pushed) -> list[int]:
    import json

    return [json.loads(p)["version"] for p in pushed]


def test_many_unchanged_diagnostics_are_not_pushed_again(mini_engine, monkeypatch):
    text = "\n\n".join(f"{PARAGRAPH} ({i})." for i in range(200)) + "\n"  # (all shown: fewer than maxDiagnostics)
    ls, doc, pushed = _server(mini_engine, monkeypatch, text)
    asyncio.run(ls.publisher.publish(doc))
    assert _versions(pushed) == [1] and len(pushed[0]) >= diagnostics_mod.SKIP_SIZE
    last = len(text.split("\n")) - 2
    _edit(doc, 2, last, len(PARAGRAPH) - 2, "x")  # "Mondxay", after the last finding of its line: nothing moves
    asyncio.run(ls.publisher.publish(doc))
    assert _versions(pushed) == [1]
    _edit(doc, 3, last, 0, "So ")  # before a finding on the same line: it moves
    asyncio.run(ls.publisher.publish(doc))
    assert _versions(pushed) == [1, 3]
    items = pushed[-1].split('"diagnostics":', 1)[1][:-1]
    ls.publisher._send(doc, 3, items)
    assert _versions(pushed) == [1, 3]
    doc.refreshes += 1  # (settings, ignores or the engine changed): pushed although the same
    ls.publisher._send(doc, 3, items)
    assert _versions(pushed) == [1, 3, 3]


def test_few_diagnostics_are_pushed_for_every_version(mini_engine, monkeypatch):
    text = f"{PARAGRAPH}.\n"
    ls, doc, pushed = _server(mini_engine, monkeypatch, text)
    asyncio.run(ls.publisher.publish(doc))
    _edit(doc, 2, 0, len(PARAGRAPH), " and Tuesday")
    asyncio.run(ls.publisher.publish(doc))
    assert _versions(pushed) == [1, 2]
    assert pushed[0].split('"diagnostics":')[1] == pushed[1].split('"diagnostics":')[1]
