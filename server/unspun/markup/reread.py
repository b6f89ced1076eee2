"""Reading a document's prose again after an edit, from the reading of the version before it.

A keystroke changes a few characters, but a format's reader reads the whole text: for a long Markdown document
that is most of a keystroke's cost. Most formats reset their state at blank lines for most of what a document
holds, so the prose of a *chunk* (a run of non-blank lines) that holds none of the constructs able to reach
across a blank line (a fence, an HTML block, an indented continuation, a reference definition, ...) is what the
reader finds in the chunk read alone. Each format that can say so has a `local(chunk, next_line)` predicate
(`registry.local_check`); for the others, and whenever a condition below fails, the whole text is read.

When one chunk changed, the new prose is the old prose before it, the chunk read alone, and the old prose after
it moved by the change in length. (An edit of the blank lines between two chunks changes both: the stretch is
then the two chunks with the lines between them, read alone the same way.) That is the whole reading's result
when:

* neither text has a carriage return;
* the format's predicate holds for the old and the new stretch (given the line that begins the next chunk):
  nothing in them reaches another chunk, and the next chunk does not continue them;
* the old stretch read alone gives exactly the old prose inside it, and some (so its context did not change
  how it was read: a chunk inside an unclosed fence reads as prose alone, as nothing in place), and no old
  prose reaches across its ends.

Addresses (URLs, e-mail) never hold white space, so they are found in the chunk alone as in the whole text.
Texts with control directives are always read whole (a directive may act far from where it is written).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

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


def reread(
    old: str,
    old_prose: Sequence[Span],
    new: str,
    read: Callable[[str], list[Span]],
    local: Callable[[str, str], bool],
) -> tuple[list[Span], tuple[int, int, int] | None] | None:
    """The prose of `new` from that of `old` (`old_prose`, sorted spans) when one chunk changed and the
    conditions of the module documentation hold, with the stretch read again (start, end in `old`, end in
    `new`; None when the texts are equal); `read(text)` is the whole reading (the format's prose without
    addresses). None when the whole text must be read."""
    if "\r" in new or "\r" in old:
        return None
    edit = changed(old, new)
    if edit is None:
        return list(old_prose), None
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
    if not (local(old_chunk, nxt) and local(new_chunk, nxt)):
        return None
    # the old prose inside the chunk, which no span may cross
    i = bisect_left(old_prose, (cs, -1))
    j = bisect_left(old_prose, (ce, -1), i)
    if (i > 0 and old_prose[i - 1][1] > cs) or (j > i and old_prose[j - 1][1] > ce):
        return None
    alone = read(old_chunk)
    if not alone or [(a + cs, b + cs) for a, b in alone] != list(old_prose[i:j]):
        return None
    return [
        *old_prose[:i],
        *[(a + cs, b + cs) for a, b in read(new_chunk)],
        *[(a + delta, b + delta) for a, b in old_prose[j:]],
    ], (cs, ce, ce + delta)
