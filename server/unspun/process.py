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
