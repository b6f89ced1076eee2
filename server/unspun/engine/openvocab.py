"""Open-vocabulary restoration: spins that no lexicon lists.

A spinner replaces a word with one of its thesaurus synonyms. Reading the thesaurus backwards gives, for each
written word, the words it may have replaced; the trigram model then says whether one of them fits the
context much better than the word as written. Only words whose written form fits its context poorly are
considered, and only restorations that gain a lot; the analyzer shows these findings only in texts whose spin
score says they are spun.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.engine.inflect import article_for, is_plural, pluralize, singularize
from unspun.engine.lmcheck import Query, gains_many
from unspun.engine.tokenize import Token

#: a word this frequent (log10 unigram probability) is a function word: never a spin candidate
FUNCTION_WORD_LOGPROB = -2.4
#: candidates rarer than this are not proposed as restorations
RARE_CANDIDATE_LOGPROB = -6.0
#: at most this many restorations are scored per word (the most frequent ones)
MAX_CANDIDATES = 60
#: a written word whose log10 probability in context is above this fits well enough to leave alone
WELL_FITTED_LOGPROB = -2.0
#: minimum log10 gain of a restoration over the written word
MIN_GAIN = 2.5
#: how much a candidate's rank in the thesaurus matters: the written word near the top of the candidate's
#: synonym list (where a spinner picks) scores up to this much more than one at the bottom
RANK_WEIGHT = 1.0
#: bonus for a candidate that fits an indefinite article the written word does not ("a agency" -> "a firm")
ARTICLE_BONUS = 1.0
#: bonus when the thesaurus lists the pair both ways (close synonyms)
MUTUAL_BONUS = 0.5


@dataclass(frozen=True)
class Restoration:
    token: int  # index of the written token
    start: int
    end: int
    candidates: tuple[str, ...]  # best first
    gains: tuple[float, ...]

    @property
    def confidence(self) -> float:
        g = self.gains[0]
        return round(1.0 / (1.0 + math.exp(-(g - MIN_GAIN) * 1.2)) * 0.9, 3)


class OpenVocabulary:
    def __init__(self, model, thesaurus):
        self.model = model
        self.thesaurus = thesaurus
        self._cands: dict[str, tuple[str, ...]] = {}

    def _candidates(self, word: str) -> tuple[str, ...]:
        hit = self._cands.get(word)
        if hit is not None:
            return hit
        model, th = self.model, self.thesaurus
        plural = is_plural(word)
        base = singularize(word) if plural else word
        seen: dict[str, float] = {}
        for source in {word, base}:
            for c in th.reverse(source):
                if " " in c or not c.isalpha() or c == word or c == base:
                    continue
                if plural and source == base:
                    c = pluralize(c)
                lp = model.unigram_logprob(c)
                if lp >= RARE_CANDIDATE_LOGPROB and c not in seen:
                    seen[c] = lp
        ranked = sorted(seen, key=lambda c: -seen[c])[:MAX_CANDIDATES]
        out = tuple((c, self._prior(word, base, c)) for c in ranked)
        self._cands[word] = out
        return out

    def _prior(self, word: str, base: str, cand: str) -> float:
        """Thesaurus evidence that a spinner would turn `cand` into `word` (log10 units, <= MUTUAL_BONUS)."""
        th = self.thesaurus
        syns = th.synonyms(singularize(cand)) or th.synonyms(cand)
        rank = next((k for k, s in enumerate(syns) if s in (word, base)), len(syns))
        prior = -RANK_WEIGHT * rank / max(len(syns), 1)
        own = th.synonyms(base) or th.synonyms(word)
        if cand in own or singularize(cand) in own:
            prior += MUTUAL_BONUS
        return prior

    def restorations(self, text: str, tokens: Sequence[Token], skip: set[int]) -> list[Restoration]:
        """Restorations for the poorly fitting content words of one paragraph (tokens in `skip` excluded)."""
        return self.restorations_many([(text, tokens, skip)])[0]

    def restorations_many(
        self, paragraphs: Sequence[tuple[str, Sequence[Token], set[int]]]
    ) -> list[list[Restoration]]:
        """`restorations` for several paragraphs, scored by the model in two batched calls for all of them."""
        model = self.model
        fits = self._fits([[t.norm for t in tokens] for _text, tokens, _skip in paragraphs])
        asked: list[tuple[str, Sequence[Token], list[Query]]] = []
        priors_of: list[list[np.ndarray]] = []
        for (text, tokens, skip), fit in zip(paragraphs, fits):
            queries: list[Query] = []
            priors: list[np.ndarray] = []
            words = [t.norm for t in tokens]
            for i, t in enumerate(tokens):
                if i in skip or not t.text.isalpha() or len(t.text) < 3:
                    continue
                if t.text[0].isupper() and i > 0 and not _sentence_start(text, tokens, i):
                    continue  # a name
                w = words[i]
                if model.unigram_logprob(w) > FUNCTION_WORD_LOGPROB:
                    continue
                # "a information": the article fits the word the spinner removed, so it says how that word began
                art = words[i - 1] if i > 0 and words[i - 1] in ("a", "an") else None
                slipped = art is not None and article_for(w) != art
                if fit[i] > WELL_FITTED_LOGPROB and not slipped:
                    continue
                cands = self._candidates(w)
                if slipped:
                    cands = tuple((c, p + ARTICLE_BONUS) for c, p in cands if article_for(c) == art)
                if cands:
                    queries.append(Query(i, i + 1, tuple((c,) for c, _ in cands)))
                    priors.append(np.array([p for _, p in cands]))
            asked.append((text, tokens, queries))
            priors_of.append(priors)
        out: list[list[Restoration]] = []
        for (_text, tokens, queries), priors, para_gains in zip(asked, priors_of, gains_many(model, asked)):
            found: list[Restoration] = []
            for q, g, prior in zip(queries, para_gains, priors):
                arr = np.asarray(g) + prior
                order = np.argsort(-arr, kind="stable")[:3]
                if arr[order[0]] < MIN_GAIN:
                    continue
                tok = tokens[q.first]
                found.append(
                    Restoration(
                        q.first, tok.start, tok.end,
                        tuple(q.alternatives[k][0] for k in order if arr[k] > 0),
                        tuple(float(arr[k]) for k in order if arr[k] > 0),
                    )
                )
            out.append(found)
        return out

    def _fits(self, paragraphs: list[list[str]]) -> list[list[float]]:
        """How well each word fits its left context, log10 P(w_i | w_i-2, w_i-1), for every paragraph at once."""
        model = self.model
        if len(paragraphs) == 1:
            return [model.word_logprobs(paragraphs[0]) if paragraphs[0] else []]
        lengths = [len(p) for p in paragraphs]
        scores = model.score_positions_in(paragraphs) if sum(lengths) else np.zeros(0)
        out: list[list[float]] = []
        pos = 0
        for n in lengths:
            out.append(scores[pos : pos + n].tolist())
            pos += n
        return out


def _sentence_start(text: str, tokens: Sequence[Token], i: int) -> bool:
    gap = text[tokens[i - 1].end : tokens[i].start]
    return any(c in gap for c in ".!?:\n\"“")
