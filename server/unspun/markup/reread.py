"""Reading a document's prose again after an edit, from the reading of the version before it.

A keystroke changes a few characters, but a format's reader reads the whole text: for a long Markdown document
that is most of a keystroke's cost. Most formats reset their state at blank lines for most of what a document
holds, so the prose of a *chunk* (a run of non-blank lines) that holds none of the constructs able to reach
across a blank line (a fence, an HTML block, an indented continuation, a reference definition, ...) is what the
reader finds in the chunk read alone. Each format that can say so has a `local(chunk, next_line,
previous_line)` predicate (`registry.local_check`); for the others, and whenever a condition below fails, the
whole text is read.

When one chunk changed, the new prose is the old prose before it, the chunk read alone, and the old prose after
it moved by the change in length. (An edit of the blank lines between two chunks changes both: the stretch is
then the two chunks with the lines between them, read alone the same way.) That is the whole reading's result
when:

* neither text has a carriage return;
* the format's predicate holds for the old and the new stretch (given the line that begins the next chunk
  and the one that ends the chunk before): nothing in them reaches another chunk, the next chunk does not
  continue them, and the one before does not change how they read;
* the old stretch read alone gives exactly the old prose inside it, and some (so its context did not change
  how it was read: a chunk inside an unclosed fence reads as prose alone, as nothing in place), and no old
  prose reaches across its ends.

Addresses (URLs, e-mail) never hold white space, so they are found in the chunk alone as in the whole text.
Texts with control directives are always read whole (a directive may act far from where it is written).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import islice

Span = tuple[int, int]

#: the line breaks and blank lines after a chunk, up to the first character of the next chunk
_BLANKS = re.compile(r"\n(?:[ \t]*\n)*")


def changed(old: str, new: str) -> tuple[int, int, int] | None:
    """(start, end in `old`, end in `new`) of the stretch that differs between two texts; None if equal.

    Compared in doubling blocks from each end (a few string comparisons, not a step per character)."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    p = _common(old, new, limit, False)
    s = _common(old, new, limit - p, True)
    return p, len(old) - s, len(new) - s


def _common(a: str, b: str, limit: int, from_end: bool) -> int:
    """Length of the common prefix (or suffix) of `a` and `b`, at most `limit`."""
    na, nb = len(a), len(b)

    def same(lo: int, hi: int) -> bool:
        if from_end:
            return a[na - hi : na - lo] == b[nb - hi : nb - lo]
        return a[lo:hi] == b[lo:hi]

    lo, step = 0, 1024
    while lo < limit:
        hi = min(limit, lo + step)
        if not same(lo, hi):
            while hi - lo > 1:  # the first difference is in [lo, hi)
                mid = (lo + hi) // 2
                if same(lo, mid):
                    lo = mid
                else:
                    hi = mid
            return lo
        lo, step = hi, step * 2
    return limit


def chunk_start(text: str, i: int) -> int:
    """The start of the run of non-blank lines that holds offset `i`: the start of the line after the last blank
    line before it (or 0)."""
    a = text.rfind("\n", 0, i) + 1
    while a > 0:
        b = text.rfind("\n", 0, a - 1) + 1
        if not text[b : a - 1].strip(" \t"):
            return a
        a = b
    return 0


def chunk_end(text: str, i: int) -> int:
    """The end of the run of non-blank lines that holds offset `i`: where the line break before the first blank
    line after it is (or the end of the text)."""
    e = text.find("\n", i)
    while e >= 0:
        f = text.find("\n", e + 1)
        if not text[e + 1 : len(text) if f < 0 else f].strip(" \t"):
            return e
        e = f
    return len(text)


def _last_line_before(text: str, start: int) -> str:
    """The last non-blank line before the chunk that begins at `start` ("" if none)."""
    end = start - 1
    while end > 0:
        a = text.rfind("\n", 0, end) + 1
        if text[a:end].strip(" \t"):
            return text[a:end]
        end = a - 1
    return ""


def reread(
    old: str,
    old_prose: Sequence[Span],
    new: str,
    read: Callable[[str], list[Span]],
    local: Callable[[str, str, str], bool],
    edit: tuple[int, int, int] | None = None,
) -> tuple[Sequence[Span], tuple[int, int, int] | None] | None:
    """The prose of `new` from that of `old` (`old_prose`, sorted spans) when one chunk changed and the
    conditions of the module documentation hold, with the stretch read again (start, end in `old`, end in
    `new`; None when the texts are equal); `read(text)` is the whole reading (the format's prose without
    addresses). None when the whole text must be read.

    `edit` is the stretch that changed, when the caller knows it (an editor's change: start, end in `old`, end
    in `new`; outside it the texts are the same): the texts are then not compared."""
    if "\r" in new or "\r" in old:
        return None
    if edit is not None and not (
        0 <= edit[0] <= edit[1] <= len(old) and edit[0] <= edit[2] and edit[2] - edit[1] == len(new) - len(old)
    ):
        edit = None
    if edit is None:
        edit = changed(old, new)
        if edit is None:
            return old_prose, None
    p, old_end, new_end = edit
    cs = chunk_start(old, p)
    ce = chunk_end(old, max(p, old_end - 1))
    delta = len(new) - len(old)
    if not cs <= p <= old_end <= ce:
        return None
    old_chunk, new_chunk = old[cs:ce], new[cs : ce + delta]
    if not old_chunk or not new_chunk:
        return None
    after = _BLANKS.match(new, ce + delta)
    nxt = "" if after is None else new[after.end() : new.find("\n", after.end()) % (len(new) + 1)]
    before = _last_line_before(old, cs)
    if not (local(old_chunk, nxt, before) and local(new_chunk, nxt, before)):
        return None
    # the old prose inside the chunk, which no span may cross
    i = bisect_left(old_prose, (cs, -1))
    j = bisect_left(old_prose, (ce, -1), i)
    if (i > 0 and old_prose[i - 1][1] > cs) or (j > i and old_prose[j - 1][1] > ce):
        return None
    alone = read(old_chunk)
    if not alone or [(a + cs, b + cs) for a, b in alone] != list(old_prose[i:j]):
        return None
    middle = [(a + cs, b + cs) for a, b in read(new_chunk)]
    return MovedSpans.edited(old_prose, i, j, middle, delta), (cs, ce, ce + delta)


class MovedSpans(Sequence[Span]):
    """Sorted spans made from earlier ones without copying them: pieces of source sequences, each read with an
    offset (the spans after an edit are the ones before it, moved by the change in length). A keystroke in a
    long document then costs a few pieces, not a copy of ten thousand spans; past `MAX_PIECES` pieces they are
    copied into one. Compares equal to any sequence of the same spans."""

    __slots__ = ("_pieces", "_starts", "_n")

    #: pieces kept before the spans are copied into one tuple (each edit adds up to two)
    MAX_PIECES = 48

    def __init__(self, pieces: list[tuple[Sequence[Span], int, int, int]]):
        #: (source, lo, hi, delta): the spans source[lo:hi], each moved by delta
        self._pieces = [p for p in pieces if p[2] > p[1]]
        self._starts: list[int] = []
        n = 0
        for _src, lo, hi, _d in self._pieces:
            self._starts.append(n)
            n += hi - lo
        self._n = n

    @classmethod
    def edited(cls, base: Sequence[Span], i: int, j: int, middle: list[Span], delta: int) -> MovedSpans:
        """`base[:i] + middle + base[j:]`, the last part moved by `delta`."""
        whole = base if isinstance(base, MovedSpans) else cls([(base, 0, len(base), 0)])
        pieces = [*whole._cut(0, i, 0), (middle, 0, len(middle), 0), *whole._cut(j, len(whole), delta)]
        made = cls(pieces)
        if len(made._pieces) > cls.MAX_PIECES:
            made = cls([(tuple(made), 0, len(made), 0)])
        return made

    def _cut(self, a: int, b: int, more: int) -> list[tuple[Sequence[Span], int, int, int]]:
        """The pieces that hold the spans [a, b), each moved `more` further."""
        out = []
        k = max(0, bisect_right(self._starts, a) - 1)
        while k < len(self._pieces) and self._starts[k] < b:
            src, lo, hi, d = self._pieces[k]
            at = self._starts[k]
            x, y = lo + max(a, at) - at, lo + min(b, at + hi - lo) - at
            if y > x:
                out.append((src, x, y, d + more))
            k += 1
        return out

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[x] for x in range(*k.indices(self._n))]
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError(k)
        p = bisect_right(self._starts, k) - 1
        src, lo, _hi, d = self._pieces[p]
        a, b = src[lo + k - self._starts[p]]
        return (a + d, b + d) if d else (a, b)

    def __iter__(self):
        for src, lo, hi, d in self._pieces:
            if d:
                for a, b in islice(src, lo, hi):
                    yield (a + d, b + d)
            else:
                yield from islice(src, lo, hi)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(other) == self._n and all(x == y for x, y in zip(self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"MovedSpans({list(self)!r})"
