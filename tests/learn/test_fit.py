"""The calibrated estimates: fitting, thresholds, and the safe-fix gate in the engine."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from unspun.engine import Engine
from unspun.engine.estimate import FEATURES, Estimator, Model, default_estimator
from unspun.engine.lexicon import parse_lexicon
from unspun.learn.fit import Row, fit_estimator, fit_logistic, threshold_for


def test_threshold_is_the_lowest_cut_off_that_reaches_the_precision():
    prob = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6])
    label = np.array([1, 1, 1, 1, 0, 1])
    assert threshold_for(prob, label, 1.0, min_rows=2) == 0.8
    assert threshold_for(prob, label, 0.8, min_rows=2) == 0.6
    assert threshold_for(prob, np.zeros(6), 0.5, min_rows=2) == 1.0  # nothing reaches it: nothing passes


def test_logistic_fit_separates_a_separable_feature():
    rnd = np.random.default_rng(0)
    x = rnd.normal(size=(400, 2))
    y = (x[:, 0] > 0).astype(float)
    w, b = fit_logistic(x, y)
    assert w[0] > 2 * abs(w[1]) and abs(b) < 1


def _rows(n: int = 600) -> list[Row]:
    rnd = random.Random(3)
    rows = []
    for i in range(n):
        gain = rnd.uniform(-2, 6)
        feats = [0.0] * len(FEATURES)
        feats[FEATURES.index("gain")] = gain
        feats[FEATURES.index("prior")] = rnd.random()
        rows.append(Row(tuple(feats), spin=gain > 0, restores=gain > 2 and rnd.random() < 0.99, group=str(i % 12)))
    return rows


def test_fitted_estimates_rank_by_the_evidence_and_pick_a_usable_threshold():
    est = fit_estimator(_rows(), ["news"])
    low, high = ([0.0] * len(FEATURES) for _ in range(2))
    high[FEATURES.index("gain")] = 5.0
    assert est.restores(tuple(high)) > est.fix_threshold > est.restores(tuple(low))
    assert 0.0 < est.report_threshold < 1.0
    assert Estimator.from_json(est.to_json()) == est


def test_the_restore_models_regularisation_is_the_one_under_which_most_held_out_rows_pass():
    rows = _rows()  # half of them restore, nearly all of those with a gain over 2
    gain = FEATURES.index("gain")
    flat = fit_estimator(rows, ["news"], restore_l2s=(1e7,))  # shrunk to a constant: it cannot rank
    assert abs(flat.restore_model.weights[gain]) < 1e-3 and flat.fix_threshold == 1.0
    ranked = fit_estimator(rows, ["news"], restore_l2s=(1.0,))
    assert ranked.restore_model.weights[gain] > 0.5 and ranked.fix_threshold < 1.0
    for choices in ((1e7, 1.0), (1.0, 1e7)):
        assert fit_estimator(rows, ["news"], restore_l2s=choices) == ranked


LEXICON = "tortured\texpected\tkind\tconfidence\tinflect\trequire\texclude\tnote\tsupport\n" \
    "mentioned\tsaid\tsubstitution\t0.9\t\t\t\t\t20/21/9/20\n"


def _gate(fix_threshold: float) -> Estimator:
    n = len(FEATURES)
    return Estimator(
        mean=(0.0,) * n, scale=(1.0,) * n, spin_model=Model((0.0,) * n, 5.0), restore_model=Model((0.0,) * n, 0.0),
        report_threshold=0.5, fix_threshold=fix_threshold, lexicons=frozenset({"news"}),
    )


@pytest.mark.parametrize("threshold,safe", [(0.4, True), (0.6, False)])
def test_the_gate_refuses_a_fix_whose_estimate_is_under_the_threshold(threshold, safe):
    lex, _ = parse_lexicon(LEXICON, "x.tsv", "news")
    eng = Engine([lex], model=None, estimator=_gate(threshold))
    eng = eng.with_options(replace(eng.options, substitutions="always"))
    (f,) = eng.analyze("The minister mentioned the plan.").findings
    assert f.safe_fix is safe  # the restore model says 0.5 for every finding
    assert f.message.startswith("Likely" if safe else "Possible")
    assert f.confidence == 0.99 and len(f.features) == len(FEATURES)


def test_the_shipped_estimates_load_and_were_fitted_for_the_engines_features():
    est = default_estimator()
    assert est is not None and 0.5 <= est.fix_threshold < 1.0 and "news" in est.lexicons


def test_estimates_of_many_findings_at_once_are_those_of_each_alone():
    est = default_estimator()
    assert est is not None
    rnd = random.Random(5)
    xs = [tuple(rnd.choice((0.0, 1.0, rnd.uniform(-8, 25), rnd.random())) for _ in FEATURES) for _ in range(300)]
    spin, restores = est.spin_and_restores(xs)
    assert spin == [est.spin(x) for x in xs]  # the same floats, not merely close ones
    assert restores == [est.restores(x) for x in xs]
    assert est.spin_and_restores([]) == ([], [])
