"""Language-model confirmation: a restoration is scored beside its neighbours' restorations when they are
spins, with a stand-in model whose scores are easy to follow."""

from __future__ import annotations

import numpy as np
import pytest

from unspun.engine import lmcheck
from unspun.engine.lmcheck import Query
from unspun.engine.tokenize import tokenize


class PhraseModel:
    """Scores a window +1 for every phrase of GOOD it holds, -1 for every phrase of BAD; records the windows."""

    GOOD = ("buy and sell", "the weather")
    BAD = ("buy and promote",)

    def __init__(self):
        self.windows: list[list[str]] = []

    def score_windows_after(self, windows, skips):
        self.windows += [list(w) for w in windows]
        joined = [f" {' '.join(w)} " for w in windows]
        return np.array(
            [sum(f" {p} " in j for p in self.GOOD) - sum(f" {p} " in j for p in self.BAD) for j in joined], dtype=float
        )


TEXT = "They want to purchase and promote securities today."


def _queries(tokens, promote_is_fingerprint: bool):
    at = {t.norm: i for i, t in enumerate(tokens)}
    return [
        Query(at["purchase"], at["purchase"] + 1, (("buy",),)),
        Query(at["promote"], at["promote"] + 1, (("sell",), ("push",)), sure=promote_is_fingerprint),
    ]


def test_a_restoration_is_scored_beside_a_neighbouring_spin_restored():
    tokens = tokenize(TEXT)
    model = PhraseModel()
    # "promote" is a fingerprint: "buy" is judged in "to buy and sell", not in "to buy and promote"
    (purchase, promote) = lmcheck.gains(model, TEXT, tokens, _queries(tokens, True))
    assert purchase == [1.0]
    # a fingerprint keeps its first-round gains, scored beside "purchase" as written
    assert promote == [0.0, 0.0]
    assert ["want", "to", "buy", "and", "sell"] in model.windows


def test_without_a_spin_beside_it_the_first_round_stands(monkeypatch):
    tokens = tokenize(TEXT)
    # "promote" an ordinary substitution whose restoration gains nothing ("and sell" is not in the window of
    # "promote" with "purchase" written): no spin beside "purchase", which keeps its written context
    model = PhraseModel()
    model.GOOD = ("nothing here",)
    (purchase, promote) = lmcheck.gains(model, TEXT, tokens, _queries(tokens, False))
    assert purchase == [-1.0] and promote == [0.0, 0.0]
    assert len(model.windows) == 5  # one round: two windows for "purchase", three for "promote"
    # switched off, a fingerprint beside it changes nothing either
    monkeypatch.setattr(lmcheck, "JOINT_CONTEXT", False)
    model = PhraseModel()
    (purchase, _promote) = lmcheck.gains(model, TEXT, tokens, _queries(tokens, True))
    assert purchase == [-1.0]


def test_restored_context_stays_within_the_sentence_and_two_words():
    text = "Prices rose. To purchase and promote securities in the fair weather helps."
    tokens = tokenize(text)
    at = {t.norm: i for i, t in enumerate(tokens)}
    queries = [
        Query(at["purchase"], at["purchase"] + 1, (("buy",),)),
        Query(at["promote"], at["promote"] + 1, (("sell", "and", "trade", "widely"),), sure=True),
    ]
    model = PhraseModel()
    lmcheck.gains(model, text, tokens, queries)
    second_round = model.windows[4:]  # the first round: two windows for each query
    # the left context stops at the sentence start; the right one is the first two words of the restoration
    assert second_round[0] == ["to", "purchase", "and", "sell"]
    assert second_round[1] == ["to", "buy", "and", "sell"]


@pytest.mark.parametrize("sure", [True, False])
def test_gains_of_many_paragraphs_equal_those_of_each_alone(sure):
    texts = [TEXT, "Nothing to see here.", "We purchase and promote goods."]
    asked = []
    for text in texts:
        tokens = tokenize(text)
        qs = _queries(tokens, sure) if "promote" in text else []
        asked.append((text, tokens, qs))
    together = lmcheck.gains_many(PhraseModel(), asked)
    alone = [lmcheck.gains(PhraseModel(), *item) for item in asked]
    assert together == alone


class WordsOnly:
    """A model seen only through `score_windows_after` over words (as `PhraseModel`): `gains_many` then builds
    its windows of words rather than of vocabulary ids."""

    def __init__(self, model):
        self.model = model

    def score_windows_after(self, windows, skips):
        return self.model.score_windows_after(windows, skips)


def test_windows_of_ids_score_as_windows_of_words():
    from unspun.engine.langmodel import default_model

    model = default_model()
    if model is None:
        pytest.skip("no language model")
    texts = [
        "They want to purchase and promote securities today. The clear climate helps.",
        "Nothing to see here.",
        "We purchase and promote goods in the fair weather, and we trade them widely.",
    ]
    asked = []
    for text in texts:
        tokens = tokenize(text)
        at = {t.norm: i for i, t in enumerate(tokens)}
        qs = [
            Query(at[w], at[w] + 1, alts, sure=(w == "promote"))
            for w, alts in (
                ("purchase", (("buy",), ("acquire", "some"))), ("promote", (("sell",), ("push",))),
                ("clear", (("fine",),)), ("fair", (("good",), ("nice", "and", "sunny"))), ("trade", (("sell",),)),
            )
            if w in at
        ]
        asked.append((text, tokens, qs))
    by_ids = lmcheck.gains_many(model, asked)
    by_words = lmcheck.gains_many(WordsOnly(model), asked)
    assert by_ids == by_words
    assert any(g for para in by_ids for g in para)  # (something was scored)


class HashModel:
    """Scores every word of a window after its `skip` context words by a fixed function of the word and the two
    before it in the window: any change of a window's words, their order or its skip changes its score."""

    def score_windows_after(self, windows, skips):
        import zlib

        out = []
        for w, skip in zip(windows, skips):
            out.append(sum((zlib.crc32(" ".join(w[max(0, i - 2) : i + 1]).encode()) % 997 - 400) / 97 for i in range(skip, len(w))))
        return np.array(out, dtype=float)


def _plain_gains(model, text, tokens, queries):
    """The gains as the module documents them, one query and one window at a time (a reference)."""
    sid = lmcheck.sentence_ids(text, tokens)
    norms = [t.norm for t in tokens]

    def score(left, middle, right):
        return float(model.score_windows_after([left + middle + right], [len(left)])[0])

    def round_one(q, left, right):
        base = score(left, norms[q.first : q.last], right)
        return [
            round(score(left, list(a), right) - base + lmcheck.WORD_BONUS * (len(a) - (q.last - q.first)), 3)
            for a in q.alternatives
        ]

    def written(q):
        before, after = lmcheck.context_of(sid, q.first, q.last)
        return [norms[k] for k in before], [norms[k] for k in after]

    first = [round_one(q, *written(q)) for q in queries]
    spins: dict[int, tuple[int, tuple[str, ...]]] = {}
    for k, (q, g) in enumerate(zip(queries, first)):
        if g:
            best = max(range(len(g)), key=lambda a: (g[a], -a))
            if q.sure or g[best] > lmcheck.MIN_SUBSTITUTION_GAIN:
                for t in range(q.first, q.last):
                    spins.setdefault(t, (k, q.alternatives[best]))

    def side(own, j, step, sentence):
        out, changed = [], False
        while 0 <= j < len(tokens) and len(out) < lmcheck.CONTEXT and sid[j] == sentence:
            hit = spins.get(j)
            if hit is not None and hit[0] != own:
                changed, piece = True, list(hit[1])
                while 0 <= j < len(tokens) and spins.get(j, (None,))[0] == hit[0]:
                    j += step
            else:
                piece = [norms[j]]
                j += step
            out = piece + out if step < 0 else out + piece
        return (out[-lmcheck.CONTEXT :] if step < 0 else out[: lmcheck.CONTEXT]) if changed else None

    out = []
    for k, (q, g) in enumerate(zip(queries, first)):
        left = side(k, q.first - 1, -1, sid[q.first])
        right = side(k, q.last, 1, sid[q.last - 1])
        if q.sure or (left is None and right is None) or not g:
            out.append(g)
            continue
        w_left, w_right = written(q)
        out.append(round_one(q, w_left if left is None else left, w_right if right is None else right))
    return out


def _random_asked(seed: int, spread: int = 3, length: int = 30):
    """A few random paragraphs of a small vocabulary with sentence marks, and random queries in them (up to
    `spread` words apart, in paragraphs of up to `length` words)."""
    import random

    rnd = random.Random(seed)
    vocab = ["buy", "sell", "and", "the", "fair", "weather", "trade", "goods", "we", "they", "purchase", "promote"]
    marks = [" ", " ", " ", " ", ". ", "; ", ", ", " (", ") "]
    asked = []
    for _ in range(rnd.randint(1, 5)):
        text = "".join(rnd.choice(vocab) + rnd.choice(marks) for _ in range(rnd.randint(0, length))).strip()
        tokens = tokenize(text)
        queries, t = [], 0
        while t < len(tokens):
            t += rnd.randint(0, spread)
            n = rnd.randint(1, 3)
            if t + n > len(tokens):
                break
            alts = tuple(tuple(rnd.choice(vocab) for _ in range(rnd.randint(0, 3))) for _ in range(rnd.randint(0, 3)))
            queries.append(Query(t, t + n, alts, sure=rnd.random() < 0.2))
            t += n
        asked.append((text, tokens, queries))
    return asked


@pytest.mark.parametrize("seed", range(6))
def test_gains_are_those_of_scoring_each_window_alone(seed):
    asked = _random_asked(seed)
    model = HashModel()
    assert lmcheck.gains_many(model, asked) == [_plain_gains(model, *item) for item in asked]


@pytest.mark.parametrize("seed", range(12))
def test_gains_with_words_out_of_every_query_s_reach_are_those_of_each_window_alone(seed):
    """Sparse queries in long paragraphs: only the words within reach of a query are looked up and numbered, and
    the words between them (out of reach) must neither join two stretches nor end one early."""
    asked = _random_asked(100 + seed, spread=9, length=90)
    model = HashModel()
    assert lmcheck.gains_many(model, asked) == [_plain_gains(model, *item) for item in asked]
    from unspun.engine.langmodel import default_model

    real = default_model()
    if real is not None:
        assert lmcheck.gains_many(real, asked) == lmcheck.gains_many(WordsOnly(real), asked)


@pytest.mark.parametrize("seed", range(6))
def test_random_windows_of_ids_score_as_windows_of_words(seed):
    from unspun.engine.langmodel import default_model

    model = default_model()
    if model is None:
        pytest.skip("no language model")
    asked = _random_asked(seed)
    assert lmcheck.gains_many(model, asked) == lmcheck.gains_many(WordsOnly(model), asked)


def test_gains_are_rounded_as_round_rounds_them():
    rnd = np.random.default_rng(7)
    values = np.concatenate(
        [
            rnd.normal(0, 3, 20000),
            np.round(rnd.normal(0, 3, 5000), 4),  # many exact and near ties at the fourth decimal
            np.arange(-2000, 2000) / 1000 + 0.0005,
            np.array([0.0, -0.0, -0.0004, 0.0625, -0.0625, 2.675, 1.0005, -1.0005, 123.4565]),
        ]
    )
    got = lmcheck.round3(values)
    want = [round(v, 3) for v in values.tolist()]
    assert got == want
    assert [str(v) for v in got] == [str(v) for v in want]  # (the signs of zeros too)


@pytest.mark.parametrize("seed", range(5))
def test_sentence_numbers_of_a_batch_part_words_as_each_paragraphs_own_do(seed):
    """`_sentence_numbers` (all paragraphs at once) puts two words in one stretch exactly when they are in the
    same paragraph and `sentence_ids` puts them in the same stretch there."""
    import random

    rnd = random.Random(seed)
    pieces = ["word", "other", "x", ".", ",", ";", "(", ")", "\u201c", "\n", "?", "it's", "a-b", "\U0001d538x", "\udcff", "\u201d"]
    paragraphs = []
    for _ in range(rnd.randrange(1, 8)):
        text = " ".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 30)))
        tokens = tokenize(text)
        queries = [Query(0, 1, (("w",),))] if tokens and rnd.random() < 0.8 else []
        paragraphs.append((text, tokens, queries))
    offsets, at = [], 0
    labels = []  # (paragraph, its own sentence id) of each word laid end to end
    everything = []
    for p, (text, tokens, queries) in enumerate(paragraphs):
        offsets.append(at)
        if queries:
            at += len(tokens)
            labels += [(p, k) for k in lmcheck.sentence_ids(text, tokens)]
            everything += tokens
    numbers = lmcheck._sentence_numbers(paragraphs, offsets, np.arange(at), everything).tolist()
    assert len(numbers) == len(labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            assert (numbers[i] == numbers[j]) == (labels[i] == labels[j])
    # some of the words: two share a number when they are in one stretch with only words of those between them
    which = sorted(rnd.sample(range(at), rnd.randrange(0, at + 1)))
    numbers = lmcheck._sentence_numbers(paragraphs, offsets, np.array(which, dtype=np.int64), [everything[k] for k in which]).tolist()
    for i in range(len(which)):
        for j in range(i, len(which)):
            a, b = which[i], which[j]
            assert (numbers[i] == numbers[j]) == (labels[a] == labels[b] and which[i:j + 1] == list(range(a, b + 1)))
