import pytest

from unspun.engine.lexicon import BUILTIN_LEXICONS, LexiconError, builtin_lexicon, load_lexicon, parse_lexicon
from unspun.engine.model import Kind

HEADER = "tortured\texpected\tkind\tconfidence\tinflect\trequire\texclude\tnote\n"


def test_parse_entry_fields():
    lex, problems = parse_lexicon(
        "# name: demo\n" + HEADER + "irregular woodland\trandom forest | random forests\tfingerprint\t0.9\tnoun\tdata;model\tgarden\tnote\n"
    )
    assert problems == []
    assert lex.name == "demo"
    (e,) = lex.entries
    assert e.expected == ("random forest", "random forests")
    assert e.kind is Kind.FINGERPRINT and e.confidence == 0.9 and e.inflect == "noun"
    assert e.require == ("data", "model") and e.exclude == ("garden",)
    assert e.line == 3
    assert e.words == ("irregular", "woodland")


def test_entry_words_are_normalized_and_case_of_kind_and_inflect_ignored():
    lex, problems = parse_lexicon(HEADER + "Secretary-Common’s\tSecretary-General\tFingerprint\t\tNOUN\n")
    assert problems == []
    (e,) = lex.entries
    assert e.words == ("secretary", "common's") and e.kind is Kind.FINGERPRINT and e.inflect == "noun"


def test_defaults_for_missing_columns():
    lex, problems = parse_lexicon(HEADER + "mentioned\tsaid\tsubstitution\n" + "flag to commotion proportion\tsignal to noise ratio\n")
    assert problems == []
    assert lex.entries[0].confidence == 0.6
    assert lex.entries[1].kind is Kind.FINGERPRINT and lex.entries[1].confidence == 0.9


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("x y\tz\tnonsense\n", "unknown kind"),
        ("x y\tz\tfingerprint\t1.5\n", "outside [0, 1]"),
        ("x y\tz\tfingerprint\tabc\n", "not a number"),
        ("x y\t\n", "no expected phrase"),
        ("\tz\n", "empty tortured"),
        ("a\tb\tfingerprint\t0.5\tnoun\t\t\tnote\t1/1/1/1\textra\n", "columns"),
        ("a\tb\tsubstitution\t0.5\t\t\t\tnote\t3/4/x/3\n", "support"),
        ("x y\tz\tfingerprint\t0.5\tverb\n", "inflect"),
        ("x y\tz\tarticle\n", "cannot be used"),
        ("x y\tz\tfingerprint\t0.5\tVerb\n", "'Verb'"),
        ("x y\tz\tNonsense\n", "'Nonsense'"),
    ],
)
def test_malformed_lines_are_reported_with_file_and_line(line, fragment):
    text = HEADER + "good one\tfine\n" + line + "good two\tfine\n"
    lex, problems = parse_lexicon(text, path="user.tsv")
    assert [e.tortured for e in lex.entries] == ["good one", "good two"]
    assert len(problems) == 1
    assert str(problems[0]).startswith("user.tsv:3: ")
    assert fragment in problems[0].message


def test_duplicates_and_missing_header_are_reported():
    lex, problems = parse_lexicon("a b\tc\na-b\td\n", path="f.tsv")
    assert [e.tortured for e in lex.entries] == ["a b"]
    assert "missing header" in problems[0].message and problems[0].line == 1
    assert "duplicate" in problems[1].message and problems[1].line == 2


def test_file_errors(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "nope.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"tortured\texpected\n\xff\xfe oops\tx\n")
    with pytest.raises(LexiconError, match="not valid UTF-8"):
        load_lexicon(bad)
    with pytest.raises(LexiconError, match="directory"):
        load_lexicon(tmp_path)


@pytest.mark.parametrize("name", BUILTIN_LEXICONS)
def test_shipped_lexicons_are_clean(name):
    from unspun.engine.lexicon import parse_lexicon as parse
    from importlib import resources

    text = resources.files("unspun.data").joinpath("lexicons", f"{name}.tsv").read_text(encoding="utf-8")
    lex, problems = parse(text, name)
    assert problems == []
    assert len(lex) >= 150
    assert lex.name == name


def test_shipped_lexicons_cover_both_families():
    news, science = builtin_lexicon("news"), builtin_lexicon("science")
    want_news = {"international locations": "countries", "information convention": "news conference", "jap europe": "Eastern Europe", "secretary-common": "Secretary-General"}
    want_sci = {"counterfeit consciousness": "artificial intelligence", "profound learning": "deep learning", "irregular woodland": "random forest", "bosom malignant growth": "breast cancer"}
    for lex, want in ((news, want_news), (science, want_sci)):
        table = {e.tortured.lower(): e.expected[0] for e in lex.entries}
        for k, v in want.items():
            assert table.get(k) == v, k
