"""unspun: find garbled synonym substitutions (tortured phrases) in prose and restore the intended wording."""

import os as _os

__version__ = "0.1.0"

# unspun's numpy work is look-ups and element-wise arithmetic, never linear algebra: numpy's OpenBLAS would
# only start a thread per core at import (about 60 ms of a short run's wall time and twice that in CPU here)
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def screen(paths, options=(), partition_size=16):
    """A Dask bag of the JSON records of every file under `paths`, checked on Dask's workers (see
    `unspun.cluster.screen`; needs the `dask` extra)."""
    from unspun.cluster import screen as _screen

    return _screen(paths, options, partition_size)
