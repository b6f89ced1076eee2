"""Word-level alignment of a spun copy with its source, and the substitutions it shows.

A spinner rewrites word by word and keeps the order of the text, so the two word sequences line up: the stretches
that differ are its edits. Each edit of at most `MAX_WORDS` words on either side is one observation "the spinner
wrote X where the source had Y". An edit that only adds words to the spun side ("court" -> "court docket") or
only drops them is attached to the word before it, so that it still reads as X -> Y with both sides non-empty.
Longer edits (rewritten clauses) say nothing reliable about single words and are left out.

Words are compared in lower case, with typographic apostrophes straightened; punctuation is not aligned (a
spinner keeps it, and leaving it out keeps phrases such as "Secretary-Common" one stretch).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from unspun.engine.tokenize import Token, tokenize

#: the longest phrase, in words, on either side of a learned substitution
MAX_WORDS = 3


@dataclass(frozen=True)
class Substitution:
    """One edit of the spinner: the spun words and the source's words, lower case, as word tuples."""

    spun: tuple[str, ...]
    original: tuple[str, ...]
    #: the original's words as written (their case), for the replacement
    original_text: str


@dataclass
class PairObservations:
    """What one aligned pair shows: its edits, and how often every short phrase occurs in each text."""

    name: str
    substitutions: list[Substitution] = field(default_factory=list)
    #: occurrences of each phrase of 1..MAX_WORDS words in the spun text / in the original text
    spun_phrases: Counter = field(default_factory=Counter)
    original_phrases: Counter = field(default_factory=Counter)
    #: occurrences of each phrase in the spun text that lie inside stretches the spinner left unchanged
    kept_phrases: Counter = field(default_factory=Counter)
    words: int = 0


def _phrases(words: Sequence[str], counter: Counter, keep: Sequence[bool] | None = None) -> None:
    n = len(words)
    for i in range(n):
        for k in range(1, MAX_WORDS + 1):
            if i + k > n:
                break
            if keep is not None and not all(keep[i : i + k]):
                break
            counter[tuple(words[i : i + k])] += 1


def _text_of(text: str, tokens: Sequence[Token], lo: int, hi: int) -> str:
    return " ".join(t.text for t in tokens[lo:hi])


def align_pair(spun: str, original: str, name: str = "") -> PairObservations:
    """The substitutions a spun copy shows against its source, and the phrase counts of both texts."""
    a, b = tokenize(spun), tokenize(original)
    aw, bw = [t.norm for t in a], [t.norm for t in b]
    obs = PairObservations(name, words=len(aw))
    unchanged = [False] * len(aw)
    sm = difflib.SequenceMatcher(None, aw, bw, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for i in range(i1, i2):
                unchanged[i] = True
            continue
        if op in ("insert", "delete"):
            # one side is empty: attach the word before (or, at the start, after) to both sides
            if i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            elif i2 < len(aw) and j2 < len(bw):
                i2, j2 = i2 + 1, j2 + 1
            else:
                continue
        if not (0 < i2 - i1 <= MAX_WORDS and 0 < j2 - j1 <= MAX_WORDS):
            continue
        obs.substitutions.append(Substitution(tuple(aw[i1:i2]), tuple(bw[j1:j2]), _text_of(original, b, j1, j2)))
    _phrases(aw, obs.spun_phrases)
    _phrases(bw, obs.original_phrases)
    _phrases(aw, obs.kept_phrases, unchanged)
    return obs
