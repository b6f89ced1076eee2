"""`$/progress` for long analyses, bridged from the analysis thread to the message loop.

The analysis thread calls `begin`/`report`/`end`; each call is handed to the loop (`call_soon_threadsafe`), which
creates the token (`window/workDoneProgress/create`), then sends the notifications in order. A cancel from the
client (`window/workDoneProgress/cancel`) sets `cancelled`, which the analysis thread checks between paragraphs.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading

from lsprotocol import types

from unspun.pipeline import Progress

log = logging.getLogger("unspun.lsp")
_ids = itertools.count(1)


def bridge(server, loop: asyncio.AbstractEventLoop, title: str) -> Progress:
    token = f"unspun-analysis-{next(_ids)}"
    cancelled = threading.Event()
    queue: asyncio.Queue = asyncio.Queue()

    async def pump() -> None:
        try:
            await server.work_done_progress.create_async(token)
        except Exception as e:  # noqa: BLE001 - a client that refuses progress still gets its analysis
            log.debug("progress token refused: %s", e)
            return
        fut = server.work_done_progress.tokens.get(token)
        if fut is not None:
            fut.add_done_callback(lambda _f: cancelled.set())
        while True:
            kind, pct, message = await queue.get()
            if kind == "begin":
                server.work_done_progress.begin(
                    token,
                    types.WorkDoneProgressBegin(title=title, message=message, percentage=0, cancellable=True),
                )
            elif kind == "report":
                server.work_done_progress.report(
                    token, types.WorkDoneProgressReport(message=message, percentage=pct, cancellable=True)
                )
            else:
                server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
                server.work_done_progress.tokens.pop(token, None)
                return

    started = False

    def send(kind: str, pct: int, message: str) -> None:
        nonlocal started
        if not started:
            started = True
            asyncio.ensure_future(pump())
        queue.put_nowait((kind, pct, message))

    def put(kind: str, pct: int = 0, message: str = "") -> None:
        loop.call_soon_threadsafe(send, kind, pct, message)

    return Progress(
        begin=lambda message: put("begin", 0, message),
        report=lambda pct, message: put("report", pct, message),
        end=lambda message: put("end", 100, message),
        cancelled=cancelled,
    )
