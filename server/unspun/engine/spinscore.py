"""The document-level spin score: how strongly a text as a whole looks machine-spun.

The score is a rate: weighted evidence of spinning per 100 words. Fingerprints (phrases careful writers do not
produce) count fully, ambiguous substitutions count at a fraction of their prior confidence (each is weak
evidence on its own, but spun text is dense with them), and indefinite articles that do not fit the next word
("a information convention") count fully: spinners swap the noun and keep the article of the original.

Each distinct substitution counts once per document: a writer who likes the word "mentioned" uses it often,
a spinner uses many different substitutes. Short texts are measured against a floor of `MIN_WORDS` words, so one odd phrase in a ten-word line does not
make it look spun.
"""

from __future__ import annotations

from collections.abc import Iterable

MIN_WORDS = 100
FINGERPRINT_WEIGHT = 1.0
SUBSTITUTION_WEIGHT = 0.5
ARTICLE_WEIGHT = 1.0
#: a text counts as spun only with at least this much evidence from fingerprints and article slips: ordinary
#: words alone (each distinct substitution counts once per document) never make a text look spun
MIN_STRONG_EVIDENCE = 2.0
#: default threshold (evidence per 100 words) above which a text counts as spun
DEFAULT_THRESHOLD = 2.5


def spin_rate(evidence: float, words: int) -> float:
    return 100.0 * evidence / max(words, MIN_WORDS)


def evidence_weight(kind: str, confidence: float) -> float:
    if kind == "fingerprint":
        return FINGERPRINT_WEIGHT * confidence
    if kind == "substitution":
        return SUBSTITUTION_WEIGHT * confidence
    if kind == "article":
        return ARTICLE_WEIGHT
    return 0.0


def total_evidence(items: Iterable[tuple[str, float]]) -> float:
    return sum(evidence_weight(k, c) for k, c in items)
