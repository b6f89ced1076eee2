"""Language-model confirmation: does the restored wording fit its context better than the written one?

For a span of words and a candidate restoration, both are scored by the trigram model inside the same context
(up to two words each side, not crossing a sentence boundary), and the *gain* is the difference of the two
log10 probabilities. A phrase that is shorter than what it replaces has fewer words to pay for, so the gain adds
`WORD_BONUS` per word of difference to compare like with like (an ASR-style word insertion bonus).

All windows of one call are scored in a single batched `score_windows` call.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, chain
from operator import attrgetter, itemgetter
from typing import NamedTuple

import numpy as np

from unspun.engine.tokenize import Token

#: log10 probability a word is worth when comparing restorations of different lengths
WORD_BONUS = 0.5
CONTEXT = 2
#: a substitution whose best restoration gains less than this is taken as an ordinary use and dropped
MIN_SUBSTITUTION_GAIN = 0.0
#: a substitution whose restoration gains at least this much is confirmed: it counts fully towards the spin score
CONFIRMED_GAIN = 1.0
#: an alternative must beat the lexicon's first choice by this much to be offered first
RERANK_MARGIN = 0.5
#: score a restoration beside its neighbours' restorations (when they are spins) rather than beside the spun
#: words: "to purchase and promote" is judged as "to buy and sell", not against "promote"
JOINT_CONTEXT = True
_NORM = attrgetter("norm")
_START = attrgetter("start")
_END = attrgetter("end")
_FIRST, _LAST, _ALTERNATIVES, _SURE = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_BOUNDARY = re.compile(r"[.!?;:\n\r()\[\]{}\"“”]")
#: by code point (the last entry standing for every code point beyond): is it a character `_BOUNDARY` matches
_IS_BOUNDARY = np.zeros(max(map(ord, ".!?;:\n\r()[]{}\"“”")) + 2, dtype=bool)
_IS_BOUNDARY[list(map(ord, ".!?;:\n\r()[]{}\"“”"))] = True


class Query(NamedTuple):
    """Restorations of tokens[first:last] (token indices, `last` exclusive). `sure`: the written words are a
    spin whatever the model says (a fingerprint), so a neighbour is scored beside its restoration."""

    first: int
    last: int
    alternatives: tuple[tuple[str, ...], ...]
    sure: bool = False


def sentence_ids(text: str, tokens: Sequence[Token]) -> list[int]:
    """For each token, how many sentence boundaries stand between the tokens before it: two tokens are in the
    same stretch (one may be context for the other, see `context_of`) when their numbers are equal."""
    marks = [0] * len(tokens)
    if len(tokens) > 1:
        starts = list(map(_START, tokens))
        for m in _BOUNDARY.finditer(text, tokens[0].end, tokens[-1].start):
            j = bisect_right(starts, m.start())  # the first token after the boundary
            if m.start() >= tokens[j - 1].end:  # between tokens j - 1 and j, not inside a token
                marks[j] = 1
    return list(accumulate(marks))


def context_of(sid: Sequence[int], first: int, last: int) -> tuple[range, range]:
    """The indices of up to CONTEXT tokens each side of tokens[first:last], not across a sentence boundary,
    from the paragraph's `sentence_ids`."""
    here, there = sid[first], sid[last - 1]
    lo = first
    while lo > 0 and first - lo < CONTEXT and sid[lo - 1] == here:
        lo -= 1
    hi = last
    while hi < len(sid) and hi - last < CONTEXT and sid[hi] == there:
        hi += 1
    return range(lo, first), range(last, hi)


def gains(model, text: str, tokens: Sequence[Token], queries: Sequence[Query]) -> list[list[float]]:
    """For each query, the gain of each alternative over the written words (same order as `alternatives`)."""
    return gains_many(model, [(text, tokens, queries)])[0]


def gains_many(model, paragraphs: Sequence[tuple[str, Sequence[Token], Sequence[Query]]]) -> list[list[list[float]]]:
    """`gains` for several paragraphs in one scoring call (a large batch looks its n-grams up in order, several
    times faster than many small ones)."""
    # the words of the paragraphs with queries laid end to end: where each paragraph's begin, and its queries
    offsets: list[int] = []
    queries: list[Query] = []
    tokens_all: list[Token] = []
    begins: list[int] = []  # (of the paragraphs with queries: where their words begin, how many queries)
    asks: list[int] = []
    total = 0
    for _text, tokens, qs in paragraphs:
        offsets.append(total)
        if qs:
            queries += qs
            tokens_all += tokens
            begins.append(total)
            asks.append(len(qs))
            total += len(tokens)
    if not queries:
        return [[] for _ in paragraphs]
    count = len(queries)
    at = np.fromiter(map(_FIRST, queries), dtype=np.int64, count=count)
    last = np.fromiter(map(_LAST, queries), dtype=np.int64, count=count) - at
    bounds = np.array(begins + [total], dtype=np.int64)
    per = np.array(asks, dtype=np.int64)
    at += np.repeat(bounds[:-1], per)
    # the stretch within reach of each query: CONTEXT words each side of it, clipped to its paragraph
    reach = np.maximum(at - CONTEXT, np.repeat(bounds[:-1], per)), np.minimum(at + last + CONTEXT, np.repeat(bounds[1:], per))
    words = _Words(model, tokens_all, total, *reach)
    words.offsets = offsets
    # the queries' written words by their place in the pool (the words of a query are within its own reach, so
    # they stay side by side there)
    first = words.place[at]
    last += first
    asked = _Asked()
    asked.first, asked.last = first.tolist(), last.tolist()
    alternatives = list(map(_ALTERNATIVES, queries))
    asked.counts = list(map(len, alternatives))
    asked.alternatives = words.numbers(list(chain.from_iterable(alternatives)))
    # each query's context: up to CONTEXT words each side in its sentence (`context_of`, for all queries at once;
    # sentence numbers made distinct across paragraphs keep every context within its paragraph, and a new number
    # after each stretch of words out of reach keeps it among the words it had beside it in the text)
    sid = _sentence_numbers(paragraphs, words.offsets, words.needed, words.tokens)
    lo, hi, n = first.copy(), last.copy(), len(sid)
    left_ok = np.ones(len(first), dtype=bool)
    right_ok = left_ok.copy()
    for step in range(CONTEXT):
        j = first - 1 - step
        left_ok &= (j >= 0) & (sid[np.maximum(j, 0)] == sid[first])
        lo -= left_ok
        j = last + step
        right_ok &= (j < n) & (sid[np.minimum(j, n - 1)] == sid[last - 1])
        hi += right_ok
    flat = _score(model, words, lo, first - lo, last, hi - last, asked)
    if JOINT_CONTEXT:
        _rescore_beside_restorations(model, words, queries, asked, sid, lo, hi, flat)
    out: list[list[list[float]]] = []
    at = 0
    for _text, _tokens, qs in paragraphs:
        out.append(flat[at : at + len(qs)])
        at += len(qs)
    return out


def _sentence_numbers(
    paragraphs: Sequence[tuple[str, Sequence[Token], Sequence[Query]]], offsets: list[int], which: np.ndarray,
    tokens: list[Token],
) -> np.ndarray:
    """Sentence numbers of some of the words of the paragraphs with queries laid end to end (each paragraph's
    from its offset): of the words numbered `which` (in order; `tokens`: theirs), numbers that two of them
    share when they are in the same stretch of the same paragraph (`sentence_ids`) with none but words of
    `which` between them, and only then."""
    texts: list[str] = []
    begins: list[int] = []  # where each paragraph's words begin
    chars: list[int] = []  # where its text begins, the texts laid end to end
    at = 0
    for (text, _tokens, queries), first in zip(paragraphs, offsets):
        if queries:
            texts.append(text)
            begins.append(first)
            chars.append(at)
            at += len(text)
    count = len(which)
    new = np.ones(count, dtype=bool)  # a word that begins a new number
    if count > 1:
        # (a word after a boundary: a boundary character between the end of the word before and its start, as
        # `sentence_ids` finds them; each paragraph's first word; a word after words not in `which`)
        paragraph = np.searchsorted(np.array(begins, dtype=np.int64), which, side="right") - 1
        shift = np.array(chars, dtype=np.int64)[paragraph]
        starts = np.fromiter(map(_START, tokens), dtype=np.int64, count=count) + shift
        ends = np.fromiter(map(_END, tokens), dtype=np.int64, count=count) + shift
        # (the boundary characters' places, from the texts' code points)
        points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        marks = np.flatnonzero(_IS_BOUNDARY[np.minimum(points, len(_IS_BOUNDARY) - 1)])
        new[1:] = (
            (np.searchsorted(marks, starts[1:]) > np.searchsorted(marks, ends[:-1]))
            | (paragraph[1:] != paragraph[:-1])
            | (np.diff(which) != 1)
        )
    return np.cumsum(new)


class _Words:
    """What the windows of one `gains_many` call are made of, laid end to end in `pool`: the words of the
    paragraphs with queries, then each distinct restoration once, then the restored contexts of the second
    round. As the model's vocabulary ids when it scores ids (each word looked up once), else as the words."""

    def __init__(self, model, tokens_all: list[Token], total: int, begins: np.ndarray, ends: np.ndarray) -> None:
        """`tokens_all`: the words of the paragraphs with queries laid end to end (`total` of them); `begins`,
        `ends`: the stretch of them within reach of each query."""
        self.model = model
        self.by_id = all(hasattr(model, name) for name in ("score_id_windows_after", "ids", "word_id"))
        # only the words within CONTEXT of a query are in the pool (the others are never in a window: a restored
        # context reaches past a neighbouring spin only into that spin's own context); the stretches within reach
        # of each query are marked in one pass: +1 where one begins, -1 where it ends, summed. Words are numbered
        # first as the paragraphs' words laid end to end, then by their place in `pool`
        #: where each paragraph's words start among the paragraphs' words laid end to end (set by the caller)
        self.offsets: list[int] = []
        at = total
        #: how many words the paragraphs with queries have
        self.total = at
        marks = np.bincount(np.array(begins, dtype=np.int64), minlength=at + 1)
        marks -= np.bincount(np.array(ends, dtype=np.int64), minlength=at + 1)
        inside = np.cumsum(marks[:at]) > 0
        #: the words within reach of a query (their numbers among the paragraphs' words), in order
        self.needed = np.flatnonzero(inside)
        #: each word's place in `pool` (of a word within reach)
        self.place = np.cumsum(inside) - 1
        #: their tokens
        self.tokens: list[Token] = list(map(tokens_all.__getitem__, self.needed.tolist()))
        norms = list(map(_NORM, self.tokens))
        if self.by_id:
            ids = self.model.ids(norms) if norms else np.zeros(0, dtype=np.int64)
            self.pool: list = ids.tolist()
            self._ids = ids  # (the start of `pool` as an array: see `ids`)
        else:
            self.pool = norms
        #: how many of them (the paragraphs' words come first in `pool`)
        self.text_words = len(self.pool)
        self._alternatives: dict[tuple[str, ...], int] = {}
        #: per distinct restoration: its place in `pool`, its length, its symbols
        self.starts: list[int] = []
        self.lengths: list[int] = []
        self.symbols: list[list] = []

    def ids(self) -> np.ndarray:
        """`pool` (of ids) as an array: the part made at the start is kept as one, what was added since is
        converted and added to it."""
        have = self._ids
        if len(have) < len(self.pool):
            have = self._ids = np.concatenate([have, np.array(self.pool[len(have) :], dtype=np.int64)])
        return have

    def numbers(self, alternatives: list[tuple[str, ...]]) -> list[int]:
        """`alternative` of each of `alternatives` (the same numbers, in one pass)."""
        seen = self._alternatives
        old = len(seen)
        out = [seen.setdefault(a, len(seen)) for a in alternatives]
        if len(seen) > old:
            by_id, pool = self.by_id, self.pool
            word_id = self.model.word_id if by_id else None
            for alternative in list(seen)[old:]:
                symbols = list(map(word_id, alternative)) if by_id else list(alternative)
                self.starts.append(len(pool))
                self.lengths.append(len(symbols))
                self.symbols.append(symbols)
                pool += symbols
        return out

    def alternative(self, alternative: tuple[str, ...]) -> int:
        """The number of a restoration (`starts`, `lengths`, `symbols`), added to `pool` on first sight."""
        k = self._alternatives.get(alternative)
        if k is None:
            k = self._alternatives[alternative] = len(self.starts)
            symbols = list(map(self.model.word_id, alternative)) if self.by_id else list(alternative)
            self.starts.append(len(self.pool))
            self.lengths.append(len(symbols))
            self.symbols.append(symbols)
            self.pool += symbols
        return k


class _Asked:
    """The queries of one scoring call: their written words' place in `_Words.pool` (first, last) and the
    numbers of their alternatives (`_Words.alternative`), laid end to end."""

    def __init__(self) -> None:
        self.first: list[int] = []
        self.last: list[int] = []
        self.counts: list[int] = []
        self.alternatives: list[int] = []

    def subset(self, which: list[int]) -> _Asked:
        """These queries (numbers in the order they were added), in this order."""
        out = _Asked()
        out.first = [self.first[i] for i in which]
        out.last = [self.last[i] for i in which]
        out.counts = [self.counts[i] for i in which]
        starts = list(accumulate(self.counts, initial=0))
        alternatives = self.alternatives
        out.alternatives = [a for i in which for a in alternatives[starts[i] : starts[i + 1]]]
        return out


def _score(model, words: _Words, left_at, left_n, right_at, right_n, asked: _Asked) -> list[list[float]]:
    """Each asked query's gains: its written window (left context, written words, right context, each a stretch
    of `words.pool` given for all queries as arrays) and one window per alternative, scored in one call."""
    first = np.asarray(asked.first, dtype=np.int64)
    written_n = np.asarray(asked.last, dtype=np.int64) - first
    counts = np.array(asked.counts, dtype=np.int64)
    per = counts + 1
    query = np.repeat(np.arange(len(first), dtype=np.int64), per)  # each window's query
    written = np.cumsum(per) - per  # each query's written window
    alt = np.ones(len(query), dtype=bool)
    alt[written] = False
    alt = np.flatnonzero(alt)  # the alternatives' windows, in the order of `asked.alternatives`
    which = np.array(asked.alternatives, dtype=np.int64)
    alt_n = np.array(words.lengths, dtype=np.int64)[which]
    middle_at, middle_n = first[query], written_n[query]
    middle_at[alt] = np.array(words.starts, dtype=np.int64)[which]
    middle_n[alt] = alt_n
    left_n = np.asarray(left_n, dtype=np.int64)[query]
    right_n = np.asarray(right_n, dtype=np.int64)[query]
    # every window is three stretches of the pool: gather them in order
    left_at = np.asarray(left_at, dtype=np.int64)[query]
    right_at = np.asarray(right_at, dtype=np.int64)[query]
    starts = np.stack([left_at, middle_at, right_at], axis=1).ravel()
    sizes = np.stack([left_n, middle_n, right_n], axis=1).ravel()
    ends = np.cumsum(sizes)
    stretch = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    at = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - (ends - sizes)[stretch] + starts[stretch]
    lengths = left_n + middle_n + right_n
    if words.by_id:
        scores = model.score_id_windows_after(words.ids()[at], lengths, left_n)
    else:
        pool = np.empty(len(words.pool), dtype=object)
        pool[:] = words.pool
        flat = pool[at].tolist()
        windows, k = [], 0
        for n in lengths.tolist():
            windows.append(flat[k : k + n])
            k += n
        scores = model.score_windows_after(windows, left_n.tolist())
    scores = np.asarray(scores, dtype=np.float64)
    diff = scores[alt] - scores[written[query[alt]]] + WORD_BONUS * (alt_n - written_n[query[alt]])
    rounded = round3(diff)
    ends = list(accumulate(asked.counts))
    return [rounded[k - n : k] for n, k in zip(asked.counts, ends)]


def round3(values: np.ndarray) -> list[float]:
    """`round(v, 3)` of each value, as a list: computed as rint(1000 v) / 1000, which is the same float wherever
    1000 v is not within a rounding error of a half (the quotient of an integer by 1000 is the float nearest to
    that decimal, as `round` returns it); the values that are that close are rounded by `round` itself."""
    scaled = values * 1000.0
    out = (np.rint(scaled) / 1000.0).tolist()
    close = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    if len(close):
        for i, v in zip(close.tolist(), values[close].tolist()):
            out[i] = round(v, 3)
    return out


def _rescore_beside_restorations(
    model, words: _Words, queries: list[Query], asked: _Asked, sid: np.ndarray, lo: np.ndarray, hi: np.ndarray,
    gains: list[list[float]],
) -> None:
    """Second round of `gains_many`: a query with a spin in its context (a fingerprint, or a restoration that
    gains) is scored again with that neighbour restored (its best alternative); its `gains` are replaced.

    Queries are numbered in the order of `asked`; words are numbered by their place in `words.pool`, where `sid`
    gives their sentence numbers and `lo`, `hi` the first-round context of each query."""
    n = len(sid)
    # the spins: word -> the query restoring it (-1: none), and each such query's best alternative (the queries
    # with alternatives, a fingerprint or a best gain above the threshold, found for all at once)
    counts = np.array(asked.counts, dtype=np.int64)
    some = np.flatnonzero(counts)
    sure = np.fromiter(map(_SURE, queries), dtype=bool, count=len(queries))
    if not len(some):
        return
    values = np.array(list(chain.from_iterable(gains)), dtype=np.float64)
    top = np.maximum.reduceat(values, (np.cumsum(counts) - counts)[some])
    owner = [-1] * n
    restored: dict[int, list] = {}
    for i in some[sure[some] | (top > MIN_SUBSTITUTION_GAIN)].tolist():
        q, g = queries[i], gains[i]
        restored[i] = words.symbols[words.alternative(q.alternatives[g.index(max(g))])]  # (the first of the best)
        start = asked.first[i]
        for t in range(start, start + q.last - q.first):
            if owner[t] < 0:
                owner[t] = i
    if not restored:
        return
    # the sides of the queries with another spin among the words of their context (the first round's context
    # words, up to the first spin: a walk that meets no spin there takes the written context)
    first, last = np.array(asked.first, dtype=np.int64), np.array(asked.last, dtype=np.int64)
    owners = np.array(owner, dtype=np.int64)
    spun_left = np.zeros(len(first), dtype=bool)
    spun_right = spun_left.copy()
    for step in range(CONTEXT):
        j = first - 1 - step
        spun_left |= (j >= lo) & (owners[np.maximum(j, 0)] >= 0)
        j = last + step
        spun_right |= (j < hi) & (owners[np.minimum(j, n - 1)] >= 0)
    todo = np.flatnonzero(~sure & (spun_left | spun_right))
    if not len(todo):
        return
    # the new windows: the written context on a side without a spin, the walked one (added to the pool) beside one
    left_at, left_n = lo[todo], (first - lo)[todo]
    right_at, right_n = last[todo], (hi - last)[todo]
    pool, sids, which = words.pool, sid.tolist(), todo.tolist()
    for r in np.flatnonzero(spun_left[todo]).tolist():
        i = which[r]
        start = asked.first[i]
        side = _restored_side(pool, n, sids, owner, restored, i, start - 1, -1, sids[start])
        left_at[r], left_n[r] = len(pool), len(side)
        pool += side
    for r in np.flatnonzero(spun_right[todo]).tolist():
        i = which[r]
        end = asked.last[i]
        side = _restored_side(pool, n, sids, owner, restored, i, end, 1, sids[end - 1])
        right_at[r], right_n[r] = len(pool), len(side)
        pool += side
    for i, g in zip(which, _score(model, words, left_at, left_n, right_at, right_n, asked.subset(which))):
        if g:
            gains[i] = g


def _restored_side(
    words: list, n: int, sid: list[int], owner: list[int], restored: dict[int, list], own: int, j: int, step: int,
    sentence: int,
) -> list:
    """Up to CONTEXT words (`words`: the first `n` of them are the text's) on one side of a query (`step` -1:
    left, from word j backwards; +1: right), with the spins among them restored (`owner`, `restored`)."""
    out: list = []
    while 0 <= j < n and sid[j] == sentence:
        k = owner[j]
        if k >= 0 and k != own:
            # that spin restored, the rest of its written words skipped
            if step < 0:
                out[:0] = restored[k]
            else:
                out += restored[k]
            while 0 <= j < n and owner[j] == k:
                j += step
        else:
            if step < 0:
                out.insert(0, words[j])
            else:
                out.append(words[j])
            j += step
        if len(out) >= CONTEXT:
            break
    return out[-CONTEXT:] if step < 0 else out[:CONTEXT]


def gain_confidence(gain: float) -> float:
    """Map a log10 gain to [0, 1]: 0 -> 0.5, +1 -> ~0.82, +2 -> ~0.95."""
    import math

    return 1.0 / (1.0 + math.exp(-1.5 * gain))
