"""What the engine keeps between two analyses of the same document, and how it finds what changed.

An analysis (`Engine.analyze`) reads a text in two passes (see `unspun.engine.analyzer`); most of a keystroke's
re-analysis is work already done for the version before. What is kept, and where:

* per paragraph text, in the caller's cache (`Incremental.cache`, text -> `ParagraphScan`): pass 1 of the
  paragraph, and beside it one `ParagraphState` -- the condition terms found in it, and its second pass
  (`SecondPass`: what passed conditions and the model, its spin evidence, its findings and where they were
  last placed) for the last options and document context it was done in;
* per document version, in `Prepared` (`prepare`): the text masked outside its prose and cut into paragraphs,
  each paragraph's masked runs, and after an edit the window of paragraphs the edit replaced (the others are
  the version before's, moved); its `kept` dict holds the spin evidence of each section and the condition
  terms of each block of paragraphs, keyed by the objects they were computed from, and the last analysis
  (`LastAnalysis`);
* an analysis of the next version takes the last one's passes and findings for every paragraph outside the
  window when it may (`last_analysis`): same options, cache and condition terms, and the same outcome for the
  document as a whole.

Every reuse is keyed by the identity of what it was computed from, so a reused result is always the one a
fresh analysis would compute (`tests/reliability` checks this).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from unspun.engine import spinscore
from unspun.engine.model import Finding, Placement
from unspun.engine.tokenize import paragraphs, paragraphs_after_edit, phrase_words

if TYPE_CHECKING:
    from unspun.engine.analyzer import Options, ParagraphScan
    from unspun.engine.tokenize import Token


@dataclass
class Incremental:
    """What a caller hands an analysis so that it reuses earlier work on the same document (`Engine.analyze`).

    The caller keeps `cache` (and the `Prepared` of the version before, for `prepare`) from one analysis of a
    document to the next; `tokens` only between a quick analysis and the complete one of the same version."""

    #: pass 1 of each paragraph text seen (filled by the analysis; entries are only ever added)
    cache: MutableMapping[str, ParagraphScan] = field(default_factory=dict)
    #: the text cut into paragraphs (`Engine.prepare`, from the version before when there is one)
    prepared: Prepared | None = None
    #: the words of the paragraphs a quick analysis scanned, by `id` of their scans, for the complete one
    tokens: dict[int, list[Token]] | None = None


class Prepared(NamedTuple):
    """A text as pass 2 reads it: masked outside its prose segments, cut into paragraphs."""

    text: str
    segments: Sequence[tuple[int, int]] | None
    masked: str
    paragraphs: list[tuple[int, int]]
    #: each paragraph's text (cut once: a caller that looks them up in the cache before `analyze` hashes them
    #: once, and `analyze` reuses the hashes)
    chunks: list[str]
    #: the masked text holds a carriage return (its next version is then split afresh)
    has_cr: bool = True
    #: what `analyze` keeps between versions of one text (passed on by `prepare(..., previous)`): the spin
    #: evidence of each section, keyed by the section's paragraph passes, the condition terms of each block of
    #: paragraphs, keyed by the terms asked about and the block's scans, and under `LAST` the last analysis
    kept: dict | None = None
    #: the masked runs of the text (None without segments), and each paragraph's, relative to it (None when
    #: nothing is masked)
    blocked: MaskedRuns | None = None
    runs_of: list[tuple[tuple[int, int], ...]] | None = None
    #: after an edit, (lo, hi, new_hi, paragraphs before): the paragraphs [lo, hi) of the version before (its
    #: `paragraphs` list) gave way to [lo, new_hi) here; the others are the same paragraphs, moved
    window: tuple[int, int, int, list[tuple[int, int]]] | None = None


@dataclass(eq=False, slots=True)
class ParagraphState:
    """What the engine keeps about one paragraph text between analyses, beside its scan (`ParagraphScan.state`)."""

    #: (the condition terms asked about, those of them in this paragraph): see `DocWords`
    conditions: tuple[object, frozenset[tuple[str, ...]]] | None = None
    #: indices of the matches whose lexicon entry has context conditions (computed on first need)
    conditional: tuple[int, ...] | None = None
    #: the second pass for the last options and document context it was done in
    second: SecondPass | None = None


@dataclass(eq=False)
class SecondPass:
    """Pass 2 of one paragraph (`ParagraphState.second`), kept with its scan so that a keystroke elsewhere in a long document costs
    this paragraph a few comparisons, not its findings rebuilt.

    Everything here depends only on the paragraph's text and on `key` (options, the outcome of its context
    conditions, the masked runs inside it); the findings also on `fkey` (whether the document looks spun,
    the spin score as shown in messages and the confidence factor it gives, and whether a quick analysis left
    its open-vocabulary findings out)."""

    key: tuple
    #: (match index, article before it) of the matches that pass conditions, allow-lists and the model
    accepted: list[tuple[int, Token | None]]
    #: spin evidence that counts however often it recurs (fingerprints, article slips), and its strong part
    evidence: float
    strong: float
    #: (substitution key, weight, confirmed by the model): each ordinary word counts once per section
    substitutions: list[tuple[str, float, bool]]
    fkey: tuple | None = None
    #: findings with offsets relative to the paragraph, sorted
    relative: list[Finding] = field(default_factory=list)
    #: the findings of the detectors that are not deferred, and what they were made for (see
    #: `Engine._paragraph_findings`)
    found: list[Finding] = field(default_factory=list)
    found_key: tuple | None = None
    #: where they were last placed in a document (see `Findings`)
    cell: Placement = field(default_factory=Placement)


def sections(words_of: Sequence[int]) -> list[int]:
    """Where each section of about SECTION_WORDS words begins (paragraph indexes), and the paragraph count."""
    size = spinscore.SECTION_WORDS
    sections: list[int] = []
    acc = size
    for k, w in enumerate(words_of):
        if acc >= size:
            sections.append(k)
            acc = 0
        acc += w
    sections.append(len(words_of))
    return sections


def section_evidence(passes: Sequence[SecondPass]) -> tuple[list[float], float]:
    """The spin evidence of each paragraph of one section, and the section's strong evidence: an ordinary word
    substituted again in the same section is one piece of evidence, not many."""
    seen: set[str] = set()
    evidence: list[float] = []
    strong = 0.0
    for memo in passes:
        ev = memo.evidence
        strong += memo.strong
        for sub, weight, confirmed in memo.substitutions:
            if sub in seen:
                continue
            seen.add(sub)
            ev += weight
            if confirmed:
                strong += weight
        evidence.append(ev)
    return evidence, strong


def evidence_by_section(
    passes: Sequence[SecondPass], words_of: Sequence[int], kept: dict
) -> tuple[list[float], float, dict[tuple[SecondPass, ...], tuple[list[float], float]]]:
    """The spin evidence of each paragraph and the document's strong evidence, section by section (sections of
    about SECTION_WORDS words: their substitutions count again, else a long spun text would read as clean).
    A section whose paragraphs' passes are those of one in `kept` takes its evidence from there (a keystroke
    recomputes its own section's); the third value is each section's evidence, to keep for the next analysis."""
    bounds = sections(words_of)
    now: dict[tuple[SecondPass, ...], tuple[list[float], float]] = {}
    evidence: list[float] = []
    strong = 0.0  # fingerprints, article slips and confirmed substitutions: evidence of more than words
    for a, b in zip(bounds, bounds[1:]):
        section = tuple(passes[a:b])
        found = kept.get(section)
        if found is None:
            found = section_evidence(section)
        now[section] = found
        evidence.extend(found[0])
        strong += found[1]
    return evidence, strong, now


def shifted(indices: frozenset[int], hi: int, new_hi: int) -> frozenset[int]:
    """Paragraph indices after an edit that replaced paragraphs up to `hi` by paragraphs up to `new_hi`."""
    return frozenset(k + new_hi - hi if k >= hi else k for k in indices)


#: the key in `Prepared.kept` of the `LastAnalysis`
LAST = "loop"


class LastAnalysis(NamedTuple):
    """What an analysis leaves for the next version of its text (`last_analysis`): its paragraphs,
    options, condition terms and paragraph cache, each paragraph's scan, word count and pass, the condition
    terms found in the document, the findings' key objects, whether the open-vocabulary stage ran, and its
    findings by paragraph (`parts`, and the paragraph of each)."""

    paragraphs: list[tuple[int, int]]
    opts: Options
    terms: ConditionTerms
    cache: MutableMapping[str, ParagraphScan]
    scans: list[ParagraphScan]
    words_of: list[int]
    memos: list[SecondPass]
    present: frozenset[tuple[str, ...]] | set[tuple[str, ...]]
    pkeys: tuple
    open_stage: bool
    parts: list[tuple[int, int, Sequence[Finding], Placement]]
    part_of: list[int]
    #: the paragraphs read as spun on their own in a text that does not look spun (see `Engine.analyze`)
    local: frozenset[int] = frozenset()
    #: (lo, hi, new_hi) of the edit since, when handed out by `last_analysis`
    window: tuple[int, int, int] | None = None


def prepare(
    text: str, segments: Sequence[tuple[int, int]] | None = None, previous: Prepared | None = None,
    changed: tuple[int, int, int] | None = None,
) -> Prepared:
    """The masked text and its paragraphs, for a caller that needs them before `analyze` (which then
    takes them instead of computing them again). With `previous` (what this returned for an earlier
    version of the text, e.g. before a keystroke), the paragraphs the change left alone are taken from it
    (`tokenize.paragraphs_after_edit`): the same result, without splitting and cutting the whole text.

    `Engine.prepare` is this function. `changed` (start, end in the earlier text, end in this one), when the caller knows it, says that
    outside that stretch the text and its `segments` (sorted) are the earlier version's, moved by the
    change in length after it (`markup.Prose.changed`): only the stretch is then masked again, and only
    its paragraphs' masked runs are found again. It must begin and end at white space or an end of the
    text (where no masked run can cross it); a hint that does not is ignored."""
    hint = usable_hint(changed, text, segments, previous)
    if hint is not None:
        assert previous is not None and previous.blocked is not None and segments is not None
        start, old_end, end = hint
        stretch = _mask_stretch(text, segments, start, end)
        if previous.masked is previous.text and stretch == text[start:end]:
            masked = text  # nothing was masked, and nothing is (plain text): no copy of the whole text
        else:
            masked = previous.masked[:start] + stretch + previous.masked[old_end:]
        blocked: MaskedRuns | None = previous.blocked.after_edit(text, segments, start, old_end, end)
    else:
        masked = mask(text, segments) if segments is not None else text
        blocked = MaskedRuns(text, segments) if segments is not None else None
    kept = previous.kept if previous is not None and previous.kept is not None else {}
    cut = None
    if previous is not None and not previous.has_cr:
        cut = paragraphs_after_edit(
            previous.paragraphs, previous.chunks, len(previous.masked), masked,
            hint[:2] if hint is not None else None,
        )
    if cut is not None:
        paras, chunks, has_cr = cut.spans, cut.chunks, False
    else:
        paras = paragraphs(masked) if masked else []
        chunks, has_cr = [masked[s:e] for s, e in paras], "\r" in masked
    runs_of = None
    window = None
    if cut is not None and previous is not None:
        window = (cut.lo, cut.hi, len(paras) - (len(previous.paragraphs) - cut.hi), previous.paragraphs)
    if blocked:
        if hint is not None and cut is not None and previous is not None and previous.runs_of is not None:
            # the paragraphs the cut replaced find their runs again; it replaced every one the stretch
            # touches (it was found from the stretch), so the others keep theirs (relative to the
            # paragraph, they do not move)
            added = len(paras) - (len(previous.paragraphs) - (cut.hi - cut.lo))
            runs_of = [
                *previous.runs_of[: cut.lo],
                *[blocked.runs(s, e) for s, e in paras[cut.lo : cut.lo + added]],
                *previous.runs_of[cut.hi :],
            ]
        else:
            runs_of = [blocked.runs(s, e) for s, e in paras]
    return Prepared(text, segments, masked, paras, chunks, has_cr, kept, blocked, runs_of, window)


def last_analysis(
    prepared: Prepared, options: Options, quick: bool, cache: MutableMapping[str, ParagraphScan],
    terms: ConditionTerms,
) -> LastAnalysis | None:
    """The last analysis's passes and findings (`LastAnalysis`, with the edit's `window`), when they may stand
    for this version's outside the paragraphs an edit changed: they are of the version before this one, with
    the same options, condition terms and paragraph cache (whose entries are only ever added, so the
    paragraphs outside the edit have the same scans). The caller still checks that the condition terms
    found in the document are the same."""
    window = prepared.window
    if quick or window is None or prepared.kept is None:
        return None
    last = prepared.kept.get(LAST)
    lo, hi, new_hi, before = window
    if last is None or last.paragraphs is not before or last.opts is not options:
        return None
    if last.cache is not cache or last.terms is not terms:
        return None
    n, old = len(prepared.chunks), len(last.scans)
    if not (0 <= lo <= hi <= old and lo <= new_hi <= n) or old - hi != n - new_hi:
        return None
    return last._replace(window=(lo, hi, new_hi))


def mask(text: str, segments: Sequence[tuple[int, int]]) -> str:
    """`text` with every character outside `segments` that is not whitespace replaced by a space.

    Whitespace (line breaks, tabs) is kept, so offsets, lines and paragraph breaks stay as they were. When
    nothing outside the segments is more than whitespace (plain text), that is `text` itself."""
    out: list[str] = []
    pos = 0
    for a, b in _gaps(text, segments):
        if _NOT_SPACE.search(text, a, b) is None:
            continue
        out.append(text[pos:a])
        out.append(_NOT_SPACE.sub(" ", text[a:b]))
        pos = b
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


_NOT_SPACE = re.compile(r"\S")
_RUN = re.compile(r"\S+")


def _gaps(text: str, segments: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of `text` outside `segments`."""
    gaps = []
    pos = 0
    for a, b in sorted((max(0, a), min(len(text), b)) for a, b in segments if b > a):
        if a > pos:
            gaps.append((pos, a))
        pos = max(pos, b)
    if pos < len(text):
        gaps.append((pos, len(text)))
    return gaps


def _mask_stretch(text: str, segments: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """`mask(text, segments)[start:end]` (`segments` sorted), from the segments that reach into the stretch."""
    return mask(text[start:end], _within(segments, start, end))


def _within(segments: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The sorted `segments` that overlap [start, end), cut to it, relative to `start`."""
    i = bisect_right(segments, start, key=itemgetter(1))
    out = []
    while i < len(segments):  # (by index: `segments` may be a sequence that is slow to iterate from a point)
        a, b = segments[i]
        if a >= end:
            break
        out.append((max(a, start) - start, min(b, end) - start))
        i += 1
    return out


def usable_hint(
    changed: tuple[int, int, int] | None, text: str, segments: Sequence[tuple[int, int]] | None,
    previous: Prepared | None,
) -> tuple[int, int, int] | None:
    """`changed` when `Engine.prepare` may rely on it (see there)."""
    if changed is None or previous is None or segments is None or previous.blocked is None:
        return None
    start, old_end, end = changed
    if not (0 <= start <= min(old_end, end) and len(text) - end == len(previous.text) - old_end):
        return None
    if (start > 0 and not text[start - 1].isspace()) or (end < len(text) and not text[end].isspace()):
        return None
    return changed


class MaskedRuns:
    """Whether a span covers a masked character (one outside the segments that is not whitespace)."""

    def __init__(self, text: str, segments: Sequence[tuple[int, int]], stretch: tuple[int, int] | None = None):
        """The masked runs of `text` (of the stretch [start, end) only, given one, with `segments` sorted)."""
        self._starts: list[int] = []
        self._ends: list[int] = []
        if stretch is None:
            gaps = _gaps(text, segments)
        else:
            start, end = stretch
            gaps = [(a + start, b + start) for a, b in _gaps(text[start:end], _within(segments, start, end))]
        for a, b in gaps:
            for m in _RUN.finditer(text, a, b):
                self._starts.append(m.start())
                self._ends.append(m.end())

    def after_edit(
        self, text: str, segments: Sequence[tuple[int, int]], start: int, old_end: int, end: int
    ) -> MaskedRuns:
        """The runs of `text`, which outside [start, end) is this one's text (moved by the change in length
        after it), with `segments` (sorted); the stretch begins and ends at white space or an end of the text."""
        delta = end - old_end
        i = bisect_left(self._starts, start)
        j = bisect_left(self._starts, old_end, i)
        stretch = MaskedRuns(text, segments, (start, end))
        new = MaskedRuns.__new__(MaskedRuns)
        new._starts = [*self._starts[:i], *stretch._starts, *[x + delta for x in self._starts[j:]]]
        new._ends = [*self._ends[:i], *stretch._ends, *[x + delta for x in self._ends[j:]]]
        return new

    def __bool__(self) -> bool:
        return bool(self._starts)

    def runs(self, start: int, end: int) -> tuple[tuple[int, int], ...]:
        """The masked runs that overlap [start, end), relative to `start`."""
        i = bisect_right(self._ends, start)
        j = bisect_left(self._starts, end)
        return tuple((a - start, b - start) for a, b in zip(self._starts[i:j], self._ends[i:j]))


class Runs:
    """Whether a span covers one of a paragraph's masked runs (offsets relative to the paragraph)."""

    def __init__(self, runs: Sequence[tuple[int, int]]):
        self._starts = [a for a, _ in runs]
        self._ends = [b for _, b in runs]

    def __call__(self, start: int, end: int) -> bool:
        i = bisect_right(self._ends, start)  # the first masked run ending after `start`
        return end > start and i < len(self._starts) and self._starts[i] < end


class ConditionTerms:
    """The words and phrases the lexicons' context conditions ask about, normalized, for `DocWords`."""

    def __init__(self, terms: Iterable[str]):
        self.words: dict[str, tuple[str, ...]] = {}
        for t in terms:
            if t not in self.words:
                self.words[t] = phrase_words(t)
        known = {w for w in self.words.values() if w}
        self.single = frozenset(w[0] for w in known if len(w) == 1)
        self.multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for w in known:
            if len(w) > 1:
                self.multi.setdefault(w[0], []).append((w, f" {' '.join(w)} "))
        self.firsts = frozenset(self.multi)
        self.known = frozenset(known)

    def present(self, scan: ParagraphScan) -> frozenset[tuple[str, ...]]:
        """The terms in one paragraph (kept with its scan: a keystroke computes them for one paragraph)."""
        state = scan.state
        kept = state.conditions
        if kept is not None and kept[0] is self:
            return kept[1]
        vocab = scan.vocabulary
        found = {(w,) for w in vocab & self.single}
        for first in vocab & self.firsts:
            found.update(words for words, key in self.multi[first] if key in scan.joined)
        out = frozenset(found)
        state.conditions = (self, out)
        return out


#: paragraphs whose condition terms are merged, and kept, together (see `DocWords`)
PRESENT_BLOCK = 64


class DocWords:
    """Whole-word phrase look-ups in a document, for context conditions, from what pass 1 kept of each
    paragraph (so a keystroke in a long document does not tokenize all of it again).

    The lexicons' condition terms are found per paragraph once (`ConditionTerms.present`) and merged for the
    document on its first question; any other phrase is looked for paragraph by paragraph."""

    def __init__(self, scans: Sequence[ParagraphScan], terms: ConditionTerms | None = None, kept: dict | None = None):
        self._scans = scans
        self._terms = terms
        self._present: set[tuple[str, ...]] | None = None
        self._seen: dict[str, bool] = {}
        #: the terms found in blocks of consecutive paragraphs by an analysis of the version before (keyed by
        #: the terms and the block's scans), and those found now
        self._kept = kept if kept is not None else {}
        self.kept_now: dict = {}

    def contains(self, phrase: str) -> bool:
        hit = self._seen.get(phrase)
        if hit is None:
            terms = self._terms
            words = terms.words.get(phrase) if terms is not None else None
            if words is None:
                words = phrase_words(phrase)
            if terms is not None and words in terms.known:
                hit = words in self.present_terms()
            else:
                hit = self._look(words)
            self._seen[phrase] = hit
        return hit

    def present_terms(self) -> set[tuple[str, ...]]:
        """The lexicons' condition terms found in the document (merged from blocks of paragraphs once)."""
        if self._present is None:
            present: set[tuple[str, ...]] = set()
            terms = self._terms
            if terms is not None and terms.known:
                scans = self._scans
                for a in range(0, len(scans), PRESENT_BLOCK):
                    block = (terms, tuple(scans[a : a + PRESENT_BLOCK]))
                    in_block = self._kept.get(block)
                    if in_block is None:
                        in_block = frozenset().union(*map(terms.present, block[1]))
                    self.kept_now[block] = in_block
                    present |= in_block
            self._present = present
        return self._present

    def _look(self, words: tuple[str, ...]) -> bool:
        if not words:
            return False
        if len(words) == 1:
            # a few words are asked about per document: looking in each paragraph's vocabulary (stopping at
            # the first that has it) is cheaper than building the document's
            word = words[0]
            return any(word in scan.vocabulary for scan in self._scans)
        key = f" {' '.join(words)} "
        return any(key in scan.joined for scan in self._scans)
