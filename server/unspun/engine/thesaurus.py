"""The synonym index: word -> ranked synonyms, and the reverse (which words list a given synonym).

The shipped index, ``unspun/data/thesaurus/moby-synonyms.tsv.gz``, is built from the public-domain Moby Thesaurus
by ``scripts/build_thesaurus.py`` (see docs/data-pipeline.md). Its format is gzip-compressed UTF-8 text: ``#``
comment lines, then one line per word, ``word<TAB>synonym|synonym|...``, best synonym first. Words and synonyms
are lowercase; a synonym may be a short phrase ("cut short", "up-to-date"). A plain (not gzipped) file of the
same format loads too.

Lookups are case-insensitive and treat a typographic apostrophe as a straight one. Unknown words have no
synonyms (an empty tuple), never an error.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import operator
import os
import threading
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from itertools import islice
from pathlib import Path

import numpy as np

from unspun.engine.npzfile import StoredNpz

__all__ = ["DEFAULT_RESOURCE", "Thesaurus", "ThesaurusError", "default_thesaurus"]

log = logging.getLogger("unspun.engine")

#: the shipped index, relative to the ``unspun.data`` package
DEFAULT_RESOURCE = ("thesaurus", "moby-synonyms.tsv.gz")
#: the index built from the shipped file, stored beside it in the form it is read (scripts/build_thesaurus.py)
SHIPPED_INDEX = "moby-synonyms.index.npz"
#: look-ups answered by binary search before the word -> number dict is built (see `Thesaurus._init`)
SEARCHED_LOOKUPS = 8192
#: bump when the cached array layout changes
_CACHE_FORMAT = 2


class ThesaurusError(ValueError):
    """A thesaurus file is malformed."""


def _normalize(word: str) -> str:
    return word.strip().lower().replace("\u2019", "'")


class Thesaurus:
    """An immutable synonym index. Build it with `Thesaurus.load` or from a mapping.

    Stored compactly: every distinct word once (a list, and a dict to its number), the synonym lists as one
    int32 array cut by offsets (CSR), and the reverse lists the same way, derived with numpy on first need.
    That is about 20 MB for the shipped index, against about 55 MB as Python tuples, and it loads from the
    per-user cache in a few tens of milliseconds."""

    def __init__(self, entries: Mapping[str, tuple[str, ...]], *, source: str = "") -> None:
        words = sorted(set(entries) | {s for syns in entries.values() for s in syns})
        index = {w: i for i, w in enumerate(words)}
        heads = np.zeros(len(words), dtype=bool)
        counts = np.zeros(len(words), dtype=np.int64)
        flat: list[int] = []
        for w in words:  # rows in word order
            syns = entries.get(w)
            if syns is None:
                continue
            i = index[w]
            heads[i] = True
            counts[i] = len(syns)
            flat.extend(index[s] for s in syns)
        indptr = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        self._init(words, index, heads, indptr, np.asarray(flat, dtype=np.int32), source)

    def _init(self, words, index, heads, indptr, ids, source) -> None:
        self._words: list[str] = words
        #: word -> number; None until `SEARCHED_LOOKUPS` look-ups have been made by binary search in the
        #: (sorted) word list: building the dict takes about 20 ms, more than a short run's look-ups
        self._index: dict[str, int] | None = index
        self._searched = 0
        self._ordered: bool | None = None
        self._heads = heads
        self._indptr = indptr
        self._ids = ids
        self.source = source
        #: the `digest_of` the file this index was loaded from (None for one made in memory or read directly)
        self.digest: str | None = None
        self._heads_count = int(heads.sum())
        self._reverse: tuple[np.ndarray, np.ndarray] | None = None
        self._reverse_lock = threading.Lock()
        #: the per-user cache file holding the reverse lists, when they come from there
        self._reverse_file: Path | None = None

    def _read_reverse(self, path: Path) -> tuple[np.ndarray, np.ndarray] | None:
        """The reverse lists from the cache file, or None (then they are derived) if it cannot be read or does
        not fit this index."""
        try:
            with StoredNpz(path) as z:
                ptr, ids = z["rev_ptr"], z["rev_ids"]
        except (OSError, ValueError, KeyError) as exc:
            log.warning("cannot read the reverse lists from %s (%s); deriving them", path, exc)
            return None
        if len(ptr) == len(self._words) + 1 and ptr[-1] == len(ids) == len(self._ids):
            return ptr, ids
        log.warning("reverse lists in %s do not fit the index; deriving them", path)
        return None

    @classmethod
    def _from_arrays(cls, words: list[str], heads, indptr, ids, source: str) -> Thesaurus:
        t = cls.__new__(cls)
        t._init(words, None, heads, indptr, ids, source)
        return t

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Thesaurus:
        """Load a thesaurus file; with no `path`, the index shipped with unspun (through the per-user cache).

        Raises FileNotFoundError when the file does not exist and `ThesaurusError` (naming the file and line) when
        a line is malformed.
        """
        if path is None:
            resource = resources.files("unspun.data")
            for part in DEFAULT_RESOURCE:  # one part per joinpath call: several at once need Python 3.11
                resource = resource.joinpath(part)
            if not resource.is_file():
                raise FileNotFoundError(
                    f"the shipped thesaurus {'/'.join(DEFAULT_RESOURCE)} is missing from the unspun.data package "
                    "(rebuild it with scripts/build_thesaurus.py)"
                )
            with resources.as_file(resource) as real:
                return cls._cached(Path(real), "unspun.data/" + "/".join(DEFAULT_RESOURCE))
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"thesaurus file not found: {path}")
        return cls._read(path, str(path))

    @staticmethod
    def digest_of(path: Path) -> str:
        """What names a thesaurus file's content in the name of its cached index and inside a shipped one."""
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]

    @classmethod
    def _from_index(cls, index: Path, label: str, digest: str | None = None) -> Thesaurus | None:
        """The index stored at `index` (by `write_index`), or None when it cannot be read, does not hold
        consistent arrays, or (given `digest`) was built from another file."""
        try:
            with StoredNpz(index) as z:
                if digest is not None and ("source" not in z.files or str(z["source"][()]) != digest):
                    return None
                words = z["words"].tobytes().decode("utf-8").split("\n")
                t = cls._from_arrays(words, z["heads"], z["indptr"], z["ids"], label)
                if "rev_ptr" not in z.files or "rev_ids" not in z.files:
                    raise KeyError("no reverse lists")
            if len(t._indptr) == len(words) + 1 and t._indptr[-1] == len(t._ids):
                t._reverse_file = index  # read on first use: a clean text never needs them
                return t
            log.warning("ignoring inconsistent thesaurus index %s", index)
        except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
            log.warning("ignoring unreadable thesaurus index %s (%s)", index, exc)
        return None

    def write_index(self, out: Path, digest: str) -> None:
        """Store this index (with its reverse lists, and `digest`, the source file's `digest_of`) as the
        uncompressed ``.npz`` that `_from_index` reads, atomically."""
        rev = self._reverse_arrays()
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp.npz")
        try:
            np.savez(
                tmp, words=np.frombuffer("\n".join(self._words).encode("utf-8"), dtype=np.uint8),
                heads=self._heads, indptr=self._indptr, ids=self._ids, rev_ptr=rev[0], rev_ids=rev[1],
                source=np.array(digest),
            )
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    @classmethod
    def _cached(cls, path: Path, label: str) -> Thesaurus:
        """The file's index: the one shipped beside it (`SHIPPED_INDEX`, built by scripts/build_thesaurus.py)
        when it was built from this very file, else the per-user cache (keyed by the file's content), converting
        the file on first use."""
        from unspun.engine.langmodel import cache_dir, remove_stale

        digest = cls.digest_of(path)
        shipped = path.with_name(SHIPPED_INDEX)
        if shipped.is_file():
            t = cls._from_index(shipped, label, digest)
            if t is not None:
                t.digest = digest
                return t
        cached = cache_dir() / f"thesaurus-{_CACHE_FORMAT}-{digest}.npz"
        if cached.is_file():
            t = cls._from_index(cached, label)
            if t is not None:
                t.digest = digest
                return t
        t = cls._read(path, label)
        t.digest = digest
        try:
            t.write_index(cached, digest)  # the reverse lists too: computing them is most of a short run's start-up
            remove_stale(cached.parent, f"thesaurus-*-{digest}.npz", keep=cached)
        except OSError as exc:
            log.warning("cannot cache the thesaurus at %s (%s); using it without a cache", cached, exc)
        return t

    @classmethod
    def _read(cls, path: Path, label: str) -> Thesaurus:
        with open(path, "rb") as f:
            gzipped = f.read(2) == b"\x1f\x8b"
        try:
            if gzipped:
                with gzip.open(path, "rb") as f:
                    data = f.read()
            else:
                data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, EOFError) as exc:
            raise ThesaurusError(f"{label}: cannot read: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ThesaurusError(f"{label}: not UTF-8 text: {exc}") from exc
        return cls(cls._parse(text, label), source=label)

    @staticmethod
    def _parse(text: str, label: str) -> dict[str, tuple[str, ...]]:
        entries: dict[str, tuple[str, ...]] = {}
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line or line.startswith("#"):
                continue
            word, tab, rest = line.partition("\t")
            if not tab:
                raise ThesaurusError(f"{label}:{lineno}: expected 'word<TAB>synonym|synonym|...', got {line[:60]!r}")
            word = _normalize(word)
            if not word:
                raise ThesaurusError(f"{label}:{lineno}: empty word")
            if word in entries:
                raise ThesaurusError(f"{label}:{lineno}: {word!r} is listed twice")
            entries[word] = tuple(s for s in (_normalize(s) for s in rest.split("|")) if s and s != word)
        return entries

    # ----------------------------------------------------------------------------------------------- lookups

    def word_id(self, word: str) -> int:
        """The number of `word` in the index (-1 when it is in no list)."""
        index = self._index
        if index is not None:  # (the common case, asked thousands of times per document: no further calls)
            i = index.get(word)
            return index.get(_normalize(word), -1) if i is None else i
        i = self.exact_id(word)
        return self.exact_id(_normalize(word)) if i < 0 else i

    def word(self, i: int) -> str:
        return self._words[i]

    @property
    def words(self) -> Sequence[str]:
        """Every word by its number (read-only: do not change it)."""
        return self._words

    def exact_id(self, word: str) -> int:
        """The number of exactly this string (no normalizing), -1 when absent."""
        index = self._index
        if index is None:
            words = self._words
            if self._ordered is None:
                self._ordered = all(map(operator.lt, words, islice(words, 1, None)))
            self._searched += 1
            if self._ordered and self._searched <= SEARCHED_LOOKUPS:
                i = bisect_left(words, word)
                return i if i < len(words) and words[i] == word else -1
            index = self._index = {w: i for i, w in enumerate(words)}
        return index.get(word, -1)

    def index_words(self) -> None:
        """Build the word -> number dict now rather than after `SEARCHED_LOOKUPS` look-ups (see
        `TrigramModel.index_words`)."""
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self._words)}

    def share_words(self, same: Mapping[str, str]) -> None:
        """Swap each word that is a key of `same` for its value, an equal string (another index's object for
        the same word: one object per word instead of one per index). The words stay equal and in place."""
        words = self._words
        get = same.get
        words[:] = map(get, words, words)
        if self._index is not None:
            self._index = {w: i for i, w in enumerate(words)}

    @property
    def size(self) -> int:
        """How many word numbers there are (words with a list, and words only listed)."""
        return len(self._words)

    def find_in_lists(self, owners: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each word number in `owners` (-1: no word): the length of its synonym list, and the position in
        it of the first of that owner's `targets` (a row of word numbers, -1 for none; shape (owners, k)), the
        length when none is there. Vectorised over all owners at once."""
        owners = np.asarray(owners, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64).reshape(len(owners), -1)
        lengths, values = self._gather(self._indptr, self._ids, owners)
        first = lengths.copy()
        total = len(values)
        if total:
            row = np.repeat(np.arange(len(owners)), lengths)
            local = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            hit = np.zeros(total, dtype=bool)
            for col in targets.T:
                hit |= values == np.where(col >= 0, col, -2)[row]
            if hit.any():
                np.minimum.at(first, row[hit], local[hit])
        return lengths, first

    @staticmethod
    def _gather(indptr: np.ndarray, flat: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The lengths of CSR rows `rows` (-1: an empty row) and their entries, concatenated in that order."""
        valid = rows >= 0
        safe = np.where(valid, rows, 0)
        starts = indptr[safe]
        lengths = np.where(valid, indptr[safe + 1] - starts, 0)
        total = int(lengths.sum())
        if not total:
            return lengths, flat[:0]
        offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return lengths, flat[np.repeat(starts, lengths) + offsets]

    def synonym_ids(self, i: int) -> np.ndarray:
        """The numbers of the synonyms of word number `i`, best first (a read-only view)."""
        return self._ids[self._indptr[i] : self._indptr[i + 1]]

    def reverse_ids(self, i: int) -> np.ndarray:
        """The numbers of the words whose synonym lists contain word number `i`, in word order."""
        rev_ptr, rev_ids = self._reverse_arrays()
        return rev_ids[rev_ptr[i] : rev_ptr[i + 1]]

    def reverse_lists(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`reverse_ids` of several word numbers at once: the length of each list, and the lists concatenated."""
        rev_ptr, rev_ids = self._reverse_arrays()
        return self._gather(rev_ptr, rev_ids, np.asarray(ids, dtype=np.int64))

    def synonyms(self, word: str) -> tuple[str, ...]:
        """The synonyms of `word`, best first; empty when the word is not in the index."""
        i = self.word_id(word)
        if i < 0:
            return ()
        words = self._words
        return tuple(words[k] for k in self.synonym_ids(i).tolist())

    def reverse(self, word: str) -> tuple[str, ...]:
        """The words whose synonym lists contain `word`, in index order (sorted by word)."""
        i = self.word_id(word)
        if i < 0:
            return ()
        words = self._words
        return tuple(words[k] for k in self.reverse_ids(i).tolist())

    def _reverse_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._reverse is None:
            with self._reverse_lock:
                if self._reverse is None and self._reverse_file is not None:
                    self._reverse = self._read_reverse(self._reverse_file)
                if self._reverse is None:
                    n = len(self._words)
                    owners = np.repeat(np.arange(n, dtype=np.int32), np.diff(self._indptr))
                    order = np.argsort(self._ids, kind="stable")  # stable: owners stay in word order
                    ptr = np.zeros(n + 1, dtype=np.int64)
                    np.cumsum(np.bincount(self._ids, minlength=n), out=ptr[1:])
                    self._reverse = (ptr, owners[order])
        return self._reverse

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        i = self.word_id(word)
        return i >= 0 and bool(self._heads[i])

    def __len__(self) -> int:
        return self._heads_count

    def __iter__(self) -> Iterator[str]:
        words = self._words
        return (words[i] for i in np.flatnonzero(self._heads).tolist())

    def __repr__(self) -> str:
        return f"Thesaurus({self.source or 'in memory'!r}, {len(self)} words)"


_default: Thesaurus | None = None
_default_lock = threading.Lock()


def default_thesaurus() -> Thesaurus:
    """The shipped index, loaded once per process."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Thesaurus.load()
    return _default
