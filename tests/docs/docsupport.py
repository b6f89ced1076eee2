"""Helpers for the documentation tests: the repository's pages, their code blocks, and running unspun the way
the pages show it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"


def env() -> dict[str, str]:
    """The environment the commands run in: this checkout's server first on PYTHONPATH."""
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "server"), e.get("PYTHONPATH", "")) if p)
    e["UNSPUN_PYTHON"] = sys.executable
    return e


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def unspun(*args: str, cwd: Path | str = ROOT, stdin: str | None = None) -> Result:
    r = subprocess.run(
        [sys.executable, "-m", "unspun", *args], cwd=cwd, env=env(), input=stdin, capture_output=True,
        text=True, encoding="utf-8", timeout=300,
    )
    return Result(r.returncode, r.stdout, r.stderr)


#: shell functions so that a command shown as `unspun ...` or `python3 -m unspun ...` runs this checkout
SHELL_PRELUDE = 'unspun() { "$UNSPUN_PYTHON" -m unspun "$@"; }\npython3() { "$UNSPUN_PYTHON" "$@"; }\n'


def shell(command: str, cwd: Path | str = ROOT) -> Result:
    r = subprocess.run(
        ["bash", "-c", SHELL_PRELUDE + command], cwd=cwd, env=env(), capture_output=True, text=True,
        encoding="utf-8", timeout=300,
    )
    return Result(r.returncode, r.stdout, r.stderr)


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    text: str


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+)(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page (indented ones in lists too), their indentation removed."""
    text = path.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        indent = len(m.group("indent"))
        body = "".join(line[indent:] if line[:indent].strip() == "" else line for line in m.group("body").splitlines(True))
        out.append(Block(path.name, text.count("\n", 0, m.start()) + 1, m.group("lang"), body))
    return out


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


@dataclass(frozen=True)
class Session:
    """One `$ command` of a console block and the output shown after it."""

    block: Block
    command: str
    expected: list[str]


def sessions(block: Block) -> list[Session]:
    out: list[Session] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            out.append(Session(block, line[2:], []))
        elif out:
            out[-1].expected.append(line)
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected` line for line, where a line `...` in `expected` stands for any number of
    lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])
