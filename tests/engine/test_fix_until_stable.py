"""Fix-all reaches a text it leaves alone: fixing its own output changes nothing."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from unspun.engine import Engine
from unspun.engine.fixer import Edit, apply_edits, compose_edits, fix_until_stable
from unspun.engine.lexicon import parse_lexicon

# fixing "time period sheet" gives "term sheet", where "term sheet" -> "term paper" then matches
CHAIN = (
    "tortured\texpected\tkind\tconfidence\n"
    "time period sheet\tterm sheet\tfingerprint\t0.95\n"
    "term sheet\tterm paper\tfingerprint\t0.95\n"
)


def test_fixing_until_stable_takes_in_what_a_fix_uncovers_and_a_second_run_changes_nothing():
    lex, _ = parse_lexicon(CHAIN, "chain.tsv")
    eng = Engine([lex], model=None)
    text = "We signed the time period sheet today."
    fixed, edits = fix_until_stable(text, lambda t: eng.analyze(t).findings)
    assert fixed == "We signed the term paper today."
    assert apply_edits(text, edits) == fixed and len(edits) == 1 and text[edits[0].start : edits[0].end] == "time period sheet"
    again, more = fix_until_stable(fixed, lambda t: eng.analyze(t).findings)
    assert again == fixed and more == []


_edits = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 4), st.text("XYZ", max_size=4)), max_size=6)


def _valid(text: str, raw) -> list[Edit]:
    out, pos = [], 0
    for start, length, new in sorted(raw):
        if start < pos or start > len(text):
            continue
        end = min(len(text), start + length)
        out.append(Edit(start, end, new))
        pos = end + 1
    return out


@settings(max_examples=300, deadline=None)
@given(st.text("ab ", max_size=40), _edits, _edits)
def test_composed_edits_do_what_both_rounds_do(text, first_raw, then_raw):
    first = _valid(text, first_raw)
    middle = apply_edits(text, first)
    then = _valid(middle, then_raw)
    composed = compose_edits(text, first, then)
    assert apply_edits(text, composed) == apply_edits(middle, then)
