import random

from unspun.engine.casing import apply_case
from unspun.engine.inflect import article_for, is_plural, pluralize, singularize
from unspun.engine.tokenize import is_joiner, paragraphs, paragraphs_after_edit, phrase_words, tokenize


def test_tokens_have_code_point_offsets():
    text = "😀 don’t Secretary-Common"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["don’t", "Secretary", "Common"]
    for t in toks:
        assert text[t.start : t.end] == t.text
    assert toks[0].norm == "don't"


def test_phrase_words_normalise_hyphens_and_case():
    assert phrase_words("Secretary-Common") == ("secretary", "common")
    assert phrase_words("  flag to  commotion ") == ("flag", "to", "commotion")


def test_joiners():
    assert is_joiner(" ")
    assert is_joiner("-")
    assert is_joiner(" \n ")
    assert not is_joiner(", ")
    assert not is_joiner("\n\n")
    assert not is_joiner("")


def test_paragraphs_cover_the_text():
    text = "one\ntwo\n\nthree\r\n\r\nfour"
    spans = paragraphs(text)
    assert "".join(text[s:e] for s, e in spans) == text
    assert len(spans) == 3


PIECES = ["word ", "a", " ", "\t", "\n", "\n\n", "\n \n", "\n\t\n\n", "\n\n\n", "x\n", "\n", "é", "😀", "\r\n"]


def _edited(rnd: random.Random, text: str) -> str:
    """`text` with one random change: an insertion, a deletion (sometimes across paragraphs) or a replacement."""
    return _edit(rnd, text)[0]


def _edit(rnd: random.Random, text: str) -> tuple[str, tuple[int, int]]:
    """`_edited`, with the stretch of `text` the change replaced."""
    i = rnd.randint(0, len(text))
    if text and i < len(text) and text[i] == "\n" and rnd.random() < 0.3:
        i = rnd.choice([i, i + 1])  # often at a line break, where paragraphs join and split
    j = min(len(text), i + rnd.choice([0, 0, 1, 1, 2, 5, 40]))
    new = "".join(rnd.choice(PIECES) for _ in range(rnd.choice([0, 1, 1, 2])))
    return text[:i] + new + text[j:], (i, j)


def test_paragraphs_after_an_edit_equal_a_fresh_split():
    rnd = random.Random(3)
    spliced = tried = 0
    for _ in range(300):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 60)))
        spans = paragraphs(text)
        chunks = [text[s:e] for s, e in spans]
        for _ in range(15):
            new, stretch = _edit(rnd, text)
            got = paragraphs_after_edit(spans, chunks, len(text), new) if "\r" not in text else None
            if "\r" not in text:  # told where the change is, it compares nothing and finds the same
                hinted = paragraphs_after_edit(spans, chunks, len(text), new, stretch)
                assert hinted is None or (hinted.spans, hinted.chunks) == (paragraphs(new), [
                    new[s:e] for s, e in paragraphs(new)
                ]), (text, new)
            expected = paragraphs(new) if new else None
            if "\r" in new:
                assert got is None  # (a carriage return is left to the full split)
            elif "\r" not in text:
                tried += 1
            if got is not None:
                spliced += 1
                assert got[0] == expected, (text, new)
                assert got[1] == [new[s:e] for s, e in expected]
            text = new
            if not text:
                break
            spans = expected
            chunks = [text[s:e] for s, e in spans]
    assert tried > 1000 and spliced > tried // 2  # most edits are spliced, not split afresh


def test_paragraphs_after_an_edit_reuse_the_unchanged_texts():
    text = "\n\n".join(f"Paragraph {k} says something." for k in range(50))
    spans = paragraphs(text)
    chunks = [text[s:e] for s, e in spans]
    new = text.replace("Paragraph 20 says", "Paragraph 20 now says")
    got_spans, got_chunks, _lo, _hi = paragraphs_after_edit(spans, chunks, len(text), new)
    assert got_spans == paragraphs(new)
    assert all(a is b for a, b in zip(got_chunks[:20], chunks[:20]))
    assert all(a is b for a, b in zip(got_chunks[21:], chunks[21:]))
    assert got_chunks[20] == "\n\nParagraph 20 now says something."
    # a change that reaches every paragraph is split afresh by the caller
    assert paragraphs_after_edit(spans, chunks, len(text), "x" + text + "x") is None


def test_plural_round_trip():
    for sing, plur in [("growth", "growths"), ("country", "countries"), ("analysis", "analyses"), ("box", "boxes"), ("location", "locations")]:
        assert pluralize(sing) == plur
        assert singularize(plur) == sing
        assert is_plural(plur) and not is_plural(sing)
    assert pluralize("information") == "information"


def test_articles():
    assert article_for("news") == "a"
    assert article_for("information") == "an"
    assert article_for("hour") == "an"
    assert article_for("university") == "a"
    assert article_for("FBI") == "an"
    assert article_for("NASA") == "a"
    assert article_for("one-time") == "a"


def test_case_is_copied():
    assert apply_case("Information convention", "news conference") == "News conference"
    assert apply_case("information convention", "news conference") == "news conference"
    assert apply_case("INFORMATION CONVENTION", "news conference") == "NEWS CONFERENCE"
    assert apply_case("Information Convention", "news conference") == "News Conference"
    assert apply_case("jap europe", "Eastern Europe") == "Eastern Europe"


def _context_indices(text, tokens, first, last):
    """The context rule written plainly: up to two tokens each side, none across a sentence boundary in a gap."""
    from unspun.engine.lmcheck import _BOUNDARY, CONTEXT

    left, k = [], first - 1
    while k >= 0 and len(left) < CONTEXT and not _BOUNDARY.search(text[tokens[k].end : tokens[k + 1].start]):
        left.insert(0, k)
        k -= 1
    right, k = [], last
    while k < len(tokens) and len(right) < CONTEXT and not _BOUNDARY.search(text[tokens[k - 1].end : tokens[k].start]):
        right.append(k)
        k += 1
    return left, right


def test_sentence_ids_give_the_same_context_as_the_text_itself() -> None:
    from unspun.engine.lmcheck import context_of, sentence_ids
    from unspun.engine.tokenize import tokenize

    text = 'First words here. Then (a note) more; and "quoted words" e.g. 3.5 units: end x'
    tokens = tokenize(text)
    sid = sentence_ids(text, tokens)
    assert sid == sorted(sid) and sid[-1] >= 5
    for first in range(len(tokens)):
        for last in range(first + 1, min(first + 3, len(tokens)) + 1):
            left, right = _context_indices(text, tokens, first, last)
            got = context_of(sid, first, last)
            assert (list(got[0]), list(got[1])) == (left, right), (first, last)


def test_case_of_the_text_copied_onto_the_replacement() -> None:
    from unspun.engine.casing import apply_case

    assert apply_case("information convention", "news conference") == "news conference"
    assert apply_case("Information convention", "news conference") == "News conference"
    assert apply_case("Information Convention", "news conference") == "News Conference"
    assert apply_case("NASA", "space agency") == "SPACE AGENCY"
    assert apply_case("", "x") == "x" and apply_case("x", "") == ""


def test_sentence_ends_before_answers_as_the_regular_expression_did():
    """`sentence_ends_before` looks back over white space only; it answers what the search over the whole
    prefix that it replaces answered."""
    import random
    import re

    from unspun.engine.tokenize import sentence_ends_before

    old = re.compile(r"(?:^|[.!?:;\"“”)\]]\s*)$")
    rng = random.Random(3)
    alphabet = ["a", "B", " ", "\n", "\t", ".", "!", "?", ":", ";", '"', "“", "”", ")", "]", ",", "\u00a0", "\r", "x"]
    cases = ["", "\n", " ", "\n\n", "a", "a.", "a. ", "a.\n", "(a)", "x]\t\n "]
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 8))) for _ in range(5000)]
    for text in cases:
        for pos in range(len(text) + 1):
            assert sentence_ends_before(text, pos) == bool(old.search(text[:pos])), (text, pos)


def test_positions_of_words_are_those_a_scan_of_every_word_finds():
    import random

    from unspun.engine.analyzer import _positions

    rng = random.Random(1)
    for _ in range(500):
        words = [rng.choice(["a", "an", "the", "A", "an'", "b", "aa"]) for _ in range(rng.randrange(0, 40))]
        assert _positions(words, ("a", "an")) == [k for k, w in enumerate(words) if w in ("a", "an")]
