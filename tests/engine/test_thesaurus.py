"""The synonym index: the shipped Moby-derived file and the loader's behaviour on good and bad files."""

from __future__ import annotations

import gzip
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from unspun.engine.thesaurus import DEFAULT_RESOURCE, Thesaurus, ThesaurusError, default_thesaurus

SHIPPED = Path(__file__).resolve().parents[2] / "server" / "unspun" / "data" / Path(*DEFAULT_RESOURCE)
_WELL_FORMED = re.compile(r"[a-z]+(?:'[a-z]+)*(?:[ -][a-z]+(?:'[a-z]+)*){0,2}")


@pytest.fixture(scope="session")
def moby() -> Thesaurus:
    return default_thesaurus()


def test_shipped_file_is_small(moby: Thesaurus) -> None:
    assert SHIPPED.is_file()
    assert SHIPPED.stat().st_size < 5_000_000
    assert 25_000 < len(moby) < 35_000


# pairs of (word, synonym) that the index keeps in both directions; several are the substitutions behind
# well-known tortured phrases ("counterfeit consciousness", "profound learning", "bosom peril", ...)
BOTH_WAYS = [
    ("powerful", "potent"),
    ("powerful", "mighty"),
    ("strong", "powerful"),
    ("important", "significant"),
    ("data", "information"),
    ("news", "information"),
    ("conference", "convention"),
    ("forest", "woodland"),
    ("deep", "profound"),
    ("result", "outcome"),
    ("quickly", "rapidly"),
    ("huge", "enormous"),
    ("begin", "commence"),
    ("help", "assist"),
    ("show", "demonstrate"),
]


@pytest.mark.parametrize("word, synonym", BOTH_WAYS)
def test_known_synonym_pairs(moby: Thesaurus, word: str, synonym: str) -> None:
    assert synonym in moby.synonyms(word)
    assert word in moby.synonyms(synonym)
    assert word in moby.reverse(synonym)
    assert synonym in moby.reverse(word)


@pytest.mark.parametrize(
    "spun, original",
    [("counterfeit", "artificial"), ("bosom", "breast"), ("irregular", "random"), ("colossal", "huge")],
)
def test_odd_words_lead_back_to_the_common_word(moby: Thesaurus, spun: str, original: str) -> None:
    """The direction a detector needs: from the strange word in the text to the word it replaced."""
    assert original in moby.synonyms(spun)


def test_common_synonyms_rank_first(moby: Thesaurus) -> None:
    assert moby.synonyms("powerful")[:3] == ("potent", "mighty", "puissant")
    assert moby.synonyms("information").index("data") < 5
    assert moby.synonyms("colossal").index("huge") < 3


def test_lookups_ignore_case_and_typographic_apostrophes(moby: Thesaurus) -> None:
    assert moby.synonyms("Powerful") == moby.synonyms("POWERFUL") == moby.synonyms("powerful")
    assert moby.reverse("Potent") == moby.reverse("potent")
    assert "Powerful" in moby
    small = Thesaurus({"don't": ("do not",), "do not": ("don't",)})
    assert small.synonyms("Don\u2019t") == ("do not",)
    assert small.reverse("DON\u2019T") == ("do not",)


def test_unknown_words_have_no_synonyms(moby: Thesaurus) -> None:
    assert moby.synonyms("zzyzxqq") == ()
    assert moby.reverse("zzyzxqq") == ()
    assert "zzyzxqq" not in moby


def test_every_list_is_well_formed(moby: Thesaurus) -> None:
    for word in moby:
        synonyms = moby.synonyms(word)
        assert 1 <= len(synonyms) <= 50, word
        assert len(set(synonyms)) == len(synonyms), word
        assert word not in synonyms, word
        for s in synonyms:
            assert _WELL_FORMED.fullmatch(s), (word, s)


def test_reverse_is_the_inverse_of_synonyms(moby: Thesaurus) -> None:
    for word in ("powerful", "information", "said", "conference", "colossal"):
        for synonym in moby.synonyms(word):
            assert word in moby.reverse(synonym)
        for source in moby.reverse(word):
            assert word in moby.synonyms(source)


# ------------------------------------------------------------------------------------------------ loader


def test_load_plain_and_gzipped_files(tmp_path: Path) -> None:
    text = "# a comment\nbig\tlarge|huge|Big\nlarge\tbig|great\n\nHuge\tbig\n"
    plain = tmp_path / "t.tsv"
    plain.write_text(text)
    packed = tmp_path / "t.tsv.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    for path in (plain, packed):
        t = Thesaurus.load(path)
        assert len(t) == 3
        assert t.synonyms("big") == ("large", "huge")  # lowercased; the word itself dropped
        assert t.synonyms("huge") == ("big",)
        assert t.reverse("big") == ("huge", "large")
        assert t.reverse("great") == ("large",)
        assert str(path) in repr(t)


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="thesaurus file not found: .*missing.tsv.gz"):
        Thesaurus.load(tmp_path / "missing.tsv.gz")


@pytest.mark.parametrize(
    "content, message",
    [
        ("big large|huge\n", r"t.tsv:1: expected 'word<TAB>synonym\|synonym\|...'"),
        ("# header\nbig\tlarge\nbig\thuge\n", "t.tsv:3: 'big' is listed twice"),
        ("\tlarge\n", "t.tsv:1: empty word"),
    ],
)
def test_malformed_lines_name_the_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.tsv"
    path.write_text(content)
    with pytest.raises(ThesaurusError, match=message):
        Thesaurus.load(path)


def test_damaged_files(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.tsv.gz"
    truncated.write_bytes(gzip.compress(b"big\tlarge\n" * 1000)[:50])
    with pytest.raises(ThesaurusError, match="cut.tsv.gz: cannot read"):
        Thesaurus.load(truncated)
    binary = tmp_path / "bin.tsv"
    binary.write_bytes(b"big\t\xff\xfe\n")
    with pytest.raises(ThesaurusError, match="bin.tsv: not UTF-8"):
        Thesaurus.load(binary)


# ------------------------------------------------------------------------------------------------ build script


def test_build_script_filters_ranks_and_writes_a_loadable_file(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_thesaurus.py"
    spec = importlib.util.spec_from_file_location("build_thesaurus", script)
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)

    source = tmp_path / "words.txt"
    source.write_text(
        "Big,large,huge,great,big,a very big thing indeed,3-D,large\r\n"
        "large,big,huge,great\r\n"
        "huge,big,large\r\n"
        "great,large\r\n"
    )
    lists = build.read_moby(source)
    assert lists["big"] == ["large", "huge", "great", "a very big thing indeed", "3-D".lower()]
    index, stats = build.build_index(lists, model=None, top=2, min_listings=1)
    # "a very big thing indeed" (4 words) and "3-d" (a digit) are dropped; mutual, closely related entries first
    assert index["big"] == ["large", "huge"]
    assert stats["roots kept"] == 4
    out = tmp_path / "out.tsv.gz"
    build.write_index(index, out, ["test header"])
    loaded = Thesaurus.load(out)
    assert loaded.synonyms("big") == ("large", "huge")
    assert loaded.reverse("big") == ("huge", "large")


def test_the_shipped_index_is_cached_as_arrays(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The first load parses the shipped file and writes the per-user cache; later loads read the cache and
    give the same index; a damaged cache is rebuilt, not trusted. (Without the shipped index, as in a checkout
    that has not built it.)"""
    from unspun.engine import thesaurus

    monkeypatch.setattr(thesaurus, "SHIPPED_INDEX", "not-shipped.npz")
    monkeypatch.setenv("UNSPUN_CACHE_DIR", str(tmp_path))
    first = Thesaurus.load()
    (cached,) = tmp_path.glob("thesaurus-*.npz")
    second = Thesaurus.load()
    assert len(second) == len(first) and list(second)[:50] == list(first)[:50]
    # the reverse lists come from the cache (on first use), and equal those derived afresh
    assert second._reverse is None and second._reverse_file == cached
    second._reverse_arrays()
    assert second._reverse is not None
    derived = Thesaurus._from_arrays(second._words, second._heads, second._indptr, second._ids, "x")
    for cached_array, fresh_array in zip(second._reverse, derived._reverse_arrays()):
        assert np.array_equal(cached_array, fresh_array)
    for word in ("said", "powerful", "artificial", "network", "zzyzxqq"):
        assert second.synonyms(word) == first.synonyms(word)
        assert second.reverse(word) == first.reverse(word)
    cached.write_bytes(b"not a numpy archive")
    third = Thesaurus.load()
    assert third.synonyms("said") == first.synonyms("said")
    assert cached.stat().st_size > 1_000_000  # rewritten
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary file left behind


def test_the_shipped_index_is_read_as_it_ships(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The package ships the arrays of its synonym index (scripts/build_indexes.py): a first-ever start reads
    them and writes no cache; they hold what parsing the shipped file gives; an index built from another file
    is not used."""
    from unspun.engine import thesaurus

    monkeypatch.setenv("UNSPUN_CACHE_DIR", str(tmp_path / "cache"))
    t = Thesaurus.load()
    assert t._reverse_file is not None and t._reverse_file.name == thesaurus.SHIPPED_INDEX
    assert t._reverse_file.stat().st_size < 20e6
    assert not (tmp_path / "cache").exists()
    source = t._reverse_file.with_name(DEFAULT_RESOURCE[-1])
    parsed = Thesaurus._read(source, "x")
    assert parsed._words == t._words
    assert np.array_equal(parsed._indptr, t._indptr) and np.array_equal(parsed._ids, t._ids)
    for a, b in zip(parsed._reverse_arrays(), t._reverse_arrays()):
        assert np.array_equal(a, b)
    # a stale index (built from other data) is left alone
    other = tmp_path / "moby-synonyms.tsv.gz"
    other.write_bytes(gzip.compress("big\tlarge|huge\n".encode()))
    t.write_index(tmp_path / thesaurus.SHIPPED_INDEX, "0" * 16)
    small = Thesaurus._cached(other, "other")
    assert small.synonyms("big") == ("large", "huge") and len(small) == 1


def test_compact_index_matches_its_mapping() -> None:
    entries = {"big": ("large", "huge", "great"), "large": ("big",), "huge": ("big", "vast"), "vast": ()}
    t = Thesaurus(entries)
    for word, synonyms in entries.items():
        assert t.synonyms(word) == synonyms
    assert t.reverse("big") == ("huge", "large")
    assert t.reverse("great") == ("big",)
    assert len(t) == 4 and "great" not in t and "vast" in t
    assert sorted(t) == sorted(entries)


def test_find_in_lists_takes_targets_per_owner() -> None:
    from unspun.engine.thesaurus import Thesaurus

    th = Thesaurus({"big": ("large", "huge", "great"), "large": ("big", "huge"), "huge": ("big",)})
    ids = {w: th.word_id(w) for w in ("big", "large", "huge", "great")}
    owners = [ids["big"], ids["large"], -1, ids["huge"]]
    targets = [[ids["huge"], ids["great"]], [ids["great"], -1], [ids["big"], -1], [-1, ids["big"]]]
    lengths, first = th.find_in_lists(owners, targets)
    assert lengths.tolist() == [3, 2, 0, 1]
    assert first.tolist() == [1, 2, 0, 0]  # "huge" second in big's list; "great" not in large's; none; "big" first


def test_reverse_lists_of_several_words_equal_one_by_one() -> None:
    from unspun.engine.thesaurus import default_thesaurus

    th = default_thesaurus()
    ids = [th.word_id(w) for w in ("company", "organization", "zzqx", "trees")]
    lengths, flat = th.reverse_lists(ids)
    expected = [th.reverse_ids(i).tolist() if i >= 0 else [] for i in ids]
    assert lengths.tolist() == [len(e) for e in expected]
    assert flat.tolist() == [k for e in expected for k in e]
    assert lengths[0] > 10


def test_numbers_by_search_equal_numbers_by_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loaded index answers its first look-ups by binary search in the sorted word list, then builds its
    dict; both give every word's number, and -1 for words it does not hold. An unsorted list (a damaged
    cache) is never searched."""
    import unspun.engine.thesaurus as thesaurus_mod

    t = Thesaurus({"big": ("large", "huge", "great"), "large": ("big",), "huge": ("big", "vast"), "vast": ()})
    loaded = Thesaurus._from_arrays(list(t._words), t._heads, t._indptr, t._ids, "x")
    monkeypatch.setattr(thesaurus_mod, "SEARCHED_LOOKUPS", 6)
    questions = ["big", "great", "Huge", "vast", "aardvark", "zebra", "larg"] * 2
    answers = [loaded.word_id(q) for q in questions]
    assert loaded._index is not None  # past the number searched: the dict is built
    assert answers == [t.word_id(q) for q in questions]
    assert answers[:7] == [t.words.index("big"), t.words.index("great"), t.words.index("huge"),
                           t.words.index("vast"), -1, -1, -1]
    unsorted = list(reversed(t._words))
    damaged = Thesaurus._from_arrays(unsorted, t._heads, t._indptr, t._ids, "x")
    assert damaged.exact_id(unsorted[0]) == 0 and damaged._index is not None
