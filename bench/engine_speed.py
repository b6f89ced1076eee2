#!/usr/bin/env python3
"""Engine speed: full analysis time against document size, and re-analysis after a one-word edit.

    python3 bench/engine_speed.py [--sizes 1000,10000,100000] [--runs 5] [--kind clean | spun] [--forget]

Documents are built from the project's own example texts (clean prose made of the README's paragraphs is not
enough for size, so the clean-dev set beside the project is used when present, else the examples repeated).
Prints one row per size: words, median seconds of a full analysis with an empty paragraph cache, the same per
10,000 words, and the median time to re-analyse after changing one word in one paragraph (paragraph cache on).

`--kind spun` times spun text instead (`bench/inputs.py`: clean prose passed through `bench/spinner.py`), and
every run of a size reads a different, first-seen document (the engine remembers the restorations of windows it
has scored, so timing the same spun text twice would time that memory). `--forget` also clears the
open-vocabulary stage's memories of words and windows before each run (as in a freshly started process).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from unspun.engine import Incremental, default_engine  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "clean-dev"


def source_paragraphs() -> list[str]:
    paras: list[str] = []
    if EVAL.is_dir():
        for p in sorted(EVAL.glob("*.txt")):
            paras += [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    for p in sorted((ROOT / "examples").glob("*")):
        paras += [b for b in p.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return paras


def build(paras: list[str], words: int) -> str:
    """`words` words of `paras` in order; past their end, each copy of a paragraph is numbered ("(2) ...") so
    that no paragraph repeats (the engine scans a repeated paragraph once)."""
    out, n, i = [], 0, 0
    while n < words:
        para = paras[i % len(paras)]
        if i >= len(paras):
            para = f"({i // len(paras) + 1}) {para}"
        out.append(para)
        n += len(para.split())
        i += 1
    return "\n\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--kind", choices=("clean", "spun"), default="clean")
    ap.add_argument("--forget", action="store_true", help="clear the open-vocabulary memories before each run")
    args = ap.parse_args()
    eng = default_engine()
    paras = source_paragraphs()
    eng.analyze(build(paras, 2000))  # warm-up: model, lexicons
    if args.kind == "spun":
        return spun(eng, args)
    print("| words | full analysis (median s) | ms per 10,000 words | CPU ms per 10,000 words (median) | re-analysis after one edit (median ms) |")
    print("|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        doc = build(paras, size)
        words = len(doc.split())
        runs = args.runs if size <= 100_000 else max(1, args.runs // 2)
        full, cpu = [], []
        for _ in range(runs):
            c, t = time.process_time(), time.perf_counter()
            eng.analyze(doc, incremental=Incremental({}))
            full.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        cache: dict = {}
        eng.analyze(doc, incremental=Incremental(cache))
        edits = []
        mid = doc.rfind("\n\n", 0, len(doc) // 2) + 2
        for k in range(runs):
            changed = doc[:mid] + f"edit{k} " + doc[mid:]
            t = time.perf_counter()
            eng.analyze(changed, incremental=Incremental(cache))
            edits.append(time.perf_counter() - t)
        med = statistics.median(full)
        print(
            f"| {words:,} | {med:.3f} | {1000 * med * 10000 / words:.1f} |"
            f" {1000 * statistics.median(cpu) * 10000 / words:.1f} | {1000 * statistics.median(edits):.1f} |"
        )
    return 0


def forget(eng) -> None:
    """Clear what the open-vocabulary stage remembers of words and windows (its precomputed table stays)."""
    ov = eng.open_vocabulary
    if ov is None:
        return
    for name in ("_cands", "_cands_old", "_infos", "_windows", "_windows_old", "_verb_forms", "_form_unigram"):
        getattr(ov, name).clear()


def spun(eng, args) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import inputs

    sizes = [int(s) for s in args.sizes.split(",")]
    eng.analyze(inputs.document("spun", 2000, start=10**9 % 400_000))  # warm-up: the open-vocabulary stage
    print("| words (spun, first seen) | full analysis (median s) | ms per 10,000 words | CPU ms per 10,000 words (median) | runs (ms) |")
    print("|---|---|---|---|---|")
    start = 0
    for size in sizes:
        runs = args.runs if size <= 100_000 else max(1, args.runs // 2)
        times, cpu, words = [], [], 0
        for _ in range(runs):
            doc = inputs.document("spun", size, start=start)
            start += size + 1000
            words = len(doc.split())
            if args.forget:
                forget(eng)
            c, t = time.process_time(), time.perf_counter()
            eng.analyze(doc, incremental=Incremental({}))
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        med = statistics.median(times)
        per = 10000 / words
        print(
            f"| {words:,} | {med:.3f} | {1000 * med * per:.1f} | {1000 * statistics.median(cpu) * per:.1f} |"
            f" {', '.join(f'{1000 * t:.0f}' for t in times)} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
