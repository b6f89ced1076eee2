"""The error analysis of `unspun fix` (bench/fix_misses.py): each spinner's edit falls in the right bucket."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="module")
def misses(bench_script):
    return bench_script("fix_misses")


def finding(start, end, text, replacements, safe, features=None):
    return dict(start=start, end=end, text=text, replacements=replacements, safe=safe, confidence=0.9,
                rule="lexicon/news", features=features or {}, restores=0.5)


def test_layer_and_support_read_the_features(misses):
    learned = finding(0, 1, "x", ["y"], True, {"learned": 1.0, "log_pairs": math.log(1 + 4)})
    assert misses.layer(learned) == "learned" and misses.support(learned) == "3-5"
    counted = finding(0, 1, "x", ["y"], True, {"log_changed": 1.0, "log_pairs": math.log(2)})
    assert misses.layer(counted) == "written, counted" and misses.support(counted) == "1"
    assert misses.layer(finding(0, 1, "x", ["y"], True, {"open_vocabulary": 1.0})) == "open vocabulary"
    assert misses.layer(finding(0, 1, "x", ["y"], True, {"prior": 0.8})) == "written"
    assert misses.layer(finding(0, 1, "x", ["y"], True)).startswith("uncovered")


def _scorer():
    spec = importlib.util.spec_from_file_location("unspun_eval_score_t", EVAL / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(not (EVAL / "score.py").is_file(), reason="no evaluation set beside the project")
def test_each_spinner_edit_gets_its_bucket(misses):
    sc = _scorer()
    spun = "The vitality worth rose again. It was good."
    orig = "The energy price rose again. It was good."
    (gold,) = sc.gold_edits(spun, orig)  # one run of two rewritten words
    base = sc.word_errors(spun, orig)
    s = spun.index("vitality")

    def bucket(findings, fixed):
        return misses.bucket_of(sc, spun, orig, fixed, gold, findings, base)

    assert bucket([], orig) == "undone"
    assert bucket([], spun) == "not found"
    energy = finding(s, s + 8, "vitality", ["energy"], True)
    assert bucket([energy], spun.replace("vitality", "energy")) == "partly undone"
    assert bucket([dict(energy, safe=False)], spun) == "gated"
    assert bucket([finding(s, s + 8, "vitality", ["power", "energy"], False)], spun) == "wrong, right later"
    assert bucket([finding(s, s + 8, "vitality", ["power"], False)], spun) == "wrong"


@pytest.mark.skipif(not (EVAL / "score.py").is_file(), reason="no evaluation set beside the project")
def test_the_gated_pool_counts_what_each_held_back_finding_would_do(misses):
    sc = _scorer()
    spun = "The vitality worth rose again. It was good."
    orig = "The energy price rose again. It was good."
    s, w, g = spun.index("vitality"), spun.index("worth"), spun.index("good")
    data = [dict(spun=spun, original=orig, fixed=spun, findings=[
        finding(s, s + 8, "vitality", ["energy"], False, {"learned": 1.0}),  # helps
        finding(w, w + 5, "worth", ["value"], False, {"learned": 1.0}),  # neutral
        finding(g, g + 4, "good", ["fine"], False, {"prior": 0.9}),  # harms
        finding(s, s + 8, "vitality", ["energy"], True, {"learned": 1.0}),  # safe: not in the pool
    ])]
    result = misses.analyse(data, sc)
    assert result["gated"]["learned | all"] == [1, 0, 1, 1]
    assert result["gated"]["written | all"] == [0, 1, 0, -1]
    assert sum(n for n, _ in result["buckets"].values()) == len(sc.gold_edits(spun, orig))
