"""Turning findings into edits, and applying them without touching anything else in the text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unspun.engine.model import Finding


@dataclass(frozen=True)
class Edit:
    start: int  # code-point offsets into the text the findings were computed on
    end: int
    new_text: str


def fix_edits(findings: Iterable[Finding], only_safe: bool = True) -> list[Edit]:
    """The best replacement of each (safe) finding, as non-overlapping edits sorted by position.

    Where findings overlap, the earlier one (then the more confident one) wins and the other is left alone.
    """
    chosen: list[Edit] = []
    last_end = -1
    for f in sorted(findings, key=lambda f: (f.start, -f.confidence, f.end)):
        if (only_safe and not f.safe_fix) or not f.replacements or f.start < last_end:
            continue
        if f.replacements[0] == f.text:
            continue
        chosen.append(Edit(f.start, f.end, f.replacements[0]))
        last_end = f.end
    return chosen


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits; raises ValueError if they overlap or fall outside the text."""
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos or e.end < e.start or e.end > len(text):
            raise ValueError(f"edit {e} overlaps another or lies outside the text")
        out.append(text[pos : e.start])
        out.append(e.new_text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def fix_text(text: str, findings: Iterable[Finding], only_safe: bool = True) -> str:
    return apply_edits(text, fix_edits(findings, only_safe))
