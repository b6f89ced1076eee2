"""Exit when the editor that started the server is gone (the `processId` of `initialize`).

An editor that crashes or is killed may leave its language servers running with their standard input still
open (for example when a wrapper process holds the pipe). The server polls the editor's process and exits when
it no longer exists.
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger("unspun.lsp")

POLL_SECONDS = 2.0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just not ours
    except OSError:
        return True
    return True


def watch(pid: int | None, interval: float = POLL_SECONDS) -> threading.Thread | None:
    """Start a daemon thread that ends this process once `pid` has exited."""
    if not pid or pid <= 0 or pid == os.getpid() or not alive(pid):
        return None

    def run() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            if not alive(pid):
                log.warning("the editor process %d has exited; stopping the server", pid)
                logging.shutdown()
                os._exit(0)

    thread = threading.Thread(target=run, name="unspun-parent-watch", daemon=True)
    thread.start()
    return thread
