"""How long a short `unspun check` takes, from process start to exit, against the interpreter's own start.

A short run is mostly start-up: importing numpy and the engine, reading the shipped lexicons, opening the cached
language model and synonym index, and the first look-ups of a spun text. This times, `--runs` times each and
interleaved (so that a slow minute of a shared machine falls on all of them alike):

* ``python -c pass``: the interpreter's start on this machine (site-packages hooks included), which no change
  to unspun can shorten;
* ``unspun check examples/spun-news.txt`` (92 spun words: wakes the language model and the open-vocabulary
  layer);
* ``unspun check`` on a clean text of about 1,000 words (from the benchmark inputs, or the project's examples).

With ``--other PATH`` (the ``server`` folder of another checkout) each unspun run is also timed with that code,
interleaved with this one, and both are printed side by side.

    python3 bench/cli_start.py [--runs 15] [--other /path/to/checkout/server]

The bytecode of the package is written first (`inputs.compile_bytecode`): an installed package has it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: the environment as this script was started with (importing unspun below sets OPENBLAS_NUM_THREADS in it)
START_ENV = dict(os.environ)

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "server"))

from inputs import ROOT, clean_paragraphs, compile_bytecode  # noqa: E402

SPUN = ROOT / "examples" / "spun-news.txt"


def clean_text(words: int = 1000) -> str:
    out: list[str] = []
    n = 0
    for para in clean_paragraphs():
        out.append(para)
        n += len(para.split())
        if n >= words:
            break
    return "\n\n".join(out) + "\n"


def wall(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process: steadier than wall time on a shared machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--other", type=Path, help="the server folder of another checkout, timed alongside")
    args = ap.parse_args()
    compile_bytecode()
    env = dict(START_ENV)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.txt"
        clean.write_text(clean_text(), encoding="utf-8")
        docs = {"spun example (92 words)": SPUN, f"clean ({len(clean.read_text().split()):,} words)": clean}
        codes = {"this": str(ROOT / "server")}
        if args.other:
            codes["other"] = str(args.other.resolve())
            subprocess.run([sys.executable, "-m", "compileall", "-q", codes["other"]], check=False)
        envs = {name: {**env, "PYTHONPATH": path} for name, path in codes.items()}
        for e in envs.values():  # warm the per-user caches and the page cache
            for doc in docs.values():
                wall([sys.executable, "-m", "unspun", "check", "--no-config", str(doc)], e)
        times: dict[tuple[str, str], list[tuple[float, float]]] = {("python -c pass", ""): []}
        for _ in range(args.runs):
            times[("python -c pass", "")].append(wall([sys.executable, "-c", "pass"], env))
            for label, doc in docs.items():
                for name, e in envs.items():
                    cmd = [sys.executable, "-m", "unspun", "check", "--no-config", str(doc)]
                    times.setdefault((label, name), []).append(wall(cmd, e))
    base = statistics.median(w for w, _ in times[("python -c pass", "")])
    print(f"{args.runs} runs each, interleaved")
    print("| command | code | wall, median s | wall, min s | wall above `python -c pass`, s | CPU, median s |")
    print("|---|---|---|---|---|---|")
    for (label, name), ts in times.items():
        med = statistics.median(w for w, _ in ts)
        above = "" if not name else f"{med - base:.3f}"
        cpu = statistics.median(c for _, c in ts)
        print(f"| {label if name else 'python -c pass'} | {name} | {med:.3f} | {min(w for w, _ in ts):.3f} | {above} "
              f"| {cpu:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
