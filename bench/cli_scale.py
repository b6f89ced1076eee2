#!/usr/bin/env python3
"""`unspun check` at scale: throughput beyond start-up, peak memory, long one-paragraph-per-line texts, `-j`
against serial, and the first-ever start.

    python3 bench/cli_scale.py [--only throughput,memory,speeches,jobs,first-start] [--runs 3]
                               [--other /path/to/checkout/server] [--words 100000] [--memory-words 1000000]
                               [--speech-sizes 100000,500000,1000000] [--files 50]

Every measure runs `python -m unspun check --no-config --exit-zero --format json` (output discarded) as a fresh
process on inputs written once into a temporary folder from `bench/inputs.py` (clean prose, and the same
passed through `bench/spinner.py`, first-seen text that repeats nothing). With `--other PATH` (the `server`
folder of another checkout) each command is also run with that code, alternating with this checkout's run after
run, and both are printed side by side with the speed-up of this checkout over the other (for memory: how many
times less it takes): on a shared machine only ratios measured in one run
mean much. Medians of `--runs`.

* throughput: `--words` words in 10,000-word files, `check --jobs 1`, wall time minus the median wall time of a
  check of a 100-word file (start-up: imports, the engine, the model); words per second beyond start-up, clean
  and spun (the issue's target: >= 400k / >= 150k words/s per core);
* memory: peak resident memory (the child's `ru_maxrss`) of `check` on one `--memory-words`-word file, clean and
  spun (target <= 200 MB whatever the size);
* speeches: clean prose with one paragraph per line and no blank lines (as speeches are often stored), one file
  per size of `--speech-sizes`; wall time, and the ratio of the largest to the smallest per word (1.0: linear);
* jobs: `--files` files of 2,000 words, `check -j 1` against `check -j 2`, clean and spun; wall time, CPU time
  of the run (parent and workers) and the speed-up (target >= 1.7x on 2 otherwise idle cores; on a shared
  machine the CPU time tells whether the workers repeat work);
* first-start: a check of `examples/spun-news.txt` with an empty `UNSPUN_CACHE_DIR` (the first start after
  installing), then again with the cache that run left (target: <= 2 s, nothing converted).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "server"))

from inputs import ROOT, compile_bytecode, document, write_corpus  # noqa: E402

#: runs the command given after it and prints its wall seconds, CPU seconds and peak resident KB as JSON
_MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "wall = time.perf_counter() - t\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps([wall, r.ru_utime + r.ru_stime, r.ru_maxrss]))\n"
)


def check(server: str, args: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one `unspun check` with the code in `server`."""
    e = dict(os.environ, PYTHONPATH=server, **(env or {}))
    cmd = [sys.executable, "-m", "unspun", "check", "--no-config", "--exit-zero", "--format", "json", *args]
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], env=e, capture_output=True, text=True, check=True)
    wall, cpu, rss = json.loads(out.stdout)
    return wall, cpu, rss / 1024


class Table:
    def __init__(self, trees: dict[str, str], runs: int):
        self.trees, self.runs = trees, runs

    def measure(self, args: list[str], env_of=None) -> dict[str, list[tuple[float, float, float]]]:
        """Each tree's runs of `check args`, alternating trees run by run."""
        got: dict[str, list] = {name: [] for name in self.trees}
        for _ in range(self.runs):
            for name, server in self.trees.items():
                got[name].append(check(server, args, env_of(name) if env_of else None))
        return got


def med(values, k: int) -> float:
    return statistics.median(v[k] for v in values)


def row(label: str, cells: dict[str, float], fmt: str, better_low: bool = True) -> str:
    names = list(cells)
    out = f"| {label} | " + " | ".join(fmt.format(cells[n]) for n in names)
    if len(names) == 2:
        a, b = cells[names[1]], cells[names[0]]  # other, this
        ratio = (a / b if better_low else b / a) if a and b else float("nan")
        out += f" | {ratio:.2f}x"
    return out + " |"


def header(trees: dict[str, str], what: str) -> None:
    names = list(trees)
    extra = " | speed-up of this over other" if len(names) == 2 else ""
    print(f"\n| {what} | " + " | ".join(names) + extra + " |")
    print("|---" * (len(names) + 1 + (len(names) == 2)) + "|")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="throughput,memory,speeches,jobs,first-start")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--other", help="the server folder of another checkout, run alternately with this one")
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--memory-words", type=int, default=1_000_000)
    ap.add_argument("--speech-sizes", default="100000,500000,1000000")
    ap.add_argument("--files", type=int, default=50)
    args = ap.parse_args()
    only = set(args.only.split(","))
    compile_bytecode()
    trees = {"this": str(ROOT / "server")}
    if args.other:
        trees["other"] = str(Path(args.other).resolve())
    table = Table(trees, args.runs)
    tmp = Path(tempfile.mkdtemp(prefix="unspun-scale-"))
    try:
        small = tmp / "small.txt"
        small.write_text(" ".join(document("clean", 100).split()[:100]) + "\n", encoding="utf-8")
        start = table.measure([str(small)]) if only & {"throughput", "speeches"} else {}
        if "throughput" in only:
            header(trees, f"check --jobs 1, {args.words:,} words in 10,000-word files: words/s beyond start-up")
            for kind in ("clean", "spun"):
                folder = tmp / f"through-{kind}"
                _files, words = write_corpus(folder, kind, args.words)
                got = table.measure(["--jobs", "1", str(folder)])
                rate = {n: words / max(1e-9, med(got[n], 0) - med(start[n], 0)) for n in trees}
                print(row(f"{kind} ({words:,} words)", rate, "{:,.0f}", better_low=False))
            print(row("start-up (100-word file), s", {n: med(start[n], 0) for n in trees}, "{:.2f}"))
        if "memory" in only:
            header(trees, f"check of one {args.memory_words:,}-word file: peak RSS, MB (wall s)")
            for kind in ("clean", "spun"):
                path = tmp / f"memory-{kind}.txt"
                path.write_text(document(kind, args.memory_words) + "\n", encoding="utf-8")
                got = table.measure([str(path)])
                print(row(f"{kind}, peak RSS MB", {n: med(got[n], 2) for n in trees}, "{:.0f}"))
                print(row(f"{kind}, wall s", {n: med(got[n], 0) for n in trees}, "{:.1f}"))
                path.unlink()
        if "speeches" in only:
            header(trees, "clean prose, one paragraph per line, no blank lines: wall s")
            sizes = [int(s) for s in args.speech_sizes.split(",")]
            per_word: dict[str, list[float]] = {n: [] for n in trees}
            for size in sizes:
                path = tmp / f"speech-{size}.txt"
                path.write_text(document("clean", size).replace("\n\n", "\n") + "\n", encoding="utf-8")
                got = table.measure([str(path)])
                cells = {n: med(got[n], 0) for n in trees}
                for n in trees:
                    per_word[n].append((cells[n] - med(start[n], 0)) / size)
                print(row(f"{size:,} words", cells, "{:.2f}"))
                path.unlink()
            if len(sizes) > 1:
                print(row(
                    f"time per word beyond start-up, {sizes[-1]:,} / {sizes[0]:,} words (1.0: linear)",
                    {n: per_word[n][-1] / per_word[n][0] for n in trees}, "{:.2f}",
                ))
        if "jobs" in only:
            header(trees, f"{args.files} files of 2,000 words: check -j 1 / -j 2")
            for kind in ("clean", "spun"):
                folder = tmp / f"jobs-{kind}"
                write_corpus(folder, kind, 2000 * args.files, file_words=2000)
                one = table.measure(["-j", "1", str(folder)])
                two = table.measure(["-j", "2", str(folder)])
                print(row(f"{kind}: -j 1 wall s", {n: med(one[n], 0) for n in trees}, "{:.2f}"))
                print(row(f"{kind}: -j 2 wall s", {n: med(two[n], 0) for n in trees}, "{:.2f}"))
                print(row(f"{kind}: -j 2 speed-up over -j 1", {n: med(one[n], 0) / med(two[n], 0) for n in trees},
                          "{:.2f}x", better_low=False))
                print(row(f"{kind}: CPU s, -j 2 / -j 1", {n: med(two[n], 1) / med(one[n], 1) for n in trees},
                          "{:.2f}"))
        if "first-start" in only:
            header(trees, "check examples/spun-news.txt: wall s")
            caches = {n: tmp / f"cache-{n}" for n in trees}
            first: dict[str, list] = {n: [] for n in trees}
            again: dict[str, list] = {n: [] for n in trees}
            spun = str(ROOT / "examples" / "spun-news.txt")
            for _ in range(args.runs):
                for n, server in trees.items():
                    shutil.rmtree(caches[n], ignore_errors=True)
                    env = {"UNSPUN_CACHE_DIR": str(caches[n])}
                    first[n].append(check(server, [spun], env))
                    again[n].append(check(server, [spun], env))
            print(row("first-ever start (empty cache)", {n: med(first[n], 0) for n in trees}, "{:.2f}"))
            print(row("later start", {n: med(again[n], 0) for n in trees}, "{:.2f}"))
            print(row("first-ever start, peak RSS MB", {n: med(first[n], 2) for n in trees}, "{:.0f}"))
            for n in trees:
                written = sorted(p.name for p in caches[n].glob("*")) if caches[n].exists() else []
                print(f"\n{n}: the first start wrote {', '.join(written) if written else 'nothing'} into the cache")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
