"""Fitting the calibrated estimates (`unspun.engine.estimate`) on findings whose truth is known.

Each row is one finding made on an aligned pair by an engine whose lexicon was learned without that pair (so the
evidence looks as it will on text never learned from), with two labels: the finding lies on an edit of the
spinner (`spin`), and its first replacement, applied alone, brings the text closer to the original (`restores`).

Both models are L2-regularised logistic regressions (Newton's method) on standardised features. Each threshold
is chosen on predictions for rows the model was not fitted on (one group of pairs left out at a time): the
lowest probability at which the rows at or above it (at least `MIN_ROWS`) reach the target precision. The
restore model's regularisation is chosen the same way, among `RESTORE_L2S`: the one under which the most
held-out rows pass their threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.engine.estimate import Estimator, Model

#: precision the applied fixes must reach (share of applied edits that restore the original)
FIX_PRECISION = 0.98
#: precision the reported findings must reach (share that are spins)
REPORT_PRECISION = 0.95
#: a cut-off is judged only over at least this many rows
MIN_ROWS = 25
L2 = 1.0
#: the regularisation strengths tried for the restore model (see `fit_estimator`): a stronger one keeps the
#: weights of evidence seen on few rows (rare learned forms) from deciding the order of the most probable rows
RESTORE_L2S = (1.0, 3.0, 10.0, 30.0, 100.0)


@dataclass(frozen=True)
class Row:
    features: tuple[float, ...]
    spin: bool
    restores: bool
    group: str


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, iterations: int = 30) -> tuple[np.ndarray, float]:
    """Weights and bias of a logistic regression (x already standardised), by Newton's method."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return w[:-1], float(w[-1])


def threshold_for(prob: np.ndarray, label: np.ndarray, target: float, min_rows: int = MIN_ROWS) -> float:
    """The lowest cut-off whose rows (at least `min_rows` of them) reach `target` precision; 1.0 (nothing
    passes) when none does."""
    order = np.argsort(-prob, kind="stable")
    p, y = prob[order], label[order].astype(float)
    precision = np.cumsum(y) / np.arange(1, len(y) + 1)
    best = 1.0
    for k in range(min_rows - 1, len(p)):
        if precision[k] < target:
            continue
        if k + 1 < len(p) and p[k + 1] == p[k]:
            continue  # a cut-off takes every row of equal probability
        best = float(p[k])
    return best


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def _fit_models(rows: Sequence[Row], restore_l2s: Sequence[float] = (L2,)):
    """Standardisation, the spin model, and a restore model for each regularisation strength of `restore_l2s`."""
    x = np.array([r.features for r in rows], dtype=float)
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    spin = fit_logistic(z, np.array([r.spin for r in rows], dtype=float))
    y = np.array([r.restores for r in rows], dtype=float)
    return mean, scale, spin, [fit_logistic(z, y, l2) for l2 in restore_l2s]


def _probabilities(rows: Sequence[Row], mean, scale, model) -> np.ndarray:
    x = (np.array([r.features for r in rows], dtype=float) - mean) / scale
    return 1.0 / (1.0 + np.exp(-np.clip(x @ model[0] + model[1], -30, 30)))


def fit_estimator(
    rows: Sequence[Row], lexicons: Sequence[str], fix_precision: float = FIX_PRECISION,
    report_precision: float = REPORT_PRECISION, restore_l2s: Sequence[float] = RESTORE_L2S,
) -> Estimator:
    """Both models fitted on all `rows`, with thresholds chosen on predictions for held-out groups; the restore
    model's regularisation is the one of `restore_l2s` under which the most held-out rows pass."""
    groups = sorted({r.group for r in rows})
    held_spin: list[np.ndarray] = []
    held_restore: list[list[np.ndarray]] = [[] for _ in restore_l2s]
    spin_labels: list[np.ndarray] = []
    restore_labels: list[np.ndarray] = []
    for g in groups:
        train = [r for r in rows if r.group != g]
        test = [r for r in rows if r.group == g]
        if not train or not test:
            continue
        mean, scale, spin, restores = _fit_models(train, restore_l2s)
        held_spin.append(_probabilities(test, mean, scale, spin))
        for k, model in enumerate(restores):
            held_restore[k].append(_probabilities(test, mean, scale, model))
        spin_labels.append(np.array([r.spin for r in test]))
        restore_labels.append(np.array([r.restores for r in test]))
    chosen = 0
    if held_spin:
        report_t = threshold_for(np.concatenate(held_spin), np.concatenate(spin_labels), report_precision)
        labels = np.concatenate(restore_labels)
        # the regularisation under which the most held-out rows pass the threshold chosen for them (the first
        # of equals)
        passing = []
        for held in held_restore:
            prob = np.concatenate(held)
            t = threshold_for(prob, labels, fix_precision)
            passing.append((int(np.sum(prob >= t)) if t < 1.0 else 0, t))
        chosen = max(range(len(passing)), key=lambda k: (passing[k][0], -k))
        fix_t = passing[chosen][1]
    else:
        report_t = fix_t = 1.0
    mean, scale, spin, restores_all = _fit_models(rows, restore_l2s[chosen : chosen + 1])
    restores = restores_all[0]
    return Estimator(
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        spin_model=Model(tuple(float(v) for v in spin[0]), spin[1]),
        restore_model=Model(tuple(float(v) for v in restores[0]), restores[1]),
        report_threshold=round(report_t, 4),
        fix_threshold=round(fix_t, 4),
        lexicons=frozenset(lexicons),
    )
