"""Detectors: each turns what the engine learned about one paragraph into findings.

The analysis (`unspun.engine.analyzer`) finds, per paragraph, the lexicon matches that pass their conditions and
the language model (`accepted`), the open-vocabulary restorations, and the document's verdict (spun or not, its
score); it then asks every detector in `DETECTORS`, in order, for the paragraph's findings, handing each the
findings of the detectors before it (`taken`), so that a later detector can leave their spans alone.

A detector is one module here with one object that has:

- `name`: what it is called in docs and logs;
- `deferred`: True when its work is left out of a quick analysis and added by the complete one
  (`Engine.analyze(quick=True)`): the open-vocabulary stage is most of the cost of a first look at a spun text;
- `findings(engine, paragraph, taken)`: its findings in the paragraph, with offsets relative to it.

Adding a detector is one new module and its line in `DETECTORS`. What a detector may read is `Paragraph` and
the engine's shared services (`engine.open_vocabulary`, `engine.model`); what its findings say is `Finding`
(`unspun.engine.model`), with their evidence as features for the calibrated estimates (`unspun.engine.estimate`)
when the estimates speak for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from unspun.engine.model import Finding

if TYPE_CHECKING:
    from unspun.engine.analyzer import Engine, Options, ParagraphScan
    from unspun.engine.estimate import Estimator
    from unspun.engine.tokenize import Token


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as the detectors see it, with the document's verdict (offsets relative to the paragraph)."""

    text: str
    scan: ParagraphScan
    #: (match index in `scan.matches`, the article before it) of the lexicon matches that passed conditions,
    #: allow-lists and the language model
    accepted: Sequence[tuple[int, Token | None]]
    #: masked (non-prose) runs inside the paragraph
    runs: tuple[tuple[int, int], ...]
    #: confidence factor of substitutions from the document's score (up to the threshold)
    factor: float
    #: the score the messages show ("8.8")
    shown: str
    #: the text (or this passage of it) looks spun
    spun: bool
    #: the text is lightly spun: just under the threshold (see `analyzer.NEAR_FACTOR`)
    near: bool
    options: Options
    estimator: Estimator | None


class Detector(Protocol):
    name: str
    deferred: bool

    def findings(self, engine: Engine, paragraph: Paragraph, taken: Sequence[Finding]) -> list[Finding]: ...


def _detectors() -> tuple[Any, ...]:
    from unspun.engine.rules.lexicon import LexiconDetector
    from unspun.engine.rules.open_vocabulary import OpenVocabularyDetector

    return (LexiconDetector(), OpenVocabularyDetector())


#: the detectors, in the order they are asked (a later one sees the findings of the earlier ones)
DETECTORS: tuple[Detector, ...] = _detectors()

__all__ = ["DETECTORS", "Detector", "Paragraph"]
