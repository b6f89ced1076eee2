"""Fixtures for the language-server tests (the helpers live in support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace folder for one test module's server."""
    return tmp_path_factory.mktemp("workspace")
