"""Shared pieces of the real-editor tests (the `doc` fixture is in conftest.py): finding an editor (skip, or
fail under UNSPUN_REQUIRE_EDITORS=1), the documented configurations, running an editor with a hard timeout in
a contained environment, the fixture document and the check of the file fix-all wrote.

Every test here drives a real, headless editor configured as docs/editors.md says (the tests copy their
configuration blocks from it), against `unspun serve` with the shipped lexicons. The editor's own script
(neovim.lua, emacs.el; for Vim, test_vim.py typing into tmux) does what a user would and records what the
editor showed; the test makes its assertions on that record and on the file on disk.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

HERE = Path(__file__).resolve().parent
#: the documented configurations the tests run (each marked `<!-- tests/editors: NAME -->` before its block)
EDITORS_DOC = HERE.parents[1] / "docs" / "editors.md"

#: The fixture document: three phrases from the shipped lexicons. The one after "an" needs its article fixed;
#: the last line puts characters of 2, 3 and 4 UTF-8 bytes (the emoji: 2 UTF-16 units) before its phrase.
DOC = """\
# Briefing

The minister gave an information convention on Monday.

Researchers at the lab study counterfeit consciousness and its uses.

Café trade (€) 😀 with Jap Europe grew last year.
"""
#: spun phrase -> the phrase fix-all must leave in its place
FIXES = {
    "an information convention": "a news conference",
    "counterfeit consciousness": "artificial intelligence",
    "Jap Europe": "Eastern Europe",
}
#: the phrase each test repairs with a quick fix, and the replacement it must get
QUICKFIX = ("counterfeit consciousness", "artificial intelligence")


def missing(what: str) -> NoReturn:
    """Skip the test because `what` is not installed, or fail it under UNSPUN_REQUIRE_EDITORS=1."""
    reason = f"{what} is not installed (.ci/install-editors.sh installs it)"
    if os.environ.get("UNSPUN_REQUIRE_EDITORS") == "1":
        pytest.fail(reason + ", and UNSPUN_REQUIRE_EDITORS=1 requires it", pytrace=False)
    pytest.skip(reason)


def require(program: str) -> str:
    """The path of `program` (see `missing` when there is none)."""
    return shutil.which(program) or missing(program)


def documented_config(name: str) -> str:
    """The code block of docs/editors.md marked `<!-- tests/editors: NAME -->`, as a user would copy it."""
    text = EDITORS_DOC.read_text(encoding="utf-8")
    m = re.search(rf"<!-- tests/editors: {re.escape(name)} -->\n```\w*\n(.*?)\n```", text, re.DOTALL)
    assert m, f"no block marked <!-- tests/editors: {name} --> in {EDITORS_DOC}"
    return m.group(1) + "\n"


def contained_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for an editor: its own HOME and XDG folders (nothing read from or written to the
    user's), an `unspun` command on PATH that runs this Python's unspun (so the documented configurations,
    which call `unspun`, work unchanged), and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "NVIM", "VIM", "EMACS", "TMUX"))}
    for name in ("config", "data", "cache", "state"):
        (home / f".{name}").mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name.upper()}_HOME"] = str(home / f".{name}")
    bin_dir = home / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "unspun"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m unspun "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env.update(HOME=str(home), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", TERM="xterm-256color",
               LC_ALL="C.UTF-8")
    env.update(extra)
    return env


def run(cmd: list[str], env: dict[str, str], timeout: float, cwd: Path) -> subprocess.CompletedProcess:
    """Run `cmd` in its own process group; on timeout kill the whole group (editor and server) and fail."""
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{cmd[0]} did not finish within {timeout:.0f} s\nstdout:\n{out[-3000:]}\nstderr:\n{err[-3000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def read_report(path: Path, proc: subprocess.CompletedProcess | None = None) -> dict:
    where = "" if proc is None else f"\nexit {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    assert path.exists(), f"the editor wrote no report{where}"
    report = json.loads(path.read_text(encoding="utf-8"))
    assert not report.get("error"), f"the editor script failed: {report['error']}{where}"
    return report


def spin_scores(text: str, name: str = "briefing.md") -> list[tuple[int, str]]:
    """What an editor's paragraph list should show for `text`: (1-based line, "spin score X per 100 words[, looks
    machine-spun]") for each paragraph with evidence, highest score first, from `unspun check --format json`."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "unspun", "check", "--no-config", "--format", "json", str(path)],
            capture_output=True, text=True, timeout=60,
        )
    (report,) = json.loads(proc.stdout)["files"]
    threshold = report["spin_threshold"]
    found = [p for p in report["paragraphs"] if p["spin_score"] > 0]
    found.sort(key=lambda p: (-p["spin_score"], p["line"]))
    out = []
    for p in found:
        verdict = ", looks machine-spun" if p["spin_score"] >= threshold else ""
        out.append((p["line"] + 1, f"spin score {p['spin_score']:.1f} per 100 words{verdict}"))
    return out


def check_fixed_file(text: str) -> None:
    """The file fix-all on save wrote: every fixture phrase restored, the rest of the document unchanged."""
    for spun, fixed in FIXES.items():
        assert spun not in text, f"{spun!r} still in the saved file:\n{text}"
        assert fixed in text, f"{fixed!r} not in the saved file:\n{text}"
    lines = text.split("\n")
    assert lines[0] == "# Briefing"
    assert lines[2] == "The minister gave a news conference on Monday."
    assert lines[6] == "Café trade (€) 😀 with Eastern Europe grew last year."
    assert text.endswith(".\n") and len(lines) == len(DOC.split("\n")), text
