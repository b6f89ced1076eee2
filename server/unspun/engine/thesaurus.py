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
import os
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from sys import intern

__all__ = ["DEFAULT_RESOURCE", "Thesaurus", "ThesaurusError", "default_thesaurus"]

#: the shipped index, relative to the ``unspun.data`` package
DEFAULT_RESOURCE = ("thesaurus", "moby-synonyms.tsv.gz")


class ThesaurusError(ValueError):
    """A thesaurus file is malformed."""


def _normalize(word: str) -> str:
    return word.strip().lower().replace("\u2019", "'")


class Thesaurus:
    """An immutable synonym index. Build it with `Thesaurus.load` or from a mapping."""

    def __init__(self, entries: dict[str, tuple[str, ...]], *, source: str = "") -> None:
        self._entries = entries
        self.source = source
        self._reverse: dict[str, tuple[str, ...]] | None = None
        self._reverse_lock = threading.Lock()

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Thesaurus:
        """Load a thesaurus file; with no `path`, the index shipped with unspun.

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
                return cls._read(Path(real), "unspun.data/" + "/".join(DEFAULT_RESOURCE))
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"thesaurus file not found: {path}")
        return cls._read(path, str(path))

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
            # interned: each word is stored once however many lists it appears in (a third of the memory)
            synonyms = tuple(intern(s) for s in (_normalize(s) for s in rest.split("|")) if s and s != word)
            entries[intern(word)] = synonyms
        return entries

    # ----------------------------------------------------------------------------------------------- lookups

    def synonyms(self, word: str) -> tuple[str, ...]:
        """The synonyms of `word`, best first; empty when the word is not in the index."""
        found = self._entries.get(word)
        if found is None:
            found = self._entries.get(_normalize(word), ())
        return found

    def reverse(self, word: str) -> tuple[str, ...]:
        """The words whose synonym lists contain `word`, in index order (sorted by word)."""
        if self._reverse is None:
            with self._reverse_lock:
                if self._reverse is None:
                    self._reverse = self._build_reverse()
        found = self._reverse.get(word)
        if found is None:
            found = self._reverse.get(_normalize(word), ())
        return found

    def _build_reverse(self) -> dict[str, tuple[str, ...]]:
        lists: dict[str, list[str]] = {}
        for word in sorted(self._entries):
            for synonym in self._entries[word]:
                lists.setdefault(synonym, []).append(word)
        return {synonym: tuple(words) for synonym, words in lists.items()}

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in self._entries or _normalize(word) in self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

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
