"""The open-vocabulary detector: in texts that look spun, restorations no lexicon lists (a thesaurus read
backwards and the language model, `unspun.engine.openvocab`) become findings where no earlier detector found
anything. Deferred: a quick analysis leaves it out, the complete one adds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from unspun.engine.casing import apply_case
from unspun.engine.estimate import feature_vector
from unspun.engine.model import Evidence, Finding, Kind
from unspun.engine.rules.common import ARTICLE_GAP, estimated, repair_article

if TYPE_CHECKING:
    from unspun.engine.analyzer import Engine
    from unspun.engine.rules import Paragraph


class OpenVocabularyDetector:
    name = "open vocabulary"
    deferred = True

    def findings(self, engine: Engine, p: Paragraph, taken: Sequence[Finding]) -> list[Finding]:
        return open_findings(engine, p, taken)


def _blocked(runs):
    """A test for spans reaching into the paragraph's masked runs (None when it has none)."""
    if not runs:
        return None
    from unspun.engine.incremental import Runs

    return Runs(runs)


def open_findings(engine: Engine, p: Paragraph, taken: Sequence[Finding]) -> list[Finding]:
    """Open-vocabulary findings of one paragraph (relative offsets) that overlap no earlier finding."""
    ov = engine.open_vocabulary
    if ov is None:
        return []
    opts, chunk, scan, shown = p.options, p.text, p.scan, p.shown
    blocked = _blocked(p.runs)
    if scan.restorations is None:
        engine._restore([(chunk, scan)])
    assert scan.restorations is not None
    out: list[Finding] = []
    for r, article in scan.restorations:
        start, end = r.start, r.end
        if any(f.start < end and start < f.end for f in taken) or opts.allows(chunk[start:end]):
            continue
        conf = r.confidence
        written = chunk[start:end]
        features = feature_vector(
            {
                "open_vocabulary": 1.0, "prior": conf, "alternatives": len(r.candidates) - 1, "gain": r.gains[0],
                "margin": r.gains[0] - r.gains[1] if len(r.gains) > 1 else 6.0, "spin_rate": float(shown),
                "words": len(written.split()), "capitalised": float(written[:1].isupper()),
            }
        )
        if conf < opts.min_confidence:
            continue  # the stage's own estimate, before any other
        safe = conf >= opts.safe_confidence
        est = p.estimator
        if est is not None:
            conf, safe = estimated(est, features)
            if conf < est.report_threshold or conf < opts.min_confidence:
                continue
        replacements = [apply_case(written, c) for c in r.candidates]
        matched = written
        if (
            article is not None
            and ARTICLE_GAP.fullmatch(chunk[article.end : r.start])
            and not (blocked is not None and blocked(article.start, start))
        ):
            start, matched, replacements = repair_article(chunk, 0, article, start, end, replacements)
        out.append(
            Finding(
                start=start, end=end, text=matched, replacements=tuple(dict.fromkeys(replacements)),
                confidence=conf, kind=Kind.SUBSTITUTION, rule="substitution/open-vocabulary",
                message=(
                    f"{'Likely' if safe else 'Possible'} spinner substitution: \u201c{written}\u201d, perhaps for"
                    f" \u201c{r.candidates[0]}\u201d (this text looks machine-spun: {shown} per 100 words)"
                ),
                evidence=(
                    Evidence("thesaurus", "moby", f"{r.candidates[0]!r} lists {written.lower()!r} as a synonym"),
                    Evidence("language-model", "cmu-trigram", f"log10 gain {r.gains[0]:+.2f}"),
                ),
                key=written.lower(),
                safe_fix=safe,
                features=features,
            )
        )
    return out
