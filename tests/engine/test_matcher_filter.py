"""The lexicon matcher's first-two-words filter changes no match: matching with it equals matching with it
turned off, on texts made of lexicon phrases (exact, with a typo, with 's, hyphenated, cut short) and prose."""

from __future__ import annotations

import random
from pathlib import Path

from unspun.engine import matcher
from unspun.engine.analyzer import default_engine
from unspun.engine.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[2]


def _texts() -> list[str]:
    index = default_engine().index
    rng = random.Random(7)
    keys = sorted(index._by_key)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").iterdir())]
    filler = "the a in of and said that an information most for".split()
    for _ in range(300):
        words: list[str] = []
        for _ in range(rng.randrange(3, 12)):
            key = list(rng.choice(keys))
            r = rng.random()
            if r < 0.2 and len(key) > 1 and len(key[1]) > 5:
                if rng.random() < 0.5:  # a typo in a later word, at its end or at its start
                    key[1] = key[1][:-1] + ("x" if key[1][-1] != "x" else "y")
                else:
                    key[1] = ("x" if key[1][0] != "x" else "y") + key[1][1:]
            elif r < 0.35:
                key[-1] += "'s"
            elif r < 0.45 and len(key) > 2:
                key = key[:-1]  # cut short
            sep = "-" if rng.random() < 0.2 else " "
            words.append(sep.join(key))
            words.append(rng.choice(filler))
        texts.append(" ".join(words) + ".")
    return texts


def test_the_pair_filter_changes_no_match():
    index = default_engine().index
    assert not isinstance(index._pairs, matcher._Everything) and len(index._pairs) > 100
    texts = _texts()
    filtered = [index.match(t, tokenize(t)) for t in texts]
    real = index._pairs
    index._pairs = matcher._Everything()
    try:
        unfiltered = [index.match(t, tokenize(t)) for t in texts]
    finally:
        index._pairs = real
    assert filtered == unfiltered
    assert sum(map(len, filtered)) > 1000
    assert any(m.typos for ms in filtered for m in ms)


def test_each_match_is_given_with_its_first_token_and_gaps_are_joiners():
    index = default_engine().index
    rng = random.Random(11)
    texts = _texts()
    # the same texts with other gaps between words: line breaks, tabs, hyphens with spaces, two spaces, commas
    gaps = [" ", "  ", "\n", " \n ", "\t", " - ", "\u00a0", ", ", "\n\n"]
    texts += [" ".join(t.split(" ")[:1]) + "".join(rng.choice(gaps) + w for w in t.split(" ")[1:]) for t in texts]
    for text in texts:
        tokens = tokenize(text)
        firsts: list[int] = []
        found = index.match(text, tokens, firsts)
        assert found == index.match(text, tokens)
        assert [tokens[k].start for k in firsts] == [m.start for m in found]
        for m, k in zip(found, firsts):
            last = k + len(m.variant.words) - 1
            assert all(matcher.is_joiner(text[tokens[j - 1].end : tokens[j].start]) for j in range(k + 1, last + 1))


class _EveryLongerEntry(dict):
    """In place of `PhraseIndex._typo_candidates`: every longer entry of the first word, whatever follows it."""

    def __init__(self, index) -> None:
        super().__init__()
        self.index = index

    def get(self, key, default=None):
        return tuple(self.index._longer[key[0]])


def _match_everywhere(index, text: str) -> list:
    """Matching as the plain statement: every word that begins an entry (or ends in 's) tried as a start,
    leftmost first, with every longer entry of the first word in the typo search."""
    tokens = tokenize(text)
    norms = [t.norm for t in tokens]
    memo = index._typo_candidates
    index._typo_candidates = _EveryLongerEntry(index)
    out, i = [], 0
    try:
        while i < len(tokens):
            w = norms[i]
            m = index._match_at(text, tokens, norms, i) if w in index._by_first or w.endswith("'s") else None
            if m is None:
                i += 1
            else:
                out.append(m)
                i += len(m.variant.words)
    finally:
        index._typo_candidates = memo
    return out


def test_the_starts_tried_change_no_match():
    # a word is tried as a start only when an entry of it alone, or one that begins with it and the next word,
    # or the typo search's letters allow a match there: the same matches as trying every word, on phrases (with
    # typos, 's, cut short), prose, and short words before 's
    index = default_engine().index
    texts = _texts() + ["the world's the world of the in's of tos's.", "of the lion's share 's", "Information"]
    got = [index.match(t, tokenize(t)) for t in texts]
    assert got == [_match_everywhere(index, t) for t in texts]
    assert sum(map(len, got)) > 1000
    assert sum(m.typos > 0 for ms in got for m in ms) > 20


def test_the_typo_candidates_by_letters_change_no_match():
    index = default_engine().index
    texts = _texts()
    got = [index.match(t, tokenize(t)) for t in texts]
    memo = index._typo_candidates
    assert memo
    index._typo_candidates = _EveryLongerEntry(index)
    try:
        assert got == [index.match(t, tokenize(t)) for t in texts]
    finally:
        index._typo_candidates = memo
    assert sum(m.typos > 0 for ms in got for m in ms) > 20
    # a full memo is emptied and filled again, with the same matches
    small = matcher.TYPO_MEMO_SIZE
    matcher.TYPO_MEMO_SIZE = 3
    index._typo_candidates = {}
    try:
        assert got == [index.match(t, tokenize(t)) for t in texts]
        assert 0 < len(index._typo_candidates) <= 3
    finally:
        matcher.TYPO_MEMO_SIZE = small
        index._typo_candidates = memo
