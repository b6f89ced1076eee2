"""Aligned pairs on disk, grouped by source, and the judgement of an edit against the original wording.

A folder of pairs holds `NAME.spun.txt` beside `NAME.original.txt`. Two spins of one source (the same article
spun twice) form one group: leave-one-pair-out evaluation leaves a whole group out, since what the spinner did
to one copy predicts the other copy too well. Groups are found from the texts, not from names: two originals
that share most of their word 5-grams are one source.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from unspun.engine.tokenize import tokenize

#: originals sharing at least this share of their word 5-grams are one source
SAME_SOURCE = 0.5


@dataclass(frozen=True)
class Pair:
    name: str
    spun: str
    original: str
    #: the pairs of one source share a group (the name of its first pair)
    group: str = ""


def find_pairs(folder: str | Path) -> list[Pair]:
    """Every NAME.spun.txt with a NAME.original.txt beside it, in name order, grouped by source."""
    folder = Path(folder)
    found = []
    for spun in sorted(folder.glob("*.spun.txt")):
        orig = spun.with_name(spun.name[: -len(".spun.txt")] + ".original.txt")
        if orig.is_file():
            found.append(
                Pair(spun.name[: -len(".spun.txt")], spun.read_text(encoding="utf-8"), orig.read_text(encoding="utf-8"))
            )
    return group_pairs(found)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [t.norm for t in tokenize(text)]
    return {tuple(words[i : i + 5]) for i in range(max(0, len(words) - 4))}


def group_pairs(pairs: Sequence[Pair]) -> list[Pair]:
    """The pairs with `group` set: a pair joins the group of an earlier pair whose original is the same source."""
    shingles = [_shingles(p.original) for p in pairs]
    groups: list[str] = []
    for i, p in enumerate(pairs):
        group = p.name
        for j in range(i):
            a, b = shingles[i], shingles[j]
            if a and b and len(a & b) / min(len(a), len(b)) >= SAME_SOURCE:
                group = groups[j]
                break
        groups.append(group)
    return [Pair(p.name, p.spun, p.original, g) for p, g in zip(pairs, groups)]


def folds(pairs: Sequence[Pair]) -> list[tuple[str, list[Pair], list[Pair]]]:
    """(group, its pairs, every other pair) for each group, in order."""
    names = list(dict.fromkeys(p.group for p in pairs))
    return [(g, [p for p in pairs if p.group == g], [p for p in pairs if p.group != g]) for g in names]


def _words(text: str) -> list[str]:
    return [t.norm for t in tokenize(text)]


def word_errors(text: str, reference: str) -> int:
    """Words to substitute, insert or delete to turn `text` into `reference` (an alignment, not a minimum)."""
    h, r = _words(text), _words(reference)
    sm = difflib.SequenceMatcher(None, h, r, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")


def edit_effects(spun: str, original: str, edits: Iterable[tuple[int, int, str]], window: int = 400) -> list[int]:
    """For each edit (start, end, new text) of `spun`, applied alone: -1 if it brings the text closer to the
    original, +1 if it takes it further away, 0 otherwise.

    Judged within a window of the text around the edit, aligned with the part of the original it matches, so
    that judging many edits of a long text stays cheap."""
    sw, ow = tokenize(spun), tokenize(original)
    sm = difflib.SequenceMatcher(None, [t.norm for t in sw], [t.norm for t in ow], autojunk=False)
    # map a spun word index to an original word index through the matching blocks
    blocks = sm.get_matching_blocks()
    out = []
    for start, end, new in edits:
        lo, hi = max(0, start - window), min(len(spun), end + window)
        # the original stretch lined up with spun[lo:hi]: from the matching blocks around the window's ends
        wi_lo = next((i for i, t in enumerate(sw) if t.end > lo), len(sw))
        wi_hi = next((i for i, t in enumerate(sw) if t.start >= hi), len(sw))
        oj_lo, oj_hi = _lined_up(blocks, wi_lo, len(ow), before=True), _lined_up(blocks, wi_hi, len(ow), before=False)
        o_lo = ow[oj_lo].start if oj_lo < len(ow) else len(original)
        o_hi = ow[oj_hi - 1].end if oj_hi > 0 else 0
        ref = original[o_lo:max(o_lo, o_hi)]
        part = spun[lo:hi]
        base = word_errors(part, ref)
        after = word_errors(part[: start - lo] + new + part[end - lo :], ref)
        out.append(-1 if after < base else (1 if after > base else 0))
    return out


def _lined_up(blocks, i: int, n: int, before: bool) -> int:
    """The original word index that spun word index `i` lines up with (the nearest matching block)."""
    best = 0 if before else n
    for a, b, size in blocks:
        if size == 0:
            continue
        if a <= i < a + size:
            return b + (i - a)
        if before and a + size <= i:
            best = b + size
        if not before and a > i:
            return b
    return best


def changed_spans(spun: str, original: str) -> list[tuple[int, int]]:
    """The stretches of `spun` (code-point spans) that differ from the original, word by word; a stretch the
    spinner deleted is an empty span where it was."""
    sw, ow = tokenize(spun), tokenize(original)
    sm = difflib.SequenceMatcher(None, [t.norm for t in sw], [t.norm for t in ow], autojunk=False)
    out = []
    for op, i1, i2, _j1, _j2 in sm.get_opcodes():
        if op == "equal":
            continue
        start = sw[i1].start if i1 < len(sw) else len(spun)
        out.append((start, sw[i2 - 1].end if i2 > i1 else start))
    return out


def on_spans(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of `spans` (an empty span counts when it lies inside)."""
    return any((s < end and start < e) or (s == e and start <= s < end) for s, e in spans)


def pairs_from_command_line(description: str, default_pairs: Path, default_out: Path):
    """(arguments, pairs) for a build script taking `--pairs DIR` and `--out FILE`; the pairs are empty (and a
    line says so on standard error) when DIR holds none."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--pairs", type=Path, default=default_pairs, help="folder of NAME.spun.txt beside NAME.original.txt")
    ap.add_argument("--out", type=Path, default=default_out)
    args = ap.parse_args()
    pairs = find_pairs(args.pairs) if args.pairs.is_dir() else []
    if not pairs:
        print(f"no aligned pairs in {args.pairs}", file=sys.stderr)
    return args, pairs
