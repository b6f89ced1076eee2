"""Readers on adversarial input: what they make of unclosed constructs (the time they take is measured by
bench/slow_inputs.py, never asserted here), and Markdown math."""

from __future__ import annotations

import random

import pytest

from unspun import markup
from unspun.markup import html, latex, markdown


def prose(text: str, fmt: str) -> list[str]:
    return [text[a:b] for a, b in markup.extract(text, fmt).segments]


# -- HTML ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("<p>a <!-- open <p>b", ["a "]),  # an unclosed comment runs to the end
        ("<p>a <b x='open>b</b> c", ["a "]),  # so does a tag whose quoted value never closes
        ("<p>a <a <a <a b", ["a "]),
        ("a < b and c > d", ["a < b and c > d"]),
        ("x <script>if (a<b) y='</p>'</script> z", ["x ", " z"]),
        ("x <SCRIPT>never closed", ["x "]),
        ("<p title=\"a>b\">one</p><br/>two<img src=x>three", ["one", "two", "three"]),
        ("one&nbsp;two &amp; &#169;&#xA9; three", ["one", "two ", " ", " three"]),
        ("<pre>no <b>no</b></pre>yes<code>no</code>", ["yes"]),
        ("<!DOCTYPE html><?xml x?><![CDATA[no]]>yes</>", ["yes"]),
    ],
)
def test_html_constructs(text, expected):
    assert [text[a:b] for a, b in html.segments(text)] == expected


def test_html_comments_closed_and_unclosed():
    text = "a <!-- one --> b <!-- two"
    assert [text[a:b] for a, b in html.comments(text)] == ["<!-- one -->", "<!-- two"]


def test_html_nesting_beyond_the_tracked_depth_is_read():
    text = "<div>" * (html.MAX_DEPTH + 100) + "deep" + "</div>" * (html.MAX_DEPTH + 100) + "<code>x</code>after"
    assert [text[a:b] for a, b in html.segments(text)] == ["deep", "after"]


# -- Markdown --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("The energy $E = mc^2$ is large.\n", ["The energy ", " is large."]),
        ("It costs $5 or $10 today.\n", ["It costs $5 or $10 today."]),
        ("a $ b $ c\n", ["a $ b $ c"]),
        ("Before:\n\n$$\na_1 + b_2\n$$\n\nafter\n", ["Before:", "after"]),
        ("Code `$x$` and $y$ here.\n", ["Code ", " and ", " here."]),
        ("Open $a and\n\nclosed b$ later.\n", ["Open $a and", "closed b$ later."]),  # not across paragraphs
    ],
)
def test_markdown_math_is_not_prose(text, expected):
    assert prose(text, "markdown") == expected


def test_markdown_unclosed_comments_are_not_comments():
    text = "<!-- a\n" * 50 + "\nSome prose.\n"
    assert markdown.comments(text) == []
    assert markdown._closed_comments("<!-- x --> <!-- y", 0, 17) == [(0, 10)]


@pytest.mark.parametrize(
    "deep",
    [
        "".join("  " * i + "- item\n" for i in range(300)),
        "".join("    " * i + "1. item\n" for i in range(300)),
        "> " * 300 + "item\n",
        "- " * 300 + "item\n",
        "> - " * 150 + "item\n",
    ],
)
def test_markdown_text_after_deep_nesting_is_read(deep):
    """markdown-it alone drops everything after blocks nested more than 20 levels deep."""
    assert prose(deep + "\nLast paragraph.\n", "markdown")[-2:] == ["item", "Last paragraph."]


# -- LaTeX -------------------------------------------------------------------------------------------------

def test_latex_group_answers_as_a_scan_would():
    """`_group` answers unclosed groups from a table made in one pass: it agrees with the plain scan at
    every opener of random texts of braces, brackets, escapes and comments."""
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(["{", "}", "[", "]", "\\", "%", "\n", "a", " "]) for _ in range(rng.randint(1, 80)))
        for open_, close in (("{", "}"), ("[", "]")):
            latex._UNCLOSED.clear()
            for i, ch in enumerate(text):
                if ch == open_:
                    assert latex._group(text, i, open_, close) == latex._scan_group(text, i, open_, close), (text, i)


def test_latex_unclosed_arguments_and_commented_titles():
    text = "\\href{" * 200 + "x"
    assert "".join(prose(text, "latex")) == "{" * 200 + "x"  # the commands are not prose
    text = "% \\title{x\n" * 5 + "\\title{The title}\n\\begin{document}Body\\end{document}"
    assert prose(text, "latex") == ["The title", "Body"]
