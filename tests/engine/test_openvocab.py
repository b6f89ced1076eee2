"""Open-vocabulary restorations: batching several paragraphs gives exactly what each paragraph gives alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.engine import default_engine
from unspun.engine.tokenize import paragraphs, tokenize

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "spun-news.txt"


def test_restorations_in_one_batch_equal_paragraph_by_paragraph():
    ov = default_engine().open_vocabulary
    if ov is None:
        pytest.skip("no language model")
    text = EXAMPLE.read_text(encoding="utf-8")
    asked = [(text[s:e], tokenize(text[s:e]), set()) for s, e in paragraphs(text)]
    assert len(asked) > 2
    batch = ov.restorations_many(asked)
    alone = [ov.restorations(*item) for item in asked]
    assert batch == alone
    assert any(batch)  # the example has restorations to find
    assert ov.restorations_many([]) == []
