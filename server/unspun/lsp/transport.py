"""The wire: reading LSP frames (`Content-Length` header, JSON body) from a byte stream that may be garbage, and
checking each message's JSON-RPC envelope before pygls sees it.

pygls' own reader trusts the stream: it allocates whatever `Content-Length` asks for, never finds its way
back after a frame whose length is wrong, and drops messages that are not JSON-RPC 2.0 without an answer.
This module replaces it for stdio and TCP; everything after the envelope check is pygls' (and
`unspun.lsp.protocol`'s).

* A frame longer than `max_message` bytes (default 64 MiB, environment variable `UNSPUN_MAX_MESSAGE_BYTES`)
  is never held in memory: an error is logged and its bytes are skipped as they arrive.
* Resynchronisation: a header line (`Content-Length: N` or `Content-Type: ...` followed by a raw line break)
  cannot occur inside a JSON text, so one found inside a body means the declared length was too long: the
  body ends there and the next frame starts there. Bytes before a header (what is left of a body whose length
  was too short, or plain noise) are skipped with a log line. A body that stops short of its declared length
  but is complete JSON is taken as it is once the stream has been idle for `IDLE_SECONDS`.
* A body that is not UTF-8 or not JSON gets the -32700 Parse error; JSON that is not a JSON-RPC 2.0 message
  (a batch, a number, `null`, another `jsonrpc` version, an id that is not a string or integer, a method that
  is not a string) gets -32600 Invalid Request. Both with a null id, as JSON-RPC 2.0 asks when the id could not
  be read. Notifications (no id) with a valid envelope but a bad `params` are logged, never answered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from unspun.lsp.pygls_adapter import send_message, shut_down, use_stop_event

log = logging.getLogger("unspun.lsp")

#: the largest frame body accepted, in bytes (64 MiB)
MAX_MESSAGE = 64 * 1024 * 1024
#: a header block (everything before the blank line) longer than this is noise
MAX_HEADER = 8 * 1024
#: how long a body shorter than its declared length must stay idle before it is taken as it is (seconds)
IDLE_SECONDS = 0.5
#: bytes read from the stream at a time
CHUNK = 64 * 1024

PARSE_ERROR = -32700
INVALID_REQUEST = -32600

# a header line: a name we know, a colon, a value (digits for the length; no quote in a type), CR LF. None can
# occur inside a JSON text: it would have to be in a string, and a string cannot hold a raw line break
_HEADER_LINE = re.compile(rb"content-length[ \t]*:[ \t]*\d{1,20}[ \t]*\r\n|content-type[ \t]*:[^\r\n\"]*\r\n", re.I)
# where a header line may begin (its end not read yet)
_HEADER_START = re.compile(rb"content-(?:length|type)", re.I)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d{1,20})[ \t\r]*$", re.I | re.M)


def max_message_size() -> int:
    raw = os.environ.get("UNSPUN_MAX_MESSAGE_BYTES", "")
    try:
        value = int(raw)
    except ValueError:
        if raw:
            log.warning("UNSPUN_MAX_MESSAGE_BYTES=%r is not a number of bytes; using %d", raw, MAX_MESSAGE)
        return MAX_MESSAGE
    return value if value > 0 else MAX_MESSAGE


class FrameReader:
    """Splits a byte stream into message bodies (see the module documentation).

    `read` returns the next chunk of the stream (b"" at its end)."""

    def __init__(self, read: Callable[[], Awaitable[bytes]], max_message: int | None = None, idle: float = IDLE_SECONDS):
        self._read = read
        self.max_message = max_message or max_message_size()
        self.idle = idle
        self._buf = bytearray()
        self._eof = False
        self._pending: asyncio.Future | None = None
        #: what was dropped, for tests and logs
        self.skipped_bytes = 0
        self.oversized = 0
        self._junk = 0

    async def _more(self, timeout: float | None = None) -> bool:
        """Append the next chunk to the buffer; False at the end of the stream or after `timeout` seconds."""
        if self._eof:
            return False
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._read())
        if timeout is not None:
            done, _ = await asyncio.wait({self._pending}, timeout=timeout)
            if not done:
                return False
        chunk = await self._pending
        self._pending = None
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def _skip(self, n: int) -> None:
        """Drop n bytes that belong to no message (logged once the run of them ends: `_skipped`)."""
        if n <= 0:
            return
        if self._buf[:n].strip():
            self._junk += n
        del self._buf[:n]

    def _skipped(self, why: str) -> None:
        if self._junk:
            self.skipped_bytes += self._junk
            log.error("skipped %d byte(s) that are not part of a message (%s)", self._junk, why)
            self._junk = 0

    async def next_body(self) -> bytes | None:
        """The next frame's body (None at the end of the stream)."""
        while True:
            length = await self._header()
            if length is None:
                return None
            if length > self.max_message:
                self.oversized += 1
                log.error(
                    "a message of %d bytes is over the limit of %d bytes (UNSPUN_MAX_MESSAGE_BYTES); skipped",
                    length, self.max_message,
                )
                if not await self._discard(length):
                    return None
                continue
            return await self._body(length)

    async def _header(self) -> int | None:
        """Consume one header block; its Content-Length (None at the end of the stream)."""
        while True:
            m = _HEADER_LINE.search(self._buf)
            if m is None:
                self._skip(len(self._buf) - 64)  # keep a tail that may be the start of a header
                if not await self._more():
                    self._skip(len(self._buf))
                    self._skipped("at the end of the stream")
                    return None
                continue
            self._skip(m.start())
            self._skipped("before a header")
            end = _HEADER_END.search(self._buf)
            if end is None or end.start() > MAX_HEADER:
                if len(self._buf) > MAX_HEADER:
                    self._skip(m.end())  # a header block without an end
                    continue
                if not await self._more():
                    self._skip(len(self._buf))
                    self._skipped("an unfinished header at the end of the stream")
                    return None
                continue
            block = bytes(self._buf[: end.start()])
            lm = _LENGTH.search(block)
            if lm is None:
                self._skip(end.end())
                self._skipped("a header without a valid Content-Length")
                continue
            del self._buf[: end.end()]
            return int(lm.group(1))

    def _may_hold_header(self, length: int) -> bool:
        """Whether a header line may begin before `length` whose end has not arrived yet."""
        if len(self._buf) >= length + 64 or self._eof:
            return False
        for m in _HEADER_START.finditer(self._buf, max(0, length - 64), length):
            if self._buf.find(b"\n", m.end()) < 0:
                return True
        return False

    async def _body(self, length: int) -> bytes:
        scanned = 0
        while True:
            # a header inside what should be this body: the declared length was too long
            m = _HEADER_LINE.search(self._buf, max(0, scanned - 64), min(len(self._buf), length + 64))
            if m is not None and m.start() < length:
                body = bytes(self._buf[: m.start()])
                del self._buf[: m.start()]
                log.error("a message was shorter than its Content-Length (%d < %d bytes)", len(body), length)
                return body
            if len(self._buf) >= length and not self._may_hold_header(length):
                return self._take(length)
            scanned = len(self._buf)
            if await self._more(self.idle if self._buf else None):
                continue
            if self._eof:
                return self._take(len(self._buf))
            # idle: what looked like the start of a header was none; or a body short of its length that is
            # already complete JSON, which a well-behaved client will not continue
            if len(self._buf) >= length:
                return self._take(length)
            if _complete_json(self._buf):
                log.error("a message was shorter than its Content-Length (%d < %d bytes)", len(self._buf), length)
                return self._take(len(self._buf))

    def _take(self, n: int) -> bytes:
        body = bytes(self._buf[:n])
        del self._buf[:n]
        return body

    async def _discard(self, length: int) -> bool:
        """Skip `length` bytes, or up to a header found among them; False at the end of the stream."""
        left = length
        while True:
            m = _HEADER_LINE.search(self._buf, 0, min(len(self._buf), left + 64))
            if m is not None and m.start() < left:
                del self._buf[: m.start()]
                return True
            if len(self._buf) >= left:
                del self._buf[:left]
                return True
            keep = min(64, len(self._buf))
            left -= len(self._buf) - keep
            del self._buf[: len(self._buf) - keep]
            if not await self._more():
                self._buf.clear()
                return False


def _complete_json(buf: bytearray) -> bool:
    tail = bytes(buf[-64:]).rstrip()
    if not tail or tail[-1:] not in (b"}", b"]"):
        return False
    try:
        json.loads(bytes(buf).decode("utf-8"))
        return True
    except (ValueError, RecursionError):
        return False


# -- the envelope ----------------------------------------------------------------------------------------

class Invalid(Exception):
    """A message that gets an error response with a null id (code, message)."""

    def __init__(self, code: int, message: str, msg_id: Any = None):
        super().__init__(message)
        self.code = code
        self.msg_id = msg_id


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def decode(body: bytes) -> dict:
    """The JSON-RPC 2.0 message in a frame body, or `Invalid` (see the module documentation)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid(PARSE_ERROR, f"Parse error: the message is not UTF-8 (byte {e.start})") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise Invalid(PARSE_ERROR, "Parse error: the message is nested too deeply") from None
    except ValueError as e:
        raise Invalid(PARSE_ERROR, f"Parse error: {e}") from None
    if isinstance(data, list):
        raise Invalid(INVALID_REQUEST, "Invalid Request: batches are not supported" if data else "Invalid Request: an empty batch")
    if not isinstance(data, dict):
        raise Invalid(INVALID_REQUEST, f"Invalid Request: a message must be a JSON object, not {type(data).__name__}")
    if data.get("jsonrpc") != "2.0":
        raise Invalid(INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"')
    has_id = "id" in data
    msg_id = data.get("id")
    if has_id and msg_id is not None and not _valid_id(msg_id):
        raise Invalid(INVALID_REQUEST, "Invalid Request: an id must be a string or an integer")
    if "method" in data:
        if not isinstance(data["method"], str):
            raise Invalid(INVALID_REQUEST, "Invalid Request: the method must be a string", msg_id)
        if has_id and msg_id is None:
            raise Invalid(INVALID_REQUEST, "Invalid Request: a request id must not be null")
        # (`null` is taken as no params: clients send it for requests without any, eglot for `shutdown`)
        if data.get("params") is not None and not isinstance(data["params"], (dict, list)):
            raise Invalid(INVALID_REQUEST, "Invalid Request: params must be an object or an array", msg_id)
        return data
    if has_id and ("result" in data or "error" in data):
        return data  # a response to one of our requests
    raise Invalid(INVALID_REQUEST, "Invalid Request: neither a request, a notification nor a response", msg_id)


# -- serving ---------------------------------------------------------------------------------------------

async def serve(protocol, frames: FrameReader, stop: threading.Event) -> None:
    """Hand every valid message to `protocol` (a pygls JsonRPCProtocol) until the stream ends or `stop` is set."""
    while not stop.is_set():
        # let what the last message started run up to its first wait before the next message is handled, as
        # when each message is read separately (a burst of messages read at once would otherwise all be
        # handled before any of the requests among them began)
        await asyncio.sleep(0)
        body = await frames.next_body()
        if body is None:
            break
        try:
            data = decode(body)
        except Invalid as e:
            log.error("%s", e)
            send_message(protocol, {"jsonrpc": "2.0", "id": e.msg_id, "error": {"code": e.code, "message": str(e)}})
            continue
        try:
            protocol.handle_message(protocol.structure_message(data))
        except Exception as e:  # noqa: BLE001 - one message must never stop the server
            log.error("could not handle a %s message: %s", data.get("method", "response"), e)
            if "method" in data and data.get("id") is not None:
                send_message(
                    protocol,
                    {"jsonrpc": "2.0", "id": data["id"], "error": {"code": -32603, "message": f"Internal error: {e}"}}
                )


class StdinChunks:
    """Reads a binary stream on a daemon thread (so a read that never returns cannot hold up the exit) and
    hands its chunks to the event loop; at most `ahead` chunks wait unread."""

    def __init__(self, stream, ahead: int = 64):
        self._stream = stream
        self._queue: asyncio.Queue[bytes] | None = None
        self._room = threading.Semaphore(ahead)
        self._thread: threading.Thread | None = None

    def _pump(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
        try:
            fd = self._stream.fileno()
        except (AttributeError, OSError, ValueError):
            fd = None
        while True:
            self._room.acquire()
            try:
                chunk = os.read(fd, CHUNK) if fd is not None else self._stream.read1(CHUNK)
            except OSError:
                chunk = b""
            try:
                loop.call_soon_threadsafe(queue.put_nowait, chunk)
            except RuntimeError:  # the loop is gone
                return
            if not chunk:
                return

    async def read(self) -> bytes:
        if self._queue is None:
            self._queue = asyncio.Queue()
            loop = asyncio.get_running_loop()
            self._thread = threading.Thread(target=self._pump, args=(loop, self._queue), name="unspun-stdin", daemon=True)
            self._thread.start()
        chunk = await self._queue.get()
        self._room.release()
        return chunk


def run_stdio(server, stdin, stdout) -> None:
    """Serve `server` (a pygls LanguageServer) over a pair of binary streams until `exit` or the end of input."""
    from pygls.io_ import StdoutWriter

    use_stop_event(server, stop := threading.Event())
    server.protocol.set_writer(StdoutWriter(stdout))
    frames = FrameReader(StdinChunks(stdin).read)
    try:
        asyncio.run(serve(server.protocol, frames, stop))
    except BrokenPipeError:
        log.error("the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


def run_tcp(server, host: str, port: int) -> int:
    """Serve `server` to the first client that connects to a TCP port, until it sends `exit` or disconnects;
    returns the exit code (0 after `shutdown`, 1 without)."""
    use_stop_event(server, stop := threading.Event())

    async def main() -> None:
        done: asyncio.Future = asyncio.get_running_loop().create_future()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            server.protocol.set_writer(writer)
            try:
                await serve(server.protocol, FrameReader(lambda: reader.read(CHUNK)), stop)
            except SystemExit:  # `exit`
                pass
            finally:
                if not done.done():
                    done.set_result(None)

        listener = await asyncio.start_server(connection, host, port)
        log.info("serving on %s", ", ".join(str(s.getsockname()) for s in listener.sockets))
        async with listener:
            await done

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0 if shut_down(server.protocol) else 1
