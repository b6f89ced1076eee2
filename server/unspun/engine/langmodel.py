"""An English trigram language model with Katz backoff, scored with numpy.

`TrigramModel` holds the arrays built by `unspun.engine.lmbuild` (vocabulary, unigram/bigram/trigram log10
probabilities and backoff weights, with sorted integer keys) and scores word sequences:

* `TrigramModel.logprob` scores one sequence: the sum over its words of log10 P(word | up to two previous words).
* `TrigramModel.score_windows` scores many short windows in one vectorised pass (``searchsorted`` over the
  sorted keys, one bigram look-up per word, absent n-grams mostly ruled out by a key filter first), and returns
  exactly what `logprob` returns for each window.
* `TrigramModel.score_variants` scores windows that differ in one word (restoration candidates), sharing the
  look-ups that do not involve that word.

Words are looked up lowercased, with typographic apostrophes made straight (the vocabulary of the CMU model is
lowercase ASCII). A word outside the vocabulary maps to ``<unk>`` when the model has it; otherwise it scores a fixed
floor (`TrigramModel.unk_logprob`) and breaks the history, so the words after it are scored with a shorter
context.

`default_model()` returns the process-wide model: the CMU US-English trigram model, shipped in the package as
the arrays this module reads (``unspun/data/lm/``, a folder of ``.npy`` files built by ``scripts/build_lm.py``
at packaging time), so nothing is converted on a user's machine. A checkout without those files falls back to
converting the ``pocketsphinx`` package's copy of the model once into a per-user cache. It returns None when
neither is there (callers degrade gracefully). See docs/data-pipeline.md.
"""

from __future__ import annotations

import logging
import operator
import os
import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from unspun.engine import lmbuild
from unspun.engine.lmbuild import LMArrays, LMFormatError

log = logging.getLogger(__name__)

__all__ = [
    "LMFormatError", "TrigramModel", "cache_dir", "default_model", "default_model_path", "reset_default_model",
]

#: log10 probability of a word the model does not know (when the model has no ``<unk>``)
DEFAULT_UNK_LOGPROB = -7.0
UNK = "<unk>"
BOS = "<s>"
EOS = "</s>"
MODEL_FILENAME = f"en-us-trigram.v{lmbuild.FORMAT_VERSION}.npz"
#: vocabulary look-ups answered by binary search before the word -> id dict is built (see `TrigramModel._get`)
SEARCHED_LOOKUPS = 8192


def _normalize(word: str) -> str:
    return word.lower().replace("\u2019", "'")


class TrigramModel:
    """A trigram backoff model over a fixed vocabulary. Thread-safe for reading; never mutated after load."""

    def __init__(self, arrays: LMArrays, *, unk_logprob: float = DEFAULT_UNK_LOGPROB, name: str = "") -> None:
        self.vocab: tuple[str, ...] = tuple(arrays.vocab)
        self.meta = dict(arrays.meta)
        self.name = name or str(self.meta.get("source", "trigram"))
        self.unk_logprob = float(unk_logprob)
        self._V = len(self.vocab)
        #: word -> id; None while look-ups are answered by binary search in the vocabulary, which is sorted in
        #: the converted model: building the dict (about 20 ms) costs more than a short run's look-ups
        self._ids: dict[str, int] | None = None
        self._searched = 0
        vocab = self.vocab
        if not all(map(operator.lt, vocab, islice(vocab, 1, None))):
            self._ids = {w: i for i, w in enumerate(vocab)}
        self._unk_id = self._get(UNK, -1)
        self._uni_logp = arrays.uni_logp
        self._uni_bo = arrays.uni_bo
        self._bi_keys = arrays.bi_keys
        self._bi_logp = arrays.bi_logp
        self._bi_bo = arrays.bi_bo
        self._tri_keys = arrays.tri_keys
        self._tri_logp = arrays.tri_logp
        self._bi_filter = arrays.bi_filter
        self._tri_filter = arrays.tri_filter
        #: every trigram's context is a bigram (recorded when the model was read; unknown means no)
        self._prefix_closed = self.meta.get("prefix_closed") is True
        # float64 copies of the unigram tables make the gathers below produce float64 directly
        self._uni_logp64 = arrays.uni_logp.astype(np.float64)
        self._uni_bo64 = arrays.uni_bo.astype(np.float64)

    # ----------------------------------------------------------------------------------------------- loading

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, unk_logprob: float = DEFAULT_UNK_LOGPROB) -> TrigramModel:
        """Load a model ``.npz`` written by ``scripts/build_lm.py`` (or `lmbuild.save_npz`).

        Raises FileNotFoundError when `path` does not exist and `LMFormatError` when it is not such a file.
        """
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"language model file not found: {path} (build it with scripts/build_lm.py)")
        return cls(lmbuild.load_npz(path), unk_logprob=unk_logprob, name=path.name)

    # ----------------------------------------------------------------------------------------------- vocabulary

    def __len__(self) -> int:
        return self._V

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (self._get(word) is not None or self._get(_normalize(word)) is not None)

    def _get(self, word: str, default: int | None = None) -> int | None:
        """The id of exactly this string, or `default`: by binary search for the first `SEARCHED_LOOKUPS`
        look-ups, then from a dict."""
        index = self._ids
        if index is None:
            self._searched += 1
            if self._searched <= SEARCHED_LOOKUPS:
                vocab = self.vocab
                i = bisect_left(vocab, word)
                return i if i < self._V and vocab[i] == word else default
            index = self._ids = {w: i for i, w in enumerate(self.vocab)}
        return index.get(word, default)

    def index_words(self) -> None:
        """Build the word -> id dict now rather than after `SEARCHED_LOOKUPS` look-ups (before forking workers
        that will all need it: built once, shared copy-on-write)."""
        if self._ids is None:
            self._ids = {w: i for i, w in enumerate(self.vocab)}

    def __repr__(self) -> str:
        V, B, T = self.counts
        return f"TrigramModel({self.name!r}, {V} unigrams, {B} bigrams, {T} trigrams)"

    @property
    def counts(self) -> tuple[int, int, int]:
        return self._V, len(self._bi_keys), len(self._tri_keys)

    @property
    def nbytes(self) -> int:
        """Memory held by the model's arrays (not counting the vocabulary strings)."""
        return sum(
            a.nbytes
            for a in (
                self._uni_logp, self._uni_bo, self._bi_keys, self._bi_logp, self._bi_bo, self._tri_keys,
                self._tri_logp, self._uni_logp64, self._uni_bo64,
                *(f for f in (self._bi_filter, self._tri_filter) if f is not None),
            )
        )

    def word_id(self, word: str) -> int:
        """The vocabulary id of `word` (case-insensitive), the ``<unk>`` id, or -1 when unknown."""
        get = self._ids.get if self._ids is not None else self._get
        i = get(word)
        if i is None:
            i = get(_normalize(word), self._unk_id)
        return i

    def ids(self, words: Iterable[str]) -> np.ndarray:
        """Vocabulary ids of `words` as int64, -1 for unknown words (see `word_id`)."""
        if self._ids is None:
            get = self._get
            words = list(words)
            out = list(map(get, words))
        else:
            get = self._ids.get
            words = words if isinstance(words, (list, tuple)) else list(words)
            out = list(map(get, words))  # (the dict's own look-up, one C call per word)
        if None in out:
            unk = self._unk_id
            for k in [k for k, i in enumerate(out) if i is None]:
                out[k] = get(_normalize(words[k]), unk)
        return np.array(out, dtype=np.int64)

    def unigram_logprob(self, word: str) -> float:
        """log10 P(word) with no context (the floor for unknown words)."""
        i = self.word_id(word)
        return float(self._uni_logp[i]) if i >= 0 else self.unk_logprob

    def unigram_logprobs(self, words: Iterable[str]) -> np.ndarray:
        """`unigram_logprob` of each of `words`, as float64."""
        return self.unigram_logprobs_of_ids(self.ids(words))

    def unigram_logprobs_of_ids(self, ids: np.ndarray) -> np.ndarray:
        """`unigram_logprobs` of words given as vocabulary ids (-1: unknown)."""
        return np.where(ids >= 0, self._uni_logp64[np.maximum(ids, 0)], self.unk_logprob)

    # ----------------------------------------------------------------------------------------------- scalar

    def _find(self, keys: Keys, key: int) -> int:
        i = int(keys.searchsorted(key))
        return i if i < len(keys) and int(keys[i]) == key else -1

    def _cond(self, w1: int, w2: int, w3: int) -> float:
        """log10 P(w3 | w1 w2) by Katz backoff; a negative id is an unknown word (or no word)."""
        if w3 < 0:
            return self.unk_logprob
        V = self._V
        if w1 >= 0 and w2 >= 0:
            t = self._find(self._tri_keys, (w1 * V + w2) * V + w3)
            if t >= 0:
                return float(self._tri_logp[t])
            c = self._find(self._bi_keys, w1 * V + w2)
            context_bo = float(self._bi_bo[c]) if c >= 0 else 0.0
            return context_bo + self._cond(-1, w2, w3)
        if w2 >= 0:
            b = self._find(self._bi_keys, w2 * V + w3)
            if b >= 0:
                return float(self._bi_logp[b])
            return float(self._uni_bo[w2]) + float(self._uni_logp[w3])
        return float(self._uni_logp[w3])

    def word_logprobs(self, words: Sequence[str], *, bos: bool = False) -> list[float]:
        """log10 P(word_i | word_{i-2} word_{i-1}) for each word; with `bos` the first word follows ``<s>``."""
        ids = self.ids(words)
        n = len(ids)
        if n == 0:
            return []
        # one vectorised pass (the same backoff as `_cond`, word by word, at a fraction of the cost)
        bos_id = self._get(BOS) if bos else None
        if bos_id is not None:
            ids = np.concatenate(([bos_id], ids))
            position = np.arange(n + 1, dtype=np.int64)
            return self._score_chain(ids, position, position >= 1).tolist()
        return self._score_chain(ids, np.arange(n, dtype=np.int64)).tolist()

    def logprob(self, words: Sequence[str], *, bos: bool = False, eos: bool = False) -> float:
        """Sum of log10 P(word | up to two previous words) over `words`.

        With `bos` the first word is conditioned on the sentence start ``<s>``; with `eos` the probability of the
        sentence end ``</s>`` after the last word is added. Both are off by default: a window cut out of running
        text is neither the start nor the end of a sentence.
        """
        words = list(words)
        if eos and self._get(EOS) is not None:
            words.append(EOS)
        return float(sum(self.word_logprobs(words, bos=bos)))

    # ----------------------------------------------------------------------------------------------- batch

    def score_windows(self, windows: Sequence[Sequence[str]]) -> np.ndarray:
        """`logprob` of each window (no sentence boundaries), computed in one vectorised pass. float64 array."""
        lengths = np.fromiter((len(w) for w in windows), dtype=np.int64, count=len(windows))
        ids = self.ids([t for w in windows for t in w])
        return self.score_id_windows(ids, lengths)

    def score_windows_after(self, windows: Sequence[Sequence[str]], skips: Sequence[int]) -> np.ndarray:
        """Like `score_windows`, but the first `skips[i]` words of window i are context only: they condition
        the words after them and are not scored themselves.

        Comparing alternatives that share their left context, those words' scores cancel out; leaving them out
        saves their look-ups."""
        lengths = np.fromiter((len(w) for w in windows), dtype=np.int64, count=len(windows))
        return self.score_id_windows_after(self.ids([t for w in windows for t in w]), lengths, skips)

    def score_id_windows_after(self, ids: np.ndarray, lengths: np.ndarray, skips: Sequence[int]) -> np.ndarray:
        """`score_windows_after` over pre-computed ids (see `score_id_windows`)."""
        ids = np.asarray(ids, dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        n_windows = len(lengths)
        if n_windows == 0 or len(ids) == 0:
            return np.zeros(n_windows, dtype=np.float64)
        window, position = _places(lengths)
        scored = position >= np.asarray(skips, dtype=np.int64)[window]
        scores = self._score_chain(ids, position, scored)
        return np.bincount(window[scored], weights=scores, minlength=n_windows)

    def score_id_windows(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Like `score_windows` over pre-computed ids: `ids` is all windows' word ids concatenated, `lengths`
        the number of words in each window."""
        ids = np.asarray(ids, dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        n_windows = len(lengths)
        if n_windows == 0:
            return np.zeros(0, dtype=np.float64)
        if int(lengths.sum()) != len(ids):
            raise ValueError(f"lengths add up to {int(lengths.sum())} words, but {len(ids)} ids were given")
        if len(ids) == 0:
            return np.zeros(n_windows, dtype=np.float64)
        window, position = _places(lengths)
        scores = self._score_chain(ids, position)
        return np.bincount(window, weights=scores, minlength=n_windows)

    def score_positions_in(self, texts: Sequence[Sequence[str]]) -> np.ndarray:
        """`word_logprobs` of several texts (no sentence start), concatenated, in one vectorised pass."""
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        return self.score_id_texts(self.ids([w for t in texts for w in t]), lengths)

    def score_id_texts(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """`score_positions_in` for texts given as vocabulary ids (see `ids`), concatenated, and their lengths."""
        if len(ids) == 0:
            return np.zeros(0, dtype=np.float64)
        _window, position = _places(np.asarray(lengths, dtype=np.int64))
        return self._score_chain(ids, position)

    def score_sliding(self, words: Sequence[str], size: int) -> np.ndarray:
        """`logprob` of every window of `size` consecutive words of `words` (``words[i:i + size]`` for each i).

        Equal to ``score_windows([words[i:i + size] for i in ...])`` but about five times faster for long texts:
        each word is scored once per context length (none, one word, two words) and the windows are summed from
        a cumulative sum. A text shorter than `size` gives one window, the whole text.
        """
        if size < 1:
            raise ValueError(f"window size must be at least 1, not {size}")
        ids = self.ids(words)
        n = len(ids)
        if n == 0:
            return np.zeros(0, dtype=np.float64)
        size = min(size, n)
        none = np.full(n, -1, dtype=np.int64)
        prev = np.concatenate(([-1], ids[:-1]))
        prev2 = np.concatenate(([-1, -1], ids[:-2]))[:n]
        unigram = self._score_positions(none, none, ids)
        bigram = self._score_positions(none, prev, ids)
        trigram = self._score_positions(prev2, prev, ids)
        starts = np.arange(n - size + 1)
        total = unigram[starts]
        if size >= 2:
            total = total + bigram[starts + 1]
        if size >= 3:
            csum = np.concatenate(([0.0], np.cumsum(trigram)))
            total = total + (csum[starts + size] - csum[starts + 2])
        return total

    def score_positions(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """log10 P(w3 | w1 w2) elementwise over id arrays (-1 for an unknown or absent word). float64 array."""
        return self._score_positions(
            np.asarray(w1, dtype=np.int64), np.asarray(w2, dtype=np.int64), np.asarray(w3, dtype=np.int64)
        )

    def _score_positions(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        return self._combine(w1, w2, w3, self._pairs(w1, w2), self._pairs(w2, w3))

    def _pairs(self, a: np.ndarray, b: np.ndarray, need: np.ndarray | None = None) -> _Found:
        """Look up the bigrams (a, b) where both are known words (and `need` holds): (found mask, index)."""
        valid = (a >= 0) & (b >= 0)
        if need is not None:
            valid &= need
        return _lookup(self._bi_keys, np.where(valid, a, 0) * self._V + np.where(valid, b, 0), valid, self._bi_filter)

    def _combine(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray, context: _Found, pair: _Found) -> np.ndarray:
        """log10 P(w3 | w1 w2) given the look-ups of the bigrams (w1, w2) (`context`) and (w2, w3) (`pair`)."""
        V = self._V
        known3 = w3 >= 0
        known2 = w2 >= 0
        has_context = known2 & (w1 >= 0)
        safe3 = np.where(known3, w3, 0)
        safe2 = np.where(known2, w2, 0)
        safe1 = np.where(w1 >= 0, w1, 0)
        ctx_found, ctx_at = context
        bi_found, bi_at = pair
        # in a prefix-closed model a trigram exists only where its context bigram does: most candidate
        # windows' contexts are not bigrams, and their trigram look-ups are skipped
        tri_asked = has_context & known3 & ctx_found if self._prefix_closed else has_context & known3
        tri_found, tri_at = _lookup(self._tri_keys, (safe1 * V + safe2) * V + safe3, tri_asked, self._tri_filter)

        # P(w3 | w2) = p(w2 w3) if that bigram exists, else bo(w2) + p(w3)
        bigram = np.where(
            bi_found,
            _take(self._bi_logp, bi_at),
            np.where(known2, self._uni_bo64[safe2], 0.0) + self._uni_logp64[safe3],
        )
        # P(w3 | w1 w2) = p(w1 w2 w3) if that trigram exists, else bo(w1 w2) + P(w3 | w2)
        score = np.where(
            tri_found,
            _take(self._tri_logp, tri_at),
            np.where(ctx_found, _take(self._bi_bo, ctx_at), 0.0) + bigram,
        )
        return np.where(known3, score, self.unk_logprob)

    def _score_chain(self, ids: np.ndarray, position: np.ndarray, scored: np.ndarray | None = None) -> np.ndarray:
        """log10 P(w | up to two previous words of its window) for the `scored` words of windows laid end to end
        (`position`: each word's place in its window). Every bigram is looked up once: the pair that ends at a
        word is its bigram and the context of the word after it."""
        n = len(ids)
        w2 = np.full(n, -1, dtype=np.int64)
        w2[1:] = ids[:-1]
        w2[position < 1] = -1
        w1 = np.full(n, -1, dtype=np.int64)
        w1[2:] = ids[:-2]
        w1[position < 2] = -1
        if scored is None:
            need = None
        else:
            # a pair is needed by the word it ends at and by the next word of the same window
            need = scored.copy()
            need[:-1] |= scored[1:] & (position[1:] >= 1)
        pair_found, pair_at = self._pairs(w2, ids, need)
        ctx_found = np.zeros(n, dtype=bool)
        ctx_at = np.zeros(n, dtype=np.int64)
        ctx_found[1:] = pair_found[:-1]
        ctx_at[1:] = pair_at[:-1]
        ctx_found &= position >= 2
        if scored is None:
            return self._combine(w1, w2, ids, (ctx_found, ctx_at), (pair_found, pair_at))
        at = np.flatnonzero(scored)
        return self._combine(
            w1[at], w2[at], ids[at], (ctx_found[at], ctx_at[at]), (pair_found[at], pair_at[at])
        )

    def score_variants(
        self, windows: np.ndarray, scored: np.ndarray, which: np.ndarray, column: int, words: np.ndarray
    ) -> np.ndarray:
        """Score variants of short windows that differ in one column, sharing what they have in common.

        `windows` holds n windows of word ids (n, k), -1 for no word; variant r is window ``which[r]`` with
        ``words[r]`` in `column`. Returns, for each variant, the sum of log10 P(w_c | w_c-2 w_c-1) over the
        columns c that `scored` (n, k) marks for its window. The same as scoring each variant's words with
        `score_positions` column by column and adding the columns in order; the look-ups that do not involve
        `column` are made once per window instead of once per variant."""
        windows = np.asarray(windows, dtype=np.int64)
        scored = np.asarray(scored, dtype=bool)
        which = np.asarray(which, dtype=np.int64)
        words = np.asarray(words, dtype=np.int64)
        n, k = windows.shape
        rows = len(which)
        total = np.zeros(rows, dtype=np.float64)
        if rows == 0:
            return total

        # each variant's words, column by column (gathered once)
        cols = [words if c == column else windows[which, c] for c in range(k)]
        need = np.zeros((n, k), dtype=bool)
        need[:, 1:] = scored[:, 1:]
        need[:, 1:-1] |= scored[:, 2:]
        pairs: dict[int, _Found] = {}
        for c in range(1, k):
            if not need[:, c].any():
                continue
            if column in (c - 1, c):
                pairs[c] = self._pairs(cols[c - 1], cols[c], need[which, c])
            else:
                found, at = self._pairs(windows[:, c - 1], windows[:, c], need[:, c])
                pairs[c] = (found[which], at[which])
        no_pair = (np.zeros(rows, dtype=bool), np.zeros(rows, dtype=np.int64))
        none = np.full(rows, -1, dtype=np.int64)
        for c in range(k):
            at = np.flatnonzero(scored[which, c])
            if len(at) == 0:
                continue
            w1 = cols[c - 2][at] if c >= 2 else none[at]
            w2 = cols[c - 1][at] if c >= 1 else none[at]
            context = pairs[c - 1] if c >= 2 else no_pair
            pair = pairs[c] if c >= 1 else no_pair
            total[at] += self._combine(
                w1, w2, cols[c][at], (context[0][at], context[1][at]), (pair[0][at], pair[1][at])
            )
        return total


_Found = tuple[np.ndarray, np.ndarray]
Keys = np.ndarray | lmbuild.SplitKeys


#: from this many needles on, they are sorted before the search (which then walks the keys in order)
_SORT_QUERIES_FROM = 64


def _places(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For windows laid end to end (`lengths` words each): each word's window and its position in it."""
    window = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    return window, np.arange(len(window), dtype=np.int64) - starts[window]


def _take(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """values[at], or zeros when `values` is empty (a model without bigrams or trigrams)."""
    return values[at] if len(values) else np.zeros(len(at), dtype=values.dtype)


def _lookup(
    keys: Keys, queries: np.ndarray, valid: np.ndarray, bitmap: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the `valid` `queries` in the sorted `keys`: (found mask, index; 0 where not found). With a
    `bitmap` (`lmbuild.key_filter` of the keys) the queries it rules out are not searched for."""
    found = np.zeros(len(queries), dtype=bool)
    at = np.zeros(len(queries), dtype=np.int64)
    if len(keys) == 0:
        return found, at
    where = None if valid.all() else np.flatnonzero(valid)
    needles = queries if where is None else queries[where]
    if bitmap is not None and len(needles):
        maybe = lmbuild.filter_maybe(bitmap, needles)
        where = np.flatnonzero(maybe) if where is None else where[maybe]
        needles = needles[maybe]
    if len(needles) == 0:
        return found, at
    if len(needles) >= _SORT_QUERIES_FROM:
        # sorted needles walk the keys in order and reuse the cache: faster from a few dozen on, sort included
        order = np.argsort(needles)
        pos = np.empty(len(needles), dtype=np.int64)
        pos[order] = keys.searchsorted(needles[order])
    else:
        pos = keys.searchsorted(needles)
    np.minimum(pos, len(keys) - 1, out=pos)
    hit = keys[pos] == needles
    pos[~hit] = 0
    if where is None:
        return hit, pos
    found[where] = hit
    at[where] = pos
    return found, at


# --------------------------------------------------------------------------------------------------- default


def cache_dir() -> Path:
    """Per-user cache directory: ``$UNSPUN_CACHE_DIR``, else ``$XDG_CACHE_HOME/unspun``, else ``~/.cache/unspun``."""
    explicit = os.environ.get("UNSPUN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "unspun"
    return Path.home() / ".cache" / "unspun"


def remove_stale(folder: Path, pattern: str, keep: Path) -> None:
    """Delete the cache files of other format versions (`pattern` in `folder`, all but `keep`)."""
    for old in folder.glob(pattern):
        if old != keep:
            try:
                old.unlink()
                log.info("removed the outdated cache file %s", old)
            except OSError:
                pass


def default_model_path() -> Path:
    """Where `default_model` keeps the model it converts (when none is shipped)."""
    return cache_dir() / MODEL_FILENAME


#: the shipped model's folder inside the ``unspun.data`` package
SHIPPED_MODEL = ("lm", "en-us-trigram")


def shipped_model_path() -> Path:
    """The folder of the model shipped with the package (written by ``scripts/build_lm.py``; it may be absent
    from a checkout that has not built it). The environment variable ``UNSPUN_SHIPPED_MODEL`` names another
    folder, or ``none`` for none (the per-user cache only, as a checkout without the folder has it)."""
    import unspun.data

    override = os.environ.get("UNSPUN_SHIPPED_MODEL")
    if override:
        return Path(os.devnull if override.lower() == "none" else override)
    return Path(unspun.data.__file__).parent.joinpath(*SHIPPED_MODEL)


_default_lock = threading.Lock()
_default_resolved = False
_default: TrigramModel | None = None


def default_model() -> TrigramModel | None:
    """The shared model: loaded from the cache, or converted from pocketsphinx's ``en-us.lm.bin`` on first use.

    Returns None when pocketsphinx is not installed or the model cannot be built; the reason is logged once. The
    result (model or None) is kept for the life of the process; `reset_default_model` forgets it.
    """
    global _default, _default_resolved
    if _default_resolved:
        return _default
    with _default_lock:
        if not _default_resolved:
            _default = _resolve_default()
            _default_resolved = True
    return _default


def reset_default_model() -> None:
    """Forget the shared model, so the next `default_model` call looks again (for tests and cache changes)."""
    global _default, _default_resolved
    with _default_lock:
        _default = None
        _default_resolved = False


def _resolve_default() -> TrigramModel | None:
    shipped = shipped_model_path()
    if shipped.is_dir():
        try:
            return TrigramModel(lmbuild.load_npz(shipped), name=shipped.name)
        except (LMFormatError, OSError) as exc:
            log.warning("ignoring the damaged shipped language model %s (%s)", shipped, exc)
    path = default_model_path()
    if path.is_file():
        try:
            return TrigramModel(lmbuild.load_npz(path), name=path.name)
        except (LMFormatError, OSError) as exc:
            log.warning("ignoring unreadable language model cache %s (%s); rebuilding it", path, exc)
    source = lmbuild.find_pocketsphinx_lm()
    if source is None:
        log.info("no language model: the pocketsphinx package (which ships en-us.lm.bin) is not installed")
        return None
    try:
        arrays = lmbuild.read_model(source)
        arrays.meta.update(lmbuild.source_meta(source))
        arrays = arrays.packed()
    except (LMFormatError, OSError) as exc:
        log.warning("no language model: cannot convert %s: %s", source, exc)
        return None
    try:
        lmbuild.save_npz(arrays, path)
        log.info("converted %s into %s", source, path)
        remove_stale(path.parent, "en-us-trigram.v*.npz", keep=path)
    except OSError as exc:
        log.warning("cannot cache the language model at %s (%s); using it without a cache", path, exc)
    return TrigramModel(arrays, name=path.name)
