"""Unit tests of the server's pure helpers: position conversion, settings validation, allow-list editing."""

from __future__ import annotations

import os
import random
from dataclasses import replace

import pytest
from lsprotocol import types as t
from pygls.workspace import TextDocument

from support import offset, position
from unspun.lsp import allowlist, settings
from unspun.lsp.convert import PositionIndex, kind_requested, overlapping


# -- positions -----------------------------------------------------------------------------------------------

PIECES = ["a", "é", "😀", "𝔘", " ", "\n", "\r\n", "word", "\u00a0", "中"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_positions_match_pygls_and_round_trip(encoding):
    rnd = random.Random(7)
    for _ in range(60):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 40)))
        index = PositionIndex(text, encoding)
        doc = TextDocument("file:///x", text, position_codec=_codec(encoding))
        for off in range(len(text) + 1):
            if text[off - 1 : off + 1] == "\r\n":
                continue  # inside a line break: no position of its own
            pos = index.position(off)
            assert pos == position(text, off, encoding)
            if off < len(text) or text.endswith("\n"):
                # (pygls puts the end of a text without a final line break on a line after the last one)
                assert pos == doc.client_position_at_offset(off)
            assert index.offset(pos) == off == offset(text, pos, encoding)


def _codec(encoding):
    from pygls.workspace.position_codec import PositionCodec

    return PositionCodec(encoding=t.PositionEncodingKind(encoding))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_an_edited_index_equals_one_built_afresh(encoding):
    """`replaced` reuses the lines an edit leaves alone; it must agree with a new index on every edit."""
    rnd = random.Random(11)
    for _ in range(300):
        index = PositionIndex("".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30))), encoding)
        for _ in range(6):
            a = rnd.randint(0, len(index.text))
            b = rnd.randint(a, len(index.text))
            new = "".join(rnd.choice(PIECES[:2] + PIECES[4:6] if rnd.random() < 0.7 else PIECES) for _ in range(rnd.randint(0, 5)))
            edited = index.replaced(a, b, new)
            fresh = PositionIndex(index.text[:a] + new + index.text[b:], encoding)
            assert (edited.text, edited.starts) == (fresh.text, fresh.starts)
            # it says what changed, in which text (the prose reading then need not compare them)
            assert edited.parent is index.text and edited.edit == (a, b, a + len(new))
            assert fresh.parent is None and fresh.edit is None
            for off in range(0, len(fresh.text) + 1, 3):
                assert edited.position(off) == fresh.position(off)
            index = edited


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_published_json_equals_the_protocol_diagnostic_of_each_finding(encoding):
    """Diagnostics are published as plain JSON; the quick fix carries a protocol object. A client matches the
    two, so they must be the same diagnostic."""
    from pygls.protocol import default_converter

    from unspun.engine import default_engine
    from unspun.lsp.convert import diagnostic, diagnostics

    text = "Le 😀 président mentioned a information convention.\r\nThe counterfeit consciousness of Jap Europe.\n" * 3
    analysis = default_engine().analyze(text)
    assert len(analysis.findings) >= 6
    index = PositionIndex(text, encoding)
    conf = replace(settings.Settings(), low_confidence=0.9)  # some findings one step milder
    published = diagnostics(analysis, index, conf)
    notes = len(published) - len(analysis.findings)
    assert notes in (0, 1)
    conv = default_converter()
    for f, item in zip(analysis.findings, published[notes:]):
        assert item == conv.unstructure(diagnostic(f, index, conf))
    assert len({item["severity"] for item in published[notes:]}) >= 2


def test_pushed_json_text_equals_the_diagnostics_through_edits_and_settings():
    """The pushed text reuses each finding's JSON between versions; it must always equal a fresh conversion,
    also when text before a finding changes without moving it (a space turned into a line break)."""
    import json

    from unspun.engine import Incremental, default_engine
    from unspun.lsp.convert import DiagnosticsText, diagnostics

    engine = default_engine()
    base = "Le 😀 président mentioned a information convention.\n\nThe counterfeit consciousness of Jap Europe.\n"
    text = base * 4
    cache: dict = {}
    pushed = {"utf-16": DiagnosticsText(), "utf-8": DiagnosticsText()}  # a session keeps one encoding
    conf = settings.Settings()
    rng = random.Random(5)
    for version in range(1, 40):
        step = rng.choice(["space-to-break", "insert", "delete", "settings", "none"])
        if step == "space-to-break" and " " in text:
            i = text.index(" ", rng.randrange(len(text) // 2))
            text = text[:i] + "\n" + text[i + 1 :]
        elif step == "insert":
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice(["x", "Jap Europe ", "\n"]) + text[i:]
        elif step == "delete" and len(text) > 10:
            i = rng.randrange(len(text) - 1)
            text = text[:i] + text[i + 1 :]
        elif step == "settings":
            conf = replace(conf, low_confidence=rng.choice([0.3, 0.6, 0.9]), max_diagnostics=rng.choice([0, 3, 100]))
        analysis = engine.analyze(text, incremental=Incremental(cache))
        for encoding in ("utf-16", "utf-8"):
            index = PositionIndex(text, encoding)
            expected = diagnostics(analysis, index, conf)
            assert json.loads(pushed[encoding].json(analysis, index, conf)) == expected
    assert expected  # the text kept findings to publish


def test_pushed_json_reuses_unmoved_paragraphs_and_keeps_repeated_ones_apart(monkeypatch):
    """A keystroke in one paragraph rebuilds the text of that paragraph's diagnostics only; the same
    paragraph twice in a document (one list of findings at two places) gets two correct ranges."""
    import json

    from unspun.engine import Incremental, default_engine
    from unspun.lsp.convert import DiagnosticsText, diagnostics

    engine = default_engine()
    para = "The UN Secretary-Common held an information convention in Jap Europe."
    text = "\n\n".join([para, "See page 12.", para, "Thank you.", para])
    cache: dict = {}
    pushed = DiagnosticsText()
    conf = settings.Settings()
    made: list[str] = []
    original = DiagnosticsText._item
    monkeypatch.setattr(DiagnosticsText, "_item", staticmethod(lambda f, a, b, sev: made.append(f.text) or original(f, a, b, sev)))
    for version, edit in enumerate([None, "page 12", "you."], start=1):
        if edit is not None:
            i = text.index(edit)
            text = text[:i] + "x" + text[i:]  # a letter typed into a paragraph without findings
        analysis = engine.analyze(text, incremental=Incremental(cache))
        index = PositionIndex(text)
        got = json.loads(pushed.json(analysis, index, conf))
        assert got == diagnostics(analysis, index, conf)
        lines = sorted({d["range"]["start"]["line"] for d in got if d.get("code") != "spin-score"})
        assert lines == [0, 4, 8], lines  # the repeated paragraph's findings, each at its own place
        if version == 1:
            assert len(made) == len(analysis.findings)
        else:
            assert made == [], made  # nothing moved: every paragraph's text was kept
        made.clear()
    text = "New first paragraph.\n\n" + text  # every paragraph moves down: only their line numbers written
    analysis = engine.analyze(text, incremental=Incremental(cache))
    index = PositionIndex(text)
    assert json.loads(pushed.json(analysis, index, conf)) == diagnostics(analysis, index, conf)
    assert made == [], made
    text = text.replace("held an", "held  an", 1)  # the first paragraph changed: its findings rebuilt
    analysis = engine.analyze(text, incremental=Incremental(cache))
    index = PositionIndex(text)
    assert json.loads(pushed.json(analysis, index, conf)) == diagnostics(analysis, index, conf)
    assert 0 < len(made) < len(analysis.findings)


def test_json_text_is_sent_as_utf8_with_lone_surrogates_escaped():
    """Diagnostics go out as JSON text with non-ASCII characters as they are; a lone surrogate (a document may
    hold one, sent escaped) cannot be UTF-8 and goes out as its JSON escape, so the client reads it back."""
    import json

    from unspun.lsp.convert import dumps
    from unspun.lsp.protocol import _encode

    value = {"message": "\u201cNa\u00efve \ud800 words\u201d \u2192 \U0001f600"}
    text = dumps(value)
    assert "\u201c" in text  # not escaped
    data = _encode(text, "utf-8")
    assert json.loads(data.decode("utf-8")) == value
    assert len(data) < len(json.dumps(value))


def test_only_lsp_line_breaks_end_lines():
    text = "one\u2028two\x0cthree\rfour\n"  # U+2028 and form feed are not line breaks in the LSP
    index = PositionIndex(text)
    assert index.position(text.index("three")) == t.Position(line=0, character=8)
    assert index.position(text.index("four")) == t.Position(line=1, character=0)


def test_positions_past_the_end_are_clamped():
    index = PositionIndex("ab\ncd")
    assert index.offset(t.Position(line=0, character=99)) == 2
    assert index.offset(t.Position(line=7, character=0)) == 5
    assert index.position(99) == t.Position(line=1, character=2)


def test_kind_prefixes():
    assert kind_requested(["source"], "source.fixAll.unspun")
    assert kind_requested(["source.fixAll"], "source.fixAll.unspun")
    assert not kind_requested(["source.fix"], "source.fixAll.unspun")
    assert not kind_requested(None, "quickfix")


def test_overlap_includes_a_cursor_at_either_edge():
    class F:
        def __init__(self, s, e):
            self.start, self.end = s, e

    f = F(5, 9)
    assert overlapping([f], 5, 5) and overlapping([f], 9, 9) and overlapping([f], 0, 20)
    assert not overlapping([f], 10, 12) and not overlapping([f], 0, 4)


# -- settings ------------------------------------------------------------------------------------------------

def test_defaults_and_aliases():
    s, problems = settings.parse({"min_confidence": 0.8, "fix-all-on-save": True, "trace": {"server": "verbose"}})
    assert problems == []
    assert s.min_confidence == 0.8 and s.fix_all_on_save and s.kinds == settings.DEFAULTS.kinds


@pytest.mark.parametrize(
    "raw, name",
    [
        ({"minConfidence": 2}, "unspun.minConfidence"),
        ({"spinThreshold": 0}, "unspun.spinThreshold"),
        ({"kinds": ["fingerprint", "nonsense"]}, "unspun.kinds"),
        ({"severity": {"fingerprint": "loud"}}, "unspun.severity.fingerprint"),
        ({"substitutions": "sometimes"}, "unspun.substitutions"),
        ({"debounceMs": -1}, "unspun.debounceMs"),
        ({"lexicons": 3}, "unspun.lexicons"),
        ({"spinNote": "yes"}, "unspun.spinNote"),
    ],
)
def test_bad_values_name_the_setting_and_keep_the_default(raw, name):
    s, problems = settings.parse(raw)
    assert s == settings.DEFAULTS
    (problem,) = problems
    assert f"\u201c{name}\u201d" in problem and "default" in problem


def test_unknown_keys_get_suggestions():
    _, problems = settings.parse({"minConfidance": 0.7, "severity": {"fingerprnt": "error"}, "zzz": 1})
    assert "did you mean \u201cunspun.minConfidence\u201d" in problems[0]
    assert "did you mean \u201cunspun.severity.fingerprint\u201d" in problems[1]
    assert "did you mean" not in problems[2]


def test_layers_merge_and_null_means_unset():
    raw = settings.merge(
        settings.section_of({"unspun": {"minConfidence": 0.9, "severity": {"fingerprint": "error"}}}),
        settings.section_of({"minConfidence": None, "severity": {"substitution": "hint"}}),
    )
    s, problems = settings.parse(raw)
    assert not problems
    assert s.min_confidence == 0.9
    assert s.severity["fingerprint"] == "error" and s.severity["substitution"] == "hint"


def test_documents_checked_by_language_or_extension():
    s = settings.DEFAULTS
    assert s.checks("markdown", "/x/a.bin")
    assert s.checks("something", "/x/notes.TXT")
    assert not s.checks("python", "/x/a.py")
    assert settings.parse({"languages": ["*"]})[0].checks("python", None)


# -- the allow-list file -------------------------------------------------------------------------------------

def test_allow_list_created_and_extended(tmp_path):
    path, changed = allowlist.add_phrase(tmp_path, 'a "quoted" phrase')
    assert changed and path == (tmp_path / "unspun.toml").resolve()
    assert allowlist.read_allow(tmp_path) == (frozenset({'a "quoted" phrase'}), None)
    _, changed = allowlist.add_phrase(tmp_path, "A  “quoted” Phrase")  # the same words
    assert not changed


def test_allow_list_edit_keeps_everything_else(tmp_path):
    original = '# top\ntitle = "x"\n\n[unspun]\nminConfidence = 0.6 # keep\n\n[other]\nallow = ["not ours"]\n'
    (tmp_path / "unspun.toml").write_text(original, encoding="utf-8")
    allowlist.add_phrase(tmp_path, "new phrase")
    text = (tmp_path / "unspun.toml").read_text(encoding="utf-8")
    assert text == original.replace("[unspun]\n", '[unspun]\nallow = ["new phrase"]\n')


def test_allow_list_dotted_key_and_multiline_array(tmp_path):
    (tmp_path / "unspun.toml").write_text('unspun.allow = [\n  "one", # first\n]\n', encoding="utf-8")
    allowlist.add_phrase(tmp_path, "two")
    assert (tmp_path / "unspun.toml").read_text(encoding="utf-8") == 'unspun.allow = [\n  "one", # first\n  "two",\n]\n'


def test_allow_list_refuses_what_it_cannot_edit_safely(tmp_path):
    (tmp_path / "unspun.toml").write_text('unspun = { allow = ["one"] }\n', encoding="utf-8")
    with pytest.raises(allowlist.AllowListError, match="by hand"):
        allowlist.add_phrase(tmp_path, "two")
    assert (tmp_path / "unspun.toml").read_text(encoding="utf-8") == 'unspun = { allow = ["one"] }\n'


def test_allow_list_never_written_outside_the_workspace(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere.toml"
    root.mkdir()
    os.symlink(elsewhere, root / "unspun.toml")
    with pytest.raises(allowlist.AllowListError, match="outside the workspace"):
        allowlist.add_phrase(root, "phrase")
    assert not elsewhere.exists()
    assert allowlist.root_for(str(tmp_path / "other" / "doc.md"), [str(root)]) is None
    assert allowlist.root_for(str(root / "sub" / "doc.md"), [str(tmp_path), str(root)]) == root.resolve()


def test_line_cols_of_many_offsets_equal_line_col_of_each():
    from unspun.lsp.convert import PositionIndex

    text = "".join(f"line {k} with words\n" if k % 7 else "\n" for k in range(300)) + "last line, no break"
    for t_ in (text, text.replace("words", "w😀rds")):  # the vectorised path, and the one for astral characters
        index = PositionIndex(t_)
        offsets = list(range(-3, len(t_) + 5, 7)) + [0, len(t_), len(t_) - 1]
        assert len(offsets) > 64
        assert index.line_cols(offsets) == [index.line_col(o) for o in offsets]


# -- early diagnostics hand-over ------------------------------------------------------------------------------


def _key():
    from unspun.engine import Options
    from unspun.lsp.snapshot import AnalysisKey

    return AnalysisKey(version=1, generation=1, options=Options(), format="plain", max_chars=0)


def test_the_worker_resumes_after_the_quick_diagnostics_are_sent():
    import asyncio
    import time

    from unspun.lsp import analysis

    delivered: list[float] = []

    def early(result):
        time.sleep(0.05)  # as if the diagnostics were turned into JSON and written
        delivered.append(time.perf_counter())

    async def main():
        loop = asyncio.get_running_loop()
        hand_over = analysis._on_loop(loop, early, PositionIndex("text"), _key())
        return await loop.run_in_executor(None, lambda: (hand_over(object()), time.perf_counter())[1])

    returned = asyncio.run(main())
    assert len(delivered) == 1 and delivered[0] <= returned


def test_the_worker_does_not_wait_long_for_a_busy_loop(monkeypatch):
    import asyncio
    import threading

    from unspun.lsp import analysis

    monkeypatch.setattr(analysis, "EARLY_WAIT", 0.05)
    resumed = threading.Event()

    async def main():
        loop = asyncio.get_running_loop()
        hand_over = analysis._on_loop(loop, lambda result: None, PositionIndex("text"), _key())
        worker = threading.Thread(target=lambda: (hand_over(object()), resumed.set()))
        worker.start()
        # the loop is busy (not running callbacks) until the worker has gone on without it
        assert resumed.wait(5)
        worker.join()

    asyncio.run(main())


def test_a_complete_analysis_stops_when_its_document_changes_meanwhile(monkeypatch, spun_paragraphs):
    """A newer version (or a close) arriving while the open-vocabulary stage runs ends the analysis before its
    next batch: the worker raises Cancelled instead of finishing a result nobody will read."""
    import threading

    from unspun.engine import default_engine
    from unspun.engine.openvocab import OpenVocabulary
    from unspun.lsp.analysis import Cancelled, _work
    from unspun.pipeline import State

    engine = default_engine()
    if engine.open_vocabulary is None:
        pytest.skip("the open-vocabulary stage needs the language model")
    paras = spun_paragraphs
    text = "\n\n".join(f"Part {k}. {p}" for k in range(80) for p in paras)
    superseded = threading.Event()
    batches = []
    real = OpenVocabulary.restorations_many

    def first_batch_then_a_new_version(self, asked):
        batches.append(len(asked))
        if len(batches) == 1:
            superseded.set()  # as if the user typed while the first batch was scored
        return real(self, asked)

    monkeypatch.setattr(OpenVocabulary, "restorations_many", first_batch_then_a_new_version)
    with pytest.raises(Cancelled):
        _work(engine, PositionIndex(text), State(), (superseded,), None)
    assert len(batches) == 1
    superseded.clear()
    done = _work(engine, PositionIndex(text), State(), (superseded,), None).analysis
    assert len(batches) > 2 and done.findings == engine.analyze(text).findings
