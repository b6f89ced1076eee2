"""Plain text (and git commit messages).

All of a plain text is prose; a line holding an `unspun:` directive is its "comment". In a commit message,
lines starting with `#` are git's own comments and a diff below the scissors line (`# ------------------------
>8 ------------------------`, as `git commit -v` writes) is not prose.
"""

from __future__ import annotations

import re

from unspun.markup.lines import lines

Span = tuple[int, int]

_SCISSORS = re.compile(r"^# -+ >8 -+", re.M)


def segments(text: str) -> list[Span]:
    return [(0, len(text))] if text else []


def comments(text: str) -> list[Span]:
    return [(a, a + len(line)) for a, _b, line in lines(text) if "unspun:" in line]


def commit_segments(text: str) -> list[Span]:
    cut = _SCISSORS.search(text)
    end = cut.start() if cut else len(text)
    return [(a, a + len(line)) for a, b, line in lines(text[:end]) if not line.startswith("#")] if end else []


def commit_comments(text: str) -> list[Span]:
    return [(a, a + len(line)) for a, _b, line in lines(text) if "unspun:" in line]
