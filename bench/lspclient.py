"""A small JSON-RPC client for driving `unspun serve` over stdio in the benchmarks.

Messages are framed with Content-Length headers. A reader thread stamps every incoming message with
`time.perf_counter()` as soon as its body has been read (before it is parsed), so latencies do not include
the client's own JSON decoding; it also records the body's size and when its decoding ended (`Received`),
for measures taken as a client sees them. Requests from the server (`workspace/configuration`,
`window/workDoneProgress/create`, ...) are answered with `null`; the client advertises none of those
capabilities, so the server should not send them.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: what the benchmark client tells the server it supports: push diagnostics, incremental sync, nothing else
CAPABILITIES = {
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": False},
        "publishDiagnostics": {"versionSupport": True},
    },
    "general": {"positionEncodings": ["utf-16"]},
}


#: what a client that pulls diagnostics tells the server (as VS Code does: pull, and refresh when asked)
PULL_CAPABILITIES = {
    "textDocument": {**CAPABILITIES["textDocument"], "diagnostic": {"dynamicRegistration": False}},
    "workspace": {"diagnostics": {"refreshSupport": True}},
    "general": CAPABILITIES["general"],
}


@dataclass
class Received:
    """One message as the client received it: when its body had been read, when it was decoded, its size."""

    read: float
    decoded: float
    size: int


class Server:
    """One `python3 -m unspun serve` process and the messages it has sent (extra server arguments, e.g.
    `--log-level debug`, from the environment variable UNSPUN_BENCH_SERVER_ARGS). `pythonpath`: run the
    package from that folder (the `server` folder of another checkout) instead of the one on the path."""

    def __init__(
        self, init_options: dict | None = None, stderr_path: str | None = None, pythonpath: str | None = None,
        capabilities: dict | None = None,
    ):
        self.init_options = init_options or {}
        self.capabilities = capabilities or CAPABILITIES
        self.stderr = open(stderr_path or os.devnull, "wb")
        self.started = time.perf_counter()
        env = dict(os.environ, PYTHONPATH=pythonpath) if pythonpath else None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "unspun", "serve", *os.environ.get("UNSPUN_BENCH_SERVER_ARGS", "").split()],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, cwd=str(ROOT), env=env,
        )
        self.pid = self.proc.pid
        self._next_id = 0
        self._lock = threading.Lock()
        self.responses: dict[int, queue.Queue] = {}
        self.diagnostics: queue.Queue = queue.Queue()  # (arrival time, params)
        #: how each message of `diagnostics` and each response was received (id of its params or response)
        self.received: dict[int, Received] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # -- wire ---------------------------------------------------------------------------------------------
    def _send(self, msg: dict) -> float:
        body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self._lock:
            t = time.perf_counter()
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        return t

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            body = out.read(length)
            t = time.perf_counter()
            msg = json.loads(body)
            got = Received(t, time.perf_counter(), len(body))
            if "method" in msg and "id" in msg:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif "method" in msg:
                if msg["method"] == "textDocument/publishDiagnostics":
                    self.received[id(msg["params"])] = got
                    self.diagnostics.put((t, msg["params"]))
            elif "id" in msg:
                q = self.responses.get(msg["id"])
                if q is not None:
                    self.received[id(msg)] = got
                    q.put((t, msg))

    def request(self, method: str, params, timeout: float = 120) -> tuple[float, dict]:
        """Send a request; return (seconds until the response, the response)."""
        self._next_id += 1
        rid = self._next_id
        q: queue.Queue = queue.Queue()
        self.responses[rid] = q
        t0 = self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        t, msg = q.get(timeout=timeout)
        del self.responses[rid]
        return t - t0, msg

    def notify(self, method: str, params) -> float:
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    # -- protocol -----------------------------------------------------------------------------------------
    def initialize(self) -> dict:
        _, msg = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "unspun-bench", "version": "1"},
                "rootUri": None,
                "capabilities": self.capabilities,
                "initializationOptions": {"unspun": self.init_options},
            },
        )
        self.notify("initialized", {})
        return msg

    def open(self, uri: str, text: str, version: int = 1, language: str = "plaintext") -> float:
        return self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}},
        )

    def change(self, uri: str, version: int, line: int, char: int, end_char: int, text: str) -> float:
        """One incremental change on one line: replace [char, end_char) with text."""
        rng = {"start": {"line": line, "character": char}, "end": {"line": line, "character": end_char}}
        return self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": rng, "text": text}]},
        )

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def wait_diagnostics(self, uri: str, version: int | None = None, timeout: float = 120) -> tuple[float, dict]:
        """Block until diagnostics for `uri` (and `version`, if given) arrive; return (arrival time, params).
        Diagnostics for other documents or older versions are dropped."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no diagnostics for {uri} version {version} within {timeout} s")
            try:
                t, params = self.diagnostics.get(timeout=left)
            except queue.Empty:
                continue  # the deadline check above raises TimeoutError
            if params.get("uri") != uri:
                continue
            if version is not None and params.get("version") != version:
                continue
            return t, params

    def rss_kib(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) of the server process in KiB, from /proc."""
        rss = hwm = 0
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return rss, hwm

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, from /proc). Time the process waits for
        a core that another guest holds is not counted: on a shared machine it is steadier than wall time."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def shutdown(self) -> int:
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            return self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a benchmark must not hang on a misbehaving server
            self.proc.kill()
            self.proc.wait()
            return -9
        finally:
            self.stderr.close()
