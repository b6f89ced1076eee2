"""What the two applications (the command line and the language server) do to their own process.

Library code (the engine, the markup readers) leaves the process alone; only an application's start-up, or its
own bookkeeping of what it keeps loaded, calls these.
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect what is garbage now, then move every surviving object out of the cyclic collector's full passes
    (`gc.freeze`): what is loaded once and kept (lexicons, language model, thesaurus, a large document's
    scans) is then not walked again by each full collection, nor touched (so copied) by forked workers.

    Collecting first means no garbage is frozen; frozen objects are still freed by reference counting when
    nothing refers to them any more."""
    gc.collect()
    gc.freeze()


def thaw_heap() -> None:
    """Undo `settle_heap`: every frozen object goes back under the collector's full passes."""
    gc.unfreeze()


#: `mallopt` parameter of glibc: the most arenas the C allocator makes
_M_ARENA_MAX = -8


def one_malloc_arena() -> None:
    """Ask the C allocator for one arena for every thread (glibc; elsewhere nothing happens).

    By default glibc gives threads arenas of their own: the language server's analyses run on worker threads,
    and what they leave free in their arenas stays in the process beside what the main thread's arena leaves
    (about 4 MB more after a 100,000-word document). The threads take turns under the interpreter's lock
    anyway, so sharing one arena costs them no waiting."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        mallopt(_M_ARENA_MAX, 1)
    except Exception:  # noqa: BLE001 - no such allocator or no C library to ask: nothing to do
        pass
