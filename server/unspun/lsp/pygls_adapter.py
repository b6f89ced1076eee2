"""The server's uses of pygls internals, each where pygls 2 has no public API for what the server needs.

Everything else goes through pygls' and lsprotocol's public API (the converter, for one, is
`lsprotocol.converters.get_converter()`). `unspun.lsp.protocol` subclasses pygls' protocol and overrides
some of its hooks by design; this module holds the reads and writes of pygls' state from outside it.
"""

from __future__ import annotations

import threading
from typing import Any


def send_message(protocol, data: dict[str, Any]) -> None:
    """Send a JSON-RPC message that is a plain object already: an error answering a message that could not be
    read, whose id may be null. pygls sends only what it structured itself through its public calls
    (`notify`, `send_request`, a handler's return value)."""
    protocol._send_data(data)


def use_stop_event(server, event: threading.Event) -> None:
    """Make `server.shutdown()` (what pygls does on `exit`) set `event`, which the server's own message loop
    (`unspun.lsp.transport`) watches. pygls sets its own event there and offers no call to give it one."""
    server._stop_event = event


def shut_down(protocol) -> bool:
    """Whether the client sent `shutdown` before the end (the exit code: 0 then, 1 without). pygls keeps that
    only in the protocol's own flag."""
    return bool(protocol._shutdown)


def stop_thread_pool(server) -> None:
    """Stop pygls' thread pool if it was made, without waiting: the public `thread_pool` property would make
    one to stop, and `LanguageServer.shutdown` waits for a pool whose thread may be blocked reading stdin."""
    pool = server._thread_pool
    if pool:
        pool.shutdown(wait=False, cancel_futures=True)
        server._thread_pool = None
