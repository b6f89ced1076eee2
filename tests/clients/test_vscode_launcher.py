"""The VS Code extension's launcher (clients/vscode/bundled/tool/unspun_server.py) run as the extension runs it:
`--check-first` puts its report on the interpreter first on standard error, then serves, or exits when the
interpreter cannot run unspun."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "clients" / "vscode" / "bundled" / "tool" / "unspun_server.py"
MARK = "unspun-check: "


def run(args: list[str], stdin: str = "", python: list[str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    return subprocess.run(
        [*(python or [sys.executable]), str(LAUNCHER), *args], input=stdin, capture_output=True, text=True,
        env=env, timeout=120,
    )


def report_of(stderr: str) -> dict:
    first = stderr.splitlines()[0]
    assert first.startswith(MARK), stderr
    return json.loads(first[len(MARK):])


def test_the_report_comes_first_then_the_command_runs():
    from unspun import __version__

    r = run(["--check-first", "check", "--format", "json", "-"], "The information convention was held on Monday.\n")
    report = report_of(r.stderr)
    assert report["unspun"] == __version__ and report["missing"] == [] and report["error"] is None
    assert r.returncode == 1, r.stderr  # the command ran after the report: it found the tortured phrase
    assert "news conference" in r.stdout


def test_an_interpreter_that_cannot_run_unspun_reports_it_and_exits():
    # without site-packages or PYTHONPATH the interpreter has neither numpy nor unspun
    r = run(["--check-first", "serve"], python=[sys.executable, "-S", "-E"])
    report = report_of(r.stderr)
    assert r.returncode == 3
    assert any(m.startswith("numpy") for m in report["missing"])
    assert r.stdout == ""  # nothing on the protocol's channel


def test_plain_check_is_unchanged():
    r = run(["--check"])
    assert r.returncode == 0
    assert json.loads(r.stdout.strip().splitlines()[-1])["missing"] == []
