"""Calibrated estimates for a finding: is it a spin, and does its first replacement restore the original?

Two logistic models over the same evidence (`FEATURES`): which layer found the phrase, what a learned entry was
learned from, the language model's gain for the restoration and its margin over the runner-up, typos, article
agreement, how spun the text looks. Their weights and the two thresholds are a data file
(`data/estimates.json`) fitted by `scripts/build_estimates.py` on findings made leave-one-pair-out on aligned
pairs (see docs/how-it-works.md):

- `spin`: the probability that the phrase is a spin. It is the finding's confidence; a finding under
  `report_threshold` is not reported.
- `restores`: the probability that the first replacement, applied alone, brings the text closer to the
  original. A finding is safe to fix automatically (fix-all, fix on save, `unspun fix`) only at or above
  `fix_threshold`, chosen so that at least 98% of the edits applied on pairs never learned from helped.

The models speak for the findings they were fitted on (`covered`): open-vocabulary restorations, learned entries
(of the shipped lexicon or a user's, whose entries carry their support) and the written substitutions of the
lexicons named in the file. Written fingerprints and other lexicons (tortured-phrase lists, a user's own) keep
their written confidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

#: the evidence the models read, in this order
FEATURES = (
    "open_vocabulary",  # 1 for a restoration no lexicon lists
    "learned",  # 1 for an entry learned from aligned pairs
    "fingerprint",  # 1 for a fingerprint entry
    "prior",  # the entry's confidence as written or learned; the open-vocabulary stage's own estimate
    # the next four: what aligned pairs show of a learned form, or of a written one whose counts were recorded
    "log_changed",  # log(1 + times the spinner wrote the form)
    "log_pairs",  # log(1 + pairs it was written in)
    "honest_share",  # share of the form's occurrences in spun text that were honest uses
    "consistency",  # share of the form's spins written for its first expected phrase
    "alternatives",  # restorations listed besides the first
    "gain",  # language-model log10 gain of the best restoration over the written words (clipped)
    "margin",  # its lead over the next restoration (clipped)
    "typos",  # typos between the text and the entry
    "article",  # 1 when the indefinite article fits the restoration and not the written words
    "spin_rate",  # the document's spin score (per 100 words, clipped)
    "words",  # words in the written phrase
    "capitalised",  # 1 when the written phrase starts with a capital
)
_CLIP = {"gain": (-6.0, 8.0), "margin": (0.0, 6.0), "spin_rate": (0.0, 20.0)}


def covered(lexicon: str | None, learned: bool, fingerprint: bool, lexicons: frozenset[str] | set[str]) -> bool:
    """Whether estimates fitted on `lexicons` speak for a finding: open-vocabulary restorations (`lexicon` None),
    learned entries, and the written substitutions of those lexicons. A written fingerprint ("information
    convention") is a phrase nobody writes; its written confidence stands."""
    return lexicon is None or learned or (lexicon in lexicons and not fingerprint)


def feature_vector(values: Mapping[str, float]) -> tuple[float, ...]:
    """The features in model order (missing ones 0), clipped where a few extreme values would dominate."""
    get = values.get
    out = [float(get(name, 0.0)) for name in FEATURES]
    for i, lo, hi in _CLIPPED:
        out[i] = min(max(out[i], lo), hi)
    return tuple(out)


#: (index in FEATURES, low, high) of the clipped features
_CLIPPED = tuple((FEATURES.index(name), lo, hi) for name, (lo, hi) in _CLIP.items() if name in FEATURES)


def feature_slots(names: Sequence[str]) -> tuple[tuple[int, float | None, float | None] | None, ...]:
    """Where `feature_vector` puts each of `names` and what it clips it to: (index in FEATURES, low, high; both
    None when it is not clipped), or None for a name the models do not read. For a caller that fills the
    varying features of many vectors into a copy of their common part."""
    return tuple(
        (FEATURES.index(name), *_CLIP.get(name, (None, None))) if name in FEATURES else None for name in names
    )


def _logistic(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Model:
    """A logistic model over standardised features."""

    weights: tuple[float, ...]
    bias: float

    def probability(self, x: tuple[float, ...], mean: tuple[float, ...], scale: tuple[float, ...]) -> float:
        z = self.bias
        for w, v, m, s in zip(self.weights, x, mean, scale):
            z += w * (v - m) / s
        return _logistic(z)


@dataclass(frozen=True)
class Estimator:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    spin_model: Model
    restore_model: Model
    report_threshold: float
    fix_threshold: float
    #: lexicons whose findings the models were fitted on
    lexicons: frozenset[str]

    def covers(self, lexicon: str | None, learned: bool, fingerprint: bool) -> bool:
        """Whether the models speak for a finding of this lexicon (None: the open-vocabulary stage)."""
        return covered(lexicon, learned, fingerprint, self.lexicons)

    def spin(self, x: tuple[float, ...]) -> float:
        return self.spin_model.probability(x, self.mean, self.scale)

    def restores(self, x: tuple[float, ...]) -> float:
        return self.restore_model.probability(x, self.mean, self.scale)

    def spin_and_restores(self, xs: Sequence[tuple[float, ...]]) -> tuple[list[float], list[float]]:
        """`spin` and `restores` of each of several feature vectors, evaluated together: the same floats as one
        by one (each term is computed and added in the same order, `Model.probability`)."""
        if not xs:
            return [], []
        d = np.array(xs, dtype=np.float64) - np.array(self.mean, dtype=np.float64)  # (vectors, features)
        weights = np.array([self.spin_model.weights, self.restore_model.weights], dtype=np.float64)
        terms = weights[:, None, :] * d[None, :, :] / np.array(self.scale, dtype=np.float64)
        z = np.empty((2, len(xs)), dtype=np.float64)
        z[0], z[1] = self.spin_model.bias, self.restore_model.bias
        for k in range(terms.shape[2]):
            z += terms[:, :, k]
        spin, restores = z.tolist()
        return list(map(_logistic, spin)), list(map(_logistic, restores))

    def to_json(self) -> dict:
        return {
            "format": 1,
            "features": list(FEATURES),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "spin": {"weights": list(self.spin_model.weights), "bias": self.spin_model.bias},
            "restores": {"weights": list(self.restore_model.weights), "bias": self.restore_model.bias},
            "report_threshold": self.report_threshold,
            "fix_threshold": self.fix_threshold,
            "lexicons": sorted(self.lexicons),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Estimator:
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError("the estimates file was fitted on other features; rebuild it (scripts/build_estimates.py)")

        def model(m: Mapping) -> Model:
            return Model(tuple(float(w) for w in m["weights"]), float(m["bias"]))

        return cls(
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) or 1.0 for v in data["scale"]),
            spin_model=model(data["spin"]),
            restore_model=model(data["restores"]),
            report_threshold=float(data["report_threshold"]),
            fix_threshold=float(data["fix_threshold"]),
            lexicons=frozenset(data.get("lexicons", ())),
        )


def default_estimator() -> Estimator | None:
    """The shipped estimator, or None when the package has none (findings then keep their written confidence)."""
    ref = resources.files("unspun.data").joinpath("estimates.json")
    try:
        return Estimator.from_json(json.loads(ref.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
