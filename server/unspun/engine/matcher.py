"""Finding lexicon phrases in tokenized text.

Every entry is indexed by its first word, with its inflected variants (`inflect = noun`: the other grammatical
number of the last word on both sides). Matching is case-insensitive, treats hyphens and spaces alike, accepts a
possessive "'s" on the last word, and tolerates one typo (two in long words) in every word after the first, using
rapidfuzz's Levenshtein distance, when the first word has four letters or more; a typo match has its confidence
lowered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, count

from rapidfuzz.distance import Levenshtein

from unspun.engine.inflect import is_plural, pluralize, singularize
from unspun.engine.lexicon import Entry, Lexicon
from unspun.engine.tokenize import Token, is_joiner, phrase_words

TYPO_PENALTY = 0.85
#: how many (first word, letters) keys `PhraseIndex._typo_candidates` holds at most (emptied when full)
TYPO_MEMO_SIZE = 50_000


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
    words = entry.words
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
        # per first word: the lengths of its entries of more than one word, longest first, and those entries (in
        # the order of `_by_first`); the entry of that word alone
        self._longer_lengths = {
            w: sorted({len(v.words) for v in lst if len(v.words) > 1}, reverse=True) for w, lst in self._by_first.items()
        }
        self._longer = {w: [v for v in lst if len(v.words) > 1] for w, lst in self._by_first.items()}
        self._single = {k[0]: v for k, v in by_key.items() if len(k) == 1}
        self._by_key = by_key
        #: what a detector works out once per variant of this index, by `id` of the variant (each kept with its
        #: variant, so that the id stays its own)
        self.per_variant: dict[int, tuple] = {}
        #: the first two words of every entry of two words or more: an exact match longer than one word needs
        #: its first two there (the second possibly with "'s"), so most starts try no longer entry at all
        self._pairs: set[tuple[str, ...]] | _Everything = {k[:2] for k in by_key if len(k) > 1}
        #: per first word long enough for the typo search (`_match_at`): the first letters and the last letters of
        #: the second words of its longer entries (a typo match needs the text's second word to share one)
        self._typo_letters: dict[str, tuple[frozenset[str], frozenset[str]]] = {
            w: (frozenset(v.words[1][0] for v in lst), frozenset(v.words[1][-1] for v in lst))
            for w, lst in self._longer.items()
            if lst and len(w) >= 4
        }
        #: the longer entries of a first word worth the typo search, by that word and the first and last letters
        #: of the word after it (filled as met)
        self._typo_candidates: dict[tuple[str, str, str], tuple[Variant, ...]] = {}

    def __len__(self) -> int:
        return len(self._by_key)

    def lookup(self, phrase: str) -> Variant | None:
        return self._by_key.get(phrase_words(phrase))

    def match(
        self, text: str, tokens: Sequence[Token], firsts_out: list[int] | None = None, norms: list[str] | None = None,
    ) -> list[Match]:
        """Non-overlapping matches, leftmost first, longest at each position. With `firsts_out`, the index of
        each match's first token is appended to it. `norms`: the tokens' normalized words, when the caller has
        them."""
        out: list[Match] = []
        if norms is None:
            norms = [t.norm for t in tokens]
        firsts = self._by_first
        # only a word that starts an entry (or ends in 's) can start a match: find those in one pass (without an
        # apostrophe in the text, no word ends in 's)
        if "'" in text or "’" in text:
            starts = [i for i, w in enumerate(norms) if w in firsts or w.endswith("'s")]
        else:
            starts = list(compress(count(), map(firsts.__contains__, norms)))
        single, pairs, letters, n = self._single, self._pairs, self._typo_letters, len(norms)
        i = 0
        for k in starts:
            if k < i:
                continue  # inside the previous match
            w = norms[k]
            x = norms[k + 1] if k + 1 < n else ""
            if w not in single and (w, x) not in pairs and not x.endswith("'s") and not w.endswith("'s"):
                # no entry of the word alone, none of two words or more that begins with these two: a match only
                # with a typo in a later word, for a first word long enough, before a word that shares its first
                # or last letter with the second word of one of its entries (the test `_match_at` begins with)
                near = letters.get(w)
                if near is None or (x[:1] not in near[0] and x[-1:] not in near[1]):
                    continue
            m = self._match_at(text, tokens, norms, k)
            if m is not None:
                out.append(m)
                if firsts_out is not None:
                    firsts_out.append(k)
                i = k + len(m.variant.words)
        return out

    def _match_at(self, text: str, tokens: Sequence[Token], norms: list[str], i: int) -> Match | None:
        first = norms[i]
        candidates = self._by_first.get(first)
        if candidates is None:
            if first.endswith("'s"):
                v = self._by_key.get((first[:-2],))
                if v is not None:
                    return Match(tokens[i].start, tokens[i].end - 2, v, 0)
            return None
        n = len(tokens)
        # exact matches first, longest first: one dictionary look-up per entry length
        if i + 1 < n:
            lengths = self._longer_lengths[first]
            if lengths:
                second = norms[i + 1]
                pairs = self._pairs
                if (first, second) in pairs or (second.endswith("'s") and (first, second[:-2]) in pairs):
                    by_key = self._by_key
                    for L in lengths:
                        if i + L > n:
                            continue
                        key = tuple(norms[i : i + L])
                        v = by_key.get(key)
                        cut = 0
                        if v is None:
                            if not key[-1].endswith("'s"):
                                continue
                            v = by_key.get(key[:-1] + (key[-1][:-2],))
                            if v is None:
                                continue
                            cut = 2
                        if self._joined(text, tokens, i, L):
                            return Match(tokens[i].start, tokens[i + L - 1].end - cut, v, 0)
        v = self._single.get(first)
        if v is not None:
            return Match(tokens[i].start, tokens[i].end, v, 0)
        # then phrases with a typo in a later word (not after short function words: "in the", "of a")
        if len(first) < 4 or i + 1 >= n:
            return None
        best: Match | None = None
        second = norms[i + 1]
        # the entries whose second word shares its first or its last letter with this one (the cheap part of
        # `_near`: most entries fail it), worked out once per first word and those two letters
        key = (first, second[:1], second[-1:])
        memo = self._typo_candidates
        near = memo.get(key)
        if near is None:
            if len(memo) >= TYPO_MEMO_SIZE:
                memo.clear()
            near = memo[key] = tuple(
                v for v in self._longer[first] if v.words[1][0] == key[1] or v.words[1][-1] == key[2]
            )
        for v in near:
            L = len(v.words)
            if i + L > n or (best is not None and L < len(best.variant.words)):
                continue
            typos = 0
            for k in range(1, L):
                want, got = v.words[k], norms[i + k]
                if got != want:
                    if not _near(want, got):
                        break
                    typos += 1
            else:
                if typos and self._joined(text, tokens, i, L) and (best is None or typos < best.typos):
                    best = Match(tokens[i].start, tokens[i + L - 1].end, v, typos)
        return best

    @staticmethod
    def _joined(text: str, tokens: Sequence[Token], i: int, L: int) -> bool:
        for k in range(i + 1, i + L):
            gap = text[tokens[k - 1].end : tokens[k].start]
            if gap != " " and not is_joiner(gap):  # (a single space, most gaps, decided without the pattern)
                return False
        return True


class _Everything:
    """A set that holds everything (`PhraseIndex._pairs` with its filter turned off, for tests)."""

    def __contains__(self, item: object) -> bool:
        return True


def _near(want: str, got: str) -> bool:
    if len(want) < 5 or abs(len(want) - len(got)) > 2 or (want[0] != got[0] and want[-1] != got[-1]):
        return False  # (one or two edits keep the first or the last letter in all but freak cases)
    if not got.isalpha():
        return False
    limit = 1 if len(want) < 9 else 2
    return Levenshtein.distance(want, got, score_cutoff=limit) <= limit
