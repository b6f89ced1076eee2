#!/usr/bin/env python3
"""Plot time against document size (log-log) for the unspun engine, `unspun check` and the peers.

    python3 bench/peers.py --json /tmp/peers.json
    python3 bench/plot.py --peers-json /tmp/peers.json [--sizes 1000,10000,100000,1000000] [--out docs/images/benchmark-scaling.png]

The engine is timed here, in this process (full analysis with an empty paragraph cache, after warm-up, median
of 3 runs; clean text built as in bench/engine_speed.py); the CLI and peer times come from bench/peers.py.
Needs matplotlib: if this interpreter lacks it, the plot is drawn by the benchmark virtual environment's
Python (`python3 bench/peers.py --install` puts matplotlib there) from the measurements taken here.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PY = Path(os.environ.get("UNSPUN_BENCH_CACHE", Path.home() / ".cache" / "unspun-bench")) / "venv" / "bin" / "python"

STYLE = {  # name -> (colour, marker)
    "unspun engine": ("#1f4e79", "o"),
    "unspun check": ("#2e86c1", "s"),
    "harper-cli": ("#c0392b", "^"),
    "proselint": ("#8e44ad", "v"),
    "codespell": ("#27ae60", "D"),
    "typos": ("#7f8c8d", "P"),
    "write-good": ("#d68910", "X"),
    "alex": ("#a04000", "*"),
}


def measure_engine(sizes: list[int], runs: int = 3) -> list[dict]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT / "server"))
    import inputs
    from unspun.engine import Incremental, default_engine

    eng = default_engine()
    eng.analyze(inputs.document("clean", 2000))
    out = []
    for size in sizes:
        doc = inputs.document("clean", size)
        times = []
        for _ in range(runs if size <= 100_000 else 1):
            t = time.perf_counter()
            eng.analyze(doc, incremental=Incremental({}))
            times.append(time.perf_counter() - t)
        out.append({"words": len(doc.split()), "wall": statistics.median(times)})
        print(f"  engine {len(doc.split()):,}: {statistics.median(times):.3f} s", file=sys.stderr)
    return out


def draw(series: dict[str, list[dict]], out: Path, note: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.2), dpi=110)
    for name, pts in series.items():
        if not pts:
            continue
        colour, marker = STYLE.get(name, ("black", "."))
        xs = [p["words"] for p in pts]
        ys = [p["wall"] for p in pts]
        ax.plot(xs, ys, marker=marker, color=colour, label=name, linewidth=2.2 if name.startswith("unspun") else 1.3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("document size (words, clean prose)")
    ax.set_ylabel("wall time (s)")
    ax.set_title("Time against document size (log-log)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
    import textwrap

    fig.text(0.01, 0.01, textwrap.fill(note, 140), fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    print(f"wrote {out}", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peers-json", required=True, help="output of bench/peers.py --json")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000", help="engine sizes (words)")
    ap.add_argument("--engine-json", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(ROOT / "docs" / "images" / "benchmark-scaling.png"))
    args = ap.parse_args()

    if args.engine_json and Path(args.engine_json).exists():
        engine = json.loads(Path(args.engine_json).read_text())
    else:
        engine = measure_engine([int(s) for s in args.sizes.split(",") if s])
    peers = json.loads(Path(args.peers_json).read_text())
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        if VENV_PY.exists() and Path(sys.prefix).resolve() != VENV_PY.parent.parent.resolve():
            fd, path = tempfile.mkstemp(suffix=".json", prefix="unspun-engine-")
            with os.fdopen(fd, "w") as f:
                json.dump(engine, f)
            os.execv(str(VENV_PY), [str(VENV_PY), __file__, "--peers-json", args.peers_json,
                                    "--engine-json", path, "--out", args.out])
        print("matplotlib is not installed (python3 bench/peers.py --install, or pip install matplotlib)", file=sys.stderr)
        return 2
    series = {"unspun engine": engine, **peers.get("scaling", {})}
    note = (f"{peers.get('machine', '')}. Engine: in-process full analysis (empty cache). Others: CLI process on one"
            " file, start-up included. Peers do not look for spun text: cost, not findings.")
    draw(series, Path(args.out), note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
