"""Where an offset is: code-point offsets <-> (line, column), for the command line and the language server.

Lines end at `\\n`, `\\r\\n` or `\\r` (never at other Unicode breaks), as the LSP says. Columns count code units
of an encoding: UTF-16 (the LSP's default), UTF-8 or UTF-32 (code points). The command line reports code-point
columns (`text_position`); the language server converts to its client's encoding at the edge
(`unspun.lsp.convert.PositionIndex` adds the protocol's types to this index).

An index is built once per text, so converting thousands of findings costs a binary search each; after an
edit, `replaced` reuses the lines the edit leaves alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

import numpy as np

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

ENCODINGS = ("utf-8", "utf-16", "utf-32")


class PositionIndex:
    """Code-point offsets <-> (line, column) for one text, columns in code units of `encoding`."""

    def __init__(self, text: str, encoding: str | None = "utf-16"):
        self.text = text
        #: when made by `replaced`: the text before and the edit (start, end in it, end in this text)
        self.parent: str | None = None
        self.edit: tuple[int, int, int] | None = None
        #: the text holds a carriage return (kept: an edit's index is then built afresh)
        self._cr = "\r" in text
        if self._cr:
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        else:  # the common case, several times faster on a long document
            self.starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]
        enc = str(getattr(encoding, "value", encoding) or "utf-16").lower()
        self.encoding = enc if enc in ENCODINGS else "utf-16"
        if self.encoding == "utf-32":
            self._identity = True
        elif self.encoding == "utf-16":
            self._identity = text.isascii() or _ASTRAL.search(text) is None
        else:
            self._identity = text.isascii()

    def replaced(self, start: int, end: int, new: str) -> PositionIndex:
        """The index of this text with [start, end) replaced by `new`, reusing the lines the edit leaves alone
        (a keystroke in a long document then costs a shift of the later line starts, not a rescan of it)."""
        text = self.text[:start] + new + self.text[end:]
        if self._cr or "\r" in new or not self._identity:
            return self._afresh(text, start, end, new)
        cls = type(self)
        idx = cls.__new__(cls)
        idx.text, idx.encoding, idx._cr = text, self.encoding, False
        idx.parent, idx.edit = self.text, (start, end, start + len(new))
        idx._identity = self.encoding == "utf-32" or (
            new.isascii() or (self.encoding == "utf-16" and _ASTRAL.search(new) is None)
        )
        if not idx._identity:
            return self._afresh(text, start, end, new)
        starts = self.starts
        first = bisect_right(starts, start) - 1  # the line the edit begins on keeps its start
        last = bisect_right(starts, end)  # lines from here on start after the edit: they only move
        delta = len(new) - (end - start)
        a = starts[first]
        if last < len(starts):  # the line breaks between the edit's first line and the next unedited line
            stop = starts[last] + delta
            middle = [a + i + 1 for i, c in enumerate(text[a : stop - 1]) if c == "\n"]
        else:
            middle = [a + i + 1 for i, c in enumerate(text[a:]) if c == "\n"]
        idx.starts = starts[: first + 1] + middle + [x + delta for x in starts[last:]]
        return idx

    def _afresh(self, text: str, start: int, end: int, new: str) -> PositionIndex:
        idx = type(self)(text, self.encoding)
        idx.parent, idx.edit = self.text, (start, end, start + len(new))
        return idx

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_end(self, line: int) -> int:
        """Offset of the end of a line's content (before its line break)."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            return end - 2 if self.text.startswith("\r\n", end - 2) else end - 1
        return len(self.text)

    def units(self, s: str) -> int:
        """The length of `s` in code units of the index's encoding."""
        if self._identity or self.encoding == "utf-32":
            return len(s)
        if self.encoding == "utf-16":
            return len(s) + len(_ASTRAL.findall(s))
        return len(s.encode("utf-8", "surrogatepass"))

    def line_col(self, offset: int) -> tuple[int, int]:
        """(line, column) of a code-point offset, the column in code units of the encoding."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, (offset - start if self._identity else self.units(self.text[start:offset]))

    def line_cols(self, offsets: list[int]) -> list[tuple[int, int]]:
        """`line_col` of many offsets at once (one vectorised search for a text without astral characters)."""
        if not self._identity or len(offsets) < 64:
            return [self.line_col(o) for o in offsets]
        at = np.clip(np.asarray(offsets, dtype=np.int64), 0, len(self.text))
        starts = np.asarray(self.starts, dtype=np.int64)
        lines = np.searchsorted(starts, at, side="right") - 1
        return list(zip(lines.tolist(), (at - starts[lines]).tolist()))

    def text_position(self, offset: int) -> tuple[int, int]:
        """(line, code-point column) of an offset, as the command line reports it: whatever the encoding of the
        index, and with a byte order mark at the start taking no column (editors do not show it)."""
        line = bisect_right(self.starts, offset) - 1
        column = offset - self.starts[line]
        return line, column - 1 if line == 0 and column > 0 and self.text.startswith("\ufeff") else column

    def offset_at(self, line: int, character: int) -> int:
        """The offset of (line, column in code units); past the end of a line means its end, past the last line
        the end of the text."""
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.line_end(line)
        if self._identity:
            return min(start + character, end)
        units = 0
        i = start
        while i < end and units < character:
            units += self.units(self.text[i])
            i += 1
        return i
