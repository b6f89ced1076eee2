"""The lexicon detector's batched path (`rules.lexicon.lexicon_findings`) finds what drafting and finishing each
match on its own finds (`findings_one_by_one`): the same findings, field for field (features, message and
evidence included), on random texts made of lexicon phrases in random case, spelling and company, under every
kind of options. A paragraph that repeats another's text (and shares its scan) keeps findings of its own."""

from __future__ import annotations

import random

import pytest

from unspun.engine import Engine, Options, default_engine
from unspun.engine.analyzer import Incremental
from unspun.engine.model import Finding, Kind
from unspun.engine.rules import lexicon as lexicon_rule

_FILLER = (
    "the report said that it was a good year for the town and its people while others were not so sure "
    "about what happened next in the long and busy week of talks"
).split()


def _cased(phrase: str, rng: random.Random) -> str:
    how = rng.random()
    if how < 0.45:
        return phrase
    if how < 0.7:
        return phrase[:1].upper() + phrase[1:]
    if how < 0.8:
        return phrase.upper()
    if how < 0.9:
        return " ".join(w[:1].upper() + w[1:] for w in phrase.split(" "))
    return phrase.replace(" ", "-", 1)


def _typo(phrase: str, rng: random.Random) -> str:
    words = phrase.split(" ")
    if len(words) > 1 and len(words[1]) >= 5 and rng.random() < 0.15:
        w = words[1]
        k = rng.randrange(1, len(w) - 1)
        words[1] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    return " ".join(words)


def _text(rng: random.Random, entries: list) -> str:
    paragraphs = []
    for _ in range(rng.randrange(2, 6)):
        out = []
        for _ in range(rng.randrange(3, 12)):
            out += rng.sample(_FILLER, rng.randrange(1, 5))
            if rng.random() < 0.3:
                out.append(rng.choice(["a", "an", "A", "An"]))
            out.append(_cased(_typo(rng.choice(entries).tortured, rng), rng))
            if rng.random() < 0.3:
                out[-1] += rng.choice([".", ",", "'s", ";"])
        paragraphs.append(" ".join(out))
    return "\n\n".join(paragraphs)


_OPTIONS = [
    Options(),
    Options(substitutions="hint"),
    Options(substitutions="always", min_confidence=0.0),
    Options(substitutions="never"),
    Options(kinds=frozenset({Kind.FINGERPRINT})),
    Options(spin_threshold=100.0),
    Options(spin_threshold=0.0, safe_confidence=0.2),
]


@pytest.mark.parametrize("seed", range(12))
def test_batched_lexicon_findings_equal_those_made_one_by_one(seed, monkeypatch):
    rng = random.Random(seed)
    base = default_engine()
    engines = [base, Engine(base.lexicons, estimator=None)]
    entries = [e for lex in base.lexicons for e in lex.entries if e.tortured.isascii()]
    compared = []

    def both(self, engine, p, taken):
        batched = lexicon_rule.lexicon_findings(engine.index.per_variant, p)
        alone = lexicon_rule.findings_one_by_one(p)
        assert all(type(f) is Finding for f in batched)
        assert [f.__dict__ for f in batched] == [f.__dict__ for f in alone]
        compared.extend(batched)
        return batched

    monkeypatch.setattr(lexicon_rule.LexiconDetector, "findings", both)
    for _ in range(3):
        text = _text(rng, entries)
        for eng in engines:
            for opts in rng.sample(_OPTIONS, 3):
                eng.with_options(opts).analyze(text, incremental=Incremental({}))
    assert compared  # (the texts are made of lexicon phrases: some are reported)


def _prose_paragraphs() -> list[str]:
    """Honest prose: the paragraphs of the project's own documentation that are plain sentences."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs"
    out = []
    for path in sorted(docs.glob("*.md")):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            if len(para.split()) >= 30 and para[:1].isalpha() and "|" not in para and "`" not in para:
                out.append(" ".join(para.split()))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_a_repeated_paragraph_finds_what_a_distinct_one_finds(seed, spun_paragraphs):
    """Paragraphs of the same text share their scan and what is kept with it: a paragraph read as a spun passage
    of its own and the same text elsewhere read with the rest of the document each keep their own findings."""
    rng = random.Random(seed)
    prose = _prose_paragraphs()
    eng = default_engine()
    doc = rng.sample(prose, 12)
    for _ in range(rng.randrange(1, 3)):
        at = rng.randrange(len(doc))
        para = rng.choice(spun_paragraphs)
        doc[at:at] = [para] * rng.randrange(1, 3)
    for _ in range(3):
        doc.insert(rng.randrange(len(doc)), rng.choice(doc))
    # the same document with every repetition made a text of its own (trailing spaces: no word, no finding)
    seen: dict[str, int] = {}
    distinct = []
    for para in doc:
        seen[para] = seen.get(para, -1) + 1
        distinct.append(para + " " * seen[para])

    def relative(text: str) -> list[list[tuple]]:
        a = eng.analyze(text, incremental=Incremental({}))
        out = []
        for start, end, _score in a.paragraphs:
            # a paragraph's span may begin with the blank lines before it: offsets are taken from its first word
            start += len(text[start:end]) - len(text[start:end].lstrip())
            out.append([(f.start - start, f.end - start, f.rule, f.confidence, f.message) for f in a.findings
                        if start <= f.start < end])
        return [p for p in out if p] + [[(a.spin_score, a.spun)]]

    assert relative("\n\n".join(doc)) == relative("\n\n".join(distinct))
