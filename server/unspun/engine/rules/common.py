"""What several detectors share: the indefinite article before a phrase, and the calibrated estimates."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from unspun.engine.casing import apply_case
from unspun.engine.inflect import article_for

if TYPE_CHECKING:
    from unspun.engine.estimate import Estimator
    from unspun.engine.tokenize import Token

#: what may stand between an indefinite article and the next word
ARTICLE_GAP = re.compile(r"[ \t\u00a0]+|[ \t\u00a0]*(?:\r\n|\r|\n)[ \t\u00a0]*")


def estimated(est: Estimator, features: tuple[float, ...]) -> tuple[float, bool]:
    """A finding's confidence (the estimated probability that it is a spin) and whether it is safe to fix."""
    return round(min(est.spin(features), 0.99), 3), est.restores(features) >= est.fix_threshold


def estimated_many(est: Estimator, xs: list[tuple[float, ...]]) -> list[tuple[float, bool]]:
    """`estimated` of several findings' features at once (the same values)."""
    spin, restores = est.spin_and_restores(xs)
    fix = est.fix_threshold
    return [(round(min(s, 0.99), 3), r >= fix) for s, r in zip(spin, restores)]


def repair_article(
    text: str, base: int, article: Token, start: int, end: int, replacements: list[str]
) -> tuple[int, str, list[str]]:
    """If a replacement needs the other indefinite article, the span takes in the article and every
    replacement carries the article it needs ("an information convention" -> "a news conference")."""
    art = article.text.lower()
    if all(article_for(r.split()[0]) == art for r in replacements if r.split()):
        return start, text[start:end], replacements
    gap = text[base + article.end : start]
    fixed = [apply_case(article.text, article_for(r.split()[0])) + gap + r if r.split() else r for r in replacements]
    start = base + article.start
    return start, text[start:end], fixed


