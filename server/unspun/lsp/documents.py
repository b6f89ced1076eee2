"""Open documents: text kept in sync with the client, version, per-paragraph analysis cache, last result, ignores.

Incremental changes are applied here with the LSP's own notion of lines (`\\n`, `\\r\\n`, `\\r`) and the
negotiated position encoding, so the text always equals the editor's. The per-paragraph cache maps a
paragraph's text to the engine's pass-1 scan (the `Incremental.cache` of `Engine.analyze`); after an analysis
it keeps only the paragraphs still in the document, so a keystroke re-scans one paragraph and the cache never
grows beyond the document.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.uris import to_fs_path

from unspun import pipeline
from unspun.engine.model import Analysis
from unspun.lsp.convert import DiagnosticsText, PositionIndex

if TYPE_CHECKING:
    from unspun.lsp.snapshot import AnalysisKey, Result

#: cached scans of paragraphs no longer in the document that may stay until the next clean-up
STALE_PARAGRAPHS = 64


@dataclass(eq=False)
class DocumentState:
    # -- the text, kept in sync with the client (this module) --------------------------------------------
    uri: str
    text: str
    version: int | None = None
    language_id: str = ""
    encoding: str = "utf-16"
    # -- the user's ignores (`unspun.lsp.commands`) -------------------------------------------------------
    #: phrases (lexicon form) ignored in this document by the user ("ignore in this document")
    ignored: set[str] = field(default_factory=set)
    # -- analysis (`unspun.lsp.analysis`) -----------------------------------------------------------------
    #: what the checks of this document keep between versions: the paragraph cache (text -> pass-1 scan), the
    #: last version's paragraphs and prose (the next check reads again only what changed)
    checks: pipeline.State = field(default_factory=pipeline.State)
    #: the latest analysis and what it was computed for
    result: Result | None = None
    #: the analysis being computed now, what for, and how to cancel it
    task: asyncio.Future | None = None
    task_key: AnalysisKey | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    #: set when a newer version makes the running analysis pointless
    superseded: threading.Event = field(default_factory=threading.Event)
    # -- delivery (`unspun.lsp.diagnostics`) --------------------------------------------------------------
    #: pending debounced re-analysis
    debounce: asyncio.TimerHandle | None = None
    #: the version whose diagnostics were last pushed (to never push an older one after a newer one)
    published: tuple | None = None
    #: the pushed diagnostics as JSON text, kept per finding between versions
    diagnostics_text: DiagnosticsText = field(default_factory=DiagnosticsText)
    #: how many times the diagnostics were asked to be delivered again (`Publisher.refresh`)
    refreshes: int = 0
    _index: PositionIndex | None = None
    _lock: asyncio.Lock | None = None

    @cached_property
    def path(self) -> str | None:
        """The document's file system path (None when its URI is not a local file)."""
        if not self.uri.startswith("file:"):
            return None
        try:
            return to_fs_path(self.uri)
        except Exception:  # noqa: BLE001 - an odd URI is just not a local file
            return None

    @property
    def index(self) -> PositionIndex:
        if self._index is None or self._index.text is not self.text:
            self._index = PositionIndex(self.text, self.encoding)
        return self._index

    @property
    def lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def apply_changes(self, changes: Sequence[Any], version: int | None) -> None:
        for change in changes:
            rng = getattr(change, "range", None)
            if rng is None:  # whole document
                self.text = change.text
                self._index = None
            else:
                index = self.index
                start, end = index.offsets(rng)
                self._index = index.replaced(start, end, change.text)
                self.text = self._index.text
        self.version = version
        self.superseded.set()

    def keep_paragraphs(self, analysis: Analysis, text: str | None = None) -> None:
        """Drop cached scans of paragraphs no longer in the analysed text (`text`: the text the engine scanned,
        i.e. the document with its non-prose parts masked, when that differs from `analysis.text`)."""
        text = analysis.text if text is None else text
        cache = self.checks.cache
        if len(cache) <= len(analysis.paragraphs) + STALE_PARAGRAPHS:
            return  # a few stale scans cost less memory than finding them costs time on every keystroke
        live = {text[s:e] for s, e, _ in analysis.paragraphs}
        self.checks.cache = {k: v for k, v in cache.items() if k in live}


def _key(uri: str) -> str:
    return unquote(uri)


class DocumentStore:
    def __init__(self) -> None:
        self._docs: dict[str, DocumentState] = {}
        self.encoding = "utf-16"

    def open(self, item: types.TextDocumentItem) -> DocumentState:
        old = self._docs.get(_key(item.uri))
        if old is not None:
            if old.debounce is not None:
                old.debounce.cancel()
            old.cancel.set()
        doc = DocumentState(
            uri=item.uri, text=item.text, version=item.version, language_id=item.language_id or "", encoding=self.encoding
        )
        self._docs[_key(item.uri)] = doc
        return doc

    def close(self, uri: str) -> DocumentState | None:
        doc = self._docs.pop(_key(uri), None)
        if doc is not None:
            if doc.debounce is not None:
                doc.debounce.cancel()
            doc.cancel.set()
        return doc

    def get(self, uri: str) -> DocumentState | None:
        return self._docs.get(_key(uri))

    def __iter__(self) -> Iterator[DocumentState]:
        return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)
