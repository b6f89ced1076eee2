"""Open-vocabulary restorations: batching several paragraphs gives exactly what each paragraph gives alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from unspun.engine import default_engine
from unspun.engine.tokenize import paragraphs, tokenize

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "spun-news.txt"


def _asked():
    text = EXAMPLE.read_text(encoding="utf-8")
    return [(text[s:e], tokenize(text[s:e]), set()) for s, e in paragraphs(text)]


def _fresh(ov):
    for memory in (ov._windows, ov._windows_old, ov._cands, ov._cands_old):
        memory.clear()


def test_restorations_in_one_batch_equal_paragraph_by_paragraph():
    ov = default_engine().open_vocabulary
    if ov is None:
        pytest.skip("no language model")
    asked = _asked()
    assert len(asked) > 2
    batch = ov.restorations_many(asked)
    alone = [ov.restorations(*item) for item in asked]
    assert batch == alone
    assert any(batch)  # the example has restorations to find
    assert ov.restorations_many([]) == []


def test_remembered_windows_give_what_scoring_them_again_gives():
    ov = default_engine().open_vocabulary
    if ov is None:
        pytest.skip("no language model")
    asked = _asked()
    _fresh(ov)
    first = ov.restorations_many(asked)
    assert ov._windows  # windows were remembered
    # an edit: one paragraph changes by a word; its other windows come from memory
    chunk, _tokens, _ = asked[1]
    cut = chunk.index(" ", len(chunk) // 2)
    edited = chunk[:cut] + " quite" + chunk[cut:]
    again = ov.restorations_many([(edited, tokenize(edited), set())])
    _fresh(ov)
    assert ov.restorations_many([(edited, tokenize(edited), set())]) == again
    assert ov.restorations_many(asked) == first


def test_window_memory_is_bounded(monkeypatch):
    from unspun.engine import openvocab

    ov = default_engine().open_vocabulary
    if ov is None:
        pytest.skip("no language model")
    monkeypatch.setattr(openvocab, "WINDOW_CACHE", 5)
    monkeypatch.setattr(openvocab, "CANDIDATE_CACHE", 3)
    _fresh(ov)
    before = [dataclasses.astuple(r) for r in ov.restorations(*_asked()[0])]
    text = EXAMPLE.read_text(encoding="utf-8")
    for s, e in paragraphs(text):
        ov.restorations_many([(text[s:e], tokenize(text[s:e]), set())])
        assert len(ov._windows) <= 5 + len(tokenize(text[s:e]))
        assert len(ov._windows_old) <= 5 + len(tokenize(text[s:e]))
        assert len(ov._cands) <= 3 and len(ov._cands_old) <= 4
    # what was forgotten is made again, the same
    assert [dataclasses.astuple(r) for r in ov.restorations(*_asked()[0])] == before
    _fresh(ov)


def _reference_candidates(ov, word):
    """The candidate rules written plainly, word by word with strings (what the array version must equal)."""
    from unspun.engine import openvocab as o
    from unspun.engine.inflect import article_for, is_plural, pluralize, singularize

    th, model = ov.thesaurus, ov.model
    plural = is_plural(word)
    base = singularize(word) if plural else word
    seen: dict[str, float] = {}
    for source in (word, base) if base != word else (word,):
        for c in th.reverse(source):
            if " " in c or not c.isalpha() or c == word or c == base:
                continue
            if plural and source == base:
                c = pluralize(c)
            lp = model.unigram_logprob(c)
            if lp >= o.RARE_CANDIDATE_LOGPROB and c not in seen:
                seen[c] = lp
    ranked = sorted(seen, key=lambda c: -seen[c])[: o.MAX_CANDIDATES]
    own = set(th.synonyms(base) or th.synonyms(word))
    priors = []
    for c in ranked:
        syns = th.synonyms(singularize(c)) or th.synonyms(c)
        rank = next((k for k, s in enumerate(syns) if s in (word, base)), len(syns))
        prior = -o.RANK_WEIGHT * rank / max(len(syns), 1)
        if c in own or singularize(c) in own:
            prior += o.MUTUAL_BONUS
        priors.append(prior)
    return tuple(ranked), priors, [article_for(c) == "an" for c in ranked]


def test_candidates_equal_the_rules_applied_word_by_word():
    ov = default_engine().open_vocabulary
    if ov is None:
        pytest.skip("no language model")
    _fresh(ov)
    text = EXAMPLE.read_text(encoding="utf-8") + " bushes trees convention locations safety vitality coverage folks"
    words = sorted({t.norm for t in tokenize(text) if t.text.isalpha()})
    assert len(words) > 50
    checked = 0
    for word in words:
        made = ov._make_candidates(word)
        ranked, priors, an = _reference_candidates(ov, word)
        assert made.words == ranked, word
        assert made.priors.tolist() == pytest.approx(priors, abs=1e-12), word
        assert made.an.tolist() == an, word
        checked += bool(ranked)
    assert checked > 20


def test_candidates_made_together_equal_those_made_one_by_one():
    ov = default_engine().open_vocabulary
    if ov is None:
        pytest.skip("no language model")
    words = ["organization", "bushes", "trees", "zzqxv", "information", "companies", "cash", "thought", "a", "bushes"]
    together = ov._make_candidates_many(words)
    assert len(together) == len(words)
    for word, made in zip(words, together):
        alone = ov._make_candidates(word)
        assert made.words == alone.words, word
        assert made.ids.tolist() == alone.ids.tolist(), word
        assert made.priors.tolist() == alone.priors.tolist(), word
        assert made.an.tolist() == alone.an.tolist(), word
    assert together[0].words and not together[3].words
