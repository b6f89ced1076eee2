from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
#: the development evaluation set, when present beside the project (never copied into it)
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def mini_engine():
    from unspun.engine import Engine
    from unspun.engine.lexicon import load_lexicon

    lex, problems = load_lexicon(FIXTURES / "lexicons" / "mini.tsv")
    assert not problems
    return Engine([lex])


@pytest.fixture(scope="session")
def spun_paragraphs() -> list[str]:
    """The paragraphs of the spun example (examples/spun-news.txt), its heading left out: the parts long spun
    test texts are made of."""
    text = (Path(__file__).resolve().parents[1] / "examples" / "spun-news.txt").read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if p.strip() and not p.startswith("#")]


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.skip("evaluation set ../shared/eval not present")
    return EVAL
