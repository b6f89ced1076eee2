"""Word tokens with code-point offsets, and paragraph spans.

A word is a run of letters/digits, possibly with inner apostrophes ("don't", "don’t"). Hyphens are not part of
words: "Secretary-Common" is two words joined by a hyphen, so a lexicon entry matches hyphenated and spaced
spellings alike.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from operator import itemgetter
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\r?\n|\r\n[ \t]*\r\n|\r[ \t]*\r")
_LF_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
#: what may separate two words of one phrase: spaces, one line break, or a hyphen (with optional spaces)
_JOINER = re.compile(r"[ \t\u00a0]*(?:\r\n|\r|\n)?[ \t\u00a0]*|[ \t\u00a0]*[-\u2010\u2011][ \t\u00a0]*")


class Token(NamedTuple):
    start: int
    end: int
    text: str
    #: lower case, typographic apostrophe as "'"
    norm: str


def normalize_word(word: str) -> str:
    return word.lower().replace("’", "'")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    new = tuple.__new__  # NamedTuple's own constructor is several times slower
    if "’" not in text:  # (most texts: no typographic apostrophe to straighten)
        return [new(Token, (m.start(), m.end(), w, w.lower())) for m in _WORD.finditer(text, start, end) for w in (m.group(),)]
    return [
        new(Token, (m.start(), m.end(), w, w.lower().replace("’", "'")))
        for m in _WORD.finditer(text, start, end)
        for w in (m.group(),)
    ]


def phrase_words(phrase: str) -> tuple[str, ...]:
    """The normalized words of a lexicon phrase ("Secretary-Common" -> ("secretary", "common"))."""
    return tuple([w.lower().replace("’", "'") for w in _WORD.findall(phrase)])


def is_joiner(gap: str) -> bool:
    """True when `gap` (the text between two words) keeps them in one phrase."""
    return bool(gap) and _JOINER.fullmatch(gap) is not None


#: a text without blank lines whose lines of at least this many characters hold half its text or more has one
#: paragraph a line (as pasted from a web page)
LONG_LINE = 120
_LINE_BREAK = re.compile(r"\r?\n")


def by_line(text: str) -> bool:
    """Whether `text` is cut into paragraphs by line: it has no blank line and is mostly long lines, as a page
    pasted from the web or a transcript with one paragraph a line. Hard-wrapped text (short lines) and text with
    blank lines are cut at blank lines."""
    if _LF_PARAGRAPH_BREAK.search(text) or ("\r" in text and _PARAGRAPH_BREAK.search(text)):
        return False
    if text.count("\n") < 2:
        return False
    long_chars = sum(len(line) for line in text.split("\n") if len(line) >= LONG_LINE)
    return 2 * long_chars >= len(text)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs: text separated by blank lines, or by line breaks in a text with one paragraph a
    line (`by_line`). Every character belongs to exactly one span."""
    spans = []
    pos = 0
    # without carriage returns the simpler pattern finds the same breaks several times faster
    pattern = _LINE_BREAK if by_line(text) else _PARAGRAPH_BREAK if "\r" in text else _LF_PARAGRAPH_BREAK
    for m in pattern.finditer(text):
        spans.append((pos, m.start()))
        pos = m.start()
    spans.append((pos, len(text)))
    return [s for s in spans if s[1] > s[0]] or [(0, len(text))]


class Cut(NamedTuple):
    """Paragraphs found after an edit (`paragraphs_after_edit`): the old paragraphs [lo, hi) gave way to
    `spans[lo : lo + len(spans) - (n - (hi - lo))]` (n: how many there were); the others are the same."""

    spans: list[tuple[int, int]]
    chunks: list[str]
    lo: int
    hi: int


def paragraphs_after_edit(
    spans: Sequence[tuple[int, int]], chunks: Sequence[str], old_length: int, new: str,
    changed: tuple[int, int] | None = None,
) -> Cut | None:
    """`paragraphs(new)` and each paragraph's text, found from an earlier version of the text: `spans` are its
    paragraphs, `chunks` their texts, `old_length` its length, and it held no carriage return. A keystroke
    changes one paragraph: the ones before it are where they were, the ones after it moved by the change in
    length, and only the changed stretch is split again (the chunks of the others are the same objects, whose
    hashes Python keeps). None when the change reaches so far that splitting `new` whole is as cheap, or when
    the breaks around the changed stretch are not the same as before (the caller then calls `paragraphs`).
    `changed` (start, end in the old text), when the caller knows it, bounds what changed: the paragraphs
    outside it are then not compared.

    The split is the same as `paragraphs(new)`: the paragraphs before the changed stretch end where a break
    begins, and one begins where it began before (checked), so a scan of `new` reaches it as it did before;
    from the first unchanged break after the stretch (checked to begin where it moved to) the text is as it
    was, and so are the breaks."""
    n = len(spans)
    if n == 0 or not new:
        return None
    if (n > 1 and not _LF_PARAGRAPH_BREAK.match(chunks[1])) or by_line(new):
        return None  # cut by line before or now: cut again whole
    delta = len(new) - old_length
    if changed is not None:
        # paragraphs that end before the change are unchanged in place, those that begin after it moved
        f = bisect_right(spans, changed[0], key=itemgetter(1))
        b = bisect_left(spans, changed[1], key=itemgetter(0)) - 1
    else:
        # paragraphs unchanged in place, from the start, and moved by `delta`, from the end
        starts = new.startswith
        f = 0
        for (s, _e), chunk in zip(spans, chunks):
            if not starts(chunk, s):
                break
            f += 1
        if f == n and delta == 0:
            return Cut(list(spans), list(chunks), n, n)  # the same text
        b = n - 1
        for (s, _e), chunk in zip(reversed(spans), reversed(chunks)):
            if s + delta < 0 or not starts(chunk, s + delta):
                break
            b -= 1
    lo, hi = max(0, min(f, b)), min(n - 1, max(f, b))
    start, end = spans[lo][0], spans[hi][1] + delta
    if end < start or (lo == 0 and hi == n - 1) or "\r" in new[start:end]:
        return None
    last = hi == n - 1
    local: list[tuple[int, int]] = []
    pos = start
    first = True
    for m in _LF_PARAGRAPH_BREAK.finditer(new, start):
        at = m.start()
        if first and lo > 0 and at != start:
            return None  # the break that began paragraph `lo` is gone: it joins the one before
        first = False
        if not last and at >= end:
            if at != end:
                return None  # the break after the stretch moved (or one that began before it reaches past it)
            break
        local.append((pos, at))
        pos = at
    else:
        if not last or (first and lo > 0):
            return None  # no break where the next paragraph begins, or none where paragraph `lo` began
    local.append((pos, end))
    local = [s for s in local if s[1] > s[0]]
    new_spans = [*spans[:lo], *local, *[(s + delta, e + delta) for s, e in spans[hi + 1 :]]]
    new_chunks = [*chunks[:lo], *[new[s:e] for s, e in local], *chunks[hi + 1 :]]
    return Cut(new_spans, new_chunks, lo, hi + 1)


#: what ends a sentence (or a quotation, or a parenthesis) before the next word
_SENTENCE_ENDERS = frozenset('.!?:;"“”)]')


def sentence_ends_before(text: str, pos: int) -> bool:
    r"""Whether `text[:pos]` ends a sentence: its last character other than white space is one of
    ``.!?:;"“”)]``, or it is empty (or a single line break). What ``re.search(r'(?:^|[.!?:;"“”)\]]\s*)$',
    text[:pos])`` answers, but looking back only over the white space before `pos` (that search reads the
    whole prefix: quadratic in a long paragraph)."""
    j = pos
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j > 0:
        return text[j - 1] in _SENTENCE_ENDERS
    return pos == 0 or (pos == 1 and text[0] == "\n")
