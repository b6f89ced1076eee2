"""The trigram language model: the Katz backoff arithmetic on a small hand-made ARPA model, the conversion of
pocketsphinx's CMU model, and the cached `default_model`.

Tests on the real model skip when pocketsphinx is not installed. They share one session-scoped model taken from
the per-user cache (``$UNSPUN_CACHE_DIR``, else ``$XDG_CACHE_HOME/unspun`` or ``~/.cache/unspun``), which the
first run builds (a second or two).
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

from unspun.engine import langmodel, lmbuild  # noqa: E402
from unspun.engine.langmodel import TrigramModel, default_model, reset_default_model  # noqa: E402
from unspun.engine.lmbuild import LMFormatError  # noqa: E402

# A toy model with every backoff case: "a b c" is a trigram; "b c", "a b", "c a" are bigrams; "b a" is not.
TINY_ARPA = """\
\\data\\
ngram 1=6
ngram 2=4
ngram 3=1

\\1-grams:
-1.0\t</s>
-99\t<s>\t-0.5
-0.5\ta\t-0.3
-0.8\tb\t-0.2
-0.9\tc\t-0.4
-1.2\td

\\2-grams:
-0.2\t<s> a\t-0.1
-0.3\ta b\t-0.25
-0.4\tb c\t-0.15
-0.6\tc a

\\3-grams:
-0.05\ta b c

\\end\\
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TrigramModel:
    path = tmp_path_factory.mktemp("tiny") / "tiny.arpa"
    path.write_text(TINY_ARPA)
    return TrigramModel(lmbuild.read_model(path))


# ------------------------------------------------------------------------------------------------ backoff arithmetic


def test_tiny_model_counts(tiny: TrigramModel) -> None:
    assert tiny.counts == (6, 4, 1)
    assert "a" in tiny and "A" in tiny and "z" not in tiny


@pytest.mark.parametrize(
    "words, expected",
    [
        (["a"], -0.5),  # unigram
        (["a", "b"], -0.5 + -0.3),  # bigram found
        (["b", "a"], -0.8 + (-0.2 + -0.5)),  # no bigram "b a": bo(b) + p(a)
        (["a", "b", "c"], -0.5 + -0.3 + -0.05),  # trigram found
        (["b", "c", "a"], -0.8 + -0.4 + (-0.15 + -0.6)),  # no trigram: bo(b c) + p(a | c)
        (["c", "a", "b"], -0.9 + -0.6 + -0.3),  # no trigram, no bigram "c a" backoff weight: bo = 0
        (["a", "c", "b"], -0.5 + (-0.3 + -0.9) + (0.0 + -0.4 + -0.8)),  # no "a c", no "c b": bo(c) + p(b)
        (["d", "d"], -1.2 + (0.0 + -1.2)),  # a word without backoff weight
    ],
)
def test_katz_backoff(tiny: TrigramModel, words: list[str], expected: float) -> None:
    assert tiny.logprob(words) == pytest.approx(expected, abs=1e-6)


def test_unknown_word_scores_the_floor_and_breaks_the_history(tiny: TrigramModel) -> None:
    assert tiny.logprob(["zzz"]) == pytest.approx(-7.0)
    # "a zzz b c": b is scored with no history, c with "b" only (the trigram "zzz b c" cannot exist)
    assert tiny.word_logprobs(["a", "zzz", "b", "c"]) == pytest.approx([-0.5, -7.0, -0.8, -0.4], abs=1e-6)


def test_unknown_word_floor_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "tiny.arpa"
    path.write_text(TINY_ARPA)
    model = TrigramModel(lmbuild.read_model(path), unk_logprob=-5.0)
    assert model.logprob(["zzz"]) == pytest.approx(-5.0)
    assert model.score_windows([["zzz", "a"]]) == pytest.approx([-5.5])


def test_unknown_words_map_to_unk_when_the_model_has_it(tmp_path: Path) -> None:
    path = tmp_path / "unk.arpa"
    path.write_text(
        "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-2.0\t<unk>\t-0.1\n-0.5\ta\t-0.2\n-0.6\tb\n\n"
        "\\2-grams:\n-0.3\t<unk> a\n\n\\end\\\n"
    )
    model = TrigramModel(lmbuild.read_model(path))
    assert model.word_id("zzz") == model.word_id("<unk>")
    assert model.logprob(["zzz", "a"]) == pytest.approx(-2.0 + -0.3)
    assert model.score_windows([["zzz", "a"], ["qqq", "b"]]) == pytest.approx([-2.3, -2.0 + (-0.1 + -0.6)])


def test_ids_by_search_equal_ids_by_dict(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A sorted vocabulary answers its first look-ups by binary search, then builds its dict; both give each
    word's id (case-insensitive) and the unknown id for the rest. An unsorted vocabulary is never searched."""
    monkeypatch.setattr(langmodel, "SEARCHED_LOOKUPS", 5)
    path = tmp_path / "tiny.arpa"
    path.write_text(TINY_ARPA)
    model = TrigramModel(lmbuild.read_model(path))
    assert model._ids is None
    questions = ["a", "B", "c", "d", "zz", "<s>", "</s>", "", "a\u2019"] * 2
    answers = [model.word_id(q) for q in questions]
    assert model._ids is not None  # past the number searched: the dict is built
    assert answers[:9] == answers[9:]
    assert answers[:7] == [model.vocab.index(w) for w in ("a", "b", "c", "d")] + [-1] + [
        model.vocab.index("<s>"), model.vocab.index("</s>")]
    assert answers[7] == answers[8] == -1
    assert model.logprob(["a"], bos=True) == pytest.approx(-0.2)

    unsorted = tmp_path / "unsorted.arpa"
    unsorted.write_text(TINY_ARPA.replace("-0.8\tb\t-0.2\n", "").replace("-1.0\t</s>\n", "-1.0\t</s>\n-0.8\tb\t-0.2\n"))
    other = TrigramModel(lmbuild.read_model(unsorted))
    assert list(other.vocab[:2]) == ["</s>", "b"] and other._ids is not None
    assert [other.word_id(w) for w in ("a", "b", "zz")] == [other.vocab.index("a"), 1, -1]
    assert other.logprob(["a", "b", "c"]) == pytest.approx(model.logprob(["a", "b", "c"]))


def test_case_and_typographic_apostrophes_are_normalized(tiny: TrigramModel) -> None:
    assert tiny.logprob(["A", "B", "C"]) == pytest.approx(tiny.logprob(["a", "b", "c"]))


def test_sentence_boundaries(tiny: TrigramModel) -> None:
    assert tiny.logprob(["a"], bos=True) == pytest.approx(-0.2)  # P(a | <s>)
    assert tiny.logprob(["a"], eos=True) == pytest.approx(-0.5 + (-0.3 + -1.0))  # + bo(a) + p(</s>)


def test_batch_scores_equal_scalar_scores_on_the_tiny_model(tiny: TrigramModel) -> None:
    rng = random.Random(7)
    words = ["a", "b", "c", "d", "zzz", "B"]
    windows = [[rng.choice(words) for _ in range(rng.randrange(0, 7))] for _ in range(300)]
    batch = tiny.score_windows(windows)
    assert batch.shape == (300,)
    assert batch == pytest.approx([tiny.logprob(w) for w in windows], abs=1e-9)
    assert len(tiny.score_windows([])) == 0
    assert tiny.score_windows([[], []]).tolist() == [0.0, 0.0]


def test_vectorised_word_scores_equal_the_scalar_backoff(tiny: TrigramModel) -> None:
    """`word_logprobs` scores a text in one pass; it must agree with `_cond`, the backoff word by word."""
    rng = random.Random(3)
    words = ["a", "b", "c", "d", "zzz", "B", "<s>"]
    for bos in (False, True):
        for _ in range(200):
            text = [rng.choice(words) for _ in range(rng.randrange(0, 8))]
            w1, w2 = -1, (tiny.word_id("<s>") if bos and "<s>" in tiny else -1)
            expected = []
            for w3 in [int(i) for i in tiny.ids(text)]:
                expected.append(tiny._cond(w1, w2, w3))
                w1, w2 = w2, w3
            assert tiny.word_logprobs(text, bos=bos) == pytest.approx(expected, abs=1e-9)


def test_positions_of_several_texts_equal_each_text_alone(tiny: TrigramModel) -> None:
    rng = random.Random(9)
    texts = [[rng.choice(["a", "b", "c", "zzz"]) for _ in range(rng.randrange(0, 6))] for _ in range(50)]
    joined = tiny.score_positions_in(texts).tolist()
    assert joined == pytest.approx([x for t in texts for x in tiny.word_logprobs(t)], abs=1e-9)
    assert len(tiny.score_positions_in([[], []])) == 0


def test_windows_with_context_only_words_score_the_rest(tiny: TrigramModel) -> None:
    """`score_windows_after(w, [k])` leaves out the first k words' own scores: window minus its prefix."""
    rng = random.Random(5)
    words = ["a", "b", "c", "d", "zzz"]
    windows = [[rng.choice(words) for _ in range(rng.randrange(0, 7))] for _ in range(200)]
    skips = [rng.randrange(0, len(w) + 1) for w in windows]
    expected = [tiny.logprob(w) - tiny.logprob(w[:k]) for w, k in zip(windows, skips)]
    assert tiny.score_windows_after(windows, skips) == pytest.approx(expected, abs=1e-9)
    assert len(tiny.score_windows_after([], [])) == 0


def _variants_column_by_column(model: TrigramModel, windows, scored, which, column, words) -> list[float]:
    """What `score_variants` must return, from `score_positions` one column at a time."""
    grid = windows[which].copy()
    grid[:, column] = words
    total = np.zeros(len(which))
    for c in range(windows.shape[1]):
        at = np.flatnonzero(scored[which, c])
        w1 = grid[at, c - 2] if c >= 2 else np.full(len(at), -1)
        w2 = grid[at, c - 1] if c >= 1 else np.full(len(at), -1)
        total[at] += model.score_positions(w1, w2, grid[at, c])
    return total.tolist()


def _random_variants(model: TrigramModel, words: list[str], seed: int):
    rng = random.Random(seed)
    n, k = 40, 5
    windows = np.array([[model.word_id(rng.choice(words)) for _ in range(k)] for _ in range(n)], dtype=np.int64)
    windows[np.array([[rng.random() < 0.15 for _ in range(k)] for _ in range(n)])] = -1
    scored = np.array([[rng.random() < 0.6 for _ in range(k)] for _ in range(n)])
    which = np.array(sorted(rng.randrange(n) for _ in range(300)), dtype=np.int64)
    variants = np.array([model.word_id(rng.choice(words)) for _ in range(300)], dtype=np.int64)
    return windows, scored, which, variants


def test_variants_of_windows_score_like_their_columns(tiny: TrigramModel) -> None:
    """`score_variants` shares the look-ups that do not involve the varied column; the sums must be exactly
    those of scoring every variant column by column, for every column varied and any pattern of gaps."""
    for seed in range(6):
        windows, scored, which, variants = _random_variants(tiny, ["a", "b", "c", "d", "zzz", "<s>"], seed)
        for column in range(5):
            got = tiny.score_variants(windows, scored, which, column, variants).tolist()
            assert got == _variants_column_by_column(tiny, windows, scored, which, column, variants)
    empty = tiny.score_variants(windows, scored, np.zeros(0, dtype=np.int64), 2, np.zeros(0, dtype=np.int64))
    assert len(empty) == 0


def test_sliding_windows_equal_explicit_windows(tiny: TrigramModel) -> None:
    text = "a b c a b zzz d c b a a b c".split()
    for size in (1, 2, 3, 5):
        explicit = [text[i : i + size] for i in range(len(text) - size + 1)]
        assert tiny.score_sliding(text, size) == pytest.approx(tiny.score_windows(explicit), abs=1e-9)
    assert tiny.score_sliding(["a", "b"], 5) == pytest.approx([tiny.logprob(["a", "b"])])
    assert len(tiny.score_sliding([], 3)) == 0
    with pytest.raises(ValueError):
        tiny.score_sliding(text, 0)


def test_score_id_windows_checks_lengths(tiny: TrigramModel) -> None:
    with pytest.raises(ValueError, match="lengths add up to 3"):
        tiny.score_id_windows(np.array([0, 1], dtype=np.int64), np.array([1, 2]))


# ------------------------------------------------------------------------------------------------ files and errors


def test_npz_round_trip(tmp_path: Path, tiny: TrigramModel) -> None:
    arpa = tmp_path / "tiny.arpa"
    arpa.write_text(TINY_ARPA)
    out = tmp_path / "sub" / "tiny.npz"
    _, stats = lmbuild.build(arpa, out)
    assert (stats.unigrams, stats.bigrams, stats.trigrams) == (6, 4, 1)
    loaded = TrigramModel.load(out)
    assert loaded.vocab == tiny.vocab
    assert loaded.logprob(["b", "c", "a"]) == pytest.approx(tiny.logprob(["b", "c", "a"]))
    assert loaded.meta["source_format"] == "arpa"
    assert not list(out.parent.glob("*.tmp"))


def test_split_keys_search_and_read_like_the_int64_keys() -> None:
    rng = np.random.default_rng(4)
    keys = np.unique(np.concatenate([rng.integers(0, 3 << 32, 5000), [0, (1 << 32) - 1, 1 << 32, (2 << 32) + 5]]))
    split = lmbuild.SplitKeys.of(keys)
    assert isinstance(split, lmbuild.SplitKeys)
    assert split.nbytes < keys.nbytes * 0.51
    assert len(split) == len(keys)
    assert np.array_equal(np.asarray(split), keys)
    needles = np.concatenate([keys[rng.integers(0, len(keys), 500)], rng.integers(0, 4 << 32, 500), [0, 3 << 32]])
    assert np.array_equal(split.searchsorted(needles), keys.searchsorted(needles))
    assert split.searchsorted(int(keys[17])) == 17 and split[17] == keys[17] and split[-1] == keys[-1]
    at = rng.integers(0, len(keys), 300)
    assert np.array_equal(split[at], keys[at])
    # keys that cannot be split stay as they are
    big = np.array([0, 9 << 32], dtype=np.int64)
    assert lmbuild.SplitKeys.of(big) is big
    with pytest.raises(LMFormatError):
        lmbuild.SplitKeys(np.zeros(3, dtype=np.uint32), np.array([0, 2], dtype=np.int64))


def test_quantized_columns_give_the_same_numbers() -> None:
    rng = np.random.default_rng(5)
    table = rng.normal(size=300).astype(np.float32)
    values = table[rng.integers(0, 300, 10_000)]
    q = lmbuild.Quantized.of(values)
    assert isinstance(q, lmbuild.Quantized)
    assert q.nbytes < values.nbytes * 0.6
    at = rng.integers(0, len(values), 1000)
    assert np.array_equal(q[at], values[at]) and q[at].dtype == np.float32
    assert float(q[7]) == float(values[7])
    assert np.array_equal(np.asarray(q), values)
    many = np.arange(70_000, dtype=np.float32)
    assert lmbuild.Quantized.of(many) is many
    with pytest.raises(LMFormatError):
        lmbuild.Quantized(np.array([3], dtype=np.uint16), np.zeros(2, dtype=np.float32))


def test_key_filter_never_rules_out_a_key_and_rules_out_most_others() -> None:
    rng = np.random.default_rng(6)
    keys = np.unique(rng.integers(0, 1 << 40, 50_000))
    bitmap = lmbuild.key_filter(keys)
    assert bitmap.dtype == np.uint8 and len(bitmap) * 8 >= len(keys) * lmbuild.FILTER_BITS_PER_KEY
    assert lmbuild.filter_maybe(bitmap, keys).all()
    others = np.setdiff1d(rng.integers(0, 1 << 40, 50_000), keys)
    assert lmbuild.filter_maybe(bitmap, others).mean() < 0.2


def test_a_filter_that_does_not_match_its_keys_is_rejected(tmp_path: Path) -> None:
    arpa = tmp_path / "tiny.arpa"
    arpa.write_text(TINY_ARPA)
    packed = lmbuild.read_model(arpa).packed()
    packed.bi_filter = np.zeros_like(packed.bi_filter)
    out = tmp_path / "bad.npz"
    lmbuild.save_npz(packed, out)
    with pytest.raises(LMFormatError, match="key filter does not match"):
        lmbuild.load_npz(out)


def test_packed_model_scores_exactly_like_the_plain_one(tmp_path: Path, tiny: TrigramModel) -> None:
    arpa = tmp_path / "tiny.arpa"
    arpa.write_text(TINY_ARPA)
    plain = lmbuild.read_model(arpa)
    packed = plain.packed()
    assert isinstance(packed.bi_keys, lmbuild.SplitKeys) and isinstance(packed.tri_logp, lmbuild.Quantized)
    a, b = TrigramModel(plain), TrigramModel(packed)
    rng = random.Random(11)
    windows = [[rng.choice(["a", "b", "c", "d", "zzz"]) for _ in range(rng.randrange(0, 7))] for _ in range(300)]
    assert a.score_windows(windows).tolist() == b.score_windows(windows).tolist()
    assert [a.logprob(w) for w in windows] == [b.logprob(w) for w in windows]


def test_load_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="language model file not found: .*nope.npz"):
        TrigramModel.load(tmp_path / "nope.npz")


def test_load_foreign_files_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip file")
    with pytest.raises(LMFormatError, match="junk.npz"):
        TrigramModel.load(junk)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.arange(3))
    with pytest.raises(LMFormatError, match="not an unspun language model"):
        TrigramModel.load(other)


def test_load_other_format_version_is_a_clear_error(tmp_path: Path) -> None:
    arpa = tmp_path / "tiny.arpa"
    arpa.write_text(TINY_ARPA)
    arrays = lmbuild.read_model(arpa)
    out = tmp_path / "old.npz"
    lmbuild.save_npz(arrays, out)
    with np.load(out) as z:
        fields = {k: z[k] for k in z.files}
    fields["meta"] = np.array('{"format_version": 0}')
    np.savez(out, **fields)
    with pytest.raises(LMFormatError, match="format version 0"):
        TrigramModel.load(out)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"hello world\n", "not an ARPA or sphinx trie"),
        (b"\x11\x00\x00\x00Darpa Trigram LM\x00", "DMP format is not supported"),
        (b"Trie Language Model\x03\x01\x00\x00\x00", "truncated"),
        (b"Trie Language Model\x04", "only trigram models"),
        (b"\\data\\\nngram 1=2\n\n\\1-grams:\n-1.0\ta\n\n\\end\\\n", "declares 2 1-grams"),
        (b"\\data\\\nngram 1=1\n\n\\1-grams:\nabc\ta\n\n\\end\\\n", "malformed 1-gram line"),
        (b"\\data\\\nngram 1=1\nngram 2=1\n\n\\1-grams:\n-1.0\ta\n\n\\2-grams:\n-1\ta b\n\\end\\\n", "no unigram"),
    ],
)
def test_reading_bad_models_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(content)
    with pytest.raises(LMFormatError, match=message):
        lmbuild.read_model(path)


# ------------------------------------------------------------------------------------------------ default model


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UNSPUN_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert langmodel.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("UNSPUN_CACHE_DIR")
    assert langmodel.cache_dir() == tmp_path / "xdg" / "unspun"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert langmodel.cache_dir() == Path.home() / ".cache" / "unspun"


def test_default_model_is_none_without_any_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UNSPUN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(lmbuild, "find_pocketsphinx_lm", lambda: None)
    monkeypatch.setattr(langmodel, "shipped_model_path", lambda: tmp_path / "not-shipped")
    reset_default_model()
    try:
        assert default_model() is None
        assert default_model() is None  # remembered, not looked up again
        assert not list(tmp_path.iterdir())
    finally:
        reset_default_model()


def test_default_model_is_the_shipped_one_and_converts_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The model ships in the form it is read: a first-ever start neither needs pocketsphinx nor writes a cache."""
    shipped = langmodel.shipped_model_path()
    assert shipped.is_dir(), "the shipped model is missing: build it with scripts/build_lm.py"
    assert max(p.stat().st_size for p in shipped.iterdir()) < 20e6  # no file too large to commit
    monkeypatch.setenv("UNSPUN_CACHE_DIR", str(tmp_path))

    def no_conversion():
        raise AssertionError("the model was converted")

    monkeypatch.setattr(lmbuild, "find_pocketsphinx_lm", no_conversion)
    reset_default_model()
    try:
        model = default_model()
        assert model is not None and model.counts[0] == 72_547
        assert model.logprob(["the", "united", "states"]) > model.logprob(["the", "united", "potato"])
        assert not list(tmp_path.iterdir())
    finally:
        reset_default_model()


def test_folder_and_npz_forms_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "tiny.arpa").write_text(TINY_ARPA)
    arrays = lmbuild.read_model(tmp_path / "tiny.arpa")
    lmbuild.save_npz(arrays, tmp_path / "m.npz")
    lmbuild.save_folder(arrays, tmp_path / "m")
    (tmp_path / "m" / "NOTE").write_text("kept")
    lmbuild.save_folder(arrays, tmp_path / "m")  # replaced whole; what is not an array stays
    assert (tmp_path / "m" / "NOTE").read_text() == "kept"
    a, b = TrigramModel.load(tmp_path / "m.npz"), TrigramModel.load(tmp_path / "m")
    windows = [["the", "cat", "sat"], ["a", "dog", "ran", "home"], ["unknown", "words", "here"]]
    assert a.score_windows(windows).tolist() == b.score_windows(windows).tolist()
    (tmp_path / "m" / "tri_keys.npy").write_bytes((tmp_path / "m" / "tri_keys.npy").read_bytes()[:100])
    with pytest.raises(LMFormatError):
        TrigramModel.load(tmp_path / "m")


# ------------------------------------------------------------------------------------------------ the CMU model


@pytest.fixture(scope="session")
def lm() -> TrigramModel:
    reset_default_model()
    model = default_model()
    assert model is not None, "the shipped language model could not be loaded"
    return model


def test_cmu_model_sizes(lm: TrigramModel) -> None:
    V, B, T = lm.counts
    assert V == 72_547
    assert B > 2_000_000 and T > 1_600_000
    assert 30e6 < lm.nbytes < 40e6  # packed: split bigram keys, 16-bit probability codes


def test_unigram_distribution_sums_to_one(lm: TrigramModel) -> None:
    assert float(np.sum(10.0 ** lm._uni_logp64)) == pytest.approx(1.0, abs=1e-3)


def test_cmu_model_prefers_real_english(lm: TrigramModel) -> None:
    def lp(text: str) -> float:
        return lm.logprob(text.split())

    assert lp("the united states") > lp("the united states states")
    assert lp("in the united states of america") > lp("in the states united of america") + 5
    assert lp("he told reporters at a news conference on monday") > lp(
        "he told reporters at a information convention on monday"
    ) + 5
    assert lp("the risk of breast cancer") > lp("the risk of bosom peril") + 5
    assert lp("the signal to noise ratio") > lp("the flag to commotion ratio") + 5
    assert lp("advances in artificial intelligence research") > lp("advances in counterfeit consciousness research")


def test_cmu_model_batch_equals_scalar(lm: TrigramModel) -> None:
    text = (
        "Officials said on Monday that the company’s new plan would cost about two billion dollars and that the "
        "board had approved it at a news conference in Washington where zzyzx frobnicated the quux"
    ).split()
    windows = [text[i : i + n] for n in (1, 2, 3, 5) for i in range(0, len(text) - n + 1)]
    assert lm.score_windows(windows) == pytest.approx([lm.logprob(w) for w in windows], abs=1e-9)
    assert lm.score_sliding(text, 5) == pytest.approx(lm.score_windows([text[i : i + 5] for i in range(len(text) - 4)]))


def test_cmu_model_variants_score_like_their_columns(lm: TrigramModel) -> None:
    words = "the news conference was held in a city where officials said that army troops had left zzyzx".split()
    for seed in range(3):
        windows, scored, which, variants = _random_variants(lm, words, seed)
        got = lm.score_variants(windows, scored, which, 2, variants).tolist()
        assert got == _variants_column_by_column(lm, windows, scored, which, 2, variants)


def test_cmu_model_agrees_with_pocketsphinx(lm: TrigramModel) -> None:
    """The numpy reader against pocketsphinx's own scorer, on real trigrams, real bigram contexts and random
    triples. pocketsphinx works in integer log base 1.0001, hence the tolerance of one step (4.3e-5)."""
    ps = pytest.importorskip("pocketsphinx")
    source = lmbuild.find_pocketsphinx_lm()
    reference = ps.NGramModel(ps.Config(), ps.LogMath(), str(source))
    step = math.log10(1.0001)
    rng = np.random.default_rng(3)
    V = len(lm)
    tri = lm._tri_keys[rng.integers(0, len(lm._tri_keys), 300)]
    bi = lm._bi_keys[rng.integers(0, len(lm._bi_keys), 300)]
    triples = np.concatenate(
        [
            np.stack([tri // V // V, tri // V % V, tri % V], axis=1),
            np.stack([bi // V, bi % V, rng.integers(0, V, 300)], axis=1),
            np.stack([rng.integers(0, V, 300), bi // V, bi % V], axis=1),
            rng.integers(0, V, (300, 3)),
        ]
    )
    bos = lm.word_id("<s>")
    triples = triples[triples[:, 2] != bos]  # P(<s>) is -99 by convention; pocketsphinx special-cases it
    ours = lm.score_positions(triples[:, 0], triples[:, 1], triples[:, 2])
    theirs = np.array([reference.prob([lm.vocab[c], lm.vocab[b], lm.vocab[a]]) * step for a, b, c in triples])
    assert np.max(np.abs(ours - theirs)) < 2 * step


def test_default_model_builds_the_cache_when_missing_or_damaged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lm: TrigramModel
) -> None:
    """A checkout without the shipped model converts pocketsphinx's into the per-user cache; what it builds is
    the shipped model (`lm`)."""
    pytest.importorskip("pocketsphinx")
    monkeypatch.setattr(langmodel, "shipped_model_path", lambda: tmp_path / "not-shipped")
    cache = tmp_path / "cache"
    monkeypatch.setenv("UNSPUN_CACHE_DIR", str(cache))
    cache.mkdir()
    (cache / langmodel.MODEL_FILENAME).write_bytes(b"damaged")
    reset_default_model()
    try:
        built = default_model()
        assert built is not None and built is not lm
        assert (cache / langmodel.MODEL_FILENAME).stat().st_size > 10_000_000
        assert built.counts == lm.counts
        words = "the president said on tuesday".split()
        assert built.logprob(words) == pytest.approx(lm.logprob(words))
    finally:
        reset_default_model()


def test_prefix_closed_models_skip_trigrams_without_context_and_score_the_same(
    tiny: TrigramModel, tmp_path: Path
) -> None:
    """The tiny model is prefix-closed ("a b c" has its bigram "a b"): scoring with the short cut equals scoring
    without it; a model with a trigram whose context is not a bigram is recorded as not prefix-closed."""
    assert tiny._prefix_closed
    rng = random.Random(11)
    words = ["a", "b", "c", "d", "zzz"]
    texts = [[rng.choice(words) for _ in range(rng.randrange(1, 8))] for _ in range(300)]
    fast = [tiny.word_logprobs(t) for t in texts]
    tiny._prefix_closed = False
    try:
        assert [tiny.word_logprobs(t) for t in texts] == fast
    finally:
        tiny._prefix_closed = True
    broken = tmp_path / "broken.arpa"
    broken.write_text(TINY_ARPA.replace("-0.05\ta b c", "-0.05\ta b c\n-0.07\tc b a").replace("ngram 3=1", "ngram 3=2"))
    model = TrigramModel(lmbuild.read_model(broken))
    assert not model._prefix_closed  # "c b" is not a bigram
    assert model.word_logprobs(["c", "b", "a"])[2] == pytest.approx(-0.07)  # found although "c b" is not a bigram
    saved = tmp_path / "broken.npz"
    lmbuild.save_npz(lmbuild.read_model(broken), saved)
    assert TrigramModel.load(saved)._prefix_closed is False


def test_unigram_logprobs_equal_the_scalar_look_up(lm: TrigramModel, tiny: TrigramModel) -> None:
    for model in (lm, tiny):
        words = ["the", "The", "company", "it\u2019s", "zzqxv-not-a-word", "", "organization"]
        got = model.unigram_logprobs(words)
        assert got.dtype == np.float64
        assert got.tolist() == [model.unigram_logprob(w) for w in words]
    assert lm.unigram_logprobs([]).shape == (0,)


@pytest.mark.parametrize("mapped", [False, True], ids=["read", "mapped"])
def test_stored_npz_reads_what_np_load_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mapped: bool) -> None:
    from unspun.engine import npzfile

    monkeypatch.setattr(npzfile, "_mapped", mapped)
    big = np.arange(100_000, dtype=np.int64)
    small = np.array([1.5, -2.0], dtype=np.float32)
    grid = np.arange(12, dtype=np.int32).reshape(3, 4)
    columns = np.asfortranarray(np.arange(12, dtype=np.int16).reshape(4, 3))
    text = np.array('{"a": 1}')
    empty = np.zeros(0, dtype=np.int64)
    stored, packed = tmp_path / "stored.npz", tmp_path / "packed.npz"
    arrays = {"big": big, "small": small, "grid": grid, "columns": columns, "text": text, "empty": empty}
    np.savez(stored, **arrays)
    np.savez_compressed(packed, **arrays)
    for path in (stored, packed):
        with lmbuild.StoredNpz(path) as z:
            got = {name: z[name] for name in z.files}
        assert sorted(got) == sorted(arrays)
        for name, want in arrays.items():
            assert got[name].dtype == want.dtype and got[name].shape == want.shape
            assert np.array_equal(got[name], want), (path.name, name)
        # a stored member is mapped read-only when asked; a compressed one is always read
        assert npzfile.is_mapped(got["big"]) == npzfile.is_mapped(got["columns"]) == (mapped and path == stored)
        assert type(got["big"]) is np.ndarray
        assert got["big"].flags.writeable == (not mapped or path == packed)
    if mapped:  # the mapping outlives the file's closing and a replacement of the file
        with lmbuild.StoredNpz(stored) as z:
            kept = z["big"]
        np.savez(tmp_path / "other.npz", big=big[::-1].copy())
        (tmp_path / "other.npz").replace(stored)
        assert np.array_equal(kept, big)


def test_truncated_model_file_is_a_clear_error(tmp_path: Path) -> None:
    arpa = tmp_path / "tiny.arpa"
    arpa.write_text(TINY_ARPA)
    out = tmp_path / "cut.npz"
    lmbuild.save_npz(lmbuild.read_model(arpa), out)
    data = out.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    with pytest.raises(LMFormatError, match="cut.npz"):
        TrigramModel.load(out)
