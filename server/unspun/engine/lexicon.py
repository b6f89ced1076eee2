"""Lexicons: loading the TSV files (see docs/lexicon-format.md) into typed entries.

Loading never raises on a bad line: each malformed line becomes a `Problem` naming the file and line, and the
rest of the file loads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from unspun.engine.model import Kind
from unspun.engine.tokenize import phrase_words

#: the support column of a written entry whose phrase aligned pairs were searched for: this word, then the counts
WRITTEN_SUPPORT = "written"
COLUMNS = ("tortured", "expected", "kind", "confidence", "inflect", "require", "exclude", "note", "support")
FORMAT_VERSION = 1
_DEFAULT_CONFIDENCE = {Kind.FINGERPRINT: 0.9, Kind.SUBSTITUTION: 0.6}
_INFLECTIONS = ("", "-", "noun")
_KINDS = {k.value: k for k in Kind}


@dataclass(frozen=True)
class Entry:
    tortured: str
    expected: tuple[str, ...]
    kind: Kind
    confidence: float
    inflect: str = ""
    require: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    note: str = ""
    lexicon: str = ""
    line: int = 0
    #: for a learned entry, what it was learned from: (times the spinner wrote it, times it was seen in spun
    #: text, pairs it was written in, times it was written for the first expected phrase); None for a written
    #: entry
    support: tuple[int, int, int, int] | None = None
    #: for a written entry, the same four counts as aligned pairs show them for its tortured phrase and first
    #: expected phrase (the support column `written CHANGED/SEEN/PAIRS/FIRST`); the entry stays a written one
    observed: tuple[int, int, int, int] | None = None

    @cached_property
    def words(self) -> tuple[str, ...]:
        """The normalized words of the tortured phrase (computed once)."""
        return phrase_words(self.tortured)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Lexicon:
    name: str
    entries: list[Entry] = field(default_factory=list)
    path: str = ""

    def __len__(self) -> int:
        return len(self.entries)


class LexiconError(Exception):
    """A lexicon file that cannot be used at all (missing, unreadable, not UTF-8, no header)."""


def parse_lexicon(text: str, path: str = "<string>", name: str | None = None) -> tuple[Lexicon, list[Problem]]:
    problems: list[Problem] = []
    lex = Lexicon(name or Path(path).stem, path=path)
    header_seen = False
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            key, _, value = body.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "name" and value:
                lex.name = value
            elif key == "format" and value and value != str(FORMAT_VERSION):
                problems.append(Problem(path, lineno, f"format {value!r} is not supported (expected {FORMAT_VERSION}); reading it as format {FORMAT_VERSION}"))
            continue
        cols = line.split("\t")
        if not header_seen:
            header_seen = True
            names = tuple(c.strip().lower() for c in cols)
            if names == COLUMNS[: len(names)] and len(names) >= 2:
                continue
            problems.append(Problem(path, lineno, "missing header line (" + "\\t".join(COLUMNS) + "); treating this line as an entry"))
        entry, problem = _parse_entry(cols, lex.name, path, lineno)
        if problem:
            problems.append(problem)
            continue
        key = " ".join(entry.words)
        if key in seen:
            problems.append(Problem(path, lineno, f"duplicate entry {entry.tortured!r} (first on line {seen[key]}); keeping the first"))
            continue
        seen[key] = lineno
        lex.entries.append(entry)
    return lex, problems


def _parse_entry(cols: list[str], lexname: str, path: str, lineno: int) -> tuple[Entry | None, Problem | None]:
    def bad(msg: str):
        return None, Problem(path, lineno, msg)

    if len(cols) > len(COLUMNS):
        return bad(f"{len(cols)} columns, at most {len(COLUMNS)} expected ({', '.join(COLUMNS)})")
    cols = [c.strip() for c in cols]
    if len(cols) < len(COLUMNS):
        cols += [""] * (len(COLUMNS) - len(cols))
    tortured, expected, kind_s, conf_s, inflect, require, exclude, note, support_s = cols
    words = phrase_words(tortured) if tortured else ()
    if not words:
        return bad("empty tortured phrase")
    alts = tuple(a.strip() for a in expected.split("|") if a.strip())
    if not alts:
        return bad(f"no expected phrase for {tortured!r}")
    kind = _KINDS.get(kind_s.lower()) if kind_s else Kind.FINGERPRINT
    if kind is None:
        return bad(f"unknown kind {kind_s!r} (use fingerprint or substitution)")
    if kind not in _DEFAULT_CONFIDENCE:
        return bad(f"kind {kind_s!r} cannot be used in a lexicon (use fingerprint or substitution)")
    if conf_s:
        try:
            confidence = float(conf_s)
        except ValueError:
            return bad(f"confidence {conf_s!r} is not a number")
        if not 0.0 <= confidence <= 1.0:
            return bad(f"confidence {conf_s} is outside [0, 1]")
    else:
        confidence = _DEFAULT_CONFIDENCE[kind]
    support = observed = None
    if support_s:
        written, _, counts = support_s.rpartition(" ")
        parts = counts.split("/")
        if written.strip() not in ("", WRITTEN_SUPPORT) or len(parts) != 4 or not all(p.isdigit() for p in parts):
            return bad(
                f"support {support_s!r} is not CHANGED/SEEN/PAIRS/FIRST (four whole numbers),"
                f" or {WRITTEN_SUPPORT} CHANGED/SEEN/PAIRS/FIRST for a written entry"
            )
        numbers = (int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3]))
        if written.strip():
            observed = numbers
        else:
            support = numbers
    how = inflect.lower()
    if how not in _INFLECTIONS:
        return bad(f"unknown inflect value {inflect!r} (use noun or -)")
    entry = Entry(
        tortured=tortured,
        expected=alts,
        kind=kind,
        confidence=confidence,
        inflect="" if how == "-" else how,
        require=_terms(require) if require else (),
        exclude=_terms(exclude) if exclude else (),
        note=note,
        lexicon=lexname,
        line=lineno,
        support=support,
        observed=observed,
    )
    entry.__dict__["words"] = words  # the cached `words`, already computed
    return entry, None


def _terms(s: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in s.split(";") if t.strip())


def load_lexicon(path: str | os.PathLike[str]) -> tuple[Lexicon, list[Problem]]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise LexiconError(f"{p}: lexicon file not found") from None
    except IsADirectoryError:
        raise LexiconError(f"{p}: is a directory, not a lexicon file") from None
    except OSError as e:
        raise LexiconError(f"{p}: cannot read lexicon: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LexiconError(f"{p}: lexicon is not valid UTF-8 (byte {e.start})") from None
    if "\x00" in text:
        raise LexiconError(f"{p}: lexicon looks like a binary file")
    return parse_lexicon(text, str(p))


BUILTIN_LEXICONS = ("news", "science")


def builtin_lexicon(name: str) -> Lexicon:
    ref = resources.files("unspun.data").joinpath("lexicons", f"{name}.tsv")
    lex, problems = parse_lexicon(ref.read_text(encoding="utf-8"), f"unspun/data/lexicons/{name}.tsv", name)
    if problems:  # shipped data is checked by the tests; never fail a user over it
        import logging

        for p in problems:
            logging.getLogger("unspun").warning("%s", p)
    return lex


def builtin_lexicons() -> list[Lexicon]:
    return [builtin_lexicon(n) for n in BUILTIN_LEXICONS]
