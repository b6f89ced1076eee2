"""Only prose is checked: fixture documents with spins in prose (on lines marked PROSE) and the same phrases in
code, URLs, math, front matter, attributes, citation keys and comments, which must not be flagged."""

from __future__ import annotations

import pytest

from unspun import markup
from unspun.engine import Engine, Incremental
from unspun.engine.analyzer import mask
from unspun.markup import code

from tests.conftest import FIXTURES

DOCS = FIXTURES / "markup"

CASES = [
    ("doc.md", "markdown"),
    ("doc.txt", "plain"),
    ("doc.tex", "latex"),
    ("doc.bib", "bibtex"),
    ("doc.html", "html"),
    ("doc.rst", "rst"),
    ("doc.adoc", "asciidoc"),
    ("doc.py", "python"),
    ("doc.js", "javascript"),
    ("directives.md", "markdown"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    # fingerprints only: the fixtures mark the lines whose phrases no careful writer uses; the shipped
    # lexicon's ordinary-word substitutions ("value" for "price") would fire on their other prose lines too
    from unspun.engine import Options
    from unspun.engine.model import Kind

    return Engine(model=None, options=Options(kinds=frozenset({Kind.FINGERPRINT})))


def _check(engine: Engine, text: str, fmt: str):
    prose = markup.extract(text, fmt)
    from dataclasses import replace

    eng = engine.with_options(replace(engine.options, allow=engine.options.allow | prose.ignored))
    return eng.analyze(text, segments=prose.segments)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


@pytest.mark.parametrize("name,fmt", CASES)
def test_only_prose_is_flagged(engine, name, fmt):
    if fmt != "python" and fmt in code.KNOWN and not code.available(fmt):
        pytest.skip(f"no tree-sitter grammar for {fmt} installed")
    text = (DOCS / name).read_text("utf-8")
    assert markup.format_for_path(name) == fmt
    analysis = _check(engine, text, fmt)
    lines = text.split("\n")
    expected = {i for i, line in enumerate(lines) if "PROSE" in line}
    found = {_line(text, f.start) for f in analysis.findings}
    assert found == expected, [(f.text, lines[_line(text, f.start)]) for f in analysis.findings]
    for f in analysis.findings:  # every span maps back to the exact original text
        assert text[f.start : f.end] == f.text
    assert analysis.text == text


@pytest.mark.parametrize("name,fmt", CASES)
def test_segments_are_exact_spans(name, fmt):
    text = (DOCS / name).read_text("utf-8")
    prose = markup.extract(text, fmt)
    last = 0
    for a, b in prose.segments:
        assert last <= a < b <= len(text)
        last = b
    masked = mask(text, prose.segments)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    for a, b in prose.segments:
        assert masked[a:b] == text[a:b]


def test_mask_blocks_phrases_across_code(engine):
    text = "The information `x` convention and an information convention."
    segs = markup.extract(text, "markdown").segments
    found = engine.analyze(text, segments=segs).findings
    assert [f.text for f in found] == ["an information convention"] or [f.text for f in found] == ["information convention"]
    assert all(f.start > text.index("and") for f in found)


def test_masked_text_has_no_words_and_cache_works(engine):
    text = "```\ninformation convention counterfeit consciousness\n```\n\nPlain words here.\n"
    segs = markup.extract(text, "markdown").segments
    cache: dict = {}
    a1 = engine.analyze(text, segments=segs, incremental=Incremental(cache))
    assert a1.word_count == 3 and not a1.findings
    assert all("information" not in k for k in cache)
    a2 = engine.analyze(text, segments=segs, incremental=Incremental(cache))
    assert a2.findings == a1.findings


def test_segments_none_is_the_whole_text(engine):
    text = "An information convention."
    assert engine.analyze(text).findings == engine.analyze(text, segments=[(0, len(text))]).findings


def test_directives():
    text = (DOCS / "directives.md").read_text("utf-8")
    prose = markup.extract(text, "markdown")
    assert prose.ignored == {"counterfeit consciousness"}
    off = [text[a:b] for a, b in prose.disabled]
    assert any("switched off" in s for s in off)
    assert any(s.startswith("Jap Europe on a disabled line") for s in off)


@pytest.mark.parametrize(
    "fmt,text",
    [
        ("latex", "% unspun: disable-next-line\nJap Europe\nok"),
        ("rst", ".. unspun: disable-next-line\n\nJap Europe\n"),
        ("python", "# unspun: disable-next-line\n# Jap Europe\n"),
        ("plain", "unspun: disable-next-line\nJap Europe\n"),
        ("html", "<!-- unspun: disable-next-line -->\n<p>Jap Europe</p>\n"),
        ("asciidoc", "// unspun: disable-next-line\nJap Europe\n"),
    ],
)
def test_disable_next_line_in_each_comment_syntax(engine, fmt, text):
    if fmt == "rst":  # an rST comment ends at the blank line; the next line is the blank one
        text = ".. unspun: disable-next-line\nJap Europe\n"
    assert not _check(engine, text, fmt).findings


def test_ignore_in_latex_comment(engine):
    text = '% unspun: ignore "Jap Europe", "information convention"\nJap Europe and the information convention.\n'
    prose = markup.extract(text, "latex")
    assert prose.ignored == {"Jap Europe", "information convention"}
    assert not _check(engine, text, "latex").findings


def test_commit_message(engine):
    text = "Fix the information convention\n\n# Please enter the commit message\n# counterfeit consciousness\n"
    found = _check(engine, text, markup.format_for_language("git-commit")).findings
    assert [f.text for f in found] == ["information convention"]


def test_registry():
    assert markup.format_for_language("markdown") == "markdown"
    assert markup.format_for_language("restructuredtext") == "rst"
    assert markup.format_for_language("python") == "python"
    assert markup.format_for_path("x/COMMIT_EDITMSG") == "commit"
    assert markup.format_for_path("a.TEX") == "latex"
    assert markup.format_for_path("a.unknown") is None
    from unspun.markup.registry import normalize

    assert normalize("md") == "markdown" and normalize(".py") == "python" and normalize("nope") is None
    assert "python" in markup.formats()


def test_python_without_tree_sitter_falls_back_to_tokenize():
    text = (DOCS / "doc.py").read_text("utf-8")
    spans = code._python_tokenize(text)[0]
    got = [text[a:b] for a, b in spans]
    assert any("module on the information convention" in s for s in got)
    assert not any("return x" in s for s in got)
    assert all("information_convention =" not in s for s in got)


def test_non_ascii_offsets_with_tree_sitter(engine):
    text = '# é — the information convention\nx = "information convention"\n'
    found = _check(engine, text, "python").findings
    assert [text[f.start : f.end] for f in found] == ["information convention"]
    assert found[0].start == text.index("information")


def test_directives_in_code_are_not_directives(engine):
    text = (
        "Write `<!-- unspun: disable -->` to switch checking off.\n\n"
        "```\n<!-- unspun: disable -->\n```\n\nThe information convention is still checked.\n"
    )
    prose = markup.extract(text, "markdown")
    assert prose.disabled == () and len(_check(engine, text, "markdown").findings) == 1
    inline = "Some text <!-- unspun: ignore \"information convention\" --> and an information convention.\n"
    assert markup.extract(inline, "markdown").ignored == {"information convention"}


def test_server_worker_keeps_its_paragraph_cache_for_masked_text(engine):
    import threading

    from unspun.lsp.analysis import _work
    from unspun.lsp.convert import PositionIndex
    from unspun.lsp.documents import DocumentState
    from unspun.lsp.snapshot import AnalysisKey
    from unspun.pipeline import State

    text = "An information convention.\n\n```\ncounterfeit consciousness\n```\n\nMore text here.\n"
    doc = DocumentState(uri="file:///x.md", text=text)
    stops = (threading.Event(),)
    key = AnalysisKey(version=None, generation=1, options=engine.options, format="markdown", max_chars=0)
    checked = _work(engine, doc.index, doc.checks, stops, None, key)
    doc.keep_paragraphs(checked.analysis, checked.prepared.masked)
    assert [f.text for f in checked.analysis.findings] == ["An information convention"]
    assert checked.scanned == len(doc.checks.cache) >= 3
    again = _work(engine, doc.index, doc.checks, stops, None, key)
    assert again.scanned == 0  # every paragraph came from the cache
    ignored = "<!-- unspun: ignore \"information convention\" -->\n\n" + text
    assert _work(engine, PositionIndex(ignored), State(), stops, None, key).analysis.findings == ()


def test_readers_survive_random_input():
    import random

    alphabet = "ab \n\t\\{}[]()$%<>!-`*_#:.|\"'=/@é😀\r"
    rng = random.Random(7)
    formats = ["plain", "commit", "markdown", "latex", "bibtex", "html", "rst", "python"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        for fmt in formats:
            last = 0
            for a, b in markup.extract(text, fmt).segments:
                assert last <= a < b <= len(text), (fmt, text)
                last = b


def test_url_spans_equal_the_address_pattern_over_the_whole_text():
    """Only the runs of non-space characters holding a marker are searched; that must find every address the
    pattern finds anywhere (runs longer than the first window looked back over, other white space too)."""
    import random

    pieces = [
        "word ", "a:b ", "://", "http://x.org/a?b=c ", "see https://ex.com.", "mailto:me@x.org", "mailto ",
        ":", "www.", "www.ex.org ", "Www.no ", "me@ex.com", "@", "\n", "\n\n", "ftp://h/", "é", "😀", " :// ",
        "file:///tmp/a", "x.y@z.co.uk,", "(http://a.b)", "mailto:", "ailto:", "//",
        "\t", "\u00a0", "\u2003", "a" * 70, "b." * 150, "\r\n",
    ]
    rnd = random.Random(11)
    for _ in range(1500):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        assert markup.url_spans(text) == [m.span() for m in markup._URL.finditer(text)], text
    # past a few thousand colons the markers are searched for instead: the same addresses
    many = ":" * 3000 + " see http://a.org/x and mailto:me@x.org then www.b.org " + "a:b " * 1000 + "ftp://h/"
    assert markup.url_spans(many) == [m.span() for m in markup._URL.finditer(many)]
    assert len(markup.url_spans(many)) == 4


def test_a_directive_is_found_wherever_it_is():
    for text in ["unspun: disable", "x unspun: ignore 'a'", "unspun:", "a:b unspun:", "unspun :", "nspun:", ":", "",
                 "::unspun::", "é😀unspun:"]:
        assert markup._holds_directive(text) == ("unspun:" in text), text
    assert markup._holds_directive(":" * 5000 + " unspun: disable")
    assert not markup._holds_directive(":" * 5000 + " unspun disable")


def test_asciidoc_table_cells_are_cut_at_their_separators():
    from unspun.markup import asciidoc

    text = "|===\n| Jap Europe | info `code` x|y\n|===\nNo cells here.\n"
    spans = asciidoc.segments(text)
    pieces = [text[a:b] for a, b in spans]
    assert pieces == [" Jap Europe ", " info ", " x", "y", "No cells here."]


def test_asciidoc_cell_cuts_match_a_character_walk():
    # the cut spans are those of a walk over every character that ends a span at each "|"
    import random

    from unspun.markup import asciidoc

    rng = random.Random(7)
    alphabet = "ab |`+{}x-"
    for _ in range(400):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))
        base = rng.randrange(0, 50)
        got = asciidoc._inline_prose(line, base)
        inline = []
        pos = 0
        for m in asciidoc._INLINE.finditer(line):
            if m.start() > pos:
                inline.append((base + pos, base + m.start()))
            pos = m.end()
        if pos < len(line):
            inline.append((base + pos, base + len(line)))
        want = []
        for a, b in inline:
            s = a
            for k in range(a, b):
                if line[k - base] == "|":
                    if k > s:
                        want.append((s, k))
                    s = k + 1
            if b > s:
                want.append((s, b))
        assert got == want, line


def test_asciidoc_inline_markup_found_from_colons_as_from_names():
    # the inline pattern matches macros from their colon (for speed); the prose it leaves must be what the
    # plain pattern, which tries each macro name at every word boundary, leaves
    import random
    import re

    from unspun.markup import asciidoc

    plain = re.compile(
        r"`[^`\n]+`|\+\+?[^+\n]+\+\+?"
        r"|\b(?:pass|stem|latexmath|asciimath|kbd|btn|menu):[^\[\s]*\[[^\]\n]*\]"
        r"|\b(?:link|xref|mailto|image|footnote|anchor|indexterm|indexterm2|include):[^\[\s]*(?=\[)"
        r"|<<[^,>\n]*(?=,)|<<[^>\n]*>>|\[\[[^\]\n]*\]\]|\[#[^\]\n]*\]|\{[\w-]+\}"
    )
    pieces = ["pass:", "stem:", "link:", "xref:", "indexterm2:", "indexterm:", "image:", "kbd:", "xpass:", "é",
              "link", ":", "[", "]", "[x]", "a", " ", "`", "+", "<<", ">>", ",", "{n}", "[[", "[#", "_", "2", "/"]
    rng = random.Random(11)
    for _ in range(3000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
        want, pos = [], 0
        for m in plain.finditer(line):
            if m.start() > pos:
                want.append((pos, m.start()))
            pos = m.end()
        if pos < len(line):
            want.append((pos, len(line)))
        assert asciidoc._inline_prose(line, 0) == want, line


def test_lines_without_carriage_returns_match_the_line_pattern():
    import random

    from unspun.markup import lines as lines_module

    def by_pattern(text):
        out = []
        for m in lines_module._LINE.finditer(text):
            if m.start() == m.end():
                break
            out.append((m.start(), m.end(), m.group().rstrip("\r\n")))
        return out

    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice(["a", "b c", "\n", "\n\n", " "]) for _ in range(rng.randrange(0, 12)))
        assert lines_module.lines(text) == by_pattern(text), repr(text)
    assert lines_module.lines("a\r\nb\rc\n") == [(0, 3, "a"), (3, 5, "b"), (5, 7, "c")]


def test_latex_math_ends_at_its_first_unescaped_closer():
    from unspun.markup import latex

    text = r"One $x \$ y$ two $$a$b$$ three \$ four $open"
    pieces = [text[a:b] for a, b in latex.segments(text)]
    assert pieces == [r"One ", " two ", r" three ", " four "]
    html_text = "<p>One</p>\n<pre>x\ny</pre>\n<p>two</p>"
    from unspun.markup import html

    assert [html_text[a:b] for a, b in html.segments(html_text)] == ["One", "\n", "\n", "two"]


def test_rst_inline_markup_does_not_reach_across_a_blank_line():
    from unspun.markup import rst

    text = "An ``unclosed literal here.\n\nThe next paragraph about Jap Europe, and a ``closed`` one."
    pieces = [text[a:b] for a, b in rst.segments(text)]
    assert "The next paragraph about Jap Europe, and a " in pieces and " one." in pieces


@pytest.mark.parametrize("name,fmt", CASES)
def test_a_reading_keeps_no_reference_to_the_document(name, fmt):
    """A format reads a document once into a `Reading` (its prose and its comments) and keeps nothing of it
    afterwards: no cache keyed by the whole text. (The code reader's parse of each language's last text, from
    which the next is parsed again, is kept on purpose, and cleared here.)"""
    import sys

    from unspun.markup import registry

    text = "".join([(DOCS / name).read_text("utf-8"), "\n"])  # a string no one else refers to
    before = sys.getrefcount(text)
    read = registry.reader(fmt)
    reading = read(text)
    assert reading.segments == read(text, comments=False).segments
    prose = markup.extract(text, fmt)
    del reading
    code._last.clear()
    assert sys.getrefcount(text) == before + (prose.source is text)
