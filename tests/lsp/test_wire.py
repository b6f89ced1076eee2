"""Messages that are not JSON at all get the JSON-RPC "Parse error" response (null id), and the server goes on."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bad_json_gets_a_parse_error_with_a_null_id():
    server = subprocess.Popen(
        [sys.executable, "-m", "unspun", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        def send(body: bytes) -> None:
            server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            server.stdin.flush()

        def read() -> dict:
            length = 0
            while (line := server.stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            return json.loads(server.stdout.read(length))

        send(b"{this is not json")
        reply = read()
        assert reply["id"] is None and reply["error"]["code"] == -32700
        send(json.dumps({"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {"capabilities": {}}}).encode())
        assert read()["id"] == 7  # and it goes on serving
    finally:
        server.kill()
        server.wait()


def test_a_request_before_initialize_gets_an_error():
    server = subprocess.Popen(
        [sys.executable, "-m", "unspun", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        def send(obj: dict) -> None:
            body = json.dumps(obj).encode()
            server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            server.stdin.flush()

        def read() -> dict:
            length = 0
            while (line := server.stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            return json.loads(server.stdout.read(length))

        hover = {"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}}
        send({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": hover})
        reply = read()
        assert reply["id"] == 1 and reply["error"]["code"] == -32002, reply
        send({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"capabilities": {}}})
        assert "result" in read()  # and the session can still start
    finally:
        server.kill()
        server.wait()
