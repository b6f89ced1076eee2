"""Fixtures for the real-editor tests (the helpers live in harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import DOC


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    """The fixture document in a fresh project folder."""
    project = tmp_path / "project"
    project.mkdir()
    path = project / "briefing.md"
    path.write_text(DOC, encoding="utf-8")
    return path
