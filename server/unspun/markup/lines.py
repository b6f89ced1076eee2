"""Lines of a document with their offsets, for the line-scanning readers (\\n, \\r\\n and \\r end lines)."""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line: `end` includes the line break, `line` does not."""
    out = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        out.append((m.start(), m.end(), m.group().rstrip("\r\n")))
    return out
