"""The engine: text in, findings out.

Analysis runs in two passes so that editors can re-analyse only what changed:

1. per paragraph (cacheable, depends only on the paragraph's text): lexicon matches, indefinite-article
   checks, word counts;
2. per document (cheap): context conditions (require / exclude), the spin score, gating of ambiguous
   substitutions, confidence, then the findings of every detector in `rules.DETECTORS`.

What is kept from one analysis of a document to the next, and how an edit's paragraphs are found, is
`unspun.engine.incremental`.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from sys import intern

from unspun.engine import lmcheck, spinscore
from unspun.engine.collector import collector_paused
from unspun.engine.inflect import article_for
from unspun.engine.estimate import Estimator
from unspun.engine.incremental import (
    LAST, ConditionTerms, DocWords, Incremental, LastAnalysis, ParagraphState, Prepared, Runs, SecondPass,
    evidence_by_section, last_analysis, mask, prepare, shifted,
)
from unspun.engine.lexicon import Lexicon, Problem, builtin_lexicons, load_lexicon
from unspun.engine.matcher import Match, PhraseIndex
from unspun.engine.model import Analysis, Finding, Findings, Kind, ParagraphScores, Placement
from unspun.engine.lmcheck import Query
from unspun.engine.openvocab import OpenVocabulary, Restoration
from unspun.engine.rules import DETECTORS, Paragraph
from unspun.engine.sharing import Shared
from unspun.engine.rules.common import ARTICLE_GAP as _ARTICLE_GAP
from unspun.engine.tokenize import Token, phrase_words, sentence_ends_before, tokenize

_DEFAULT = object()
#: open-vocabulary restorations are scored in batches of paragraphs of about this many words
RESTORE_BATCH_WORDS = 2000
#: new paragraphs are scanned (their lexicon matches confirmed by the language model) in batches of about this
#: many characters: one batch for a whole long text held its every window at once (about 130 MB of arrays for
#: 100,000 spun words); the gains of a paragraph do not depend on the batch it is in
SCAN_BATCH_CHARS = 60_000
#: an analysis without a caller's `Incremental` keeps the words of each paragraph between pass 1 and the
#: open-vocabulary stage for texts of up to this many characters (about 33,000 words)
WORDS_KEPT_CHARS = 200_000
#: the findings of a text of more than this many characters share one copy of the values they repeat
#: (`sharing.Shared`): it saves memory where findings are many (tens of MB for the 34,000 findings of 100,000
#: spun words) and costs a few µs per finding, some 6% of the analysis of a short spun text, where it saves little
SHARED_VALUES_CHARS = 200_000



def _paragraph_rate(evidence: float, words: int) -> float:
    """A paragraph's spin score: `spinscore.spin_rate`, rounded as the document's is."""
    return round(spinscore.spin_rate(evidence, words), 3)


#: the values of `Options.substitutions`
SUBSTITUTION_MODES = ("gated", "hint", "always", "never")


@dataclass(frozen=True)
class Options:
    """What to report. Every adapter (CLI, server, project config) fills this in."""

    kinds: frozenset[Kind] = frozenset({Kind.FINGERPRINT, Kind.SUBSTITUTION})
    min_confidence: float = 0.5
    spin_threshold: float = spinscore.DEFAULT_THRESHOLD
    #: "gated": substitutions only in texts that look spun; "hint": also in other texts, as hints (with the
    #: confidence they would have in a spun text, never safe to fix); "always": everywhere; "never"
    substitutions: str = "gated"
    #: phrases never reported (compared by their words, case-insensitively)
    allow: frozenset[str] = frozenset()
    #: findings at or above this confidence are safe for fix-all
    safe_confidence: float = 0.7
    #: propose restorations for spins no lexicon lists (thesaurus + language model), in spun texts only
    open_vocabulary: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "_allow_keys", frozenset(" ".join(phrase_words(p)) for p in self.allow))

    def allows(self, phrase: str) -> bool:
        return bool(self.allow) and " ".join(phrase_words(phrase)) in self._allow_keys  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ArticleSlip:
    """An indefinite article that does not fit the word after it."""

    start: int
    end: int
    article: str
    word: str


@dataclass(eq=False)
class ParagraphScan:
    """What pass 1 learns from one paragraph; offsets are relative to the paragraph. Compared (and hashed) by
    identity: one scan stands for one paragraph text in a cache."""

    words: int
    matches: list[Match] = field(default_factory=list)
    articles: list[ArticleSlip] = field(default_factory=list)
    #: the article (token) before each match, by match index, if any
    preceding: dict[int, Token] = field(default_factory=dict)
    #: language-model gain of each expected alternative over the written words, by match index
    gains: dict[int, list[float]] = field(default_factory=dict)
    #: open-vocabulary restorations, each with the indefinite article before it (computed on first need: only
    #: texts that look spun use them)
    restorations: list[tuple[Restoration, Token | None]] | None = None
    #: the paragraph's normalized words, space-joined with a space at each end (for context conditions)
    joined: str = " "
    #: the distinct normalized words of the paragraph
    vocabulary: frozenset[str] = frozenset()
    #: what the engine keeps about the paragraph between analyses (`unspun.engine.incremental`)
    state: ParagraphState = field(default_factory=ParagraphState, compare=False, repr=False)


_WORDS = attrgetter("words")
_START = attrgetter("start")


@dataclass(eq=False)
class _Shared:
    """What an engine shares with every engine made from it by `with_options`, and with the threads that
    analyse with them: what is loaded or built once, on first need (under `lock`, so that two threads do not
    build it twice), and the keys that let an analysis reuse the last one's work."""

    #: the trigram model (`_DEFAULT` until loaded; None when unavailable or disabled)
    model: object = _DEFAULT
    open_vocabulary: OpenVocabulary | None = None
    conditions: ConditionTerms | None = None
    #: the options of the last `with_options` (see there)
    options: Options | None = None
    #: the findings' key objects of the last analysis (see `Engine.analyze`)
    paragraph_keys: tuple | None = None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)


class Stopped(Exception):
    """An analysis stopped because its caller's `stop` said so (see `Engine.analyze`)."""


class Engine:
    def __init__(
        self, lexicons: Sequence[Lexicon] | None = None, options: Options | None = None, model=_DEFAULT,
        estimator=_DEFAULT,
    ):
        """`estimator`: the calibrated estimates of findings (`unspun.engine.estimate`); the shipped one by
        default, None for the lexicons' own confidences (as the estimates are fitted)."""
        self.lexicons: list[Lexicon] = list(builtin_lexicons() if lexicons is None else lexicons)
        self.options = options or Options()
        self.index = PhraseIndex(self.lexicons)
        if estimator is _DEFAULT:
            from unspun.engine.estimate import default_estimator

            estimator = default_estimator()
        self.estimator: Estimator | None = estimator
        #: findings carry the features the estimates read (`Finding.features`, for fitting them); an application
        #: that never reads them (the command line, the language server) sets this False and findings keep ()
        self.keep_features = True
        # loaded on first use and shared by every engine made from this one with `with_options`
        self._shared = _Shared(model)

    @property
    def model(self):
        """The trigram model used to confirm findings (None when unavailable or disabled)."""
        shared = self._shared
        if shared.model is _DEFAULT:
            with shared.lock:
                if shared.model is _DEFAULT:  # (not loaded by another thread meanwhile)
                    from unspun.engine.langmodel import default_model

                    shared.model = default_model()
        return shared.model

    def _condition_terms(self) -> ConditionTerms:
        shared = self._shared
        if shared.conditions is None:
            with shared.lock:
                if shared.conditions is None:
                    shared.conditions = ConditionTerms(
                        t for lex in self.lexicons for e in lex.entries for t in (*e.require, *e.exclude)
                    )
        return shared.conditions

    @property
    def open_vocabulary(self) -> OpenVocabulary | None:
        """The open-vocabulary layer (needs the model and the synonym index; loaded on first use)."""
        shared = self._shared
        if shared.open_vocabulary is None and self.model is not None:
            with shared.lock:
                if shared.open_vocabulary is None:
                    from unspun.engine.thesaurus import Thesaurus

                    shared.open_vocabulary = OpenVocabulary(self.model, Thesaurus.load())
        return shared.open_vocabulary

    @property
    def loaded_open_vocabulary(self) -> OpenVocabulary | None:
        """The open-vocabulary layer if something has loaded it already (None otherwise: nothing is loaded)."""
        return self._shared.open_vocabulary

    @classmethod
    def with_user_lexicons(
        cls, paths: Iterable[str | Path], options: Options | None = None, builtin: bool = True
    ) -> tuple[Engine, list[Problem]]:
        """An engine with the shipped lexicons plus user files; problems in the files are returned."""
        lexicons = builtin_lexicons() if builtin else []
        problems: list[Problem] = []
        for p in paths:
            lex, probs = load_lexicon(p)
            lexicons.append(lex)
            problems.extend(probs)
        return cls(lexicons, options), problems

    def with_options(self, options: Options) -> Engine:
        # the options of the last call, when equal, stand for these: a paragraph's kept second pass is checked
        # against the options by identity first (a caller that builds equal options for every keystroke would
        # otherwise compare them field by field once per paragraph)
        last = self._shared.options
        if last is not None and last is not options and last == options:
            options = last
        else:
            self._shared.options = options
        eng = Engine.__new__(Engine)
        eng.lexicons, eng.index, eng.options, eng._shared = self.lexicons, self.index, options, self._shared
        eng.estimator, eng.keep_features = self.estimator, self.keep_features
        return eng

    # -- pass 1 ---------------------------------------------------------------------------------------
    def scan_paragraph(self, text: str) -> ParagraphScan:
        return self.scan_paragraphs([text])[0]

    def scan_paragraphs(
        self, texts: Sequence[str], tokens_out: dict[int, list[Token]] | None = None
    ) -> list[ParagraphScan]:
        """Pass 1 of several paragraphs, their language-model checks in one batched call. With `tokens_out`,
        each scan's tokens are left there under `id(scan)` (for a caller that needs them again at once)."""
        scans: list[ParagraphScan] = []
        asked: list[tuple[str, list[Token], list[Query]]] = []
        asked_for: list[tuple[ParagraphScan, list[int]]] = []
        for text in texts:
            tokens = tokenize(text)
            scan = self._scan(text, tokens, asked, asked_for)
            scans.append(scan)
            if tokens_out is not None:
                tokens_out[id(scan)] = tokens
        model = self.model
        if model is not None and asked:
            for (scan, which), gains in zip(asked_for, lmcheck.gains_many(model, asked)):
                for mi, g in zip(which, gains):
                    scan.gains[mi] = g
        return scans

    def _scan(self, text: str, tokens: list[Token], asked: list, asked_for: list) -> ParagraphScan:
        norms = [t.norm for t in tokens]
        # (the distinct words as one copy each across paragraphs: a long text's scans keep them all)
        vocabulary = frozenset(map(intern, frozenset(norms)))
        scan = ParagraphScan(words=len(tokens), joined=f" {' '.join(norms)} ", vocabulary=vocabulary)
        firsts: list[int] = []  # the first token of each match
        scan.matches = self.index.match(text, tokens, firsts, norms)
        if not tokens:
            return scan
        queries: list[Query] = []
        new = tuple.__new__  # (a named tuple's own constructor is several times slower)
        fingerprint = Kind.FINGERPRINT
        for mi, (m, ti) in enumerate(zip(scan.matches, firsts)):
            if ti and _is_article(tokens[ti - 1]) and _ARTICLE_GAP.fullmatch(text[tokens[ti - 1].end : m.start]):
                scan.preceding[mi] = tokens[ti - 1]
            v = m.variant
            queries.append(new(Query, (ti, ti + len(v.words), _phrases_words(v.expected), v.entry.kind is fingerprint)))
        which = list(range(len(queries)))
        if queries and self.model is not None:
            asked.append((text, tokens, queries))
            asked_for.append((scan, which))
        for k in _positions(norms, ("a", "an")):
            if k + 1 == len(tokens):
                break
            a, b = tokens[k], tokens[k + 1]
            if not _is_article(a) or not _ARTICLE_GAP.fullmatch(text[a.end : b.start]):
                continue
            if not b.text[0].isalpha() or (a.text[0] == "A" and not sentence_ends_before(text, a.start)):
                continue  # "an 8-bit", "Type A blood"
            if a.text.lower() != article_for(b.text):
                scan.articles.append(ArticleSlip(a.start, b.end, a.text, b.text))
        return scan

    # -- pass 2 ---------------------------------------------------------------------------------------
    #: the text masked and cut into paragraphs, from the version before when given (`incremental.prepare`)
    prepare = staticmethod(prepare)

    def analyze(
        self,
        text: str,
        segments: Sequence[tuple[int, int]] | None = None,
        incremental: Incremental | None = None,
        quick: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> Analysis:
        """Analyse `text`; with `segments` (code-point spans of prose, e.g. from `unspun.markup`), only those.

        Everything outside the segments is masked (see `mask`): offsets stay exact, masked text has no words,
        and no finding reaches across masked characters.

        `incremental` carries what earlier analyses of the same document left (`incremental.Incremental`: the
        paragraph cache, the text already cut by `prepare`, the words a quick analysis found): only what
        changed is read again, with the same result as a fresh analysis.

        `quick` leaves out the open-vocabulary stage of the paragraphs (given a cache) that have not been
        through it yet -- most of the cost of a first look at a spun text -- and says how many words it left
        (`Analysis.deferred_words`). The same call without `quick` then completes the findings, reusing the
        rest of the work. A caller that passes the same `Incremental.tokens` dict to both keeps the words of
        the paragraphs the quick call read (under `id` of their scans) for the complete one, which then does
        not find them again (`scan_paragraphs` fills it the same way).

        `stop`, when given, is asked before each batch of the open-vocabulary stage (a few thousand words, the
        long part of a first look at a spun text); when it says yes the analysis raises `Stopped`, and the
        restorations found so far stay with their paragraphs' scans for the next analysis."""
        with collector_paused():  # (see `unspun.engine.collector`)
            return self._analyze(text, segments, incremental, quick, stop)

    def _analyze(
        self, text: str, segments: Sequence[tuple[int, int]] | None, incremental: Incremental | None, quick: bool,
        stop: Callable[[], bool] | None,
    ) -> Analysis:
        original = text
        if incremental is None:
            cache: MutableMapping[str, ParagraphScan] = {}
            prepared, tokens = None, None
        else:
            cache, prepared, tokens = incremental.cache, incremental.prepared, incremental.tokens
        if (
            prepared is None or prepared.text is not text
            or (prepared.segments is not segments and prepared.segments != segments)
        ):
            prepared = self.prepare(text, segments)
        text, paras, chunks = prepared.masked, prepared.paragraphs, prepared.chunks
        # each paragraph's masked runs (none at all: plain text without addresses)
        runs_list = prepared.runs_of if prepared.runs_of is not None else [()] * len(paras)
        opts = self.options
        # pass 1 of the paragraphs not in the cache (each distinct text once), in batches
        new: dict[str, None] = {}
        for chunk in chunks:
            if chunk not in cache:
                new[chunk] = None
        fresh_tokens: dict[int, list[Token]] = {} if tokens is None else tokens
        # the words found are kept for the open-vocabulary stage, except those of a long text that nobody else
        # keeps them for: the stage finds them again (a few ms per 10,000 words), which is cheaper than holding
        # them all (about 20 MB per 100,000 words) beside the scans
        keep_words = tokens is not None or len(text) <= WORDS_KEPT_CHARS
        for batch in _batches(new, SCAN_BATCH_CHARS):
            for chunk, scan in zip(batch, self.scan_paragraphs(batch, fresh_tokens if keep_words else None)):
                cache[chunk] = scan
        kept = prepared.kept if prepared.kept is not None else {}  # (None: a `Prepared` made by hand)
        terms = self._condition_terms()
        # after an edit, the passes of the paragraphs it left alone are those of the last analysis, when that
        # analysis was of the version before with the same options, cache and condition terms found in the
        # document: only the edited paragraphs are gone through (a keystroke in a long document then costs its
        # own paragraphs, not a few comparisons for each of thousands)
        last = last_analysis(prepared, opts, quick, cache, terms)
        if last is None:
            scan_list: list[ParagraphScan] = list(map(cache.__getitem__, chunks))
            words_of = list(map(_WORDS, scan_list))
        else:
            lo, hi, new_hi = last.window
            middle = list(map(cache.__getitem__, chunks[lo:new_hi]))
            scan_list = [*last.scans[:lo], *middle, *last.scans[hi:]]
            words_of = [*last.words_of[:lo], *map(_WORDS, middle), *last.words_of[hi:]]
        doc_words = DocWords(scan_list, terms, prepared.kept)
        if last is not None and doc_words.present_terms() != last.present:
            last = None
        n = len(scan_list)
        if last is None:
            lo, hi, new_hi = 0, 0, n
            memos = self._passes(text, paras, scan_list, runs_list, 0, n, doc_words)
        else:  # (lo, hi, new_hi: the edit's window, read above)
            memos = [*last.memos[:lo], *self._passes(text, paras, scan_list, runs_list, lo, new_hi, doc_words),
                     *last.memos[hi:]]
        present = doc_words.present_terms()  # (now, so that the blocks' terms are kept below)
        # the evidence of each section, kept with its paragraphs' passes: a keystroke recomputes its own section's
        evidence_by_para, strong, now = evidence_by_section(memos, words_of, kept)
        if prepared.kept is not None:
            prepared.kept.clear()
            prepared.kept.update(now)
            prepared.kept.update(doc_words.kept_now)

        words = sum(words_of)
        score = round(spinscore.spin_rate(sum(evidence_by_para), words), 3)
        spun = score >= opts.spin_threshold and strong >= spinscore.MIN_STRONG_EVIDENCE
        para_scores = ParagraphScores(paras, evidence_by_para, words_of, _paragraph_rate)

        # confidence of substitutions scales with the score up to the threshold (two decimals, so that a
        # keystroke that moves the score a little does not rebuild every finding)
        factor = round(min(1.0, 0.5 + score / (2 * opts.spin_threshold)), 2) if opts.spin_threshold > 0 else 1.0
        # the same key object as the last analysis with the same outcome: a paragraph's kept findings are then
        # checked by identity, not compared
        # a lightly spun text (a whole page just under the threshold): its learned substitutions the estimates
        # are sure of are reported (see NEAR_FACTOR)
        # (a text whose evidence is in a spun passage of its own is read passage by passage instead)
        local = frozenset() if spun else _locally_spun(evidence_by_para, words_of, opts)
        near = (
            not spun and not local and self.estimator is not None and score >= NEAR_FACTOR * opts.spin_threshold
            and strong >= spinscore.MIN_STRONG_EVIDENCE and words >= NEAR_WORDS
        )
        fkey = (spun, factor, f"{score:.1f}", near)
        pkeys = self._shared.paragraph_keys
        if pkeys is None or pkeys[0][0] != fkey:
            pkeys = self._shared.paragraph_keys = ((fkey, False), (fkey, True))
        open_stage = (
            spun and opts.open_vocabulary and Kind.SUBSTITUTION in opts.kinds and opts.substitutions != "never"
        )
        # the last analysis's findings stand for the paragraphs outside the edit when they were placed with the
        # same outcome and the open-vocabulary stage went through them (it did all of them then)
        reuse = last is not None and last.pkeys is pkeys and last.open_stage == open_stage
        if reuse and local != (last.local if new_hi == hi else shifted(last.local, hi, new_hi)):
            reuse = False  # (a paragraph outside the edit changed its own verdict)
        a, b = (lo, new_hi) if reuse else (0, n)
        if open_stage and not quick:
            # the paragraphs whose restorations are not known yet: one batch
            self._restore(
                [(text[s:e], scan) for (s, e), scan in zip(paras[a:b], scan_list[a:b]) if scan.restorations is None],
                fresh_tokens,
                stop,
            )
        if tokens is None:
            fresh_tokens.clear()  # (the words of the whole text: not held while its findings are made)
        # an analysis that keeps nothing for a next one (no `incremental`: the paragraph cache and what `prepare`
        # keeps are its own) lets go of each paragraph's scan and pass once its findings are made: a long text's
        # scans and its findings are then not all held at once
        release = incremental is None
        if release:
            cache.clear()
            kept.clear()
            del doc_words, now
        deferred_words = 0
        shared = Shared(self.keep_features, values=len(text) > SHARED_VALUES_CHARS)
        parts: list[tuple[int, int, list[Finding], Placement]] = []
        part_of: list[int] = []  # the paragraph of each part
        for k in range(a, b):
            s, e = paras[k]
            scan, memo, runs = scan_list[k], memos[k], runs_list[k]
            deferred = quick and open_stage and scan.restorations is None
            if deferred:
                deferred_words += words_of[k]
            if k in local:
                # a spun passage in a text that does not look spun: its lexicon substitutions are reported,
                # judged by the passage's own score
                shown = f"{spinscore.spin_rate(evidence_by_para[k], words_of[k]):.1f}"
                pkey = ((True, 1.0, shown), "local")
                if memo.fkey != pkey:
                    memo.relative = self._paragraph_findings(
                        text[s:e], scan, memo, runs, 1.0, shown, True, False, shared=shared
                    )
                    memo.fkey = pkey
            else:
                pkey = pkeys[deferred]
                if memo.fkey is not pkey and memo.fkey != pkey:
                    memo.relative = self._paragraph_findings(
                        text[s:e], scan, memo, runs, factor, fkey[2], spun, open_stage and not deferred, near, shared
                    )
                    memo.fkey = pkey
            if memo.relative:
                # paragraphs are in order and each one's findings are sorted; they are moved to `s` when read
                parts.append((s, e, memo.relative, memo.cell))
                part_of.append(k)
            if release:
                scan_list[k] = memos[k] = None  # type: ignore[call-overload]
        if reuse:
            assert last is not None
            i, j = bisect_left(last.part_of, lo), bisect_left(last.part_of, hi)
            tail, tail_of = last.parts[j:], last.part_of[j:]
            if tail:
                moved = paras[tail_of[0] - hi + new_hi][0] - tail[0][0]
                if moved:
                    tail = [(s + moved, e + moved, rel, cell) for s, e, rel, cell in tail]
                if new_hi != hi:
                    tail_of = [k + new_hi - hi for k in tail_of]
            parts = [*last.parts[:i], *parts, *tail]
            part_of = [*last.part_of[:i], *part_of, *tail_of]
        if quick:
            kept.pop(LAST, None)
        elif not release:
            kept[LAST] = LastAnalysis(
                paras, opts, terms, cache, scan_list, words_of, memos, present, pkeys, open_stage, parts, part_of,
                local,
            )
        return Analysis(
            text=original,
            findings=Findings(parts=parts),
            spin_score=round(score, 3),
            spun=spun,
            word_count=words,
            paragraphs=para_scores,
            deferred_words=deferred_words,
        )

    def _passes(
        self, text: str, paras: Sequence[tuple[int, int]], scan_list: Sequence[ParagraphScan],
        runs_list: Sequence[tuple[tuple[int, int], ...]], a: int, b: int, doc_words: DocWords,
    ) -> list[SecondPass]:
        """Pass 2 of the paragraphs [a, b): each one's kept pass when its key (options, the outcome of its
        context conditions, its masked runs) is the same, else a new one."""
        opts = self.options
        memos: list[SecondPass] = []
        for k in range(a, b):
            scan, runs = scan_list[k], runs_list[k]
            state = scan.state
            conditional = state.conditional
            if conditional is None:
                conditional = state.conditional = tuple(
                    mi for mi, m in enumerate(scan.matches) if m.variant.entry.require or m.variant.entry.exclude
                )
            conds = (
                tuple(self._conditions_hold(scan.matches[mi], doc_words) for mi in conditional) if conditional else ()
            )
            key = (opts, conds, runs)
            memo = state.second
            if memo is None or memo.key != key:
                s, e = paras[k]
                memo = state.second = self._pass2(text[s:e], scan, key, dict(zip(conditional, conds)), runs)
            memos.append(memo)
        return memos

    @staticmethod
    def _conditions_hold(m: Match, doc_words: DocWords) -> bool:
        entry = m.variant.entry
        if entry.require and not any(doc_words.contains(t) for t in entry.require):
            return False
        return not (entry.exclude and any(doc_words.contains(t) for t in entry.exclude))

    def _pass2(
        self, chunk: str, scan: ParagraphScan, key: tuple, conds: dict[int, bool], runs: tuple[tuple[int, int], ...]
    ) -> SecondPass:
        """The document-independent part of pass 2 for one paragraph (offsets relative to it)."""
        opts = self.options
        blocked = Runs(runs) if runs else None
        slips = scan.articles if blocked is None else [a for a in scan.articles if not blocked(a.start, a.end)]
        evidence = strong = spinscore.ARTICLE_WEIGHT * len(slips)
        accepted: list[tuple[int, Token | None]] = []
        substitutions: list[tuple[str, float, bool]] = []
        seen: set[str] = set()
        allowing = bool(opts.allow)
        for mi, m in enumerate(scan.matches):
            entry = m.variant.entry
            if conds and not conds.get(mi, True):
                continue
            if allowing and (opts.allows(chunk[m.start : m.end]) or opts.allows(entry.tortured)):
                continue
            if blocked is not None and blocked(m.start, m.end):
                continue  # the phrase reaches across masked (non-prose) text
            gains = scan.gains.get(mi)
            top = max(gains) if gains is not None else None
            if entry.kind is Kind.SUBSTITUTION and top is not None and top < lmcheck.MIN_SUBSTITUTION_GAIN:
                continue  # the language model prefers the words as written: an ordinary use
            article = scan.preceding.get(mi)
            if article is not None and blocked is not None and blocked(article.start, m.start):
                article = None
            accepted.append((mi, article))
            if entry.support is not None:
                # a learned entry is often an ordinary word ("home" for "house"): it is reported in texts that
                # look spun but is no evidence that they are (on clean prose cut into short documents, counting
                # it made one in ten look spun)
                continue
            confirmed = top is not None and top >= lmcheck.CONFIRMED_GAIN
            weight = spinscore.evidence_weight(entry.kind.value, entry.confidence, confirmed)
            if entry.kind is Kind.SUBSTITUTION:
                sub = " ".join(m.variant.words)
                if sub not in seen:
                    seen.add(sub)
                    substitutions.append((sub, weight, confirmed))
            else:
                evidence += weight
                if entry.kind is Kind.FINGERPRINT or confirmed:
                    strong += weight
        return SecondPass(key, accepted, evidence, strong, substitutions)

    def _paragraph_findings(
        self, chunk: str, scan: ParagraphScan, memo: SecondPass, runs, factor: float, shown: str, spun: bool,
        open_stage: bool, near: bool = False, shared: Shared | None = None,
    ) -> list[Finding]:
        """The findings of one paragraph, relative to it, sorted: those of every detector (`rules.DETECTORS`),
        the deferred ones (open vocabulary) only with `open_stage`.

        The findings of the detectors that are not deferred are kept for the next call with the same `shown`,
        `factor`, `spun` and `near` (after a quick analysis, the complete one adds the deferred detectors'
        findings to the same objects). `shared`: the analysis's one copy of the values findings repeat."""
        if shared is None:
            shared = Shared(self.keep_features)
        ctx = Paragraph(chunk, scan, memo.accepted, runs, factor, shown, spun, near, self.options, self.estimator)
        share = shared.finding  # (each finding's values as shared copies: see `sharing`)
        lkey = (factor, shown, spun, near)
        if memo.found_key != lkey:
            found: list[Finding] = []
            for detector in DETECTORS:
                if not detector.deferred:
                    found += map(share, detector.findings(self, ctx, found))
            found.sort(key=_place)
            memo.found, memo.found_key = found, lkey
        if not open_stage:
            return memo.found
        out = list(memo.found)
        for detector in DETECTORS:
            if detector.deferred:
                out += map(share, detector.findings(self, ctx, out))
        out.sort(key=_place)
        return out

    def _restore(
        self, paragraphs: Sequence[tuple[str, ParagraphScan]], tokens_of: dict[int, list[Token]] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """Compute the open-vocabulary restorations of these paragraphs (in batches) and keep each with its
        scan: they depend only on the paragraph's text. `stop` is asked before each batch (see `analyze`)."""
        ov = self.open_vocabulary
        if ov is None:
            return
        batch: list[tuple[str, ParagraphScan, list[Token]]] = []
        size = 0
        for k, (chunk, scan) in enumerate(paragraphs):
            tokens = tokens_of.get(id(scan)) if tokens_of else None
            if tokens is None:
                tokens = tokenize(chunk)
            batch.append((chunk, scan, tokens))
            size += len(tokens)
            # batches of a few thousand words: large enough to look n-grams up in order, small enough that the
            # scoring arrays (~60 candidate windows per word) stay a few MB
            if size >= RESTORE_BATCH_WORDS or k == len(paragraphs) - 1:
                if stop is not None and stop():
                    raise Stopped()
                asked = []
                for chunk_, scan_, tokens_ in batch:
                    # words in a lexicon match, and their neighbours (whose context is itself spun), are left alone
                    inside = _tokens_inside(tokens_, scan_.matches)
                    asked.append((chunk_, tokens_, inside | {i - 1 for i in inside} | {i + 1 for i in inside}))
                for (_c, scan_, tokens_), found in zip(batch, ov.restorations_many(asked)):
                    scan_.restorations = [
                        (r, tokens_[r.token - 1] if r.token > 0 and _is_article(tokens_[r.token - 1]) else None)
                        for r in found
                    ]
                batch, size = [], 0

#: a learned substitution in a text whose score is at least NEAR_FACTOR times the threshold (but under it) is
#: reported when its estimated probability of being a spin is at least `rules.lexicon.NEAR_SPIN`: a lightly spun
#: page (13-20% of its words changed) scores just under the threshold
NEAR_FACTOR = 0.6
#: ... in a text of at least this many words with strong evidence (`spinscore.MIN_STRONG_EVIDENCE`)
NEAR_WORDS = 200

#: a paragraph of a text that does not look spun is read as spun on its own (its lexicon substitutions reported)
#: when it has evidence of its own (LOCAL_OWN) and the stretch of at least LOCAL_WORDS words around it has at
#: least `spinscore.MIN_STRONG_EVIDENCE` of evidence and a score of at least LOCAL_FACTOR times the threshold:
#: a spun passage pasted into an honest report
LOCAL_WORDS = 60
LOCAL_OWN = 1.0
LOCAL_FACTOR = 1.5


def _locally_spun(evidence: Sequence[float], words: Sequence[int], opts: Options) -> frozenset[int]:
    if opts.substitutions != "gated" or Kind.SUBSTITUTION not in opts.kinds or opts.spin_threshold <= 0:
        return frozenset()
    bar = LOCAL_FACTOR * opts.spin_threshold
    n = len(words)
    out = []
    for k in range(n):
        if evidence[k] < LOCAL_OWN:
            continue
        lo = hi = k
        w, ev = words[k], evidence[k]
        while w < LOCAL_WORDS and (lo > 0 or hi < n - 1):  # the paragraphs after it, then before it
            if hi < n - 1:
                hi += 1
                w, ev = w + words[hi], ev + evidence[hi]
            if w < LOCAL_WORDS and lo > 0:
                lo -= 1
                w, ev = w + words[lo], ev + evidence[lo]
        if ev >= spinscore.MIN_STRONG_EVIDENCE and spinscore.spin_rate(ev, w) >= bar:
            out.append(k)
    return frozenset(out)




def _batches(texts: Iterable[str], size: int) -> Iterable[list[str]]:
    """`texts` in consecutive lists of about `size` characters (at least one text each)."""
    batch: list[str] = []
    chars = 0
    for t in texts:
        batch.append(t)
        chars += len(t)
        if chars >= size:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _positions(words: list[str], wanted: tuple[str, ...]) -> list[int]:
    """The indices of the words that are one of `wanted`, in order (found by the list's own search)."""
    out: list[int] = []
    for w in wanted:
        k = -1
        try:
            while True:
                k = words.index(w, k + 1)
                out.append(k)
        except ValueError:
            pass
    out.sort()
    return out


def _place(f: Finding) -> tuple[int, int]:
    return (f.start, f.end)


def _tokens_inside(tokens: Sequence[Token], matches: Sequence[Match]) -> set[int]:
    """The indices of the tokens that start inside one of `matches`."""
    inside: set[int] = set()
    if matches:
        starts = list(map(_START, tokens))
        for m in matches:
            inside.update(range(bisect_left(starts, m.start), bisect_left(starts, m.end)))
    return inside


@lru_cache(maxsize=1 << 16)
def _phrases_words(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """`phrase_words` of each phrase (a lexicon variant's expected phrases: the same few thousand again and again)."""
    return tuple(phrase_words(e) for e in phrases)


def _is_article(tok: Token) -> bool:
    return tok.text in ("a", "an", "A", "An", "AN")


_default: Engine | None = None


def default_engine() -> Engine:
    """A process-wide engine with the shipped lexicons and default options (lexicons load once)."""
    global _default
    if _default is None:
        _default = Engine()
    return _default


def analyze(text: str, options: Options | None = None) -> Analysis:
    eng = default_engine()
    return (eng if options is None else eng.with_options(options)).analyze(text)


__all__ = ["Engine", "Incremental", "Options", "Prepared", "Stopped", "analyze", "default_engine", "mask"]
