"""Turning findings into edits, and applying them without touching anything else in the text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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


#: fix-all analyses its own result again at most this many times (see `fix_until_stable`)
MAX_ROUNDS = 4


def compose_edits(text: str, first: Sequence[Edit], then: Sequence[Edit]) -> list[Edit]:
    """Edits of `text` that do what `first` and then `then` (edits of the text `first` produced) do together.

    An edit of the second round that touches the output of one of the first joins it into one edit, whose span
    is the union in `text`; the others keep their spans."""
    middle = apply_edits(text, first)
    outputs = []  # the first round's edits where they stand in the middle text
    shift = 0
    for e in sorted(first, key=lambda e: (e.start, e.end)):
        s = e.start + shift
        outputs.append((s, s + len(e.new_text), e))
        shift += len(e.new_text) - (e.end - e.start)
    items = [(s, t, "first", e) for s, t, e in outputs] + [(e.start, e.end, "then", e) for e in then]
    items.sort(key=lambda i: (i[0], i[1]))
    clusters: list[list] = []
    for item in items:
        if clusters and item[0] <= clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], item[1])
            clusters[-1][2].append(item)
        else:
            clusters.append([item[0], item[1], [item]])

    def back(pos: int, at_end: bool) -> int:
        """A position of the middle text that no first-round output strictly contains, in `text`."""
        if at_end:
            ends = [e.end for s, t, e in outputs if t == pos]
            if ends:
                return max(ends)
        else:
            starts = [e.start for s, t, e in outputs if s == pos]
            if starts:
                return min(starts)
        return pos - sum(len(e.new_text) - (e.end - e.start) for s, t, e in outputs if t <= pos)

    out = []
    for lo, hi, members in clusters:
        seconds = [m[3] for m in members if m[2] == "then"]
        if not seconds:
            out.extend(m[3] for m in members)
            continue
        new = apply_edits(middle[lo:hi], [Edit(e.start - lo, e.end - lo, e.new_text) for e in seconds])
        out.append(Edit(back(lo, False), back(hi, True), new))
    return sorted(out, key=lambda e: (e.start, e.end))


def fix_until_stable(
    text: str, findings_of: Callable[[str], Iterable[Finding]], only_safe: bool = True, rounds: int = MAX_ROUNDS
) -> tuple[str, list[Edit]]:
    """The fixed text and its edits (of `text`), after fixing the text's findings and then those of the result,
    until a round finds nothing more to fix (at most `rounds` rounds).

    A fix changes the context of the words around it, and so what they look like: "time period sheets" ->
    "term sheets" may make "sheets" beside "term" look spun. Fixing once would leave such a finding for the next
    run, so fix-all on save would go on changing the text save after save; here one run reaches the text that
    fix-all leaves as it is."""
    edits: list[Edit] = []
    current = text
    for _ in range(rounds):
        more = fix_edits(findings_of(current), only_safe)
        if not more:
            break
        edits = compose_edits(text, edits, more) if edits else more
        current = apply_edits(text, edits)
    return current, edits
