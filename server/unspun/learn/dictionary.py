"""The spinner's dictionary, learned from aligned pairs: spun form -> the original wording it replaced.

Every spun form seen in the edits of the pairs is counted: how often the spinner wrote it for each original
(`changed`), and how often the same words stand in the spun texts where the spinner left the text alone
(`kept`: honest uses). An entry is kept when the spinner wrote it at least `min_changed` times and most of its
occurrences in spun text are spins (`min_precision`); its confidence is that share, smoothed
(changed / (changed + kept + 1)), so a form seen twice and never honestly gets 0.67 and one seen twenty times
gets 0.95.

Entries are substitutions: reported in texts that look spun, confirmed by the language model like every lexicon
substitution. Never fingerprints: even a phrase that was a spin every time it was seen ("turn into" for
"become", "end result" for "outcome") is honest English elsewhere, and on clean prose learned fingerprints were
most of the false alarms. The support column records the counts, so that the evidence of an entry travels with
it (see docs/lexicon-format.md).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unspun.engine.tokenize import phrase_words
from unspun.learn.align import PairObservations

#: a spun form must have been written for an original at least this many times
MIN_CHANGED = 1
#: ... and be a spin in at least this share of its occurrences in spun text
MIN_PRECISION = 0.5
#: an alternative restoration is listed when it accounts for at least this share of the top one's count
ALTERNATIVE_SHARE = 0.3
#: a written substitution's first expected phrase gives way to the original the pairs show for it at least this
#: many times (and more often than the written one); 0: never
REORDER_MIN = 2
_NUMBER = re.compile(r"^\d+$")


@dataclass(frozen=True)
class LearnedEntry:
    spun: tuple[str, ...]
    expected: tuple[str, ...]
    kind: str
    confidence: float
    changed: int
    #: occurrences of the spun form in spun text (spins and honest uses)
    seen: int
    pairs: int
    #: how the top restoration's count compares with all restorations of this form
    consistency: float

    @property
    def tortured(self) -> str:
        return " ".join(self.spun)

    def row(self) -> str:
        note = (
            f"learned: written for {self.expected[0]!r} in {self.consistency:.0%} of {self.changed} spins"
            f" in {self.pairs} pair{'s' if self.pairs != 1 else ''}; {self.seen - self.changed if self.seen > self.changed else 0}"
            " honest uses seen"
        )
        return "\t".join(
            (
                self.tortured, " | ".join(self.expected), self.kind, f"{self.confidence:.2f}", "", "", "", note,
                f"{self.changed}/{self.seen}/{self.pairs}/{round(self.consistency * self.changed)}",
            )
        )


def _restoration_text(forms: Counter) -> str:
    """The spelling to write for a restoration: lower case unless the source writes capitals inside it (a name
    or an acronym), since the engine copies the case of the text onto a lower-case replacement."""
    surface, _ = forms.most_common(1)[0]
    rest = surface[1:]
    if any(c.isupper() for c in rest) and not surface.isupper():
        return surface
    return surface.lower() if not surface.isupper() or len(surface) < 2 else surface


def learn_entries(
    observations: Iterable[PairObservations],
    min_changed: int | None = None,
    min_precision: float | None = None,
) -> list[LearnedEntry]:
    """The dictionary these pairs show, sorted by spun form (thresholds default to the module's constants)."""
    min_changed = MIN_CHANGED if min_changed is None else min_changed
    min_precision = MIN_PRECISION if min_precision is None else min_precision
    obs = list(observations)
    changed: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    surfaces: dict[tuple[tuple[str, ...], tuple[str, ...]], Counter] = defaultdict(Counter)
    in_pairs: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for o in obs:
        for s in o.substitutions:
            changed[s.spun][s.original] += 1
            surfaces[(s.spun, s.original)][s.original_text] += 1
            in_pairs[s.spun].add(o.name)
    kept: Counter = Counter()
    for o in obs:
        for form in changed.keys() & o.kept_phrases.keys():
            kept[form] += o.kept_phrases[form]
    out: list[LearnedEntry] = []
    for form, originals in changed.items():
        total = sum(originals.values())
        if total < min_changed or all(_NUMBER.match(w) for w in form):
            continue
        honest = kept[form]
        if total / (total + honest) < min_precision:
            continue
        ranked = originals.most_common()
        top = ranked[0][1]
        expected = tuple(
            _restoration_text(surfaces[(form, orig)])
            for orig, n in ranked[:3]
            if n >= 2 or orig == ranked[0][0]
            if n >= ALTERNATIVE_SHARE * top
        )
        npairs = len(in_pairs[form])
        kind = "substitution"
        out.append(
            LearnedEntry(
                spun=form, expected=expected, kind=kind, confidence=round(total / (total + honest + 1), 2),
                changed=total, seen=total + honest, pairs=npairs, consistency=top / total,
            )
        )
    out.sort(key=lambda e: e.spun)
    return out


def lexicon_text(
    entries: Sequence[LearnedEntry], name: str, header_comments: Sequence[str] = (), rows_before: Sequence[str] = ()
) -> str:
    """A lexicon file (docs/lexicon-format.md) holding these entries, after `rows_before` (rows already in the
    file's format)."""
    from unspun.engine.lexicon import COLUMNS, FORMAT_VERSION

    lines = ["# unspun lexicon", f"# format: {FORMAT_VERSION}", f"# name: {name}"]
    lines += [f"# {c}" for c in header_comments]
    lines.append("\t".join(COLUMNS))
    lines += rows_before
    lines += [e.row() for e in entries]
    return "\n".join(lines) + "\n"


def observed_counts(
    observations: Iterable[PairObservations], phrases: Iterable[tuple[tuple[str, ...], tuple[str, ...]]]
) -> dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[int, int, int, int]]:
    """What the pairs show of each (spun words, expected words): the times the spinner wrote the spun phrase,
    the times it stands in spun text (spins and honest uses), the pairs it was written in, and the times it was
    written for the expected phrase; only phrases the spinner wrote at least once."""
    wanted = list(dict.fromkeys(phrases))
    forms = {form for form, _ in wanted}
    changed: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    in_pairs: dict[tuple[str, ...], set[str]] = defaultdict(set)
    kept: Counter = Counter()
    for o in observations:
        for s in o.substitutions:
            if s.spun in forms:
                changed[s.spun][s.original] += 1
                in_pairs[s.spun].add(o.name)
        for form in forms:
            kept[form] += o.kept_phrases.get(form, 0)
    out = {}
    for form, expected in wanted:
        total = sum(changed[form].values()) if form in changed else 0
        if total:
            out[(form, expected)] = (total, total + kept[form], len(in_pairs[form]), changed[form][expected])
    return out


def dominant_original(
    observations: Iterable[PairObservations], form: tuple[str, ...], expected: tuple[str, ...]
) -> tuple[str, int] | None:
    """The original the pairs show the spinner replaced with `form` most often, as written in the sources, with
    its count, when it is not `expected` and outnumbers it (at least `REORDER_MIN` times); else None."""
    originals: Counter = Counter()
    surfaces: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for o in observations:
        for s in o.substitutions:
            if s.spun == form:
                originals[s.original] += 1
                surfaces[s.original][s.original_text] += 1
    if not originals:
        return None
    top, n = originals.most_common(1)[0]
    if top == expected or n < REORDER_MIN or n <= originals[expected]:
        return None
    return _restoration_text(surfaces[top]), n


def merged_lexicon_text(
    written: str, entries: Sequence[LearnedEntry], name: str, comments: Sequence[str] = (),
    observations: Sequence[PairObservations] = (),
) -> str:
    """A lexicon of the written entries (the text of a lexicon file) followed by the learned ones that it does
    not already hold: a written entry wins over a learned one for the same spun form. With `observations`, a
    written substitution without support whose phrase the spinner wrote in those pairs gets the counts they
    show (`written CHANGED/SEEN/PAIRS/FIRST`), which the calibrated estimates read as they read a learned
    entry's; where they show another original more often than its first expected phrase (`dominant_original`),
    that original comes first."""
    from unspun.engine.lexicon import COLUMNS, WRITTEN_SUPPORT, Kind, parse_lexicon

    lex, _ = parse_lexicon(written, "<written>", name)
    have = {" ".join(e.words) for e in lex.entries}
    lines = written.splitlines()
    rows = [(i, ln) for i, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")][1:]  # after the header
    if observations:
        bare = {
            e.line: (e.words, phrase_words(e.expected[0]))
            for e in lex.entries
            if e.kind is Kind.SUBSTITUTION and e.support is None and e.observed is None
        }
        counts = observed_counts(observations, bare.values())
        for k, (i, ln) in enumerate(rows):
            found = counts.get(bare.get(i, ((), ())))
            if found is not None:
                cols = ln.split("\t")
                cols += [""] * (len(COLUMNS) - len(cols))
                top = dominant_original(observations, *bare[i]) if REORDER_MIN else None
                if top is not None:
                    alts = [a.strip() for a in cols[1].split("|") if a.strip()]
                    cols[1] = " | ".join([top[0]] + [a for a in alts if phrase_words(a) != phrase_words(top[0])])
                    found = found[:3] + (top[1],)
                cols[-1] = f"{WRITTEN_SUPPORT} {'/'.join(str(n) for n in found)}"
                rows[k] = (i, "\t".join(cols))
    return lexicon_text([e for e in entries if e.tortured not in have], name, comments, [ln for _, ln in rows])
