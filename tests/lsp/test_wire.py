"""The wire: a message that is not JSON gets the JSON-RPC "Parse error" response (null id), a request before
`initialize` gets ServerNotInitialized, and in both cases the server goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class Wire:
    """A bare JSON-RPC connection to a fresh `unspun serve`, for messages no client library would send."""

    def __init__(self, server: subprocess.Popen):
        self.server = server

    def send(self, message: dict | bytes) -> None:
        body = message if isinstance(message, bytes) else json.dumps(message).encode()
        self.server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.server.stdin.flush()

    def read(self) -> dict:
        length = 0
        while (line := self.server.stdout.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.server.stdout.read(length))


@contextmanager
def wire() -> Iterator[Wire]:
    server = subprocess.Popen(
        [sys.executable, "-m", "unspun", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield Wire(server)
    finally:
        server.kill()
        server.wait()


INITIALIZE = {"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {"capabilities": {}}}


def test_bad_json_gets_a_parse_error_with_a_null_id():
    with wire() as w:
        w.send(b"{this is not json")
        reply = w.read()
        assert reply["id"] is None and reply["error"]["code"] == -32700
        w.send(INITIALIZE)
        assert w.read()["id"] == 7  # and it goes on serving


def test_a_request_before_initialize_gets_an_error():
    with wire() as w:
        hover = {"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}}
        w.send({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": hover})
        reply = w.read()
        assert reply["id"] == 1 and reply["error"]["code"] == -32002, reply
        w.send(INITIALIZE)
        assert "result" in w.read()  # and the session can still start
