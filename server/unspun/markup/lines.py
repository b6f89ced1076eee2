"""Lines of a document with their offsets, for the line-scanning readers (\\n, \\r\\n and \\r end lines)."""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line: `end` includes the line break, `line` does not."""
    if "\r" not in text:  # the common case, several times faster than the pattern
        parts = text.split("\n")
        if not parts[-1]:
            parts.pop()  # (no line after a final line break)
        n = len(text)
        found = []
        pos = 0
        for line in parts:
            end = pos + len(line) + 1
            found.append((pos, end if end <= n else n, line))
            pos = end
        return found
    out = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        out.append((m.start(), m.end(), m.group().rstrip("\r\n")))
    return out
