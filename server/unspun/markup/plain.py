"""Plain text (and git commit messages).

All of a plain text is prose; a line holding an `unspun:` directive is its "comment". In a commit message,
lines starting with `#` are git's own comments and a diff below the scissors line (`# ------------------------
>8 ------------------------`, as `git commit -v` writes) is not prose.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_SCISSORS = re.compile(r"^# -+ >8 -+", re.M)


def _lines(text: str):
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        yield m.start(), m.end(), m.group().rstrip("\r\n")


def segments(text: str) -> list[Span]:
    return [(0, len(text))] if text else []


def comments(text: str) -> list[Span]:
    return [(a, a + len(line)) for a, _b, line in _lines(text) if "unspun:" in line]


def commit_segments(text: str) -> list[Span]:
    cut = _SCISSORS.search(text)
    end = cut.start() if cut else len(text)
    return [(a, a + len(line)) for a, b, line in _lines(text[:end]) if not line.startswith("#")] if end else []


def commit_comments(text: str) -> list[Span]:
    return [(a, a + len(line)) for a, _b, line in _lines(text) if "unspun:" in line]
