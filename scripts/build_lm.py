#!/usr/bin/env python3
"""Convert the CMU US-English trigram model shipped with pocketsphinx into unspun's ``.npz`` arrays.

The input is ``model/en-us/en-us.lm.bin`` inside the installed ``pocketsphinx`` package (``pip install
pocketsphinx``), or any sphinx trie binary or ARPA trigram model given with ``--input``. The output is one
uncompressed ``.npz`` that `unspun.engine.langmodel.TrigramModel.load` reads. The engine does the same conversion
by itself on first use (into the per-user cache, see `unspun.engine.langmodel.default_model`); this script is for
building it ahead of time or somewhere else.

Usage: python scripts/build_lm.py [--input MODEL] [--out PATH]   (default --out: the per-user cache file)
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
from unspun.engine.langmodel import TrigramModel, default_model_path  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path,
                        help="sphinx trie binary or ARPA model (default: pocketsphinx's en-us.lm.bin)")
    parser.add_argument("--out", type=Path, help=f"output .npz (default: {default_model_path()})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    source = args.input or lmbuild.find_pocketsphinx_lm()
    if source is None:
        parser.error("pocketsphinx is not installed (`pip install pocketsphinx`), or pass --input MODEL")
    out = args.out or default_model_path()
    try:
        arrays, stats = lmbuild.build(source, out)
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
