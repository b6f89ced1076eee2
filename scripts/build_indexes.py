#!/usr/bin/env python3
"""Build the indexes the package ships in the form they are read, from the shipped synonym index.

A packaging-time step (run by scripts/build_thesaurus.py after it writes the synonym index, or by itself when
only the index format changed): it writes, beside ``server/unspun/data/thesaurus/moby-synonyms.tsv.gz``,

* ``moby-synonyms.index.npz``: the synonym lists and their reverse lists as arrays (an uncompressed ``.npz``
  read, or memory-mapped, as it is stored), tagged with the digest of the ``.tsv.gz`` it was built from, so that
  a stale index is never used (the engine then builds its own in the per-user cache, as a checkout without
  this file does);
* ``open-candidates.npz``: the open-vocabulary stage's restoration candidates of every alphabetic word of the
  shipped language model (`unspun.engine.openvocab.CandidateTable`): the words each may have replaced, with
  their inflected forms, language-model ids and thesaurus evidence, so that at run time a word's candidates
  are a look-up. It records the synonym index, the model and the constants it was built with, and is not used
  with others. Rebuild it whenever the candidates' making changes (`OpenVocabulary._make_candidates_many`):
  tests/engine/test_openvocab.py compares it with candidates made afresh.

Usage: python scripts/build_indexes.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import unspun  # noqa: F401
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(ROOT / "server"))

from unspun.engine.thesaurus import SHIPPED_INDEX, Thesaurus  # noqa: E402

DATA = ROOT / "server" / "unspun" / "data" / "thesaurus"


def build_thesaurus_index(source: Path = DATA / "moby-synonyms.tsv.gz") -> Path:
    t = Thesaurus._read(source, source.name)
    out = source.with_name(SHIPPED_INDEX)
    t.write_index(out, Thesaurus.digest_of(source))
    return out


def build_candidates() -> tuple[Path, dict]:
    from unspun.engine.langmodel import reset_default_model
    from unspun.engine.openvocab import SHIPPED_TABLE, OpenVocabulary, build_candidate_table
    from unspun.engine.langmodel import default_model

    reset_default_model()
    model = default_model()
    if model is None:
        raise SystemExit("no language model: build it first (scripts/build_lm.py)")
    ov = OpenVocabulary(model, Thesaurus.load())
    out = DATA / SHIPPED_TABLE
    return out, build_candidate_table(ov, out)


def main() -> int:
    t0 = time.perf_counter()
    out = build_thesaurus_index()
    print(f"{out.relative_to(ROOT)}  {out.stat().st_size / 1e6:.1f} MB  {time.perf_counter() - t0:.2f}s")
    t0 = time.perf_counter()
    out, counts = build_candidates()
    print(f"{out.relative_to(ROOT)}  {out.stat().st_size / 1e6:.1f} MB  {time.perf_counter() - t0:.2f}s  {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
