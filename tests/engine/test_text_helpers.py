from unspun.engine.casing import apply_case
from unspun.engine.inflect import article_for, is_plural, pluralize, singularize
from unspun.engine.tokenize import is_joiner, paragraphs, phrase_words, tokenize


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
