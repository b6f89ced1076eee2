"""Reading the prose again after an edit gives what reading the whole new text gives, for random documents of
each format that can read a chunk alone, through random edits (typing, deleting, pasting markup)."""

from __future__ import annotations

import random

import pytest

from unspun import markup
from unspun.markup import reread

LINES = {
    "plain": [
        "Plain words about Jap Europe here.", "see https://example.com/a?b and me@example.com", "  indented",
        "unspun-like: text", "\t", "",
    ],
    "rst": [
        "Plain words about Jap Europe here.", "Title", "=====", "- a bullet item", "#. numbered item",
        ":field: value", ".. note:: A note.", "   indented body", "A paragraph ends::", ".. code-block:: python",
        "``literal`` and :ref:`target` and `link <https://x.org>`_", "``unclosed literal", "|subst| text",
        ">>> doctest", "* star item", "  two spaces", "__ https://anon.example", "",
    ],
    "markdown": [
        "Plain words about Jap Europe here.", "# A heading", "Title", "=====", "- a list item", "1. numbered",
        "> quoted words", "    indented code", "```", "```python", "~~~", "<div>", "</div>", "<!-- note -->",
        "<!--", "-->", "[ref]: https://example.com", "see [ref] and [text](https://x.org/a)", "`code` and *em*",
        "| a | b |", "|---|---|", "---", "+++", "a line with a https://example.com/path address", "me@example.com",
        "![image](pic.png) text", "trailing \\", "  two spaces", "\tTab", "",
    ],
    "asciidoc": [
        "Plain words about Jap Europe here.", "== A heading", "----", "....", "////", "++++", "```", "// comment",
        ":attr: value", "[source,python]", "|===", "| cell | cell", "link:https://x.org[the text] and more",
        "`literal` and pass:[raw]", "* a list item", ".Title", "====", "", "  indented words",
    ],
}
TYPED = [
    "s", " ", "x y", "\n", "\n\n", "`", "]", "[", "(", "<", "```", "----", "---", "    ", "@", "://", "é", "::", "..",
    "``", "|", "*",
]


def _document(rng: random.Random, fmt: str) -> str:
    out = []
    for _ in range(rng.randrange(1, 40)):
        # mostly prose, as documents are
        out.append(LINES[fmt][0] if rng.random() < 0.5 else rng.choice(LINES[fmt]))
        if rng.random() < 0.4:
            out.append("")
    return "\n".join(out) + rng.choice(["", "\n"])


def _edit(rng: random.Random, text: str) -> str:
    return _edit_at(rng, text)[0]


def _edit_at(rng: random.Random, text: str) -> tuple[str, tuple[int, int, int]]:
    """An edit and where it was (start, end in `text`, end in the new text), as an editor reports it."""
    at = rng.randrange(0, len(text) + 1)
    kind = rng.random()
    if kind < 0.5 or not text:
        end, typed = at, rng.choice(TYPED)
    elif kind < 0.8:
        end, typed = min(len(text), at + rng.randrange(1, 4)), ""
    else:
        end, typed = min(len(text), at + 1), rng.choice(TYPED)
    return text[:at] + typed + text[end:], (at, end, at + len(typed))


@pytest.mark.parametrize("fmt", sorted(LINES))
def test_reading_after_edits_equals_reading_the_whole_text(fmt):
    rng = random.Random(sorted(LINES).index(fmt))
    fast = told_fast = 0
    edits = 0
    for _ in range(150):
        text = _document(rng, fmt)
        prose = markup.extract(text, fmt)
        for _ in range(12):
            new, where = _edit_at(rng, text)
            got = markup.extract(new, fmt, previous=prose)
            want = markup.extract(new, fmt)
            assert got == want, (fmt, text, new)
            # told where the edit was (the texts are then not compared): the same
            told = markup.extract(new, fmt, previous=prose, edit=(text, *where))
            assert told == want, (fmt, text, new, where)
            told_fast += told.changed is not None
            if reread.reread(text, prose.segments, new, lambda t: markup.prose_segments(t, fmt),
                             markup.registry.local_check(fmt)) is not None:
                fast += 1
            edits += 1
            text, prose = new, got
    # the chunk was read alone for a good share of the edits (else this tests only the whole reading)
    assert fast > edits // 5, (fast, edits)
    assert told_fast > edits // 5, (told_fast, edits)


def test_a_chunk_inside_an_open_fence_is_read_with_its_document():
    text = "Intro words.\n\n```\n\ncode words here\n\n```\n\nAfter."
    prose = markup.extract(text, "markdown")
    at = text.index("code words") + 4
    new = text[:at] + "s" + text[at:]
    assert markup.extract(new, "markdown", previous=prose) == markup.extract(new, "markdown")
    assert all(not (a <= at < b) for a, b in markup.extract(new, "markdown").segments)


def test_changed_finds_the_stretch_that_differs():
    rng = random.Random(2)
    for _ in range(3000):
        old = "".join(rng.choice("ab\n") for _ in range(rng.randrange(0, 3000)))
        at = rng.randrange(0, len(old) + 1)
        cut = rng.randrange(0, 4)
        new = old[:at] + "".join(rng.choice("ab") for _ in range(rng.randrange(0, 3))) + old[at + cut :]
        got = reread.changed(old, new)
        if old == new:
            assert got is None
            continue
        p, old_end, new_end = got
        assert old[:p] == new[:p] and old[old_end:] == new[new_end:]
        assert len(old) - old_end == len(new) - new_end
        # the stretch is the smallest: the texts differ at its ends
        assert p == min(len(old), len(new)) or old[p : p + 1] != new[p : p + 1] or old_end == p or new_end == p
        assert old_end <= p or new_end <= p or old[old_end - 1] != new[new_end - 1]


def test_chunk_bounds():
    text = "a\nb\n\nc\n  \nd e\nf"
    assert reread.chunk_start(text, text.index("b")) == 0
    assert reread.chunk_end(text, 0) == text.index("\n\n")
    assert reread.chunk_start(text, text.index("c")) == text.index("c")
    assert reread.chunk_end(text, text.index("c")) == text.index("c") + 1
    assert reread.chunk_start(text, text.index("f")) == text.index("d")
    assert reread.chunk_end(text, text.index("d")) == len(text)


def _after(text: str, at: int, typed: str, fmt: str = "markdown"):
    new = text[:at] + typed + text[at:]
    got = markup.extract(new, fmt, previous=markup.extract(text, fmt))
    assert got == markup.extract(new, fmt), (text, new)
    return got


def test_a_chunk_that_becomes_a_list_item_takes_the_indented_chunk_after_it():
    # "    code" is a code block after a paragraph, a list item's paragraph after a list item
    text = "Intro words.\n\nfoo words\n\n    code words\n\nEnd."
    prose = _after(text, text.index("foo"), "- ")
    code = text.index("code words") + 2  # where it is after the edit
    assert any(a <= code < b for a, b in prose.segments)
    assert not any(a <= code - 2 < b for a, b in markup.extract(text, "markdown").segments)


def test_a_new_reference_definition_changes_the_links_of_other_chunks():
    text = "Some [foo] words here.\n\n[foo: /url\n\nEnd."
    _after(text, text.index(": /url"), "]")


def test_a_fence_typed_at_a_chunk_start_takes_the_rest_of_the_document():
    text = "Intro words.\n\nabc words\n\nMore words.\n\nEnd."
    prose = _after(text, text.index("abc"), "```")
    assert all(b <= text.index("abc") for _a, b in prose.segments)


def test_old_prose_across_a_chunk_end_is_read_again():
    # a reader whose prose reaches across a blank line: the chunk is not read alone, even where its own
    # reading matches what lies inside it
    old = "ab\n\ncd ef"
    new = "ab\n\ncd efs"
    def read(t):
        return [(m.start(), m.end()) for m in __import__("re").finditer(r"ef\w*", t)]
    assert reread.reread(old, [(0, 5), (7, 9)], new, read, lambda chunk, nxt, before: True) is None
    assert reread.reread(old, [(7, 9)], new, read, lambda chunk, nxt, before: True) == ([(7, 10)], (4, 9, 10))


def test_moved_spans_equal_the_copied_list_through_many_edits():
    rng = random.Random(8)
    model = [(k * 10, k * 10 + 5) for k in range(200)]
    spans = tuple(model)
    most = 0
    for _ in range(300):
        i = rng.randrange(len(model) + 1)
        j = rng.randrange(i, min(len(model), i + 3) + 1)
        middle = [(rng.randrange(10**6), rng.randrange(10**6)) for _ in range(rng.randrange(0, 3))]
        delta = rng.randrange(-3, 4)
        model = model[:i] + middle + [(a + delta, b + delta) for a, b in model[j:]]
        spans = reread.MovedSpans.edited(spans, i, j, middle, delta)
        most = max(most, len(spans._pieces))
        assert len(spans) == len(model) and list(spans) == model and spans == model and model == spans
        for k in rng.sample(range(len(model)), min(20, len(model))):
            assert spans[k] == model[k] and spans[k - len(model)] == model[k - len(model)]
        a = rng.randrange(len(model) + 1)
        assert spans[a : a + 7] == model[a : a + 7]
        assert hash(spans) == hash(tuple(model))
    assert most <= reread.MovedSpans.MAX_PIECES  # copied into one past that many pieces
    with pytest.raises(IndexError):
        spans[len(model)]


def test_rst_after_a_literal_marker_a_quoted_chunk_is_literal():
    # a paragraph ending in "::" makes the next chunk literal when it begins with punctuation
    text = "Intro ends::\n\nword here about Jap Europe\n\nAfter."
    prose = _after(text, text.index("word"), "* ", "rst")
    assert not any(a <= text.index("Jap") + 2 < b for a, b in prose.segments)


def test_rst_a_chunk_indented_after_a_code_directive_joins_it():
    text = ".. code-block:: python\n\n   x = 1\n\ntext here about Jap Europe\n\nEnd."
    prose = _after(text, text.index("text here"), "   ", "rst")
    assert not any(a <= text.index("Jap") + 3 < b for a, b in prose.segments)


def test_rst_a_chunk_that_becomes_a_comment_takes_the_indented_chunk_after_it():
    text = "Intro.\n\ntext here\n\n   indented words about Jap Europe\n\nEnd."
    prose = _after(text, text.index("text here"), ".. ", "rst")
    assert not any(a <= text.index("Jap") + 3 < b for a, b in prose.segments)


def test_a_failure_to_read_the_chunk_again_reads_the_whole_text(monkeypatch):
    text = "Intro words.\n\nSome words about Jap Europe.\n"
    prose = markup.extract(text, "markdown")
    new = text.replace("Some", "Some more")

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(markup, "_reread_chunk", broken)
    assert markup.extract(new, "markdown", previous=prose) == markup.extract(new, "markdown")


def test_a_known_edit_is_used_only_for_the_text_it_was_made_in(monkeypatch):
    """The stretch an editor's change gives replaces the comparison of the texts, but only when it was made in
    the text the earlier reading read (the same object) and fits the texts' lengths."""
    old = "First paragraph here.\n\nSecond one with `code`.\n\nThird.\n"
    prose = markup.extract(old, "markdown")
    new = old.replace("Second", "Secondx")
    at = old.index("Second") + len("Second")
    compared = []
    real = reread.changed
    monkeypatch.setattr(reread, "changed", lambda a, b: compared.append(1) or real(a, b))
    want = markup.extract(new, "markdown")
    assert markup.extract(new, "markdown", previous=prose, edit=(old, at, at, at + 1)) == want
    assert not compared
    for wrong in [("".join(old), at, at, at + 1), (old, at, at, at + 2), (old, at, len(old) + 5, at + 1)]:
        assert markup.extract(new, "markdown", previous=prose, edit=wrong) == want
    assert len(compared) == 3
