#!/usr/bin/env python3
"""What the shipped resources can restore of tortured phrases that no lexicon lists.

    python3 bench/pps_ceiling.py [--eval ../shared/eval]

For each fingerprint of `pps-dev.tsv` (certain rows only) whose tortured and expected phrases have the same
number of words (two or more; parenthesised abbreviations dropped), it asks two questions of the resources an
open-vocabulary restorer has here:

* does the synonym index (Moby) list each substituted word as a synonym of the word it replaced, in either
  direction -- i.e. could a thesaurus walk propose the expected words at all?
* does the trigram model know every adjacent pair of the expected phrase as a bigram -- i.e. could it tell the
  expected term from any other walk?

A restoration needs both. The share with both bounds what thesaurus + n-gram restoration can reach on these
fingerprints, whatever the thresholds. Prints one line per question. Skips (exit 0) without the evaluation set.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def words(phrase: str) -> list[str]:
    return re.sub(r"\s*\([^)]*\)", "", phrase).lower().split()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    args = ap.parse_args()
    tsv = args.eval / "pps-dev.tsv"
    if not tsv.is_file():
        print(f"no evaluation set at {tsv}; nothing to measure")
        return 0
    from unspun.engine.langmodel import default_model
    from unspun.engine.thesaurus import default_thesaurus

    model, thesaurus = default_model(), default_thesaurus()
    if model is None:
        print("no language model (the shipped model is missing: scripts/build_lm.py)")
        return 1
    n = known = covered = both = 0
    with open(tsv, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row.get("expected_uncertain", "").strip().lower() == "yes":
                continue
            tortured, expected = words(row["tortured"]), words(row["expected"])
            if len(tortured) != len(expected) or len(expected) < 2:
                continue
            n += 1
            ids = [model.word_id(w) for w in expected]
            in_model = all(i >= 0 for i in ids) and all(
                model._find(model._bi_keys, a * model._V + b) >= 0 for a, b in zip(ids, ids[1:])
            )
            pairs = [(t, e) for t, e in zip(tortured, expected) if t != e]
            in_thesaurus = all(t in thesaurus.synonyms(e) or e in thesaurus.synonyms(t) for t, e in pairs)
            known += in_model
            covered += in_thesaurus
            both += in_model and in_thesaurus
    print(f"fingerprints with same-length multi-word phrases: {n}")
    print(f"every substituted word in the synonym index: {covered} ({covered / n:.0%})")
    print(f"every bigram of the expected phrase in the trigram model: {known} ({known / n:.0%})")
    print(f"both (the most thesaurus + n-gram restoration can reach): {both} ({both / n:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
