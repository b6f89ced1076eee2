"""The engine's result types: what every adapter (CLI, language server, batch runs) consumes.

Offsets are code-point offsets into the analysed text (Python string indices). Adapters convert them
(the language server to UTF-16 positions, the CLI to line/column pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """How a finding was earned."""

    #: a phrase no careful writer uses ("counterfeit consciousness"); flagged wherever it occurs
    FINGERPRINT = "fingerprint"
    #: an ordinary word or phrase that is only wrong in context ("mentioned" for "said"); flagged only
    #: when the document as a whole looks spun
    SUBSTITUTION = "substitution"
    #: an indefinite article that fits the word the spinner removed, not the one it wrote ("a information")
    ARTICLE = "article"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


@dataclass(frozen=True)
class Evidence:
    """Why a finding was raised: which layer said so, and what it looked at."""

    layer: str  # "lexicon", "article", "language-model", ...
    source: str  # lexicon name ("news", "science", a user file) or model name
    detail: str = ""  # free text, e.g. "line 42" or "logP +3.1"


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    text: str
    replacements: tuple[str, ...]
    confidence: float
    kind: Kind
    rule: str
    message: str
    evidence: tuple[Evidence, ...] = ()
    #: the phrase in its lexicon form ("information convention"), used by allow-lists and ignores
    key: str = ""
    #: True when the best replacement may be applied without review (fix-all, fix on save)
    safe_fix: bool = True

    @property
    def best(self) -> str | None:
        return self.replacements[0] if self.replacements else None


@dataclass(frozen=True)
class Analysis:
    """Everything the engine says about one text."""

    text: str
    findings: tuple[Finding, ...]
    #: likely substitutions per 100 words (see `unspun.engine.spinscore`)
    spin_score: float
    #: True when `spin_score` passed the configured threshold, i.e. the text looks machine-spun
    spun: bool
    word_count: int
    #: per-paragraph spin scores: (start, end, score)
    paragraphs: tuple[tuple[int, int, float], ...] = field(default=())
