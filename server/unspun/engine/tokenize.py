"""Word tokens with code-point offsets, and paragraph spans.

A word is a run of letters/digits, possibly with inner apostrophes ("don't", "don’t"). Hyphens are not part of
words: "Secretary-Common" is two words joined by a hyphen, so a lexicon entry matches hyphenated and spaced
spellings alike.
"""

from __future__ import annotations

import re
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


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs: text separated by blank lines. Every character belongs to exactly one span."""
    spans = []
    pos = 0
    # without carriage returns the simpler pattern finds the same breaks several times faster
    for m in (_PARAGRAPH_BREAK if "\r" in text else _LF_PARAGRAPH_BREAK).finditer(text):
        spans.append((pos, m.start()))
        pos = m.start()
    spans.append((pos, len(text)))
    return [s for s in spans if s[1] > s[0]] or [(0, len(text))]
