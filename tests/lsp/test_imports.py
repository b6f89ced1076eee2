"""Every module of unspun imports on its own (no import cycle that only an import order hides), and the engine
and the markup readers know nothing of the language server."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import unspun

PACKAGE = Path(unspun.__file__).parent


def modules() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # (running it is the command line, not an import)
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"},
    )


def test_every_module_imports_first_in_a_fresh_interpreter():
    names = modules()
    assert {"unspun.pipeline", "unspun.positions", "unspun.lsp.server", "unspun.lsp.snapshot"} <= set(names)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda name: (name, _python(f"import {name}")), names))
    failed = {name: run.stderr.strip().splitlines()[-1:] for name, run in runs if run.returncode != 0}
    assert not failed


def test_the_engine_and_the_markup_readers_do_not_import_the_server():
    names = [n for n in modules() if n.split(".")[1:2] in (["engine"], ["markup"])] + ["unspun.pipeline", "unspun.positions"]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'unspun.lsp' or m.startswith(('unspun.lsp.', 'pygls', 'lsprotocol'))))\n"
    )
    run = _python(code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
