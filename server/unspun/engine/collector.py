"""Pausing Python's cycle collector while the engine analyses a text.

An analysis makes hundreds of thousands of small objects (tokens, matches, queries, findings) and keeps many of
them with the paragraphs' scans. Each young object that lives on is looked at again by the collector's passes
over the young generations, which start every few hundred allocations: on first-seen spun text about a sixth
of the time of an analysis. None of these objects is part of a reference cycle (`tests/engine/test_collector.py`
checks that an analysis leaves no cyclic garbage), so reference counting frees all that an analysis drops and
the collector has nothing to find in it; it runs again, as it would have, once the analysis is over.

The pause is shared by the threads that analyse at the same time: the collector is turned back on when the last
of them is done, and only if it was on when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # analyses under way
_resume = False  # the collector was on when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            if _resume:
                gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                _resume = False
                gc.enable()
