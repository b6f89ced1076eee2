#!/usr/bin/env python3
"""Write `docs/images/report.png`: `unspun report` of the shipped examples, as headless Chromium shows it.

Usage:
    python3 scripts/screenshot_report.py [--out PNG] [--chromium PATH]

The report is made by this checkout (`server/` first on PYTHONPATH) from the repository root, so its paths are
`examples/...`. Chromium is found as `$CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on PATH.
The documentation tests run this script into a temporary file when Chromium is installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images" / "report.png"
WIDTH, HEIGHT = 1100, 1300


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=OUT, help="the PNG to write (default: docs/images/report.png)")
    p.add_argument("--chromium", default=None, help="the Chromium executable")
    args = p.parse_args(argv)
    chromium = args.chromium or find_chromium()
    if chromium is None:
        print("no Chromium found: set CHROMIUM or install chromium", file=sys.stderr)
        return 2
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(ROOT / "server"), env.get("PYTHONPATH", "")) if x)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        r = subprocess.run(
            [sys.executable, "-m", "unspun", "report", "--quiet", "examples", "-o", str(report)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr, end="")
            return r.returncode
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shot = subprocess.run(
            [
                chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--user-data-dir={Path(tmp) / 'profile'}", f"--window-size={WIDTH},{HEIGHT}",
                f"--screenshot={args.out}", report.as_uri(),
            ],
            capture_output=True, text=True, timeout=300,
        )
        if shot.returncode != 0 or not args.out.is_file():
            print(shot.stderr, file=sys.stderr, end="")
            return shot.returncode or 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
