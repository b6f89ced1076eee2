"""Convert an n-gram language model into the compact numpy arrays that `unspun.engine.langmodel` scores with.

Two inputs are understood:

* the sphinxbase/pocketsphinx binary "trie" format (header ``Trie Language Model``), which is how the CMU
  US-English trigram model ``en-us.lm.bin`` ships inside the ``pocketsphinx`` wheel;
* a plain ARPA text file (optionally ``.gz``), the usual exchange format of n-gram toolkits.

The result is an `LMArrays`: the vocabulary, unigram log10 probabilities and backoff weights, sorted bigram keys
``w1 * V + w2`` with log10 probability and backoff weight, and sorted trigram keys ``(w1 * V + w2) * V + w3`` with
log10 probability. `save_npz` writes them to one uncompressed ``.npz`` (atomically) and `load_npz` reads it back.

Nothing here imports pocketsphinx: the package is only located on disk (`find_pocketsphinx_lm`) so that a broken
audio stack cannot break the engine. The conversion is pure numpy.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
import math
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from unspun.engine.npzfile import StoredNpz, open_arrays  # noqa: F401 - StoredNpz re-exported

log = logging.getLogger(__name__)

#: bump when the layout of the ``.npz`` changes; cached files of another version are rebuilt
FORMAT_VERSION = 3

#: the model file inside the pocketsphinx package, relative to the package directory
POCKETSPHINX_LM = ("model", "en-us", "en-us.lm.bin")

_TRIE_MAGIC = b"Trie Language Model"
_DMP_MAGIC = b"Darpa Trigram LM"
#: sphinxbase stores log probabilities as floats in log base 1.0001 (its default ``-logbase``); the file does
#: not record the base, so the conversion checks that the unigram distribution sums to ~1 with it
_SPHINX_LOGBASE = 1.0001
_QUANT_BITS = 16  # lm_trie_quant: 16-bit probability and backoff codes
_QUANT_BINS = 1 << _QUANT_BITS

_ARRAY_NAMES = ("uni_logp", "uni_bo", "bi_keys", "bi_logp", "bi_bo", "tri_keys", "tri_logp")
_FILTER_NAMES = ("bi_filter", "tri_filter")


class LMFormatError(ValueError):
    """The input is not a language model this module can read (or is damaged)."""


class Quantized:
    """A float32 column that takes at most 65,536 distinct values, held as a uint16 code per row and a table of
    the values: half the memory, and the same numbers (`values[at]` gives exactly what the float32 column
    gave). The sphinx trie model is quantised to 16 bits already, so its columns always qualify."""

    __slots__ = ("codes", "table")

    def __init__(self, codes: np.ndarray, table: np.ndarray) -> None:
        if codes.dtype != np.uint16 or table.dtype != np.float32:
            raise LMFormatError("quantised column: codes must be uint16 and the table float32")
        if len(codes) and int(codes.max()) >= len(table):
            raise LMFormatError("quantised column: a code points past the table")
        self.codes = codes
        self.table = table

    @classmethod
    def of(cls, values: np.ndarray | Quantized) -> Quantized | np.ndarray:
        """`values` quantised, or unchanged when quantised already or with more than 65,536 distinct values."""
        if isinstance(values, Quantized):
            return values
        table, codes = np.unique(np.asarray(values, dtype=np.float32), return_inverse=True)
        if len(table) > 1 << 16:
            return values
        return cls(codes.astype(np.uint16).reshape(-1), table.astype(np.float32))

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, at: Any) -> Any:
        return self.table[self.codes[at]]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self.table[self.codes]
        return out if dtype is None else out.astype(dtype)

    @property
    def dtype(self) -> np.dtype:
        return self.table.dtype

    @property
    def nbytes(self) -> int:
        return self.codes.nbytes + self.table.nbytes


class SplitKeys:
    """Sorted non-negative int64 keys below ``2**32 * SPLIT_MAX_PARTS``, held as their low 32 bits (uint32) cut
    into runs of equal high bits: half the memory of the int64 keys. Bigram keys ``w1 * V + w2`` qualify for
    vocabularies up to about 131,000 words (two runs for the CMU model's 72,547).

    Offers what the scorer asks of a key array: ``len``, ``keys[at]`` and ``keys.searchsorted(needles)``."""

    __slots__ = ("lows", "starts")

    def __init__(self, lows: np.ndarray, starts: np.ndarray) -> None:
        if lows.dtype != np.uint32 or starts.dtype != np.int64 or len(starts) < 2:
            raise LMFormatError("split keys: lows must be uint32 and starts int64 with at least two entries")
        if starts[0] != 0 or starts[-1] != len(lows) or np.any(np.diff(starts) < 0):
            raise LMFormatError("split keys: inconsistent run starts")
        self.lows = lows
        self.starts = starts

    @classmethod
    def of(cls, keys: np.ndarray | SplitKeys) -> SplitKeys | np.ndarray:
        """`keys` (sorted int64) split, or unchanged when split already, empty or too large to split."""
        if isinstance(keys, SplitKeys):
            return keys
        if len(keys) == 0 or int(keys[0]) < 0 or int(keys[-1]) >> 32 >= SPLIT_MAX_PARTS:
            return keys
        parts = (int(keys[-1]) >> 32) + 1
        starts = np.searchsorted(keys, np.arange(parts + 1, dtype=np.int64) << 32).astype(np.int64)
        return cls((keys & 0xFFFFFFFF).astype(np.uint32), starts)

    def __len__(self) -> int:
        return len(self.lows)

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, (int, np.integer)):
            return int(self[np.array([at if at >= 0 else at + len(self)])][0])
        at = np.asarray(at)
        highs = np.searchsorted(self.starts[1:-1], at, side="right").astype(np.int64)
        return (highs << 32) + self.lows[at].astype(np.int64)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self[np.arange(len(self))]
        return out if dtype is None else out.astype(dtype)

    def searchsorted(self, needles: Any) -> Any:
        """Like ``ndarray.searchsorted(needles)`` (side "left") on the int64 keys."""
        scalar = np.ndim(needles) == 0
        needles = np.atleast_1d(np.asarray(needles, dtype=np.int64))
        out = np.full(len(needles), len(self), dtype=np.int64)
        highs = needles >> 32
        out[highs < 0] = 0
        lows = (needles & 0xFFFFFFFF).astype(np.uint32)
        for part in range(len(self.starts) - 1):
            at = highs == part
            if at.any():
                lo, hi = int(self.starts[part]), int(self.starts[part + 1])
                out[at] = lo + np.searchsorted(self.lows[lo:hi], lows[at])
        return int(out[0]) if scalar else out

    @property
    def nbytes(self) -> int:
        return self.lows.nbytes + self.starts.nbytes


#: split keys have at most this many runs (each run costs one search per batch of look-ups)
SPLIT_MAX_PARTS = 4

#: a key filter has at least this many bits per key (about 10% false "maybe"s at 8)
FILTER_BITS_PER_KEY = 8
_FILTER_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def _filter_slots(keys: np.ndarray, bits_log2: int) -> np.ndarray:
    hashed = np.asarray(keys, dtype=np.int64).astype(np.uint64) * _FILTER_MULTIPLIER  # wraps modulo 2**64
    return (hashed >> np.uint64(64 - bits_log2)).astype(np.int64)


def key_filter(keys: np.ndarray | SplitKeys) -> np.ndarray:
    """A bitmap that says of a key "maybe present" or "surely absent": one bit per slot of a multiplicative
    hash, set for every key. A look-up that the filter rules out skips the binary search; most n-grams a
    restoration asks about are absent."""
    bits_log2 = max(3, int(np.ceil(np.log2(max(1, len(keys)) * FILTER_BITS_PER_KEY))))
    slots = np.zeros(1 << bits_log2, dtype=bool)
    slots[_filter_slots(np.asarray(keys), bits_log2)] = True
    return np.packbits(slots, bitorder="little")


def filter_maybe(bitmap: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """For each needle: could it be one of the keys `bitmap` was made from (False: it surely is not)."""
    bits_log2 = int(len(bitmap) * 8).bit_length() - 1
    slot = _filter_slots(needles, bits_log2)
    return ((bitmap[slot >> 3] >> (slot & 7).astype(np.uint8)) & 1).astype(bool)


@dataclass
class LMArrays:
    """A trigram backoff model as flat numpy arrays. All probabilities and weights are log10.

    As read from a model file every column is a plain array; `packed` gives the compact form the cache holds
    (bigram keys as `SplitKeys`, probabilities and weights as `Quantized`), which scores the same."""

    vocab: list[str]
    uni_logp: np.ndarray  # float32 [V]
    uni_bo: np.ndarray  # float32 [V]
    bi_keys: np.ndarray | SplitKeys  # int64 [B], sorted, w1 * V + w2
    bi_logp: np.ndarray | Quantized  # float32 [B]
    bi_bo: np.ndarray | Quantized  # float32 [B]
    tri_keys: np.ndarray  # int64 [T], sorted, (w1 * V + w2) * V + w3
    tri_logp: np.ndarray | Quantized  # float32 [T]
    meta: dict[str, Any] = field(default_factory=dict)
    #: `key_filter` bitmaps of the bigram and trigram keys (in the packed form)
    bi_filter: np.ndarray | None = None
    tri_filter: np.ndarray | None = None

    def packed(self) -> LMArrays:
        """The same model with its large columns in their compact forms (where they qualify)."""
        return LMArrays(
            vocab=self.vocab,
            uni_logp=self.uni_logp,
            uni_bo=self.uni_bo,
            bi_keys=SplitKeys.of(self.bi_keys),
            bi_logp=Quantized.of(self.bi_logp),
            bi_bo=Quantized.of(self.bi_bo),
            tri_keys=self.tri_keys,
            tri_logp=Quantized.of(self.tri_logp),
            meta=dict(self.meta),
            bi_filter=self.bi_filter if self.bi_filter is not None else key_filter(self.bi_keys),
            tri_filter=self.tri_filter if self.tri_filter is not None else key_filter(self.tri_keys),
        )

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in _ARRAY_NAMES)

    def counts(self) -> tuple[int, int, int]:
        return len(self.vocab), len(self.bi_keys), len(self.tri_keys)


def _parts(name: str, column: Any) -> dict[str, np.ndarray]:
    """The arrays a column is saved as: ``name`` itself, or ``name.codes``/``name.table`` (quantised) or
    ``name.lows``/``name.starts`` (split keys)."""
    if isinstance(column, Quantized):
        return {f"{name}.codes": column.codes, f"{name}.table": column.table}
    if isinstance(column, SplitKeys):
        return {f"{name}.lows": column.lows, f"{name}.starts": column.starts}
    return {name: column}


def _column(z: Any, name: str) -> Any:
    if f"{name}.codes" in z.files:
        return Quantized(z[f"{name}.codes"], z[f"{name}.table"])
    if f"{name}.lows" in z.files:
        return SplitKeys(z[f"{name}.lows"], z[f"{name}.starts"])
    if name in z.files:
        return z[name]
    raise LMFormatError(f"not an unspun language model (missing {name})")


@dataclass(frozen=True)
class BuildStats:
    source: str
    out: str
    unigrams: int
    bigrams: int
    trigrams: int
    array_bytes: int
    file_bytes: int
    read_seconds: float
    write_seconds: float


# --------------------------------------------------------------------------------------------------- locating


def find_pocketsphinx_lm() -> Path | None:
    """The ``en-us.lm.bin`` of the installed pocketsphinx package, or None when the package or file is missing.

    The package is located with `importlib.util.find_spec`, which does not import (nor load the C extension of)
    pocketsphinx. ``$POCKETSPHINX_PATH`` (pocketsphinx's own override of its model directory) is honoured.
    """
    override = os.environ.get("POCKETSPHINX_PATH")
    if override:
        candidate = Path(override) / POCKETSPHINX_LM[-1]
        if candidate.is_file():
            return candidate
    try:
        spec = importlib.util.find_spec("pocketsphinx")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    for location in spec.submodule_search_locations or ():
        candidate = Path(location).joinpath(*POCKETSPHINX_LM)
        if candidate.is_file():
            return candidate
    return None


def pocketsphinx_version() -> str | None:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - Python < 3.8
        return None
    try:
        return version("pocketsphinx")
    except PackageNotFoundError:
        return None


# --------------------------------------------------------------------------------------------------- reading


def prefix_closed(arrays: LMArrays) -> bool:
    """Whether every trigram's first two words are a bigram of the model (true of models built the usual way).
    Then a trigram need not be looked for where its context bigram is absent."""
    tri, bi = arrays.tri_keys, arrays.bi_keys
    if len(tri) == 0:
        return True
    if len(bi) == 0:
        return False
    context = tri // len(arrays.vocab)
    at = np.minimum(bi.searchsorted(context), len(bi) - 1)
    return bool(np.all(bi[at] == context))


def read_model(path: str | os.PathLike[str]) -> LMArrays:
    """Read a trie binary or ARPA model (format decided by the file's first bytes)."""
    arrays = _read_model(path)
    arrays.meta["prefix_closed"] = prefix_closed(arrays)
    return arrays


def _read_model(path: str | os.PathLike[str]) -> LMArrays:
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(_TRIE_MAGIC):
        return read_trie_binary(path)
    if head[4:].startswith(_DMP_MAGIC):
        raise LMFormatError(
            f"{path}: old sphinx DMP format is not supported; convert it to ARPA or trie binary "
            "(pocketsphinx_lm_convert / sphinx_lm_convert)"
        )
    if head[:2] == b"\x1f\x8b" or b"\\data\\" in head or path.suffix.lower() in (".arpa", ".lm", ".gz"):
        return read_arpa(path)
    raise LMFormatError(f"{path}: not an ARPA or sphinx trie language model (starts with {head[:20]!r})")


def _bitfield_reader(mem: np.ndarray) -> np.ndarray:
    """A uint64 little-endian view starting at every byte of `mem` (unaligned, stride 1), for bit-field reads."""
    padded = np.zeros(len(mem) + 8, dtype=np.uint8)
    padded[: len(mem)] = mem
    return np.ndarray(shape=(len(mem) + 1,), dtype="<u8", buffer=padded, offset=0, strides=(1,))


def _read_fields(
    words64: np.ndarray, n: int, total_bits: int, fields: list[tuple[int, int]]
) -> list[np.ndarray]:
    """Read bit fields (offset, width) of `n` fixed-width records of `total_bits` bits each."""
    starts = np.arange(n, dtype=np.int64) * total_bits
    out = []
    for offset, width in fields:
        bit = starts + offset
        raw = words64[bit >> 3]
        out.append((raw >> (bit & 7).astype(np.uint64)) & np.uint64((1 << width) - 1))
    return out


def _required_bits(max_value: int) -> int:
    return int(max_value).bit_length()


def read_trie_binary(path: str | os.PathLike[str]) -> LMArrays:
    """Read a sphinxbase/pocketsphinx ``Trie Language Model`` binary of order 3.

    Layout (little-endian), as written by ``ngram_model_trie_write_bin``:
    magic, uint8 order, uint32 counts[order]; int32 (unused) then the quantiser tables (float32: 2^16 bigram
    probability centres, 2^16 bigram backoff centres, 2^16 trigram probability centres); (V+1) unigram records
    {float32 prob, float32 backoff, uint32 next}; the bit-packed bigram level (records of word | 16-bit backoff
    code | 16-bit probability code | next pointer); the bit-packed trigram level (word | 16-bit probability
    code); int32 size and the NUL-separated vocabulary. The trie is keyed by the *last* word first: a unigram's
    children are the words that precede it, and so on (KenLM's reversed trie). Values are in log base 1.0001.
    """
    path = Path(path)
    data = path.read_bytes()
    if not data.startswith(_TRIE_MAGIC):
        raise LMFormatError(f"{path}: not a sphinx trie language model")
    off = len(_TRIE_MAGIC)
    try:
        order = data[off]
        off += 1
        if order != 3:
            raise LMFormatError(f"{path}: only trigram models are supported (this one has order {order})")
        counts = struct.unpack_from("<3I", data, off)
        off += 12
        off += 4  # formerly the quantisation type
        n_quant = 3 * _QUANT_BINS
        quant = np.frombuffer(data, dtype="<f4", count=n_quant, offset=off)
        off += n_quant * 4
        V = counts[0]
        unigram_dtype = np.dtype([("prob", "<f4"), ("bo", "<f4"), ("next", "<u4")])
        unigrams = np.frombuffer(data, dtype=unigram_dtype, count=V + 1, offset=off)
        off += (V + 1) * unigram_dtype.itemsize

        word_bits = _required_bits(V)
        next_bits = _required_bits(counts[2])
        mid_bits = word_bits + 2 * _QUANT_BITS + next_bits
        long_bits = word_bits + _QUANT_BITS
        mid_size = ((1 + counts[1]) * mid_bits + 7) // 8 + 8
        long_size = ((1 + counts[2]) * long_bits + 7) // 8 + 8
        mid_mem = np.frombuffer(data, dtype=np.uint8, count=mid_size, offset=off)
        off += mid_size
        long_mem = np.frombuffer(data, dtype=np.uint8, count=long_size, offset=off)
        off += long_size
        (vocab_bytes,) = struct.unpack_from("<i", data, off)
        off += 4
        raw_vocab = data[off : off + vocab_bytes]
        off += vocab_bytes
    except struct.error as exc:
        raise LMFormatError(f"{path}: truncated trie language model ({exc})") from None
    except ValueError as exc:
        if isinstance(exc, LMFormatError):
            raise
        raise LMFormatError(f"{path}: truncated trie language model ({exc})") from None
    if off != len(data):
        raise LMFormatError(f"{path}: size mismatch: layout ends at byte {off}, file has {len(data)} bytes")
    vocab = raw_vocab.decode("utf-8").split("\0")
    if vocab and vocab[-1] == "":
        vocab.pop()
    if len(vocab) != V:
        raise LMFormatError(f"{path}: {len(vocab)} vocabulary strings for {V} unigrams")

    # unigram `next` pointers delimit each word's bigram children; the sentinel holds the real bigram count
    # (the header count may include a few prefix entries the builder reserved but did not use)
    uni_next = unigrams["next"].astype(np.int64)
    n_bi = int(uni_next[V])
    if np.any(np.diff(uni_next) < 0) or n_bi > counts[1]:
        raise LMFormatError(f"{path}: inconsistent unigram pointers")
    mid64 = _bitfield_reader(mid_mem)
    bi_prev, bi_codes, bi_next = _read_fields(
        mid64, n_bi + 1, mid_bits, [(0, word_bits), (word_bits, 2 * _QUANT_BITS), (word_bits + 32, next_bits)]
    )
    bi_next = bi_next.astype(np.int64)
    n_tri = int(bi_next[n_bi])
    if np.any(np.diff(bi_next) < 0) or n_tri > counts[2]:
        raise LMFormatError(f"{path}: inconsistent bigram pointers")
    long64 = _bitfield_reader(long_mem)
    (tri_first, tri_code) = _read_fields(long64, n_tri, long_bits, [(0, word_bits), (word_bits, _QUANT_BITS)])

    scale = math.log10(_SPHINX_LOGBASE)
    uni_logp = (unigrams["prob"][:V].astype(np.float64) * scale).astype(np.float32)
    uni_bo = (unigrams["bo"][:V].astype(np.float64) * scale).astype(np.float32)
    bo_code = (bi_codes[:n_bi] & np.uint64(_QUANT_BINS - 1)).astype(np.int64)
    p_code = (bi_codes[:n_bi] >> np.uint64(_QUANT_BITS)).astype(np.int64)
    quant64 = quant.astype(np.float64) * scale
    bi_logp_unsorted = quant64[p_code].astype(np.float32)
    bi_bo_unsorted = quant64[_QUANT_BINS + bo_code].astype(np.float32)
    tri_logp_unsorted = quant64[2 * _QUANT_BINS + tri_code.astype(np.int64)].astype(np.float32)

    # bigram record i lies under unigram `last` (the predicted word) and stores the preceding word
    bi_last = np.repeat(np.arange(V, dtype=np.int64), np.diff(uni_next))
    bi_first = bi_prev[:n_bi].astype(np.int64)
    if np.any(bi_first >= V):
        raise LMFormatError(f"{path}: bigram word id out of range")
    bi_keys_unsorted = bi_first * V + bi_last
    # trigram record j lies under bigram record `parent` = (w2, w3) and stores w1
    parent = np.repeat(np.arange(n_bi, dtype=np.int64), np.diff(bi_next))
    w1 = tri_first.astype(np.int64)
    if np.any(w1 >= V):
        raise LMFormatError(f"{path}: trigram word id out of range")
    tri_keys_unsorted = (w1 * V + bi_first[parent]) * V + bi_last[parent]

    bi_order = np.argsort(bi_keys_unsorted, kind="stable")
    tri_order = np.argsort(tri_keys_unsorted, kind="stable")
    arrays = LMArrays(
        vocab=vocab,
        uni_logp=uni_logp,
        uni_bo=uni_bo,
        bi_keys=bi_keys_unsorted[bi_order],
        bi_logp=bi_logp_unsorted[bi_order],
        bi_bo=bi_bo_unsorted[bi_order],
        tri_keys=tri_keys_unsorted[tri_order],
        tri_logp=tri_logp_unsorted[tri_order],
        meta={"source_format": "sphinx-trie", "header_counts": list(counts)},
    )
    _check(arrays, path)
    return arrays


def read_arpa(path: str | os.PathLike[str]) -> LMArrays:
    """Read an ARPA backoff model of order 1 to 3 (plain text or gzip)."""
    path = Path(path)
    opener = gzip.open if _is_gzip(path) else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        lines = iter(f)
        declared: dict[int, int] = {}
        for line in lines:
            if line.strip() == "\\data\\":
                break
        else:
            raise LMFormatError(f"{path}: no \\data\\ section; not an ARPA file")
        section = 0
        grams: dict[int, list[tuple[float, tuple[str, ...], float]]] = {1: [], 2: [], 3: []}
        for line in lines:
            text = line.strip()
            if not text:
                continue
            if text.startswith("ngram "):
                order_text, _, count_text = text[6:].partition("=")
                try:
                    declared[int(order_text)] = int(count_text)
                except ValueError:
                    raise LMFormatError(f"{path}: malformed count line: {text!r}") from None
                continue
            if text == "\\end\\":
                break
            if text.startswith("\\") and text.endswith("-grams:"):
                section = int(text[1:-7])
                if section not in grams:
                    raise LMFormatError(f"{path}: only models up to order 3 are supported ({text})")
                continue
            if section == 0:
                raise LMFormatError(f"{path}: unexpected line before the first n-gram section: {text!r}")
            parts = text.split()
            if len(parts) not in (section + 1, section + 2):
                raise LMFormatError(f"{path}: malformed {section}-gram line: {text!r}")
            try:
                bo = float(parts[section + 1]) if len(parts) == section + 2 else 0.0
                grams[section].append((float(parts[0]), tuple(parts[1 : section + 1]), bo))
            except ValueError:
                raise LMFormatError(f"{path}: malformed {section}-gram line: {text!r}") from None
    for n, count in declared.items():
        if n in grams and len(grams[n]) != count:
            raise LMFormatError(f"{path}: header declares {count} {n}-grams, file has {len(grams[n])}")
    if not grams[1]:
        raise LMFormatError(f"{path}: no unigrams")
    vocab = [g[1][0] for g in grams[1]]
    ids = {w: i for i, w in enumerate(vocab)}
    V = len(vocab)

    def key(words: tuple[str, ...]) -> int:
        k = 0
        for w in words:
            try:
                k = k * V + ids[w]
            except KeyError:
                raise LMFormatError(f"{path}: n-gram {' '.join(words)!r} uses a word with no unigram") from None
        return k

    bi = sorted((key(w), p, b) for p, w, b in grams[2])
    tri = sorted((key(w), p) for p, w, _ in grams[3])
    arrays = LMArrays(
        vocab=vocab,
        uni_logp=np.array([g[0] for g in grams[1]], dtype=np.float32),
        uni_bo=np.array([g[2] for g in grams[1]], dtype=np.float32),
        bi_keys=np.array([k for k, _, _ in bi], dtype=np.int64),
        bi_logp=np.array([p for _, p, _ in bi], dtype=np.float32),
        bi_bo=np.array([b for _, _, b in bi], dtype=np.float32),
        tri_keys=np.array([k for k, _ in tri], dtype=np.int64),
        tri_logp=np.array([p for _, p in tri], dtype=np.float32),
        meta={"source_format": "arpa"},
    )
    _check(arrays, path)
    return arrays


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _check(arrays: LMArrays, path: Path) -> None:
    if len(set(arrays.vocab)) != len(arrays.vocab):
        raise LMFormatError(f"{path}: duplicate words in the vocabulary")
    if any("\n" in w for w in arrays.vocab):
        raise LMFormatError(f"{path}: a vocabulary word contains a line break")
    for name in ("bi_keys", "tri_keys"):
        keys = getattr(arrays, name)
        if len(keys) > 1 and not np.all(keys[1:] > keys[:-1]):
            raise LMFormatError(f"{path}: duplicate {name[:-5]}grams")
    V = len(arrays.vocab)
    if V**3 >= 2**63:
        raise LMFormatError(f"{path}: vocabulary of {V} words is too large for int64 trigram keys")
    total = float(np.sum(10.0 ** arrays.uni_logp.astype(np.float64)))
    if not 0.9 <= total <= 1.1:
        log.warning("%s: unigram probabilities sum to %.3f, not 1; the log base may be wrong", path, total)


# --------------------------------------------------------------------------------------------------- npz


def save_npz(arrays: LMArrays, out: str | os.PathLike[str]) -> int:
    """Write `arrays` (in their compact form, `LMArrays.packed`) to an uncompressed ``.npz`` at `out` atomically;
    returns the file size in bytes."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    arrays = arrays.packed()
    vocab_blob = np.frombuffer("\n".join(arrays.vocab).encode("utf-8"), dtype=np.uint8)
    meta = dict(arrays.meta)
    meta["format_version"] = FORMAT_VERSION
    if "prefix_closed" not in meta:
        meta["prefix_closed"] = prefix_closed(arrays)
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(
                f,
                vocab=vocab_blob,
                meta=np.array(json.dumps(meta, sort_keys=True)),
                **{k: v for name in _ARRAY_NAMES for k, v in _parts(name, getattr(arrays, name)).items()},
                **{name: getattr(arrays, name) for name in _FILTER_NAMES if getattr(arrays, name) is not None},
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return out.stat().st_size


def save_folder(arrays: LMArrays, out: str | os.PathLike[str]) -> int:
    """Write `arrays` as `save_npz` does, but as a folder of ``.npy`` files, one per member (the form the model
    ships in: no file larger than its largest array); the folder is replaced whole. Returns the bytes written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent))
    try:
        tmp = staging / "model.npz"
        save_npz(arrays, tmp)
        with np.load(tmp) as z:
            for name in z.files:
                np.save(staging / f"{name}.npy", z[name], allow_pickle=False)
        tmp.unlink()
        for p in staging.iterdir():
            os.chmod(p, 0o644)
        os.chmod(staging, 0o755)
        keep = [p for p in out.iterdir() if not p.name.endswith(".npy")] if out.is_dir() else []
        for p in keep:  # the licence and notes beside the arrays stay
            os.replace(p, staging / p.name)
        if out.is_dir():
            shutil.rmtree(out)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sum(p.stat().st_size for p in out.glob("*.npy"))


def load_npz(path: str | os.PathLike[str]) -> LMArrays:
    """Read a ``.npz`` written by `save_npz`, or a folder written by `save_folder` (see `unspun.engine.npzfile`).
    Raises `LMFormatError` on a damaged or foreign file."""
    path = Path(path)
    try:
        with open_arrays(path) as z:
            missing = [n for n in ("vocab", "meta") if n not in z.files]
            if missing:
                raise LMFormatError(f"{path}: not an unspun language model (missing {', '.join(missing)})")
            meta = json.loads(str(z["meta"][()]))
            if meta.get("format_version") != FORMAT_VERSION:
                raise LMFormatError(
                    f"{path}: format version {meta.get('format_version')}, expected {FORMAT_VERSION}; rebuild it"
                )
            vocab_blob = z["vocab"]
            try:
                fields = {name: _column(z, name) for name in _ARRAY_NAMES}
                fields.update({name: z[name] for name in _FILTER_NAMES if name in z.files})
            except LMFormatError as exc:
                raise LMFormatError(f"{path}: {exc}") from None
    except LMFormatError:
        raise
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise LMFormatError(f"{path}: cannot read language model arrays: {exc}") from exc
    vocab = vocab_blob.tobytes().decode("utf-8").split("\n") if len(vocab_blob) else []
    arrays = LMArrays(vocab=vocab, meta=meta, **fields)
    V = len(vocab)
    if any(len(fields[n]) != V for n in ("uni_logp", "uni_bo")) or not (
        len(fields["bi_keys"]) == len(fields["bi_logp"]) == len(fields["bi_bo"])
        and len(fields["tri_keys"]) == len(fields["tri_logp"])
    ):
        raise LMFormatError(f"{path}: array lengths do not match")
    for keys, bitmap in ((arrays.bi_keys, arrays.bi_filter), (arrays.tri_keys, arrays.tri_filter)):
        if bitmap is None:
            continue
        size = len(bitmap) * 8
        sample = np.asarray(keys[np.linspace(0, len(keys) - 1, min(len(keys), 1000)).astype(np.int64)])
        if bitmap.dtype != np.uint8 or size & (size - 1) or not filter_maybe(bitmap, sample).all():
            raise LMFormatError(f"{path}: a key filter does not match its keys")
    return arrays


# --------------------------------------------------------------------------------------------------- build


def build(
    source: str | os.PathLike[str], out: str | os.PathLike[str], *, folder: bool = False
) -> tuple[LMArrays, BuildStats]:
    """Read the model at `source` and write the ``.npz`` at `out` (with `folder`, the folder of ``.npy`` files
    of `save_folder`)."""
    t0 = time.perf_counter()
    arrays = read_model(source)
    arrays.meta.update(source_meta(Path(source)))
    t1 = time.perf_counter()
    size = save_folder(arrays, out) if folder else save_npz(arrays, out)
    t2 = time.perf_counter()
    V, B, T = arrays.counts()
    stats = BuildStats(
        source=str(source),
        out=str(out),
        unigrams=V,
        bigrams=B,
        trigrams=T,
        array_bytes=arrays.nbytes,
        file_bytes=size,
        read_seconds=t1 - t0,
        write_seconds=t2 - t1,
    )
    log.info(
        "built %s from %s: %d unigrams, %d bigrams, %d trigrams, %.1f MB, read %.2fs, write %.2fs",
        out, source, V, B, T, size / 1e6, stats.read_seconds, stats.write_seconds,
    )
    return arrays, stats


def source_meta(source: Path) -> dict[str, Any]:
    meta: dict[str, Any] = {"source": source.name, "source_bytes": source.stat().st_size}
    if source == find_pocketsphinx_lm():
        meta["pocketsphinx_version"] = pocketsphinx_version()
    return meta
