#!/usr/bin/env python3
"""Why `unspun fix` leaves spun words in place: the spinner's edits of each pair, leave-one-pair-out.

    python3 bench/fix_misses.py [--eval DIR] [--cache FILE] [--json OUT]

Every pair is analysed by an engine whose news lexicon and estimates were built without its source
(`unspun.learn.crossval.fold_engines`, as `bench/accuracy.py` does) and fixed as `unspun fix` does. Each edit of
the spinner (score.py's gold edits) that the fix leaves undone falls in one bucket:

- partly undone: a finding the fix applied restores some of its words (the spinner rewrote a run of words,
  the findings cover part of it);
- gated: a finding's first replacement, applied alone, lowers the word errors, but the finding is not safe to
  fix (its restore estimate is under the threshold);
- wrong: a finding overlaps it, but its first replacement does not help (split by whether a later replacement
  would);
- not found: no reported finding overlaps it.

Each bucket is broken down by the layer of the finding (learned entry, written entry, open vocabulary), by the
support of a learned or counted entry (pairs it was seen in), and single word against phrase, and weighted by the
word errors the edit counts for in score.py (the longer side of the edit). `--cache` keeps the fold outputs
(findings with their estimates) so that the tables can be recomputed without the engine. A last table is the
pool the gate keeps out: every reported finding that is not safe to fix, its first replacement applied alone
(helps, harms, neutral), by layer and by restore estimate.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))


def collect(eval_dir: Path) -> list[dict]:
    """For each pair: its texts, the reported findings (with features and the restore estimate) and the text
    `unspun fix` makes of it."""

    from unspun.engine import default_engine
    from unspun.engine.estimate import FEATURES
    from unspun.engine.fixer import fix_until_stable
    from unspun.engine.lexicon import builtin_lexicon
    from unspun.learn.crossval import fold_engines
    from unspun.learn.pairs import find_pairs

    written = (ROOT / "scripts" / "lexicons" / "news-written.tsv").read_text(encoding="utf-8")
    pairs = find_pairs(eval_dir / "news-dev")
    model = default_engine().model
    out = []
    for group, held, eng in fold_engines(written, pairs, [builtin_lexicon("science")], model=model):
        est = eng.estimator
        for p in held:
            a = eng.analyze(p.spun)
            fs = []
            for f in a.findings:
                x = dict(zip(FEATURES, f.features)) if f.features else {}
                fs.append(dict(
                    start=f.start, end=f.end, text=f.text, replacements=list(f.replacements), confidence=f.confidence,
                    safe=f.safe_fix, rule=f.rule, key=f.key, features=x,
                    restores=est.restores(f.features) if f.features else None,
                ))
            fixed, _ = fix_until_stable(p.spun, lambda t: eng.analyze(t).findings)
            out.append(dict(name=p.name, group=group, spun=p.spun, original=p.original, findings=fs, fixed=fixed,
                            fix_threshold=est.fix_threshold, report_threshold=est.report_threshold))
        print(f"{group}: {len(held)} pair(s)", file=sys.stderr)
    return out


def layer(f: dict) -> str:
    x = f["features"]
    if not x:
        return "uncovered (" + f["rule"] + ")"
    if x.get("open_vocabulary"):
        return "open vocabulary"
    if x.get("learned"):
        return "learned"
    if x.get("fingerprint"):
        return "written fingerprint"
    return "written, counted" if x.get("log_changed") else "written"


def support(f: dict) -> str:
    x = f["features"]
    if not x or not x.get("log_pairs"):
        return "-"
    n = round(math.exp(x["log_pairs"]) - 1)
    return str(n) if n < 3 else "3-5" if n <= 5 else "6+"


def bucket_of(scorer, spun: str, original: str, fixed: str, gold: tuple, findings: list[dict], base: int) -> str:
    """Why the spinner's edit `gold` (score.py's (start, end, original words)) is or is not undone in `fixed`:
    "undone"; "partly undone" (a finding the fix applied restores part of it); "gated" (a finding whose first
    replacement alone lowers the word errors is not safe to fix); "wrong, right later" / "wrong" (the first
    replacement does not help; a later one would / none would); "not found". `base`: the word errors of
    `spun` against `original`."""
    changes = [c for c in scorer.changes(spun, fixed) if scorer.overlaps(c, gold)]
    if changes:
        lo, hi = min([gold[0]] + [c[0] for c in changes]), max([gold[1]] + [c[1] for c in changes])
        got = scorer.apply(spun[lo:hi], [(c[0] - lo, c[1] - lo, c[2]) for c in changes])
        want = scorer.apply(spun[lo:hi], [(gold[0] - lo, gold[1] - lo, gold[2])])
        if scorer.norm(got) == scorer.norm(want):
            return "undone"
    over = [f for f in findings if scorer.overlaps((f["start"], f["end"]), gold) and f["replacements"]]
    if not over:
        return "not found"

    def helps(f: dict, rep: str) -> bool:
        return scorer.word_errors(spun[: f["start"]] + rep + spun[f["end"] :], original) < base

    if any(f["safe"] and helps(f, f["replacements"][0]) for f in over):
        return "partly undone"
    if any(helps(f, f["replacements"][0]) for f in over):
        return "gated"
    if any(helps(f, r) for f in over for r in f["replacements"][1:]):
        return "wrong, right later"
    return "wrong"


def analyse(data: list[dict], scorer) -> dict:
    """The buckets of every spinner's edit (counts and word-error weights, by layer, support and size of the
    finding that best explains it), and the pool of findings the gate keeps out: whether their first
    replacement, applied alone, helps, harms or is neutral, by layer and by restore estimate."""
    buckets: dict[tuple, list] = defaultdict(lambda: [0, 0])
    gated: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0])
    for d in data:
        spun, orig, fixed = d["spun"], d["original"], d["fixed"]
        base = scorer.word_errors(spun, orig)
        for g in scorer.gold_edits(spun, orig):
            weight = max(len(scorer.tokens(spun[g[0] : g[1]])), len(scorer.tokens(g[2])))
            what = bucket_of(scorer, spun, orig, fixed, g, d["findings"], base)
            over = [f for f in d["findings"] if scorer.overlaps((f["start"], f["end"]), g)]
            f = max(over, key=lambda f: f["confidence"]) if over else None
            key = (what, layer(f) if f else "-", support(f) if f else "-", "phrase" if weight > 1 else "word")
            buckets[key][0] += 1
            buckets[key][1] += weight
        for f in d["findings"]:
            if f["safe"] or not f["replacements"] or f["replacements"][0] == f["text"]:
                continue
            delta = scorer.word_errors(spun[: f["start"]] + f["replacements"][0] + spun[f["end"] :], orig) - base
            band = "-" if f["restores"] is None else f"{min(0.85, math.floor(f['restores'] * 20) / 20):.2f}"
            for key in ((layer(f), "all"), ("all", band)):
                row = gated[key]
                row[0 if delta < 0 else 1 if delta > 0 else 2] += 1
                row[3] -= delta
    return {
        "buckets": {" | ".join(k): v for k, v in sorted(buckets.items())},
        "gated": {" | ".join(k): v for k, v in sorted(gated.items())},
    }


def main() -> int:
    from accuracy import load_scorer

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--cache", type=Path, help="fold outputs: read if present, else written")
    ap.add_argument("--json", type=Path, help="also write the tables here")
    args = ap.parse_args()
    scorer = load_scorer(args.eval)
    if args.cache and args.cache.exists():
        data = pickle.loads(args.cache.read_bytes())
    else:
        data = collect(args.eval)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(data))
    result = analyse(data, scorer)
    by_what: dict[str, list] = defaultdict(lambda: [0, 0])
    for k, (n, w) in result["buckets"].items():
        by_what[k.split(" | ")[0]][0] += n
        by_what[k.split(" | ")[0]][1] += w
    print("| spinner's edits | edits | word errors |\n|---|---|---|")
    for k, (n, w) in sorted(by_what.items(), key=lambda kv: -kv[1][1]):
        print(f"| {k} | {n} | {w} |")
    print("\n| bucket | layer | pairs seen | size | edits | word errors |\n|---|---|---|---|---|---|")
    for k, (n, w) in sorted(result["buckets"].items(), key=lambda kv: -kv[1][1]):
        if k.startswith("undone"):
            continue
        print("| " + " | ".join(k.split(" | ")) + f" | {n} | {w} |")
    print("\n| findings not safe to fix: layer | restore estimate | help | harm | neutral | word errors undone |"
          "\n|---|---|---|---|---|---|")
    for k, (h, b, n, w) in result["gated"].items():
        print("| " + " | ".join(k.split(" | ")) + f" | {h} | {b} | {n} | {w} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
