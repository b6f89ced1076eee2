"""`Findings`: an analysis's findings placed paragraph by paragraph when read, equal to placing them all."""

from __future__ import annotations

import random

import pytest

from unspun.engine import Finding, Findings, Incremental, Kind, default_engine
from unspun.engine.model import Placement


def _finding(start: int, end: int) -> Finding:
    return Finding(start, end, "x" * (end - start), ("y",), 0.9, Kind.FINGERPRINT, "r", "m")


def _parts(rng: random.Random):
    """Random paragraphs (some without findings) with relative findings, and the same findings placed."""
    parts, placed, base = [], [], 0
    for _ in range(rng.randrange(0, 12)):
        length = rng.randrange(5, 60)
        rel = []
        pos = 0
        while rng.random() < 0.6 and pos < length - 3:
            a = rng.randrange(pos, length - 2)
            b = rng.randrange(a + 1, min(length, a + 8) + 1)
            rel.append(_finding(a, b))
            pos = b
        parts.append((base, base + length, rel, Placement()))
        placed += [_finding(f.start + base, f.end + base) for f in rel]
        base += length + 2
    return parts, placed


@pytest.mark.parametrize("seed", range(40))
def test_lazy_placement_equals_placing_everything(seed):
    rng = random.Random(seed)
    parts, placed = _parts(rng)
    found = Findings(parts=parts)
    assert len(found) == len(placed) and bool(found) == bool(placed)
    assert found == tuple(placed) and list(found) == placed
    for i in range(-len(placed), len(placed)):
        assert found[i] == placed[i]
    with pytest.raises(IndexError):
        found[len(placed)]
    for _ in range(20):
        a, b = rng.randrange(-3, len(placed) + 3), rng.randrange(-3, len(placed) + 3)
        assert found[a:b] == tuple(placed[a:b])
        assert Findings(parts=parts)[a:b] == tuple(placed[a:b])  # slicing first, nothing placed before
    end = parts[-1][1] if parts else 10
    for _ in range(30):
        s = rng.randrange(0, end + 5)
        e = s + rng.choice([0, 0, 1, 5, 40])
        assert Findings(parts=parts).overlapping(s, e) == [f for f in placed if f.start <= e and s <= f.end]


def test_a_paragraph_that_did_not_move_reuses_its_placement():
    rel = [_finding(1, 3), _finding(5, 9)]
    cell = Placement()
    first = Findings(parts=[(100, 120, rel, cell)])
    a = list(first)
    again = list(Findings(parts=[(100, 120, rel, cell)]))
    assert all(x is y for x, y in zip(a, again))  # not moved again
    moved = list(Findings(parts=[(101, 121, rel, cell)]))
    assert [(f.start, f.end) for f in moved] == [(102, 104), (106, 110)]
    assert [(f.start, f.end) for f in a] == [(101, 103), (105, 109)]  # the earlier analysis keeps its own


def test_an_analysis_keeps_its_offsets_after_later_edits_move_its_paragraphs():
    eng = default_engine()
    text = "Intro line.\n\nThe counterfeit consciousness of Jap Europe.\n\nAnd an information convention."
    cache: dict = {}
    old = eng.analyze(text, incremental=Incremental(cache))
    longer = "A much longer intro line.\n\n" + text.split("\n\n", 1)[1]
    new = eng.analyze(longer, incremental=Incremental(cache))
    for analysis, t in ((new, longer), (old, text)):
        assert analysis.findings
        assert all(t[f.start : f.end] == f.text for f in analysis.findings)
    assert old.findings == eng.analyze(text).findings


def test_paragraph_scores_are_worked_out_when_read_and_equal_the_plain_rule():
    from unspun.engine import spinscore
    from unspun.engine.model import ParagraphScores

    calls: list[tuple[float, int]] = []

    def rate(ev: float, words: int) -> float:
        calls.append((ev, words))
        return round(spinscore.spin_rate(ev, words), 3)

    scores = ParagraphScores([(0, 10), (12, 40)], [0.0, 1.5], [3, 40], rate)
    assert len(scores) == 2 and calls == []  # the length costs nothing
    expected = ((0, 10, 0.0), (12, 40, round(100 * 1.5 / max(40, spinscore.MIN_WORDS), 3)))
    assert scores == expected and list(scores) == list(expected) and scores[1] == expected[1]
    assert len(calls) == 2  # worked out once, then kept
    assert scores != expected[:1] and scores != "ab"
    with pytest.raises(ValueError):
        ParagraphScores([(0, 1)], [], [1], rate)


def test_an_analysis_reports_each_paragraphs_spin_score():
    from unspun.engine import spinscore
    from unspun.engine.tokenize import paragraphs

    text = "A plain sentence about the weather.\n\nThe UN Secretary-Common mentioned counterfeit consciousness."
    a = default_engine().analyze(text)
    assert [(s, e) for s, e, _ in a.paragraphs] == paragraphs(text) and len(a.paragraphs) == 2
    first, second = a.paragraphs
    assert first[2] == 0.0 and second[2] > spinscore.spin_rate(0.5, 100)
