"""The lexicon detector: lexicon matches (fingerprints and substitutions) that passed their conditions, the
allow-lists and the language model become findings, with their replacements in the text's case, the article
before them repaired, and their confidence and safety from the calibrated estimates where those speak for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from unspun.engine import lmcheck
from unspun.engine.casing import apply_case
from unspun.engine.estimate import FEATURES, feature_slots, feature_vector
from unspun.engine.inflect import article_for
from unspun.engine.matcher import TYPO_PENALTY, Match, Variant
from unspun.engine.model import Evidence, Finding, Kind
from unspun.engine.rules.common import estimated_many, repair_article

if TYPE_CHECKING:
    from unspun.engine.analyzer import Engine
    from unspun.engine.estimate import Estimator
    from unspun.engine.rules import Paragraph
    from unspun.engine.tokenize import Token

#: in a lightly spun text (`Paragraph.near`), a learned substitution is reported when its estimated probability of
#: being a spin is at least this
NEAR_SPIN = 0.9


class LexiconDetector:
    name = "lexicon"
    deferred = False

    def findings(self, engine: Engine, p: Paragraph, taken: Sequence[Finding]) -> list[Finding]:
        return lexicon_findings(engine.index.per_variant, p)


def findings_one_by_one(p: Paragraph) -> list[Finding]:
    """What `lexicon_findings` finds, each match drafted and finished on its own (`finding`, `draft`, `finish`:
    the plain statement of what a lexicon finding is, which the batched path is tested against)."""
    out = []
    for mi, article in p.accepted:
        f = finding(p, p.text, 0, p.scan.matches[mi], article, p.scan.gains.get(mi))
        if f is not None:
            out.append(f)
    return out


def finding(
    p: Paragraph, text: str, base: int, m: Match, article: Token | None, gains: list[float] | None,
) -> Finding | None:
    """The finding of one accepted lexicon match, or None when it is not reported."""
    d = draft(p, text, base, m, article, gains)
    if d is None:
        return None
    return finish(p, d, estimated_many(p.estimator, [d.features])[0] if d.covered else None)


class Draft(NamedTuple):
    """A lexicon match on its way to a finding: all of it but what the calibrated estimates decide (whether
    it is reported, its confidence, whether it is safe), which is evaluated for a paragraph's drafts at once."""

    text: str
    base: int
    m: Match
    start: int
    end: int
    matched: str
    expected: list[str]
    replacements: list[str]
    evidence: list[Evidence]
    conf: float
    hint: bool
    near: bool
    features: tuple[float, ...]
    #: the estimates speak for it
    covered: bool


def draft(
    p: Paragraph, text: str, base: int, m: Match, article: Token | None, gains: list[float] | None,
) -> Draft | None:
    """The first part of `finding`: None when it is not reported whatever the estimates say. `covered`: the
    estimates speak for it (then `p.estimator` is not None)."""
    opts, factor, shown, spun, near_text = p.options, p.factor, p.shown, p.spun, p.near
    entry = m.variant.entry
    if entry.kind not in opts.kinds:
        return None
    conf = entry.confidence * (TYPO_PENALTY**m.typos)
    hint = False
    # a learned entry in a text just under the threshold (lightly spun) is reported when the estimates are
    # sure of it (NEAR_SPIN)
    near = near_text and entry.support is not None
    if entry.kind is Kind.SUBSTITUTION:
        if opts.substitutions == "never" or (opts.substitutions == "gated" and not spun and not near):
            return None
        if opts.substitutions == "hint" and not spun:
            hint = True  # as confident as in a spun text: the severity says how much to trust it
        else:
            conf *= factor
    elif spun:
        conf += (1.0 - conf) * 0.3
    start, end = base + m.start, base + m.end
    matched = text[start:end]
    expected = list(m.variant.expected)
    evidence = [Evidence("lexicon", entry.lexicon, f"entry {entry.tortured!r} (line {entry.line})")]
    if gains is not None:
        top = max(gains)
        best = gains.index(top)  # (the first of the best)
        if best != 0 and gains[best] - gains[0] >= lmcheck.RERANK_MARGIN:
            expected.insert(0, expected.pop(best))
        if entry.kind is Kind.SUBSTITUTION:
            conf *= 0.5 + lmcheck.gain_confidence(top)  # x0.5 (LM strongly against) .. x1.5 (strongly for)
        evidence.append(Evidence("language-model", "cmu-trigram", f"log10 gain {top:+.2f} for {expected[0]!r}"))
    replacements = [apply_case(matched, r) for r in expected]
    if m.typos:
        evidence.append(Evidence("lexicon", entry.lexicon, f"matched with {m.typos} typo(s)"))
    if article is not None:
        art = article.text.lower()
        fits_written = art == article_for(matched.split()[0] if matched.split() else matched)
        fits_best = art == article_for(replacements[0].split()[0])
        if not fits_written and fits_best:
            conf += (1.0 - conf) * 0.5
            evidence.append(Evidence("article", "grammar", f"{article.text!r} fits {replacements[0]!r}, not {matched!r}"))
        start, matched, replacements = repair_article(text, base, article, start, end, replacements)
    conf = round(min(conf, 0.99), 3)
    support = entry.support
    features = feature_vector(
        {
            **_entry_features(m.variant),
            **dict(zip(
                MATCH_FEATURES,
                _match_features(
                    expected, gains, m.typos, any(e.layer == "article" for e in evidence), float(shown),
                    text[base + m.start : base + m.start + 1].isupper(),
                ),
            )),
        }
    )
    est = p.estimator
    covered = est is not None and est.covers(entry.lexicon, support is not None, entry.kind is Kind.FINGERPRINT)
    return Draft(
        text, base, m, start, end, matched, expected, replacements, evidence, conf, hint, near, features, covered
    )


def _entry_features(v: Variant) -> dict[str, float]:
    """The estimates' features of a lexicon finding that depend only on its entry's variant."""
    entry = v.entry
    support = entry.support
    # what aligned pairs show of the phrase: a learned entry's support, or the counts recorded for a written one
    counts = support or entry.observed
    return {
        "learned": float(support is not None), "fingerprint": float(entry.kind is Kind.FINGERPRINT),
        "prior": entry.confidence, "log_changed": math.log1p(counts[0]) if counts else 0.0,
        "log_pairs": math.log1p(counts[2]) if counts else 0.0,
        "honest_share": (counts[1] - counts[0]) / counts[1] if counts and counts[1] else 0.0,
        "consistency": counts[3] / counts[0] if counts and counts[0] else 0.0,
        "words": len(v.words),
    }


def _assembler(slots: Sequence[tuple[int, float | None, float | None] | None]) -> Callable[[list], tuple]:
    """A function of a list (a whole feature vector, then one value per slot) to the vector in model order with
    each slot's value in its place."""
    n = len(FEATURES)
    where = list(range(n))
    for k, slot in enumerate(slots):
        if slot is not None:
            where[slot[0]] = n + k
    get = itemgetter(*where)
    return get if n > 1 else lambda values: (get(values),)


#: the estimates' features of a lexicon finding that depend on the match, in the order `_match_features` gives them
MATCH_FEATURES = ("alternatives", "gain", "margin", "typos", "article", "spin_rate", "capitalised")
_MATCH_SLOTS = feature_slots(MATCH_FEATURES)
# what `lexicon_findings` needs to put them in model order after those of the variant (`feature_vector` of the
# variant's features: model order, zero for the others): the bounds each is clipped to (infinite for none,
# which leaves every float as it is), and where each feature is found in the variant's features followed by
# the match's
_MATCH_LOW = tuple(-math.inf if s is None or s[1] is None else s[1] for s in _MATCH_SLOTS)
_MATCH_HIGH = tuple(math.inf if s is None or s[2] is None else s[2] for s in _MATCH_SLOTS)
_ASSEMBLE = _assembler(_MATCH_SLOTS)


def _match_features(
    expected: Sequence[str], gains: list[float] | None, typos: int, article: bool, spin_rate: float, capital: bool,
) -> tuple[float, ...]:
    ranked_gains = sorted(gains or (), reverse=True)
    return (
        len(expected) - 1, max(gains) if gains else 0.0,
        ranked_gains[0] - ranked_gains[1] if len(ranked_gains) > 1 else 6.0,
        typos, float(article), spin_rate, float(capital),
    )


def finish(p: Paragraph, d: Draft, estimate: tuple[float, bool] | None) -> Finding | None:
    """The second part of `finding`: the finding of a draft, given its estimates (`estimated`; None when they
    do not speak for it), or None when it is not reported."""
    opts, shown, spun = p.options, p.shown, p.spun
    text, base, m, start, end, matched, expected, replacements, evidence, conf, hint, near, features, covered = d
    entry = m.variant.entry
    safe = conf >= opts.safe_confidence
    est = p.estimator
    if covered:
        assert est is not None and estimate is not None
        conf, safe = estimate
        if conf < (NEAR_SPIN if near and opts.substitutions == "gated" else est.report_threshold):
            return None
    elif near and opts.substitutions == "gated":
        return None
    safe = safe and not hint
    if conf < opts.min_confidence:
        return None
    if entry.kind is Kind.FINGERPRINT:
        msg = f"Tortured phrase: \u201c{text[base + m.start:end]}\u201d is likely a garbled \u201c{expected[0]}\u201d"
    elif hint:
        msg = (
            f"Possible spinner substitution: \u201c{text[base + m.start:end]}\u201d for \u201c{expected[0]}\u201d"
            f" (a hint: this text does not look spun, {shown} per 100 words)"
        )
    else:
        why = "this text looks machine-spun" if spun else "reported everywhere; this text does not look spun"
        msg = (
            f"{'Likely' if safe else 'Possible'} spinner substitution: \u201c{text[base + m.start:end]}\u201d for \u201c{expected[0]}\u201d"
            f" ({why}: {shown} per 100 words)"
        )
    if len(expected) > 1:
        msg += " (or " + ", ".join(f"\u201c{e}\u201d" for e in expected[1:]) + ")"
    return Finding(
        start=start,
        end=end,
        text=matched,
        replacements=tuple(dict.fromkeys(replacements)),
        confidence=conf,
        kind=entry.kind,
        rule=f"{entry.kind.value}/{entry.lexicon}",
        message=msg,
        evidence=tuple(evidence),
        key=" ".join(m.variant.words),
        safe_fix=safe,
        hint=hint,
        features=features,
    )


def lexicon_findings(per_variant: dict[int, tuple], p: Paragraph) -> list[Finding]:
    """The findings of a paragraph's accepted lexicon matches: what `findings_one_by_one` finds, with what
    depends only on a match's variant (its lexicon evidence, rule, key, the features of its entry) worked out
    once per variant and kept in `per_variant` (`PhraseIndex.per_variant`), the estimates of the paragraph's
    findings evaluated together."""
    opts, factor, shown, spun, near_text, est = p.options, p.factor, p.shown, p.spun, p.near, p.estimator
    kinds, subs = opts.kinds, opts.substitutions
    text, matches, gains_of = p.text, p.scan.matches, p.scan.gains
    lo, hi, assemble = _MATCH_LOW, _MATCH_HIGH, _ASSEMBLE
    spin_rate = min(max(float(shown), lo[5]), hi[5])
    gain_confidence, rerank = lmcheck.gain_confidence, lmcheck.RERANK_MARGIN
    fingerprint = Kind.FINGERPRINT
    drafts = []
    for mi, article in p.accepted:
        m = matches[mi]
        v = m.variant
        info = per_variant.get(id(v))
        if info is None or info[1] is not est:
            info = per_variant[id(v)] = _variant_info(v, est)
        _v, _est, entry, kind, is_sub, learned, lex_evidence, base_features, covered, rule, key = info
        if kind not in kinds:
            continue
        typos = m.typos
        conf = entry.confidence * (TYPO_PENALTY**typos)
        hint = False
        near = near_text and learned
        if is_sub:
            if subs == "never" or (subs == "gated" and not spun and not near):
                continue
            if subs == "hint" and not spun:
                hint = True
            else:
                conf *= factor
        elif spun:
            conf += (1.0 - conf) * 0.3
        start = m.start
        end = m.end
        matched = text[start:end]
        expected = list(v.expected)
        evidence = [lex_evidence]
        gains = gains_of.get(mi)
        if gains is not None:
            top = max(gains)
            best = gains.index(top)
            if best != 0 and gains[best] - gains[0] >= rerank:
                expected.insert(0, expected.pop(best))
            if is_sub:
                conf *= 0.5 + gain_confidence(top)
            evidence.append(Evidence("language-model", "cmu-trigram", f"log10 gain {top:+.2f} for {expected[0]!r}"))
        if matched[:1].isalpha() and matched.islower():
            replacements = expected  # (`apply_case` leaves them as they are)
        else:
            replacements = [apply_case(matched, r) for r in expected]
        if typos:
            evidence.append(Evidence("lexicon", entry.lexicon, f"matched with {typos} typo(s)"))
        fits = False
        if article is not None:
            art = article.text.lower()
            fits_written = art == article_for(matched.split()[0] if matched.split() else matched)
            fits_best = art == article_for(replacements[0].split()[0])
            if not fits_written and fits_best:
                fits = True
                conf += (1.0 - conf) * 0.5
                evidence.append(
                    Evidence("article", "grammar", f"{article.text!r} fits {replacements[0]!r}, not {matched!r}")
                )
            start, matched, replacements = repair_article(text, 0, article, start, end, replacements)
        conf = round(min(conf, 0.99), 3)
        # the features: those of the variant, then those of the match (`_match_features`, clipped as
        # `feature_vector` clips them), put in model order in one step
        if gains:
            ranked = sorted(gains, reverse=True)
            gain, margin = float(top), (float(ranked[0] - ranked[1]) if len(ranked) > 1 else 6.0)
        else:
            gain, margin = 0.0, 6.0
        features = assemble(
            base_features + [
                min(max(float(len(expected) - 1), lo[0]), hi[0]), min(max(gain, lo[1]), hi[1]),
                min(max(margin, lo[2]), hi[2]), min(max(float(typos), lo[3]), hi[3]),
                min(max(float(fits), lo[4]), hi[4]), spin_rate,
                min(max(float(text[m.start : m.start + 1].isupper()), lo[6]), hi[6]),
            ]
        )
        drafts.append(
            (m, start, end, matched, expected, replacements, evidence, conf, hint, near, features, covered,
             kind, rule, key)
        )
    if not drafts:
        return []
    covered_features = [d[10] for d in drafts if d[11]]
    estimates = iter(estimated_many(est, covered_features) if covered_features else ())
    gated = subs == "gated"
    min_confidence, safe_confidence = opts.min_confidence, opts.safe_confidence
    why = "this text looks machine-spun" if spun else "reported everywhere; this text does not look spun"
    out = []
    for m, start, end, matched, expected, replacements, evidence, conf, hint, near, features, covered, kind, rule, key in drafts:
        safe = conf >= safe_confidence
        if covered:
            conf, safe = next(estimates)
            if conf < (NEAR_SPIN if near and gated else est.report_threshold):  # type: ignore[union-attr]
                continue
        elif near and gated:
            continue
        safe = safe and not hint
        if conf < min_confidence:
            continue
        written = text[m.start : end]
        if kind is fingerprint:
            msg = f"Tortured phrase: \u201c{written}\u201d is likely a garbled \u201c{expected[0]}\u201d"
        elif hint:
            msg = (
                f"Possible spinner substitution: \u201c{written}\u201d for \u201c{expected[0]}\u201d"
                f" (a hint: this text does not look spun, {shown} per 100 words)"
            )
        else:
            msg = (
                f"{'Likely' if safe else 'Possible'} spinner substitution: \u201c{written}\u201d for"
                f" \u201c{expected[0]}\u201d ({why}: {shown} per 100 words)"
            )
        if len(expected) > 1:
            msg += " (or " + ", ".join(f"\u201c{e}\u201d" for e in expected[1:]) + ")"
        out.append(
            Finding(
                start=start, end=end, text=matched, replacements=tuple(dict.fromkeys(replacements)), confidence=conf,
                kind=kind, rule=rule, message=msg, evidence=tuple(evidence), key=key, safe_fix=safe, hint=hint,
                features=features,
            )
        )
    return out


def _variant_info(v: Variant, est: Estimator | None) -> tuple:
    """What `lexicon_findings` needs of a variant whatever the match (the first two: the variant itself, which
    keeps its id its own, and the estimator the rest was worked out for)."""
    entry = v.entry
    kind = entry.kind
    learned = entry.support is not None
    covered = est is not None and est.covers(entry.lexicon, learned, kind is Kind.FINGERPRINT)
    return (
        v, est, entry, kind, kind is Kind.SUBSTITUTION, learned,
        Evidence("lexicon", entry.lexicon, f"entry {entry.tortured!r} (line {entry.line})"),
        list(feature_vector(_entry_features(v))), covered, f"{kind.value}/{entry.lexicon}", " ".join(v.words),
    )
