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
    windows: list[list[str]] = []
    skips: list[int] = []  # the left context conditions every window of a query alike: it is not scored
    layouts: list[list[tuple[int, int]]] = []  # per paragraph: (index of the written window, number of alternatives)
    sids: list[list[int]] = []
    for text, tokens, queries in paragraphs:
        layout: list[tuple[int, int]] = []
        sid = sentence_ids(text, tokens) if queries else []
        sids.append(sid)
        for q in queries:
            before, after = context_of(sid, q.first, q.last)
            left, right = [tokens[k].norm for k in before], [tokens[k].norm for k in after]
            written = [t.norm for t in tokens[q.first : q.last]]
            layout.append((len(windows), len(q.alternatives)))
            windows.append(left + written + right)
            for alt in q.alternatives:
                windows.append(left + list(alt) + right)
            skips.extend([len(left)] * (1 + len(q.alternatives)))
        layouts.append(layout)
    if not windows:
        return [[] for _ in paragraphs]
    scores = model.score_windows_after(windows, skips).tolist()
    out = _gains_of(paragraphs, layouts, scores)
    if JOINT_CONTEXT:
        _rescore_beside_restorations(model, paragraphs, sids, out)
    return out


def _gains_of(paragraphs, layouts, scores) -> list[list[list[float]]]:
    out: list[list[list[float]]] = []
    for (_text, _tokens, queries), layout in zip(paragraphs, layouts):
        para: list[list[float]] = []
        for q, (w, n) in zip(queries, layout):
            if w < 0:
                para.append([])
                continue
            base = scores[w]
            written_len = q.last - q.first
            para.append(
                [round(scores[w + 1 + a] - base + WORD_BONUS * (len(q.alternatives[a]) - written_len), 3) for a in range(n)]
            )
        out.append(para)
    return out


def _rescore_beside_restorations(model, paragraphs, sids: list[list[int]], out: list[list[list[float]]]) -> None:
    """Second round of `gains_many`: a query with a spin in its context (a fingerprint, or a restoration that
    gains) is scored again with that neighbour restored (its best alternative); its gains are replaced."""
    windows: list[list[str]] = []
    skips: list[int] = []
    layouts: list[list[tuple[int, int]]] = []
    todo = False
    for (text, tokens, queries), sid, gains in zip(paragraphs, sids, out):
        layout = [(-1, 0)] * len(queries)
        layouts.append(layout)
        # the spins of the paragraph: token index -> (the query restoring it, its best alternative)
        spans: dict[int, tuple[int, tuple[str, ...]]] = {}
        for k, (q, g) in enumerate(zip(queries, gains)):
            if not g:
                continue
            best = max(range(len(g)), key=lambda a: (g[a], -a))
            if q.sure or g[best] > MIN_SUBSTITUTION_GAIN:
                for t in range(q.first, q.last):
                    spans.setdefault(t, (k, q.alternatives[best]))
        if not spans:
            continue
        for k, q in enumerate(queries):
            if q.sure:
                continue  # a fingerprint is a spin whatever its context: its gains only order its alternatives
            near = range(max(0, q.first - CONTEXT), q.last + CONTEXT)
            if not any(spans.get(j, (k,))[0] != k for j in near):
                continue  # no other spin within reach (a quick look before the walks below)
            left = _restored_side(tokens, sid, spans, k, q.first - 1, -1, sid[q.first])
            right = _restored_side(tokens, sid, spans, k, q.last, 1, sid[q.last - 1])
            if left is None and right is None:
                continue  # no spin in its context (in another sentence): the first round stands
            before, after = context_of(sid, q.first, q.last)
            left = left if left is not None else [tokens[j].norm for j in before]
            right = right if right is not None else [tokens[j].norm for j in after]
            written = [t.norm for t in tokens[q.first : q.last]]
            layout[k] = (len(windows), len(q.alternatives))
            windows.append(left + written + right)
            for alt in q.alternatives:
                windows.append(left + list(alt) + right)
            skips.extend([len(left)] * (1 + len(q.alternatives)))
            todo = True
    if not todo:
        return
    scores = model.score_windows_after(windows, skips).tolist()
    again = _gains_of(paragraphs, layouts, scores)
    for para, new in zip(out, again):
        for k, g in enumerate(new):
            if g:
                para[k] = g


def _restored_side(tokens, sid, spans, own: int, j: int, step: int, sentence: int) -> list[str] | None:
    """Up to CONTEXT words on one side of a query (`step` -1: left, from token j backwards; +1: right), with
    the spins among them restored; None when none of them is a spin (the written context stands)."""
    words: list[str] = []
    changed = False
    while 0 <= j < len(tokens) and len(words) < CONTEXT and sid[j] == sentence:
        hit = spans.get(j)
        if hit is not None and hit[0] != own:
            k, alt = hit
            changed = True
            piece = list(alt)
            # skip the rest of that spin's written tokens
            while 0 <= j < len(tokens) and spans.get(j, (None,))[0] == k:
                j += step
        else:
            piece = [tokens[j].norm]
            j += step
        words = piece + words if step < 0 else words + piece
    if not changed:
        return None
    return words[-CONTEXT:] if step < 0 else words[:CONTEXT]


def gain_confidence(gain: float) -> float:
    """Map a log10 gain to [0, 1]: 0 -> 0.5, +1 -> ~0.82, +2 -> ~0.95."""
    import math

    return 1.0 / (1.0 + math.exp(-1.5 * gain))
