"""Findings unchanged: `unspun check --format json` on the examples, the markup fixtures and (when present) the
development set gives what `scripts/snapshot_findings.py` recorded in tests/snapshots/findings.json.

A change that means to change findings regenerates the snapshot with that script (see its docstring); a change
made for speed must pass this test as it is.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("snapshot_findings", ROOT / "scripts" / "snapshot_findings.py")
snap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snap)

HAS_EVAL = (snap.EVAL / "news-dev").is_dir()


@pytest.fixture(scope="module")
def recorded() -> dict:
    return json.loads(snap.SNAPSHOT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def now() -> dict:
    return snap.compute(snap.EVAL if HAS_EVAL else None)


def test_project_findings_unchanged(recorded, now):
    assert set(now["project"]) == set(recorded["project"]), "files added or removed: regenerate the snapshot"
    assert any(r["findings"] for r in now["project"].values())
    diff = snap.differences({"project": recorded["project"]}, {"project": now["project"]})
    assert not diff, "\n".join(diff)


@pytest.mark.skipif(not HAS_EVAL, reason="no development set beside the project")
def test_dev_findings_unchanged(recorded, now):
    assert recorded["dev"], "the snapshot has no development-set part: regenerate it with the set in place"
    diff = snap.differences({"dev": recorded["dev"]}, {"dev": now["dev"]})
    assert not diff, "\n".join(diff)


def test_dev_part_holds_no_text(recorded):
    for name, entry in (recorded.get("dev") or {}).items():
        assert set(entry) == {"findings", "sha256"}, name
        assert len(entry["sha256"]) == 64


def test_a_changed_finding_is_reported(now):
    changed = copy.deepcopy(now)
    name, record = next((n, r) for n, r in changed["project"].items() if r["findings"])
    record["findings"][0]["confidence"] += 0.01
    assert snap.differences(now, changed) and snap.differences(now, changed)[0].startswith(f"project: {name}")
    dropped = copy.deepcopy(now)
    dropped["project"][name]["findings"].pop()
    assert snap.differences(now, dropped)
    assert not snap.differences(now, copy.deepcopy(now))
