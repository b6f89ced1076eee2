#!/usr/bin/env python3
"""Convert the CMU US-English trigram model distributed with pocketsphinx into the arrays unspun reads.

A packaging-time step: the package ships the result (``server/unspun/data/lm/en-us-trigram/``, one ``.npy`` file
per array, the largest 13 MB), so that nothing is converted on a user's machine and the package does not depend
on pocketsphinx. Run it (with pocketsphinx installed: ``pip install 'unspun[build]'``) when the model or the
array format (`unspun.engine.lmbuild.FORMAT_VERSION`) changes, and commit the folder.

The input is ``model/en-us/en-us.lm.bin`` inside the installed ``pocketsphinx`` package, or any sphinx trie
binary or ARPA trigram model given with ``--input``. The output is that folder (default), or with ``--out
PATH.npz`` one uncompressed ``.npz`` (the form of the per-user cache a checkout without the folder converts
into; `unspun.engine.langmodel.TrigramModel.load` reads either).

Usage: python scripts/build_lm.py [--input MODEL] [--out PATH]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import unspun  # noqa: F401
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(ROOT / "server"))

from unspun.engine import lmbuild  # noqa: E402
from unspun.engine.langmodel import TrigramModel, shipped_model_path  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path,
                        help="sphinx trie binary or ARPA model (default: pocketsphinx's en-us.lm.bin)")
    parser.add_argument("--out", type=Path, help="output folder, or a .npz file (default: the package's shipped model)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    source = args.input or lmbuild.find_pocketsphinx_lm()
    if source is None:
        parser.error("pocketsphinx is not installed (`pip install pocketsphinx`), or pass --input MODEL")
    out = args.out or shipped_model_path()
    try:
        arrays, stats = lmbuild.build(source, out, folder=out.suffix != ".npz")
    except (lmbuild.LMFormatError, OSError) as exc:
        print(f"build_lm: {exc}", file=sys.stderr)
        return 1
    t = time.perf_counter()
    model = TrigramModel.load(out)
    load_seconds = time.perf_counter() - t

    print(f"source     {stats.source}")
    print(f"output     {stats.out}")
    print(f"unigrams   {stats.unigrams:>10,}")
    print(f"bigrams    {stats.bigrams:>10,}")
    print(f"trigrams   {stats.trigrams:>10,}")
    print(f"arrays     {stats.array_bytes / 1e6:8.1f} MB   file {stats.file_bytes / 1e6:.1f} MB")
    print(f"timing     read+convert {stats.read_seconds:.2f}s, write {stats.write_seconds:.2f}s, "
          f"load back {load_seconds:.3f}s")
    print(f"check      logprob('the united states') = {model.logprob(['the', 'united', 'states']):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
