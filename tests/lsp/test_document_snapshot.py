"""A request reads a document once: one snapshot (text, version, format, options, settings) is taken and
handed down, and what was computed from a snapshot whose options a refresh made doubtful is not pushed. The
handlers run in-process on the real analysis (the mini lexicon)."""

from __future__ import annotations

import asyncio
from collections import Counter

from lsprotocol import types as t

from unspun.lsp import server as server_mod

URI = "file:///notes.md"
TEXT = "# Notes\n\nThe delegates met at an information convention.\n"


def _server(mini_engine, monkeypatch):
    ls = server_mod.create_server()
    ls.analyses.engine = mini_engine
    doc = ls.docs.open(t.TextDocumentItem(uri=URI, language_id="markdown", version=1, text=TEXT))
    calls: Counter = Counter()
    for name in ("options_for", "settings_for", "checks"):
        real = getattr(ls, name)

        def counted(d, real=real, name=name):
            calls[name] += 1
            return real(d)

        monkeypatch.setattr(ls, name, counted)
    sent: list = []
    monkeypatch.setattr(ls.publisher, "_send", lambda doc, version, items: sent.append((version, items)))
    return ls, doc, calls, sent


def test_a_push_asks_the_session_once_for_the_document(mini_engine, monkeypatch):
    ls, doc, calls, sent = _server(mini_engine, monkeypatch)
    asyncio.run(ls.publisher.publish(doc))
    assert calls == {"options_for": 1, "settings_for": 1, "checks": 1}
    assert len(sent) == 1 and sent[0][0] == 1 and "information convention" in sent[0][1]
    assert doc.result is not None and doc.result.key.version == 1 and doc.result.key.format == "markdown"


def test_a_hover_reads_the_options_its_analysis_was_made_with(mini_engine, monkeypatch):
    ls, doc, calls, _sent = _server(mini_engine, monkeypatch)
    line = TEXT.splitlines().index("The delegates met at an information convention.")
    params = t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=URI), position=t.Position(line=line, character=30)
    )
    hover = asyncio.run(server_mod.hover(ls, params))
    assert hover is not None and calls["options_for"] == 1


def test_what_a_refresh_made_doubtful_is_not_pushed(mini_engine, monkeypatch):
    ls, doc, _calls, sent = _server(mini_engine, monkeypatch)
    monkeypatch.setattr(ls.publisher, "schedule", lambda doc, delay_ms=None: None)  # (the refresh's own push)
    real = ls.analysis_of

    async def refreshed_meanwhile(snap, early=None):
        ls.publisher.refresh(doc)  # as if an ignore or a setting changed while the analysis ran
        return await real(snap, early)

    monkeypatch.setattr(ls, "analysis_of", refreshed_meanwhile)
    asyncio.run(ls.publisher.publish(doc))
    assert sent == []
    monkeypatch.setattr(ls, "analysis_of", real)
    asyncio.run(ls.publisher.publish(doc))
    assert len(sent) == 1
