"""`unspun.markup.rst.heading_edits`: a replacement that makes a section title longer lengthens its underline
(and overline) in the same edit."""

from __future__ import annotations

import pytest

from unspun.markup.rst import heading_edits


def apply(text: str, edits) -> str:
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def fix(text: str, old: str, new: str) -> str:
    i = text.index(old)
    edits = [(i, i + len(old), new)]
    return apply(text, edits + heading_edits(text, edits))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bosom growth\n============\n\nBody.\n", "Breast cancer\n=============\n\nBody.\n"),
        ("------------\nBosom growth\n------------\n", "-------------\nBreast cancer\n-------------\n"),
        ("Bosom growth\r\n~~~~~~~~~~~~\r\n", "Breast cancer\r\n~~~~~~~~~~~~~\r\n"),
        ("Bosom growth\n================\n", "Breast cancer\n================\n"),  # long enough already
        ("Bosom growth\n=====\n", "Breast cancer\n=====\n"),  # too short before: not ours to mend
        ("  Bosom growth\n  ============\n", "  Breast cancer\n  ============\n"),  # indented: not a title
        ("Bosom growth\nand more text\n", "Breast cancer\nand more text\n"),
    ],
)
def test_underlines_follow_the_title(text, expected):
    assert fix(text, "Bosom growth", "Breast cancer") == expected


def test_a_title_that_gets_shorter_keeps_its_underline():
    assert fix("Big information\n===============\n", "big information".capitalize(), "Big data") == "Big data\n===============\n"


def test_several_edits_in_one_title_add_up():
    text = "ab cd\n=====\n"
    edits = [(0, 2, "abc"), (3, 5, "cde")]
    assert apply(text, edits + heading_edits(text, edits)) == "abc cde\n=======\n"
