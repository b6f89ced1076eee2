"""One copy of the values findings repeat (`unspun.engine.sharing`), and the other ways an analysis holds less:
the same findings, features and gains as without them."""

import math
import struct
from dataclasses import replace
from pathlib import Path

import pytest

from unspun.engine import analyzer, sharing
from unspun.engine.analyzer import Engine
from unspun.engine.incremental import Incremental
from unspun.engine.model import Evidence, Finding, Kind

SPUN = (Path(__file__).parents[2] / "examples" / "spun-news.txt").read_text(encoding="utf-8")


def _bits(values) -> tuple:
    """Floats as their bytes (a negative zero differs from a positive one)."""
    return tuple(struct.pack("<d", v) for v in values)


def _finding(features, message="m") -> Finding:
    return Finding(
        1, 4, "abc", ("x", "y"), 0.75, Kind.SUBSTITUTION, "substitution/news", message,
        (Evidence("lexicon", "news", "entry 'abc' (line 3)"),), "abc", True, False, features,
    )


def test_shared_findings_equal_their_own_and_hold_one_copy_of_each_value():
    shared = sharing.Shared()
    a = shared.finding(_finding((1.0, 2.5, 0.0), "Possible spinner " + "substitution"))
    b_own = _finding((1.0, 2.5, 0.0), "Possible spinner substitution")
    b = shared.finding(_finding((1.0, 2.5, 0.0), "Possible spinner substitution"))
    assert b == b_own and _bits(b.features) == _bits(b_own.features)
    assert b.message is a.message and b.evidence is a.evidence and b.evidence[0] is a.evidence[0]
    assert b.replacements is a.replacements and b.confidence is a.confidence


def test_a_negative_zero_keeps_its_sign():
    shared = sharing.Shared()
    positive = shared.finding(replace(_finding((0.0, 1.5)), confidence=0.0))
    negative = shared.finding(replace(_finding((-0.0, 1.5)), confidence=-0.0))
    assert _bits((positive.confidence,)) == _bits((0.0,))
    assert math.copysign(1.0, negative.confidence) < 0
    assert _bits(negative.features) == _bits((-0.0, 1.5))
    again = shared.finding(replace(_finding((0.0, 1.5)), confidence=0.0))
    assert _bits((again.confidence,)) == _bits((0.0,))


def test_features_are_kept_as_they_are_or_dropped():
    features = (0.25, -0.0, 3.0)
    kept = sharing.Shared(True).finding(_finding(features))
    assert kept.features is features
    assert sharing.Shared(False).finding(_finding(features)).features == ()
    # values not shared (a short text): the finding as made, less its features where they are not kept
    own = _finding(features, "Possible spinner " + "substitution")
    assert sharing.Shared(True, values=False).finding(own) is own and own.features is features
    lean = sharing.Shared(False, values=False).finding(_finding(features))
    assert lean.features == () and lean == replace(_finding(features), features=())


@pytest.fixture(scope="module")
def engine() -> Engine:
    eng = Engine()
    if eng.model is None:
        pytest.skip("no language model")
    return eng


def _features_bits(findings) -> list:
    return [_bits(f.features) for f in findings]


def test_an_analysis_with_shared_values_has_the_findings_and_features_of_one_without(engine, monkeypatch):
    text = "\n\n".join([SPUN] * 3)
    monkeypatch.setattr(analyzer, "SHARED_VALUES_CHARS", 0)  # (a text this short shares nothing otherwise)
    shared = list(Engine(engine.lexicons).analyze(text).findings)
    monkeypatch.setattr(sharing.Shared, "finding", lambda self, f: f)
    own = list(Engine(engine.lexicons).analyze(text).findings)
    assert shared and shared == own
    assert _features_bits(shared) == _features_bits(own)
    assert [f.evidence for f in shared] == [f.evidence for f in own]
    # equal messages are one string (the text repeats itself three times)
    by_message: dict[str, str] = {}
    assert all(by_message.setdefault(f.message, f.message) is f.message for f in shared)
    assert len(by_message) < len(shared)


def test_scanning_in_batches_gives_the_gains_of_one_batch(engine, monkeypatch):
    paragraphs = [p for p in SPUN.split("\n\n") if p.strip()]
    text = "\n\n".join(paragraphs * 2)
    monkeypatch.setattr(analyzer, "SCAN_BATCH_CHARS", 10**9)
    whole = Incremental()
    one = Engine(engine.lexicons).analyze(text, incremental=whole)
    monkeypatch.setattr(analyzer, "SCAN_BATCH_CHARS", 1)
    batched = Incremental()
    many = Engine(engine.lexicons).analyze(text, incremental=batched)
    assert list(many.findings) == list(one.findings) and many.spin_score == one.spin_score
    assert whole.cache.keys() == batched.cache.keys()
    assert all(whole.cache[k].gains == batched.cache[k].gains for k in whole.cache)
    assert any(scan.gains for scan in whole.cache.values())


def test_findings_moved_are_the_findings_at_their_offsets_plus_a_delta(engine):
    text = "\n\n".join([SPUN] * 2)
    findings = engine.analyze(text).findings
    moved = findings.moved(1000)
    assert moved == [replace(f, start=f.start + 1000, end=f.end + 1000) for f in findings]
    assert moved and findings.moved(0) == list(findings)


def test_an_engine_that_keeps_no_features_has_the_same_findings_without_them(engine):
    text = "\n\n".join([SPUN] * 2)
    kept = list(Engine(engine.lexicons).analyze(text).findings)
    lean = Engine(engine.lexicons)
    lean.keep_features = False
    dropped = list(lean.with_options(lean.options).analyze(text).findings)
    assert dropped == kept and all(f.features for f in kept)
    assert all(f.features == () for f in dropped)
