"""The transport against garbage: raw bytes piped into `python -m unspun serve`, raw replies read back
(`unspun.lsp.transport`), and the frame reader alone on byte streams cut in every way."""

from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
import time

import pytest

from unspun.lsp import transport

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
SHUTDOWN = {"jsonrpc": "2.0", "id": 90, "method": "shutdown", "params": None}  # null params, as eglot sends
EXIT = {"jsonrpc": "2.0", "method": "exit"}
WAIT = 20.0


def frame(message: dict | bytes, length: int | None = None) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body) if length is None else length, body)


class Raw:
    """`unspun serve` on pipes: bytes in, frames out (read with a deadline, so a deaf server fails the test)."""

    def __init__(self, env: dict | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "unspun", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
        )
        self._buf = b""

    def send(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _fill(self, deadline: float) -> None:
        fd = self.proc.stdout.fileno()
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise AssertionError("no reply from the server")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise AssertionError("the server closed its output")
        self._buf += chunk

    def read(self, timeout: float = WAIT) -> dict:
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self._buf:
            self._fill(deadline)
        head, rest = self._buf.split(b"\r\n\r\n", 1)
        headers = head.split(b"\r\n")
        # stdout holds frames and nothing else: a stray print would show up here
        assert all(h.startswith((b"Content-Length: ", b"Content-Type: ")) for h in headers), head
        length = int([h for h in headers if h.startswith(b"Content-Length")][0].split(b":")[1])
        while len(rest) < length:
            self._fill(deadline)
            rest = self._buf.split(b"\r\n\r\n", 1)[1]
        self._buf = rest[length:]
        return json.loads(rest[:length])

    def response(self, timeout: float = WAIT) -> dict:
        """The next response (notifications and server requests are passed over)."""
        while "method" in (msg := self.read(timeout)):
            pass
        return msg

    def reply_to(self, msg_id, timeout: float = WAIT) -> dict:
        """The response with this id (notifications and server requests before it are passed over)."""
        while True:
            msg = self.read(timeout)
            if "method" not in msg and msg.get("id") == msg_id:
                return msg

    def close(self) -> tuple[int, str]:
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            code = self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the server did not exit") from None
        return code, self.proc.stderr.read().decode("utf-8", "replace")


@pytest.fixture
def raw():
    servers: list[Raw] = []

    def start(**env) -> Raw:
        servers.append(Raw(env))
        return servers[-1]

    yield start
    for s in servers:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


def hover(msg_id: int) -> dict:
    params = {"textDocument": {"uri": "file:///nowhere.md"}, "position": {"line": 0, "character": 0}}
    return {"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover", "params": params}


# -- through the server ---------------------------------------------------------------------------------------

def test_a_huge_content_length_is_skipped_and_the_server_keeps_serving(raw):
    s = raw(UNSPUN_MAX_MESSAGE_BYTES="1000")
    s.send(b"Content-Length: 99999999999\r\n\r\n{}")
    s.send(frame(INITIALIZE))
    assert "result" in s.reply_to(1)
    s.send(frame(b'{"jsonrpc": "2.0", "id": 2, "method": "x", "params": {"t": "' + b"a" * 5000 + b'"}}'))
    s.send(frame(hover(3)))
    assert s.reply_to(3)["result"] is None  # the 5 kB frame was skipped, the next one answered
    code, err = s.close()
    assert code == 1  # the input ended without shutdown
    assert "99999999999 bytes is over the limit" in err and "5" in err


def test_the_default_limit_does_not_allocate_what_the_header_asks_for(raw):
    s = raw()
    s.send(b"Content-Length: 99999999999\r\n\r\n{}")
    code, err = s.close()
    assert code == 1 and "over the limit" in err and "MemoryError" not in err


@pytest.mark.parametrize("delta", [-7, +9])
def test_a_wrong_content_length_does_not_make_the_server_deaf(raw, delta):
    s = raw()
    s.send(frame(INITIALIZE))
    assert "result" in s.reply_to(1)
    body = json.dumps(hover(2)).encode()
    s.send(frame(body, len(body) + delta))
    s.send(frame(hover(3)))
    replies = [s.response(), s.response()]
    last = replies[-1]
    assert last["id"] == 3 and last["result"] is None, replies
    if delta < 0:  # the cut body is not JSON
        assert replies[0]["error"]["code"] == -32700 and replies[0]["id"] is None
    else:  # the body ended where the next header began: still a good request
        assert replies[0]["id"] == 2


@pytest.mark.parametrize(
    "body, code",
    [
        (b'{"jsonrpc": "2.0", "id": 5, "method": "x", "params": {"t": "\xff\xfe"}}', -32700),
        (b'{"jsonrpc": "2.0", "id": 5, "method": NaN}', -32700),
        (b'{"jsonrpc": "1.0", "id": 5, "method": "textDocument/hover"}', -32600),
        (b"[]", -32600),
        (b"[" + json.dumps(hover(5)).encode() + b"]", -32600),
        (b"42", -32600),
        (b"null", -32600),
        (b'"initialize"', -32600),
        (b'{"jsonrpc": "2.0", "id": {"a": [1]}, "method": "textDocument/hover", "params": {}}', -32600),
        (b'{"jsonrpc": "2.0", "id": [5], "method": "shutdown"}', -32600),
        (b'{"jsonrpc": "2.0", "id": true, "method": "shutdown"}', -32600),
        (b"[" * 100_000, -32700),
        (b'{"jsonrpc": "2.0", "id": 5}', (-32600, 5)),
        (b'{"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": 3}', (-32600, 5)),
    ],
)
def test_every_malformed_message_is_answered(raw, body, code):
    """With a null id where the id could not be read, as JSON-RPC 2.0 asks; with the id where it could."""
    code, msg_id = code if isinstance(code, tuple) else (code, None)
    s = raw()
    s.send(frame(body))
    reply = s.response()
    assert reply["id"] == msg_id and reply["error"]["code"] == code, reply
    assert "data" not in reply["error"] or "Traceback" not in str(reply["error"]["data"])
    s.send(frame(INITIALIZE))
    assert "result" in s.reply_to(1)


def test_initialize_twice_and_requests_after_shutdown_are_invalid(raw):
    s = raw()
    s.send(frame(INITIALIZE))
    assert "result" in s.reply_to(1)
    s.send(frame({**INITIALIZE, "id": 2}))
    assert s.reply_to(2)["error"]["code"] == -32600
    s.send(frame(SHUTDOWN))
    assert s.reply_to(90) == {"jsonrpc": "2.0", "id": 90, "result": None}
    s.send(frame(hover(4)))
    assert s.reply_to(4)["error"]["code"] == -32600
    s.send(frame(EXIT))
    assert s.close()[0] == 0


def test_exit_without_shutdown_is_an_error(raw):
    s = raw()
    s.send(frame(INITIALIZE))
    s.reply_to(1)
    s.send(frame(EXIT))
    assert s.close()[0] == 1


def test_shutdown_while_the_engine_loads(raw):
    """The default settings load the shipped lexicons and the language model after `initialized`: shutdown
    arrives while that runs."""
    s = raw()
    s.send(frame(INITIALIZE) + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}) + frame(SHUTDOWN))
    reply = s.reply_to(90)
    assert reply.get("result", "missing") is None and "error" not in reply, reply
    s.send(frame(EXIT))
    code, err = s.close()
    assert code == 0, err
    assert "changed size during iteration" not in err


# -- the frame reader alone ------------------------------------------------------------------------------

def bodies(stream: bytes, chunk: int = 7, max_message: int = 1000, idle: float = 0.05) -> tuple[list[bytes], transport.FrameReader]:
    pieces = [stream[i : i + chunk] for i in range(0, len(stream), chunk)]

    async def read() -> bytes:
        return pieces.pop(0) if pieces else b""

    async def go():
        frames = transport.FrameReader(read, max_message, idle)
        out = []
        while (b := await frames.next_body()) is not None:
            out.append(b)
        return out, frames

    return asyncio.run(go())


GOOD = [json.dumps(hover(i)).encode() for i in range(4)]


@pytest.mark.parametrize("chunk", [1, 3, 64, 100_000])
def test_frames_cut_anywhere_come_out_whole(chunk):
    stream = b"".join(frame(b) for b in GOOD)
    stream = stream.replace(b"\r\n\r\n", b"\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n", 1)
    out, frames = bodies(stream, chunk)
    assert out == GOOD and frames.skipped_bytes == 0


@pytest.mark.parametrize("chunk", [1, 5, 4096])
def test_noise_between_frames_is_skipped(chunk):
    stream = b"garbage\r\n\r\n" + frame(GOOD[0]) + b"}}}\x00\xff" + frame(GOOD[1]) + b"Content-Length: x\r\n\r\n" + frame(GOOD[2])
    out, frames = bodies(stream, chunk)
    assert out == GOOD[:3] and frames.skipped_bytes > 0


def test_an_oversized_frame_is_skipped_without_being_kept():
    big = b'{"t": "' + b"a" * 50_000 + b'"}'
    out, frames = bodies(frame(GOOD[0]) + frame(big) + frame(GOOD[1]), chunk=999, max_message=10_000)
    assert out == GOOD[:2] and frames.oversized == 1


def test_a_body_short_of_its_length_is_taken_when_the_stream_goes_quiet():
    out, _ = bodies(frame(GOOD[0], len(GOOD[0]) + 50))
    assert out == [GOOD[0]]


def test_a_header_without_an_end_is_noise():
    out, frames = bodies(b"Content-Length: 5" + b"x" * 20_000 + frame(GOOD[0]), chunk=512)
    assert out == [GOOD[0]] and frames.skipped_bytes > 0


@pytest.mark.parametrize(
    "body, ok",
    [
        (GOOD[0], True),
        (b'{"jsonrpc": "2.0", "method": "initialized", "params": {}}', True),
        (b'{"jsonrpc": "2.0", "id": "abc", "result": null}', True),
        (b'{"jsonrpc": "2.0", "id": 4, "method": "shutdown", "params": null}', True),  # as eglot sends it
        (b'{"jsonrpc": "2.0", "id": 3, "method": "x", "params": 5}', False),
        (b'{"jsonrpc": "2.0", "id": null, "method": "x"}', False),
        (b'{"jsonrpc": "2.0", "id": 1.5, "method": "x"}', False),
        (b'{"jsonrpc": "2.0", "method": 7}', False),
        (b'{"jsonrpc": 2.0, "method": "x"}', False),
        (b"\xef\xbb\xbf{}", False),
    ],
)
def test_the_envelope_check(body, ok):
    if ok:
        assert transport.decode(body)["jsonrpc"] == "2.0"
    else:
        with pytest.raises(transport.Invalid):
            transport.decode(body)


# -- garbage between good frames --------------------------------------------------------------------------

def garbage_stream(seed: int, frames: int) -> tuple[bytes, list[int]]:
    """Good requests (ids 0..frames-1) with, before each, at random: noise (random bytes, no header name in
    them), a frame whose Content-Length is too short or too long, an oversized frame, a body that is not
    JSON, or nothing. Returns the stream and the ids every reader must deliver, in order."""
    import random

    rng = random.Random(seed)
    out = bytearray()
    for i in range(frames):
        kind = rng.randrange(6)
        if kind == 0:
            noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
            out += noise.replace(b"ontent-", b"ontent_").replace(b"ONTENT-", b"ONTENT_")
        elif kind == 1:
            body = json.dumps(hover(10_000 + i)).encode()
            out += frame(body, max(1, len(body) - rng.randrange(1, 40)))
        elif kind == 2:
            body = json.dumps(hover(10_000 + i)).encode()
            out += frame(body, len(body) + rng.randrange(1, 5000))
        elif kind == 3:
            out += frame(b'{"x": "' + b"y" * 3000 + b'"}')  # over the limit of these readers
        elif kind == 4:
            out += frame(b"\xff{not json" * rng.randrange(1, 5))
        out += frame(hover(i))
    return bytes(out), list(range(frames))


@pytest.mark.parametrize("seed", range(8))
def test_every_good_frame_survives_garbage_around_it(seed):
    stream, want = garbage_stream(seed, 300)
    import random

    out, _ = bodies(stream, chunk=random.Random(seed).choice([5, 7, 512, 65536]), max_message=2000, idle=5)
    got = []
    for b in out:
        try:
            msg = transport.decode(b)
        except transport.Invalid:
            continue
        if msg.get("id", -1) < 10_000:
            got.append(msg["id"])
    assert got == want


def test_the_server_answers_every_good_request_among_garbage(raw):
    stream, want = garbage_stream(99, 200)
    s = raw(UNSPUN_MAX_MESSAGE_BYTES="2000")
    s.send(frame(INITIALIZE))
    s.reply_to(1)
    s.send(stream)
    got = []
    while len(got) < len(want):
        msg = s.response()
        if isinstance(msg.get("id"), int) and msg["id"] < 10_000:
            got.append(msg["id"])
    assert got == want


def test_a_fix_all_overtaken_by_an_edit_is_content_modified(raw):
    """didOpen, a fix-all request and an edit in one write: the edit arrives while the analysis the request
    waits for runs (a 400,000-character document), so the answer is ContentModified, not edits for the old
    text."""
    from support import server_options

    s = raw()
    s.send(frame({**INITIALIZE, "params": {"capabilities": {}, "initializationOptions": server_options()}}))
    s.reply_to(1)
    s.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    s.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///ready.md", "languageId": "markdown", "version": 1, "text": "An information convention.\n"}}}))
    while s.read().get("method") != "textDocument/publishDiagnostics":
        pass  # the engine is ready
    uri = "file:///stale.md"
    text = "We held an information convention today, and more words follow here.\n" * 5700
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 5700, "character": 0}}
    s.send(
        frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
        + frame({"jsonrpc": "2.0", "id": 5, "method": "textDocument/codeAction",
                 "params": {"textDocument": {"uri": uri}, "range": whole,
                            "context": {"diagnostics": [], "only": ["source.fixAll.unspun"]}}})
        + frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                 "params": {"textDocument": {"uri": uri, "version": 2},
                            "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                          "end": {"line": 0, "character": 0}}, "text": "x"}]}})
    )
    reply = s.reply_to(5)
    assert reply.get("error", {}).get("code") == -32801, reply
    s.send(frame({"jsonrpc": "2.0", "id": 6, "method": "textDocument/codeAction",
                  "params": {"textDocument": {"uri": uri}, "range": whole,
                             "context": {"diagnostics": [], "only": ["source.fixAll.unspun"]}}}))
    assert s.reply_to(6)["result"], "a request for the current version gets its fix-all"


def test_tcp_uses_the_same_transport():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "unspun", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with conn:
            conn.sendall(b"Content-Length: 99999999999\r\n\r\n{}" + frame(b"42") + frame(INITIALIZE) + frame(SHUTDOWN))
            data = b""
            while b'"id": 90' not in data:
                chunk = conn.recv(65536)
                assert chunk, data
                data += chunk
            assert b"-32600" in data and b"\"id\": 1," in data, data
            conn.sendall(frame(EXIT))
            assert proc.wait(WAIT) == 0
        assert proc.stdout.read() == b""  # the protocol went over the socket; nothing on stdout
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_an_internal_error_is_answered_without_its_traceback():
    """pygls puts the Python traceback of an internal error in the response's `data`; it goes to the log."""
    import json
    import sys

    from pygls.exceptions import JsonRpcInternalError

    from unspun.lsp import server as server_mod

    ls = server_mod.create_server()
    sent: list[bytes] = []

    class Writer:
        def write(self, data: bytes) -> None:
            sent.append(data)

        def close(self) -> None:
            pass

    ls.protocol.set_writer(Writer())
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        error = JsonRpcInternalError.of(sys.exc_info()).to_response_error()
    assert "traceback" in error.data  # what pygls would send
    ls.protocol._send_response(5, error=error)
    (frame,) = sent
    reply = json.loads(frame.split(b"\r\n\r\n", 1)[1])
    assert reply["id"] == 5 and reply["error"]["code"] == -32603 and "data" not in reply["error"]
    assert b"traceback" not in frame and b"test_stale.py" not in frame
