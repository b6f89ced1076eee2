"""The server exits by itself when the editor process named in `initialize` dies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def frame(obj: dict) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def test_server_exits_when_its_editor_dies(tmp_path):
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    env = dict(os.environ, UNSPUN_PARENT_POLL="0.2")
    server = subprocess.Popen(
        [sys.executable, "-m", "unspun", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env=env,
    )
    try:
        params = {"processId": editor.pid, "rootUri": tmp_path.as_uri(), "capabilities": {}}
        server.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}))
        server.stdin.flush()
        header = server.stdout.readline()
        assert header.startswith(b"Content-Length")  # it answered: it is serving
        time.sleep(0.5)
        assert server.poll() is None  # still running while the editor lives
        editor.kill()
        editor.wait()
        # stdin stays open (as when a wrapper holds the pipe): only the watch can stop the server
        deadline = time.time() + 10
        while server.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        assert server.poll() is not None, "the server outlived its editor"
    finally:
        editor.kill()
        server.kill()
        server.wait()
