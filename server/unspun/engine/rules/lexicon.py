"""The lexicon detector: lexicon matches (fingerprints and substitutions) that passed their conditions, the
allow-lists and the language model become findings, with their replacements in the text's case, the article
before them repaired, and their confidence and safety from the calibrated estimates where those speak for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from unspun.engine import lmcheck
from unspun.engine.casing import apply_case
from unspun.engine.estimate import feature_vector
from unspun.engine.inflect import article_for
from unspun.engine.matcher import TYPO_PENALTY, Match
from unspun.engine.model import Evidence, Finding, Kind
from unspun.engine.rules.common import estimated_many, repair_article

if TYPE_CHECKING:
    from unspun.engine.analyzer import Engine
    from unspun.engine.rules import Paragraph
    from unspun.engine.tokenize import Token

#: in a lightly spun text (`Paragraph.near`), a learned substitution is reported when its estimated probability of
#: being a spin is at least this
NEAR_SPIN = 0.9


class LexiconDetector:
    name = "lexicon"
    deferred = False

    def findings(self, engine: Engine, p: Paragraph, taken: Sequence[Finding]) -> list[Finding]:
        drafts = []
        for mi, article in p.accepted:
            d = draft(p, p.text, 0, p.scan.matches[mi], article, p.scan.gains.get(mi))
            if d is not None:
                drafts.append(d)
        # the estimates of the paragraph's findings that they speak for, evaluated together
        covered = [d.features for d in drafts if d.covered]
        estimates = iter(estimated_many(p.estimator, covered) if covered else ())
        out = []
        for d in drafts:
            f = finish(p, d, next(estimates) if d.covered else None)
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
    # what aligned pairs show of the phrase: a learned entry's support, or the counts recorded for a written one
    counts = support or entry.observed
    top_gain = max(gains) if gains else 0.0
    ranked_gains = sorted(gains or (), reverse=True)
    features = feature_vector(
        {
            "learned": float(support is not None), "fingerprint": float(entry.kind is Kind.FINGERPRINT),
            "prior": entry.confidence, "log_changed": math.log1p(counts[0]) if counts else 0.0,
            "log_pairs": math.log1p(counts[2]) if counts else 0.0,
            "honest_share": (counts[1] - counts[0]) / counts[1] if counts and counts[1] else 0.0,
            "consistency": counts[3] / counts[0] if counts and counts[0] else 0.0,
            "alternatives": len(expected) - 1, "gain": top_gain,
            "margin": ranked_gains[0] - ranked_gains[1] if len(ranked_gains) > 1 else 6.0,
            "typos": m.typos, "article": float(any(e.layer == "article" for e in evidence)),
            "spin_rate": float(shown), "words": len(m.variant.words),
            "capitalised": float(text[base + m.start : base + m.start + 1].isupper()),
        }
    )
    est = p.estimator
    covered = est is not None and est.covers(entry.lexicon, support is not None, entry.kind is Kind.FINGERPRINT)
    return Draft(
        text, base, m, start, end, matched, expected, replacements, evidence, conf, hint, near, features, covered
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
