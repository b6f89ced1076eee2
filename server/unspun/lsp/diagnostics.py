"""Delivering diagnostics: pushed (`textDocument/publishDiagnostics`, debounced) or pulled
(`textDocument/diagnostic`), whichever the client supports; and asking for a refresh after settings change.
Either way as JSON text made by `convert.DiagnosticsText`, which rewrites only what an edit changed; a pulled
report whose text is what the client holds already is answered `unchanged`.

A push is sent only for the version it was computed on, and only while that version is still the document's
current one -- otherwise the newer version's own (already scheduled) push follows.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from unspun.lsp import convert
from unspun.lsp.documents import DocumentState
from unspun.lsp.protocol import JsonText

if TYPE_CHECKING:
    from unspun.lsp.session import UnspunServer
    from unspun.lsp.snapshot import DocumentSnapshot, Result

log = logging.getLogger("unspun.lsp")

#: diagnostics text of at least this many characters (about 100 diagnostics) is not pushed again unchanged
SKIP_SIZE = 20_000


class Publisher:
    def __init__(self, server: UnspunServer):
        self.server = server
        #: uri -> (id of the document, its refreshes, digest of the many diagnostics last pushed)
        self._pushed: dict[str, tuple[int, int, bytes]] = {}
        # the engine can change by itself (the language model, after a first start): deliver again
        server.analyses.on_engine_change = self.refresh

    # -- push -----------------------------------------------------------------------------------------------
    def schedule(self, doc: DocumentState, delay_ms: int | None = None) -> None:
        """(Re)start the debounce timer of a document; when it fires, analyse and push."""
        if not self.server.client.push_diagnostics:
            return
        if doc.debounce is not None:
            doc.debounce.cancel()
        delay = (self.server.settings.debounce_ms if delay_ms is None else delay_ms) / 1000
        loop = asyncio.get_running_loop()
        doc.debounce = loop.call_later(delay, lambda: asyncio.ensure_future(self.publish(doc)))

    async def publish(self, doc: DocumentState) -> None:
        srv = self.server
        doc.debounce = None
        if srv.docs.get(doc.uri) is not doc:
            return  # closed (or re-opened as a new document) meanwhile
        try:
            snap = await srv.snapshot(doc)
            res = await srv.analysis_of(snap, lambda early: self._push_early(snap, early))
        except Exception:  # noqa: BLE001 - a failed analysis must not stop later ones
            log.exception("analysis of %s failed", doc.uri)
            return
        version = snap.version
        if srv.docs.get(doc.uri) is not doc or doc.version != version:
            return  # stale: the newer version publishes for itself
        if snap.checked and res is None:
            return  # cancelled
        if doc.refreshes != snap.refreshes:
            return  # settings, ignores or the engine changed meanwhile; a refresh is on its way
        settings = snap.settings
        stamp = (res.key if res is not None else version, snap.settings_generation, tuple(sorted(settings.severity.items())))
        if doc.published == stamp:
            return  # already sent exactly this
        doc.published = stamp
        items = (
            doc.diagnostics_text.json(res.analysis, res.index, settings, res.key.options.spin_threshold)
            if res is not None else "[]"
        )
        self._send(doc, version, items)

    def _push_early(self, snap: DocumentSnapshot, res: Result) -> None:
        """Push a quick analysis (all but some open-vocabulary findings) while the complete one is computed:
        only while its version is current and its settings still apply. The complete push follows."""
        srv, doc, version = self.server, snap.doc, snap.version
        if srv.docs.get(doc.uri) is not doc or doc.version != version or doc.refreshes != snap.refreshes:
            return
        self._send(doc, version, doc.diagnostics_text.json(
            res.analysis, res.index, snap.settings, res.key.options.spin_threshold
        ))
        log.debug("early diagnostics of %s v%s: %d finding(s)", doc.uri, version, len(res.analysis.findings))

    def _send(self, doc: DocumentState, version: int, items: str) -> None:
        """publishDiagnostics with `items`, a JSON array of diagnostics as text (see `convert.DiagnosticsText`).

        Not when they are many (`SKIP_SIZE`) and the ones last pushed for the document since its last refresh:
        an edit that changed no diagnostic (typing after the last finding of a line, or past the
        `maxDiagnostics` shown) then leaves the client's as they are, right for the new text too, instead of
        having it read and draw them all again. A refresh (settings, ignores, engine) always pushes, and so
        does every version of a document with fewer diagnostics (cheap for a client, and what a client that
        waits for the diagnostics of a version expects)."""
        if len(items) >= SKIP_SIZE:
            digest = hashlib.blake2b(items.encode("utf-8", "surrogatepass"), digest_size=12).digest()
            sent = (id(doc), doc.refreshes, digest)
            if self._pushed.get(doc.uri) == sent:
                log.debug("diagnostics of %s v%s unchanged: not pushed", doc.uri, version)
                return
            self._pushed[doc.uri] = sent
        else:
            self._pushed.pop(doc.uri, None)
        self.server.protocol.notify_text(
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
            f'{{"uri":{convert.dumps(doc.uri)},"version":{json.dumps(version)},"diagnostics":{items}}}',
        )

    def clear(self, uri: str) -> None:
        self._pushed.pop(uri, None)
        if self.server.client.push_diagnostics:
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def refresh(self, doc: DocumentState | None = None) -> None:
        """Settings, ignores or allow-lists changed: re-deliver (one document, or all)."""
        srv = self.server
        for d in [doc] if doc is not None else srv.docs:
            d.refreshes += 1  # (what was computed before this may not go out: see `publish`)
        if srv.client.push_diagnostics:
            for d in [doc] if doc is not None else srv.docs:
                self.schedule(d, 0)
        elif srv.client.diagnostic_refresh:
            srv.workspace_diagnostic_refresh(None)

    # -- pull -----------------------------------------------------------------------------------------------
    async def pull(self, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        srv = self.server
        doc = srv.docs.get(params.text_document.uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        for _ in range(5):  # the document may change while we work: answer for its newest version
            snap = await srv.snapshot(doc)
            res = await srv.analysis_of(snap)
            if doc.version == snap.version:
                break
        if res is None and snap.checked:
            # cancelled or overtaken by edits: ask the client to ask again rather than clear its diagnostics
            raise JsonRpcException(
                code=types.LSPErrorCodes.ServerCancelled.value,
                message="the document changed while it was being analysed",
                data={"retriggerRequest": True},
            )
        if res is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        # the report's id is a digest of its text: an edit that changes no diagnostic (a keystroke past the
        # shown findings, or in a paragraph without any) is answered `unchanged`, and the client has nothing
        # to read, convert or draw again
        items = doc.diagnostics_text.json(res.analysis, res.index, snap.settings, res.key.options.spin_threshold)
        result_id = hashlib.blake2b(items.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return JsonText(f'{{"kind":"full","resultId":"{result_id}","items":{items}}}')  # type: ignore[return-value]
