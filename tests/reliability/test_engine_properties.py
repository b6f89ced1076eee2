"""Property-based tests: for arbitrary text the engine never raises, spans are exact, and fix-all is safe."""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from unspun.engine import Options, default_engine, fix_edits, fix_text  # noqa: E402

# pieces that exercise the matcher: lexicon phrases, articles, hyphens, odd whitespace and scripts
PIECES = [
    "information convention", "an information convention", "Counterfeit Consciousness", "Jap Europe",
    "Secretary-Common", "international locations", "mentioned", "a actual", "in the event that", "the place",
    "irregular woodlands", "profound learning", "neural", "dataset", " ", "\n", "\r\n", "\n\n", "\t", "-", "’s",
    "😀", "e\u0301", "\u200f", "שלום", "\x00", ".", ",", "A", "an", "\u2028",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map("".join)
engine = default_engine().with_options(Options(substitutions="always", min_confidence=0.0))


def check(text: str) -> None:
    a = engine.analyze(text)
    last_end = 0
    for f in a.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert f.replacements and all(isinstance(r, str) and r for r in f.replacements)
        assert 0.0 <= f.confidence <= 1.0
    fixed = fix_text(text, a.findings, only_safe=False)
    edits = fix_edits(a.findings, only_safe=False)
    for e in edits:
        assert e.start >= last_end
        last_end = e.end
    # everything outside the edited spans is byte-identical, in order
    pos = 0
    out = 0
    for e in edits:
        chunk = text[pos : e.start]
        assert fixed[out : out + len(chunk)] == chunk
        out += len(chunk) + len(e.new_text)
        pos = e.end
    assert fixed[out:] == text[pos:]
    assert fixed.count("\r\n") >= text.count("\r\n") - sum(text[e.start : e.end].count("\r\n") for e in edits)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_analysis_never_raises_and_spans_are_exact(text):
    check(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_fix_all_is_idempotent(text):
    once = fix_text(text, default_engine().analyze(text).findings)
    twice = fix_text(once, default_engine().analyze(once).findings)
    assert twice == once


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00" * 10,
        "a" * 100_000,
        ("information convention " * 2000),
        "😀" * 5000 + " counterfeit consciousness",
        "line\r\n" * 1000 + "Jap Europe\r\n",
        "x" * 1_000_000,
    ],
)
def test_extremes(text):
    check(text)
