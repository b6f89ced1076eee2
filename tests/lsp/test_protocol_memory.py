"""The protocol layer forgets what it no longer needs: notifications (a keystroke is one) leave nothing behind.

pygls files the future of each generator or coroutine handler -- didOpen, didChange and didClose among them --
under a made-up id that only a response would remove; a notification gets none. This runs the real server's
protocol in process (there is no way to see its bookkeeping over stdio) and counts what is left after many
edits and other notifications."""

from __future__ import annotations

import asyncio

from unspun.lsp.server import create_server


class _Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        pass


def _message(proto, **fields):
    return proto.structure_message({"jsonrpc": "2.0", **fields})


async def test_notifications_leave_no_handler_futures_behind():
    ls = create_server()
    proto = ls.protocol
    sink = _Sink()
    proto.set_writer(sink)
    proto.handle_message(
        _message(proto, id=1, method="initialize", params={"processId": None, "rootUri": None, "capabilities": {},
                                                           "initializationOptions": {"debounceMs": 0}})
    )
    for _ in range(200):  # initialize runs off the message loop; wait for its answer
        await asyncio.sleep(0.05)
        if b'"id": 1' in sink.data or b'"id":1' in sink.data:
            break
    proto.handle_message(_message(proto, method="initialized", params={}))
    uri = "file:///notes.txt"
    proto.handle_message(_message(proto, method="textDocument/didOpen", params={
        "textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": "An information convention.\n"}}))
    for v in range(2, 302):
        proto.handle_message(_message(proto, method="textDocument/didChange", params={
            "textDocument": {"uri": uri, "version": v},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                "text": "x" if v % 2 == 0 else ""}]}))
        proto.handle_message(_message(proto, method="workspace/didChangeConfiguration", params={"settings": {}}))
    proto.handle_message(_message(proto, method="textDocument/didClose", params={"textDocument": {"uri": uri}}))
    for _ in range(20):
        await asyncio.sleep(0.05)
    assert len(proto._request_futures) == 0
    ls.analyses.shutdown()


def test_settling_after_a_large_text_collects_garbage_before_freezing():
    """After a large analysis the server freezes what survives (out of the collector's full passes); cyclic
    garbage must be collected first, never frozen, and frozen objects must still be freed by reference count."""
    import gc
    import weakref

    from unspun.process import settle_heap

    class Node:
        pass

    cycle = Node()
    cycle.self = cycle  # only the cyclic collector can free this
    dead = weakref.ref(cycle)
    kept = Node()
    alive = weakref.ref(kept)
    del cycle
    before = gc.get_freeze_count()
    try:
        settle_heap()
        assert dead() is None  # collected, not frozen
        assert gc.get_freeze_count() > before
        assert alive() is kept
        del kept
        assert alive() is None  # frozen, yet freed when the last reference goes
    finally:
        gc.unfreeze()
