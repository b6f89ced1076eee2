"""Past `maxDocumentSize` nothing is read: the engine is handed only the checked part of a document, so the
work and memory of an analysis follow the limit, not the size of the document (a 50 MB document was masked
and cut whole, about 2 GB at its peak)."""

from __future__ import annotations

import threading

from unspun import pipeline
from unspun.engine import Options
from unspun.lsp import analysis
from unspun.lsp.convert import PositionIndex
from unspun.lsp.snapshot import AnalysisKey


def key(max_chars: int) -> AnalysisKey:
    return AnalysisKey(version=1, generation=1, options=Options(), format="plain", max_chars=max_chars)


class Recording:
    """An engine that notes the length of every text it is given."""

    def __init__(self, engine):
        self._engine = engine
        self.lengths: list[int] = []

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def with_options(self, options):
        return self

    def prepare(self, text, *args, **kwargs):
        self.lengths.append(len(text))
        return self._engine.prepare(text, *args, **kwargs)

    def analyze(self, text, *args, **kwargs):
        self.lengths.append(len(text))
        return self._engine.analyze(text, *args, **kwargs)


def test_only_the_checked_part_reaches_the_engine(mini_engine):
    text = "We held an information convention.\n" * 3000  # 108,000 characters
    engine = Recording(mini_engine)
    result = analysis._work(engine, PositionIndex(text), pipeline.State(), (threading.Event(),), None, key(10_000)).analysis
    assert engine.lengths and max(engine.lengths) == 10_000
    assert result.findings and max(f.end for f in result.findings) <= 10_000
    # and without a limit, all of it
    engine = Recording(mini_engine)
    analysis._work(engine, PositionIndex(text), pipeline.State(), (threading.Event(),), None, key(0))
    assert max(engine.lengths) == len(text)
