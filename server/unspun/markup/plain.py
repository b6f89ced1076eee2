"""Plain text (and git commit messages).

All of a plain text is prose (its blank lines hold nothing to read); a line holding an `unspun:` directive is
its "comment". In a commit message, lines starting with `#` are git's own comments and a diff below the
scissors line (`# ------------------------ >8 ------------------------`, as `git commit -v` writes) is not
prose.
"""

from __future__ import annotations

import re

from unspun.markup.lines import lines
from unspun.markup.registry import Reading

Span = tuple[int, int]

_SCISSORS = re.compile(r"^# -+ >8 -+", re.M)


#: a run of lines that are not blank (each holds a character other than a space or a tab)
_CHUNK = re.compile(r"[ \t]*[^ \t\n][^\n]*(?:\n[ \t]*[^ \t\n][^\n]*)*")


def segments(text: str) -> list[Span]:
    """The text, one span per run of non-blank lines (the blank lines and line breaks between them hold no
    words, and a keystroke's prose can then be found again in its own run: see `local`)."""
    if not text:
        return []
    if "\r" in text:
        return [(0, len(text))]
    return [m.span() for m in _CHUNK.finditer(text)]


def local(chunk: str, next_line: str, previous_line: str = "") -> bool:
    """Every chunk of plain text reads the same alone as in any document (see `unspun.markup.reread`)."""
    return True


def _directive_lines(text: str) -> list[Span]:
    return [(a, a + len(line)) for a, _b, line in lines(text) if "unspun:" in line]


def comments(text: str) -> list[Span]:
    return _directive_lines(text)


def read(text: str, comments: bool = True) -> Reading:
    """The prose of a plain text and (with `comments`) its lines that hold a directive."""
    return Reading(segments(text), _directive_lines(text) if comments else [])


def commit_segments(text: str) -> list[Span]:
    cut = _SCISSORS.search(text)
    end = cut.start() if cut else len(text)
    return [(a, a + len(line)) for a, b, line in lines(text[:end]) if not line.startswith("#")] if end else []


def commit_comments(text: str) -> list[Span]:
    return _directive_lines(text)


def commit_read(text: str, comments: bool = True) -> Reading:
    """The prose of a commit message and (with `comments`) its lines that hold a directive."""
    return Reading(commit_segments(text), _directive_lines(text) if comments else [])
