#!/usr/bin/env python3
"""Fit the calibrated estimates of findings (server/unspun/data/estimates.json) on aligned pairs.

    python3 scripts/build_estimates.py [--pairs DIR] [--out FILE]

Every finding the estimates speak for is made on each pair by an engine whose news lexicon was learned without
that pair's source (as `bench/accuracy.py` does), labelled against the original, and the two models and their
thresholds are fitted on all of them (`unspun.learn.fit`). Run scripts/build_news_lexicon.py first.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from unspun.engine.lexicon import builtin_lexicon  # noqa: E402
from unspun.learn.crossval import NAME, finding_rows  # noqa: E402
from unspun.learn.fit import fit_estimator  # noqa: E402
from unspun.learn.pairs import pairs_from_command_line  # noqa: E402

WRITTEN = ROOT / "scripts" / "lexicons" / "news-written.tsv"
OUT = ROOT / "server" / "unspun" / "data" / "estimates.json"


def main() -> int:
    args, pairs = pairs_from_command_line(__doc__.split("\n\n")[0], ROOT.parent / "shared" / "eval" / "news-dev", OUT)
    if not pairs:
        return 2
    rows = finding_rows(WRITTEN.read_text(encoding="utf-8"), pairs, [builtin_lexicon("science")])
    est = fit_estimator(rows, [NAME])
    data = est.to_json()
    data["fitted_on"] = {"pairs": len(pairs), "findings": len(rows), "spins": sum(r.spin for r in rows),
                         "restoring": sum(r.restores for r in rows)}
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out.name}: {len(rows)} findings; report at >= {est.report_threshold}, fix at >= {est.fix_threshold}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
