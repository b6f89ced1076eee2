"""The engine's result types: what every adapter (CLI, language server, batch runs) consumes.

Offsets are code-point offsets into the analysed text (Python string indices). Adapters convert them
(the language server to UTF-16 positions, the CLI to line/column pairs).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, overload


class Kind(str, Enum):
    """How a finding was earned."""

    #: a phrase no careful writer uses ("counterfeit consciousness"); flagged wherever it occurs
    FINGERPRINT = "fingerprint"
    #: an ordinary word or phrase that is only wrong in context ("mentioned" for "said"); flagged only
    #: when the document as a whole looks spun
    SUBSTITUTION = "substitution"
    #: accepted in old configurations (kinds, severities), never emitted: an article that fits the word the
    #: spinner removed ("a information convention") is evidence of a lexicon finding, not a finding of its own
    ARTICLE = "article"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


@dataclass(frozen=True)
class Evidence:
    """Why a finding was raised: which layer said so, and what it looked at."""

    layer: str  # "lexicon", "article", "language-model", ...
    source: str  # lexicon name ("news", "science", a user file) or model name
    detail: str = ""  # free text, e.g. "line 42" or "logP +3.1"


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    text: str
    replacements: tuple[str, ...]
    confidence: float
    kind: Kind
    rule: str
    message: str
    evidence: tuple[Evidence, ...] = ()
    #: the phrase in its lexicon form ("information convention"), used by allow-lists and ignores
    key: str = ""
    #: True when the best replacement may be applied without review (fix-all, fix on save)
    safe_fix: bool = True
    #: True for a substitution shown as a hint in a text that does not look spun (`Options.substitutions`
    #: "hint"): an editor shows it faintly, and no fix applies it without review
    hint: bool = False
    #: the evidence the calibrated estimates read (`unspun.engine.estimate.FEATURES`, in that order)
    features: tuple[float, ...] = field(default=(), compare=False, repr=False)

    @property
    def best(self) -> str | None:
        return self.replacements[0] if self.replacements else None


class Placement:
    """Where a paragraph's relative findings were last placed: one attribute, replaced whole (so a reader on
    another thread sees either the old placement or the new one)."""

    __slots__ = ("placement",)

    def __init__(self) -> None:
        self.placement: tuple[int, Sequence[Finding], list[Finding]] | None = None


class Findings(Sequence[Finding]):
    """The findings of an analysis in document order, placed paragraph by paragraph when first needed.

    The engine keeps each paragraph's findings relative to the paragraph; a keystroke moves every paragraph
    after it, and moving thousands of findings that nobody looks at (only the first screenful is shown) was
    most of the cost of an edit. Here a paragraph's findings are moved when something reads them, and a
    paragraph that has not moved since its last placement reuses it. Compares equal to a tuple of the same
    findings."""

    __slots__ = ("_parts", "_firsts", "_total", "_placed")

    def __init__(
        self,
        findings: Sequence[Finding] = (),
        parts: Sequence[tuple[int, int, Sequence[Finding], Placement | None]] | None = None,
    ):
        """`findings` (absolute), or `parts`: (base, end, relative findings, placement cell) per paragraph in
        document order, `end` being the paragraph's end offset."""
        if parts is None:
            parts = [(0, max(f.end for f in findings), tuple(findings), None)] if findings else []
        self._parts = [p for p in parts if p[2]]
        firsts: list[int] = []
        total = 0
        for part in self._parts:
            firsts.append(total)
            total += len(part[2])
        self._firsts = firsts
        self._total = total
        self._placed: list[Sequence[Finding] | None] = [None] * len(self._parts)

    def _part(self, k: int) -> Sequence[Finding]:
        placed = self._placed[k]
        if placed is not None:
            return placed
        base, _end, relative, cell = self._parts[k]
        if base == 0:
            placed = relative
        else:
            last = cell.placement if cell is not None else None
            if last is not None and last[0] == base and last[1] is relative:
                placed = last[2]
            else:
                placed = [_moved(f, base) for f in relative]
                if cell is not None:
                    cell.placement = (base, relative, placed)
        self._placed[k] = placed
        return placed

    def __len__(self) -> int:
        return self._total

    def __bool__(self) -> bool:
        return self._total > 0

    def __iter__(self) -> Iterator[Finding]:
        for k in range(len(self._parts)):
            yield from self._part(k)

    @overload
    def __getitem__(self, i: int) -> Finding: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Finding, ...]: ...
    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._total)
            if step != 1 or start >= stop:
                return tuple(self)[i]
            out: list[Finding] = []
            k = bisect_right(self._firsts, start) - 1
            while k < len(self._parts) and self._firsts[k] < stop:
                first = self._firsts[k]
                part = self._part(k)
                out.extend(part[max(0, start - first) : stop - first])
                k += 1
            return tuple(out)
        if i < 0:
            i += self._total
        if not 0 <= i < self._total:
            raise IndexError("finding index out of range")
        k = bisect_right(self._firsts, i) - 1
        return self._part(k)[i - self._firsts[k]]

    def chunks(self, limit: int | None = None) -> list[tuple[int, Sequence[Finding], int]]:
        """The first `limit` findings (all with None) as they are kept: (base, relative findings, n) per
        paragraph, the first n of its relative findings counting, each at its offsets plus `base`. Nothing is
        placed: a reader that keeps what it makes of a paragraph's findings can reuse it wherever the
        paragraph moves."""
        out: list[tuple[int, Sequence[Finding], int]] = []
        left = self._total if limit is None else max(0, min(limit, self._total))
        for base, _end, relative, _cell in self._parts:
            if left <= 0:
                break
            n = min(len(relative), left)
            out.append((base, relative, n))
            left -= n
        return out

    def moved(self, delta: int) -> list[Finding]:
        """Every finding, each at its offsets plus `delta` (copies made for the caller: no placement is kept)."""
        return [_moved(f, base + delta) for base, _end, relative, _cell in self._parts for f in relative]

    def overlapping(self, start: int, end: int) -> list[Finding]:
        """Findings touching [start, end] (a cursor at either edge of a finding counts), reading only the
        paragraphs that can hold them."""
        out: list[Finding] = []
        for k, (base, part_end, _rel, _cell) in enumerate(self._parts):
            if base > end:
                break  # this paragraph, and every later one, starts after the span
            if part_end < start:
                continue
            out.extend(f for f in self._part(k) if f.start <= end and start <= f.end)
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Findings, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Findings({list(self)!r})"


def _moved(f: Finding, delta: int) -> Finding:
    """`f` with its span moved by `delta` (a copy of its fields: far cheaper than the frozen constructor)."""
    g = object.__new__(Finding)
    d = g.__dict__
    d.update(f.__dict__)
    d["start"] = f.start + delta
    d["end"] = f.end + delta
    return g


class ParagraphScores(Sequence[tuple[int, int, float]]):
    """Per-paragraph spin scores, (start, end, score) in document order, worked out when first read: a
    keystroke in a long document is analysed again as a whole, and seldom asks for them. `rate` turns a
    paragraph's evidence and words into its score. Compares equal to any sequence of the same scores."""

    __slots__ = ("_spans", "_evidence", "_words", "_rate", "_scores")

    def __init__(self, spans: Sequence[tuple[int, int]], evidence: Sequence[float], words: Sequence[int], rate) -> None:
        if not len(spans) == len(evidence) == len(words):
            raise ValueError("one span, one evidence and one word count per paragraph")
        self._spans, self._evidence, self._words, self._rate = spans, evidence, words, rate
        self._scores: tuple[tuple[int, int, float], ...] | None = None

    def _all(self) -> tuple[tuple[int, int, float], ...]:
        if self._scores is None:
            rate = self._rate
            self._scores = tuple(
                (s, e, rate(ev, n)) for (s, e), ev, n in zip(self._spans, self._evidence, self._words)
            )
        return self._scores

    def __len__(self) -> int:
        return len(self._spans)

    @overload
    def __getitem__(self, i: int) -> tuple[int, int, float]: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[tuple[int, int, float], ...]: ...
    def __getitem__(self, i):
        return self._all()[i]

    def __iter__(self) -> Iterator[tuple[int, int, float]]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ParagraphScores):
            other = other._all()
        return isinstance(other, Sequence) and not isinstance(other, str) and self._all() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ParagraphScores({list(self._all())!r})"


@dataclass(frozen=True)
class Analysis:
    """Everything the engine says about one text."""

    text: str
    #: in document order (a `Findings`, placed lazily; a tuple works too)
    findings: Sequence[Finding]
    #: likely substitutions per 100 words (see `unspun.engine.spinscore`)
    spin_score: float
    #: True when `spin_score` passed the configured threshold, i.e. the text looks machine-spun
    spun: bool
    word_count: int
    #: per-paragraph spin scores: (start, end, score) (a `ParagraphScores`; a tuple works too)
    paragraphs: Sequence[tuple[int, int, float]] = field(default=())
    #: words of the paragraphs whose open-vocabulary findings are left out of this analysis (only a quick
    #: analysis, see `Engine.analyze`, leaves any out): 0 means the findings are complete
    deferred_words: int = 0

    def worded_paragraphs(self) -> Iterator[tuple[int, int, float]]:
        """The paragraphs (start, end, spin score) that are not blank, each span trimmed of the white space around
        it (a paragraph's span takes in the blank lines around it): what a user is shown."""
        text = self.text
        for start, end, score in self.paragraphs:
            body = text[start:end]
            inner = body.strip()
            if inner:
                lead = len(body) - len(body.lstrip())
                yield start + lead, start + lead + len(inner), score

    def paragraph_at(self, offset: int) -> tuple[int, int, float] | None:
        """The paragraph holding `offset`, as (start, end, spin score): the last one starting at or before it
        (paragraphs cover the whole text, blank lines included). None before the first or in a text without
        any, and past the end of the last."""
        paras = self.paragraphs
        lo, hi = 0, len(paras)
        while lo < hi:  # the number of paragraphs starting at or before offset
            mid = (lo + hi) // 2
            if paras[mid][0] <= offset:
                lo = mid + 1
            else:
                hi = mid
        if lo == 0 or offset > paras[lo - 1][1]:
            return None
        return paras[lo - 1]
