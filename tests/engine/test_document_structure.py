"""Document structure that real pages have: one paragraph a line, a spun passage inside an honest report, and a
lightly spun page just under the threshold."""

from __future__ import annotations

from pathlib import Path

from unspun.engine import default_engine
from unspun.engine.tokenize import by_line, paragraphs, paragraphs_after_edit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "spun-news.txt"
LONG = "This is a sentence of honest prose about the weather and the markets in the spring. " * 2


def test_a_page_with_one_paragraph_a_line_is_cut_by_line():
    text = "Title\n" + "\n".join([LONG] * 3) + "\n"
    assert by_line(text)
    cut = [text[s:e].split()[:1] for s, e in paragraphs(text)]
    assert [c[0] for c in cut if c] == ["Title", "This", "This", "This"]


def test_hard_wrapped_text_and_text_with_blank_lines_keep_blank_line_paragraphs():
    wrapped = "\n".join(["a short line of text that wraps at seventy two characters or so"] * 6)
    assert not by_line(wrapped) and len(paragraphs(wrapped)) == 1
    blank = LONG + "\n" + LONG + "\n\n" + LONG
    assert not by_line(blank) and len(paragraphs(blank)) == 2


def test_an_edit_that_changes_how_a_text_is_cut_cuts_it_again_whole():
    old = "\n".join([LONG] * 3)
    spans = paragraphs(old)
    assert len(spans) == 3
    assert paragraphs_after_edit(spans, [old[s:e] for s, e in spans], len(old), old + "x") is None
    blank = LONG + "\n\n" + LONG
    bspans = paragraphs(blank)
    new = blank.replace("\n\n", "\n", 1) + "\n" + LONG  # now a page with one paragraph a line
    assert paragraphs_after_edit(bspans, [blank[s:e] for s, e in bspans], len(blank), new) is None


def _honest_lines(n: int) -> list[str]:
    topics = ["rivers", "schools", "bridges", "farms", "libraries", "harbours", "forests", "railways"]
    topics = [f"{t} in the {part}" for part in ("north", "south", "east") for t in topics]
    return [
        f"The council met again to review the plans for the {t} of the county, and the members asked for a"
        f" clearer account of the costs, the timetable and the people who will look after the work." for t in topics[:n]
    ]


def test_a_spun_passage_pasted_into_an_honest_report_gets_its_substitutions_reported():
    spun = [p.replace("\n", " ") for p in EXAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip() and not p.startswith("#")]
    lines = _honest_lines(24)
    doc = "\n".join(lines[:4] + spun + lines[4:]) + "\n"
    eng = default_engine()
    a = eng.analyze(doc)
    assert not a.spun  # the report as a whole does not look spun
    lo = len("\n".join(lines[:4])) + 1
    hi = lo + len("\n".join(spun))
    inside = [f for f in a.findings if lo <= f.start < hi]
    assert any(f.kind.value == "substitution" for f in inside), [(f.text, f.rule) for f in a.findings]
    assert not [f for f in a.findings if not lo <= f.start < hi]  # the honest paragraphs stay clean
    honest_only = eng.analyze("\n".join(lines) + "\n")
    assert not honest_only.findings


def test_the_spin_score_is_a_density_that_does_not_fall_when_a_page_repeats_itself(spun_paragraphs):
    page = "\n\n".join(spun_paragraphs)
    eng = default_engine()
    twice = eng.analyze("\n\n".join([page] * 2))  # (once, the page is under the 100-word floor)
    assert twice.word_count > 100 and twice.spin_score > 2.5
    for copies in (5, 20):
        again = eng.analyze("\n\n".join([page] * copies))
        assert again.spun and again.spin_score >= 0.9 * twice.spin_score
