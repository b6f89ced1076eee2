"""The cycle collector is paused while the engine analyses (`unspun.engine.collector`): an analysis must leave no
cyclic garbage behind (else the pause would let it pile up), and the collector is left as it was found."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from unspun.engine import Incremental, Options, default_engine
from unspun.engine.analyzer import Stopped
from unspun.engine.collector import collector_paused

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _texts(spun_paragraphs: list[str]) -> list[str]:
    spun = "\n\n".join(spun_paragraphs)
    clean = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    return [spun, "\n\n".join(reversed(spun_paragraphs)), clean, (EXAMPLES / "spun-science.md").read_text("utf-8")]


def test_an_analysis_leaves_no_cyclic_garbage(spun_paragraphs):
    eng = default_engine()
    texts = _texts(spun_paragraphs)
    for text in texts:  # (what loads on first use is loaded)
        eng.analyze(text)
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for opts in (Options(), Options(substitutions="hint"), Options(substitutions="always", min_confidence=0.0)):
            e = eng.with_options(opts)
            for k, text in enumerate(texts):
                incremental = Incremental({})
                a = e.analyze(f"Paragraph {k} first.\n\n" + text, incremental=incremental)
                list(a.findings), list(a.paragraphs)
                edited = e.analyze(f"Paragraph {k} edited.\n\n" + text, incremental=incremental)
                list(edited.findings)
                quick = e.analyze(text + "\n\nOne more.", quick=True, incremental=Incremental({}))
                list(quick.findings)
                del a, edited, quick, incremental
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


def test_the_collector_is_left_as_it_was_found(spun_paragraphs):
    eng = default_engine()
    text = "\n\n".join(spun_paragraphs)
    assert gc.isenabled()
    eng.analyze(text)
    assert gc.isenabled()
    gc.disable()
    try:
        eng.analyze(text)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(Stopped):
        eng.analyze(text + "\n\nA new paragraph.", incremental=Incremental({}), stop=lambda: True)
    assert gc.isenabled()


def test_the_pause_is_shared_by_threads():
    inside = threading.Barrier(2)
    leave = threading.Event()
    states = []

    def hold() -> None:
        with collector_paused():
            inside.wait()
            leave.wait()

    other = threading.Thread(target=hold)
    other.start()
    with collector_paused():
        inside.wait()
        states.append(gc.isenabled())
    states.append(gc.isenabled())  # (the other thread is still inside)
    leave.set()
    other.join()
    states.append(gc.isenabled())
    assert states == [False, False, True]
