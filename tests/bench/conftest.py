"""What the tests of the benchmark scripts share: the scripts loaded as modules (bench/ is not a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="session")
def bench_script():
    """`bench_script("accuracy")`: bench/accuracy.py as a module of its own."""

    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"unspun_bench_{name}", BENCH / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    return load
