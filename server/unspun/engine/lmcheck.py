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
from itertools import accumulate
from dataclasses import dataclass

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
_BOUNDARY = re.compile(r"[.!?;:\n\r()\[\]{}\"“”]")


@dataclass(frozen=True)
class Query:
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
        starts = [t.start for t in tokens]
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
    symbols = _Symbols(model)
    words = symbols.of_tokens(paragraphs)
    batch = _Batch()
    # the left context conditions every window of a query alike: it is not scored
    layouts: list[list[tuple[int, int]]] = []  # per paragraph: (first of its gains in the batch, how many)
    sids: list[list[int]] = []
    for (text, tokens, queries), ws in zip(paragraphs, words):
        layout: list[tuple[int, int]] = []
        sid = sentence_ids(text, tokens) if queries else []
        sids.append(sid)
        for q in queries:
            before, after = context_of(sid, q.first, q.last)
            layout.append(
                batch.add(ws[before.start : before.stop], ws[q.first : q.last], ws[after.start : after.stop], q, symbols)
            )
        layouts.append(layout)
    if not batch.lengths:
        return [[] for _ in paragraphs]
    flat = batch.gains(model, symbols)
    out = [[flat[s : s + n] for s, n in layout] for layout in layouts]
    if JOINT_CONTEXT:
        _rescore_beside_restorations(model, symbols, paragraphs, words, sids, out)
    return out


class _Symbols:
    """What the windows of one `gains_many` call are made of: the model's vocabulary ids when it scores ids
    (each distinct restoration looked up once), else the words themselves."""

    def __init__(self, model) -> None:
        self.model = model
        self.by_id = all(hasattr(model, name) for name in ("score_id_windows_after", "ids", "word_id"))
        self._alternatives: dict[tuple[str, ...], list] = {}

    def of_tokens(self, paragraphs) -> list[list]:
        """Each paragraph's tokens as symbols (none for a paragraph without queries)."""
        norms = [[t.norm for t in tokens] if queries else [] for _text, tokens, queries in paragraphs]
        if not self.by_id:
            return norms
        ids = self.model.ids([w for ws in norms for w in ws]).tolist()
        out, at = [], 0
        for ws in norms:
            out.append(ids[at : at + len(ws)])
            at += len(ws)
        return out

    def of(self, alternative: tuple[str, ...]) -> list:
        """The symbols of a restoration's words."""
        got = self._alternatives.get(alternative)
        if got is None:
            got = self._alternatives[alternative] = (
                list(map(self.model.word_id, alternative)) if self.by_id else list(alternative)
            )
        return got


class _Batch:
    """Windows laid end to end for one scoring call, and for each alternative's window the written window it is
    compared with and its word bonus."""

    def __init__(self) -> None:
        self.flat: list = []
        self.lengths: list[int] = []
        self.skips: list[int] = []
        self.alt: list[int] = []
        self.base: list[int] = []
        self.bonus: list[int] = []

    def add(self, left: list, written: list, right: list, q: Query, symbols: _Symbols) -> tuple[int, int]:
        """The written window of `q` and one window per alternative; returns where its gains will be (first,
        how many) in `gains`."""
        first = len(self.alt)
        base = len(self.lengths)
        skip, n_written = len(left), len(written)
        flat, lengths, skips = self.flat, self.lengths, self.skips
        flat += left
        flat += written
        flat += right
        lengths.append(skip + n_written + len(right))
        skips.append(skip)
        for alt in q.alternatives:
            words = symbols.of(alt)
            self.alt.append(len(lengths))
            self.base.append(base)
            self.bonus.append(len(alt) - n_written)
            flat += left
            flat += words
            flat += right
            lengths.append(skip + len(words) + len(right))
            skips.append(skip)
        return first, len(q.alternatives)

    def gains(self, model, symbols: _Symbols) -> list[float]:
        """Each alternative's gain over the written words, in the order they were added."""
        if symbols.by_id:
            scores = model.score_id_windows_after(
                np.array(self.flat, dtype=np.int64), np.array(self.lengths, dtype=np.int64), self.skips
            )
        else:
            windows, at = [], 0
            for n in self.lengths:
                windows.append(self.flat[at : at + n])
                at += n
            scores = model.score_windows_after(windows, self.skips)
        scores = np.asarray(scores, dtype=np.float64)
        if not self.alt:
            return []
        diff = scores[self.alt] - scores[self.base] + WORD_BONUS * np.array(self.bonus, dtype=np.int64)
        return [round(v, 3) for v in diff.tolist()]


def _rescore_beside_restorations(
    model, symbols: _Symbols, paragraphs, words: list[list], sids: list[list[int]], out: list[list[list[float]]]
) -> None:
    """Second round of `gains_many`: a query with a spin in its context (a fingerprint, or a restoration that
    gains) is scored again with that neighbour restored (its best alternative); its gains are replaced."""
    batch = _Batch()
    places: list[tuple[int, int, int, int]] = []  # (paragraph, query, first of its gains, how many)
    for p, ((_text, _tokens, queries), ws, sid, gains) in enumerate(zip(paragraphs, words, sids, out)):
        # the spins of the paragraph: token index -> (the query restoring it, its best alternative)
        spans: dict[int, tuple[int, list]] = {}
        for k, (q, g) in enumerate(zip(queries, gains)):
            if not g:
                continue
            best = g.index(max(g))  # (the first of the best)
            if q.sure or g[best] > MIN_SUBSTITUTION_GAIN:
                restored = symbols.of(q.alternatives[best])
                for t in range(q.first, q.last):
                    spans.setdefault(t, (k, restored))
        if not spans:
            continue
        for k, q in enumerate(queries):
            if q.sure:
                continue  # a fingerprint is a spin whatever its context: its gains only order its alternatives
            near = range(max(0, q.first - CONTEXT), q.last + CONTEXT)
            if not any(spans.get(j, (k,))[0] != k for j in near):
                continue  # no other spin within reach (a quick look before the walks below)
            left = _restored_side(ws, sid, spans, k, q.first - 1, -1, sid[q.first])
            right = _restored_side(ws, sid, spans, k, q.last, 1, sid[q.last - 1])
            if left is None and right is None:
                continue  # no spin in its context (in another sentence): the first round stands
            before, after = context_of(sid, q.first, q.last)
            left = left if left is not None else ws[before.start : before.stop]
            right = right if right is not None else ws[after.start : after.stop]
            places.append((p, k, *batch.add(left, ws[q.first : q.last], right, q, symbols)))
    if not places:
        return
    flat = batch.gains(model, symbols)
    for p, k, s, n in places:
        if n:
            out[p][k] = flat[s : s + n]


def _restored_side(words, sid, spans, own: int, j: int, step: int, sentence: int) -> list | None:
    """Up to CONTEXT words (`words`: the paragraph's, as symbols) on one side of a query (`step` -1: left, from
    word j backwards; +1: right), with the spins among them restored; None when none of them is a spin (the
    written context stands)."""
    out: list = []
    changed = False
    while 0 <= j < len(words) and len(out) < CONTEXT and sid[j] == sentence:
        hit = spans.get(j)
        if hit is not None and hit[0] != own:
            k, alt = hit
            changed = True
            piece = list(alt)
            # skip the rest of that spin's written tokens
            while 0 <= j < len(words) and spans.get(j, (None,))[0] == k:
                j += step
        else:
            piece = [words[j]]
            j += step
        out = piece + out if step < 0 else out + piece
    if not changed:
        return None
    return out[-CONTEXT:] if step < 0 else out[:CONTEXT]


def gain_confidence(gain: float) -> float:
    """Map a log10 gain to [0, 1]: 0 -> 0.5, +1 -> ~0.82, +2 -> ~0.95."""
    import math

    return 1.0 / (1.0 + math.exp(-1.5 * gain))
