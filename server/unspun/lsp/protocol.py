"""pygls' language server protocol with two changes the server needs.

* Documents live in `unspun.lsp.documents.DocumentStore` (LSP line semantics, one copy), so pygls' own copies
  of open documents are not kept.
* A request whose params cannot be read gets an InvalidParams error response -- pygls would only log it,
  leaving the client waiting for an answer forever -- and the server carries on.
* A request before `initialize` gets the ServerNotInitialized error (-32002); notifications before it are
  dropped (pygls would answer them as if the session had started).
* A notification's handler future is forgotten once it is done. pygls files the future of every handler that
  is a generator or coroutine -- its own built-in notification handlers among them, didChange included --
  under a made-up message id, and only a response ever removes one: a notification has none, so each
  keystroke kept a future alive for the life of the server (about 2 MB per 1,000 edits).
* A second `initialize`, and any request after `shutdown`, gets InvalidRequest (-32600); notifications after
  `shutdown` other than `exit` are dropped.
* `shutdown` cancels the requests in flight from a copy of pygls' table of them: cancelling one runs callbacks
  that change that table (pygls iterates over it directly, which failed while the engine was still loading).
* An internal error is answered without the Python traceback pygls puts in the response's `data` (it goes to
  the log instead).
* A request whose document moved on while it was computed (`JsonRpcContentModified`) is answered with
  ContentModified quietly: that is routine while the user types.
* `notify_text` sends a notification whose params are JSON text already, and a handler may answer with
  `JsonText` (diagnostics: see `unspun.lsp.convert`). Such text may hold non-ASCII characters as they are
  (sent as UTF-8); a lone surrogate among them goes out as its JSON escape.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

log = logging.getLogger("unspun.lsp")


class JsonText(str):
    """A request's result as JSON text already, sent as it is (see the module documentation)."""


def _encode(body: str, charset: str) -> bytes:
    """A message body as bytes; a lone surrogate (from a document that held an escaped one) as its JSON escape
    (it can only sit inside a JSON string)."""
    return body.encode(charset, "backslashreplace")


class _Answered:
    """Stands for a request already answered with an error while it was being read."""

    jsonrpc = "handled"


class UnspunProtocol(LanguageServerProtocol):
    """See the module documentation."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if not (isinstance(data, dict) and "id" in data and "method" in data):
                raise
            method = data.get("method")
            detail = _validation_detail(exc.__cause__) or str(exc)
            log.warning("invalid params for %s (id %s): %s", method, data.get("id"), detail)
            self._send_response(
                data["id"],
                error=types.ResponseError(
                    code=JsonRpcInvalidParams.CODE, message=f"Invalid params for {method}: {detail}"
                ),
            )
            return _Answered()

    def notify_text(self, method: str, params: str) -> None:
        """Send a notification whose params are JSON text already (see `unspun.lsp.convert.DiagnosticsText`),
        framed as pygls frames its own messages."""
        if self.writer is None:
            log.error("cannot send %s: no transport", method)
            return
        self._write_text(f'{{"jsonrpc":"{self.VERSION}","method":{json.dumps(method)},"params":{params}}}')

    def _write_text(self, body: str) -> None:
        data = _encode(body, self.CHARSET)
        if self._include_headers:
            data = (
                f"Content-Length: {len(data)}\r\n"
                f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
            ).encode("ascii") + data
        res = self.writer.write(data)
        if inspect.isawaitable(res):
            asyncio.ensure_future(res)

    def _handle_notification(self, method_name: str, params: Any):
        pending = self._request_futures
        known = set(pending)  # the requests in flight: a handful at most
        super()._handle_notification(method_name, params)
        for key in [k for k in pending if k not in known]:
            pending[key].add_done_callback(lambda _future, key=key: pending.pop(key, None))

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args):
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        self._shutdown = True
        return None

    def _send_handler_result(self, future, *, msg_id):
        # an expected outcome, not a failure: answered without pygls' logged traceback and error report
        if not future.cancelled() and isinstance(future.exception(), JsonRpcContentModified):
            self._request_futures.pop(msg_id, None)
            log.info("request %s: %s", msg_id, future.exception())
            self._send_response(msg_id, error=future.exception().to_response_error())
            return
        super()._send_handler_result(future, msg_id=msg_id)

    def _send_response(self, msg_id, result=None, error=None):
        if error is None and isinstance(result, JsonText) and self.writer is not None:
            self._result_types.pop(msg_id, None)
            self._write_text(f'{{"jsonrpc":"{self.VERSION}","id":{json.dumps(msg_id)},"result":{result}}}')
            return
        if error is not None and getattr(error, "data", None) is not None and error.code == -32603:
            log.error("internal error answering %s: %s\n%s", msg_id, error.message, error.data)
            error = types.ResponseError(code=error.code, message=error.message)
        super()._send_response(msg_id, result, error)

    def _refuse(self, message, text: str) -> None:
        msg_id = getattr(message, "id", None)
        log.warning("%s", text)
        if msg_id is not None:
            self._send_response(msg_id, error=types.ResponseError(code=-32600, message=text))

    #: whether `initialize` has arrived; before it, requests get ServerNotInitialized (-32002), as the LSP says
    _initialize_seen = False

    def handle_message(self, message):
        if isinstance(message, _Answered):
            return
        method = getattr(message, "method", None)
        if method is not None and self._shutdown and method != types.EXIT:
            self._refuse(message, f"{method}: the server is shutting down (only exit is accepted)")
            return
        if method == types.INITIALIZE and self._initialize_seen:
            self._refuse(message, "initialize: the server is initialized already")
            return
        if method is not None and not self._initialize_seen:
            if method == types.INITIALIZE:
                self._initialize_seen = True
            elif method != types.EXIT:
                msg_id = getattr(message, "id", None)
                if msg_id is not None:
                    self._send_response(
                        msg_id,
                        error=types.ResponseError(code=-32002, message=f"{method}: the server is not initialized yet"),
                    )
                return  # notifications before initialize are dropped
        super().handle_message(message)


def _validation_detail(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    try:
        from cattrs import transform_error

        return "; ".join(transform_error(exc))  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001
        return str(exc)
