"""The accuracy benchmark's calibration table: bins, and findings scored one by one agree with the whole."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="module")
def accuracy(bench_script):
    return bench_script("accuracy")


def test_calibration_bins_count_mean_and_shares(accuracy):
    rows = [(0.55, 1, 0), (0.58, 0, 0), (0.95, 1, 1), (0.91, 1, 0), (0.3, 0, 0), (1.0, 1, 1)]
    bins = {lo: rest for lo, *rest in accuracy.calibration_bins(rows)}
    assert set(bins) == {0.0, 0.5, 0.9}  # empty bins are left out
    n, mean, spins, fixed = bins[0.5]
    assert n == 2 and mean == pytest.approx(0.565) and spins == 0.5 and fixed == 0.0
    n, mean, spins, fixed = bins[0.9]
    assert n == 3 and mean == pytest.approx((0.95 + 0.91 + 1.0) / 3) and spins == 1.0 and fixed == pytest.approx(2 / 3)
    assert bins[0.0][0] == 1
    assert accuracy.calibration_bins([]) == []


@pytest.mark.skipif(not (EVAL / "score.py").is_file(), reason="no evaluation set beside the project")
def test_findings_scored_one_by_one_add_up_to_the_pair(accuracy):
    from unspun.engine import default_engine

    scorer = accuracy.load_scorer(EVAL)
    pairs = [r for r in accuracy.run_pairs(default_engine(), scorer, EVAL) if not r.get("unsourced")]
    assert pairs
    for r in pairs:
        rows = r["calibration"]
        assert len(rows) == r["findings"]
        assert sum(tp for _, tp, _ in rows) == r["tp"]
        assert sum(ok for _, _, ok in rows) == r["fix_ok"]
        assert all(0.0 <= c <= 1.0 for c, _, _ in rows)
