"""Finding lexicon phrases in tokenized text.

Every entry is indexed by its first word, with its inflected variants (`inflect = noun`: the other grammatical
number of the last word on both sides). Matching is case-insensitive, treats hyphens and spaces alike, accepts a
possessive "'s" on the last word, and tolerates one typo (two in long words) in every word after the first, using
rapidfuzz's Levenshtein distance; a typo match has its confidence lowered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from unspun.engine.inflect import is_plural, pluralize, singularize
from unspun.engine.lexicon import Entry, Lexicon
from unspun.engine.tokenize import Token, is_joiner, phrase_words

TYPO_PENALTY = 0.85


@dataclass(frozen=True, slots=True)
class Variant:
    words: tuple[str, ...]
    entry: Entry
    expected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # code-point offsets of the matched phrase
    end: int
    variant: Variant
    typos: int  # how many words matched only approximately


def _inflected(entry: Entry) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    words = phrase_words(entry.tortured)
    forms = [(words, entry.expected)]
    if entry.inflect == "noun":
        last = words[-1]
        change = singularize if is_plural(last) else pluralize
        other = change(last)
        if other != last:
            expected = tuple(_change_last_word(e, change) for e in entry.expected)
            forms.append((words[:-1] + (other.lower(),), expected))
    return forms


def _change_last_word(phrase: str, change) -> str:
    head, sep, last = phrase.rpartition(" ")
    if (change is pluralize) == is_plural(last):
        return phrase  # already in the wanted number ("random woods")
    return head + sep + change(last)


class PhraseIndex:
    def __init__(self, lexicons: Iterable[Lexicon]):
        by_key: dict[tuple[str, ...], Variant] = {}
        for lex in lexicons:  # later lexicons (user files) override earlier ones (shipped)
            for entry in lex.entries:
                for words, expected in _inflected(entry):
                    if words:
                        by_key[words] = Variant(words, entry, expected)
        self._by_first: dict[str, list[Variant]] = {}
        for v in by_key.values():
            self._by_first.setdefault(v.words[0], []).append(v)
        for lst in self._by_first.values():
            lst.sort(key=lambda v: -len(v.words))
        self._by_key = by_key

    def __len__(self) -> int:
        return len(self._by_key)

    def lookup(self, phrase: str) -> Variant | None:
        return self._by_key.get(phrase_words(phrase))

    def match(self, text: str, tokens: Sequence[Token]) -> list[Match]:
        """Non-overlapping matches, leftmost first, longest at each position."""
        out: list[Match] = []
        i, n = 0, len(tokens)
        while i < n:
            m = self._match_at(text, tokens, i)
            if m is None:
                i += 1
                continue
            out.append(m[0])
            i += m[1]
        return out

    def _match_at(self, text: str, tokens: Sequence[Token], i: int) -> tuple[Match, int] | None:
        first = tokens[i].norm
        candidates = self._by_first.get(first)
        possessive = False
        if candidates is None and first.endswith("'s"):
            candidates = [v for v in self._by_first.get(first[:-2], ()) if len(v.words) == 1]
            possessive = bool(candidates)
        if not candidates:
            return None
        best: Match | None = None
        for v in candidates:
            L = len(v.words)
            if i + L > len(tokens):
                continue
            if best is not None and (L < len(best.variant.words) or best.typos == 0):
                break
            typos = 0
            ok = True
            end = tokens[i + L - 1].end
            for k in range(1, L):
                tok = tokens[i + k]
                if not is_joiner(text[tokens[i + k - 1].end : tok.start]):
                    ok = False
                    break
                want, got = v.words[k], tok.norm
                if got == want:
                    continue
                if k == L - 1 and got == want + "'s":
                    end = tok.end - 2
                    continue
                if _near(want, got):
                    typos += 1
                    continue
                ok = False
                break
            if not ok:
                continue
            if L == 1 and possessive:
                end = tokens[i].end - 2
            m = Match(tokens[i].start, end, v, typos)
            if best is None or typos < best.typos:
                best = m
        if best is None:
            return None
        return best, len(best.variant.words)


def _near(want: str, got: str) -> bool:
    if len(want) < 5 or not got.isalpha():
        return False
    limit = 1 if len(want) < 9 else 2
    return Levenshtein.distance(want, got, score_cutoff=limit) <= limit
