"""`check` on a file too large to analyse at once: section by section, with offsets in the whole file."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from unspun import cli
from unspun.engine import Engine

ROOT = Path(__file__).resolve().parents[2]


def _big_text() -> str:
    paras = [p for p in (ROOT / "examples" / "spun-news.txt").read_text(encoding="utf-8").split("\n\n") if p.strip()]
    clean = "The committee met on Tuesday and agreed on the budget for the coming year."
    out = []
    for k in range(12):
        out += [f"{k}. {p}" for p in paras] + [f"{k}. {clean}"]
    return "\n\n".join(out) + "\n"


def _check(path: Path) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(["check", "--format", "json", "--no-config", "--exit-zero", "--jobs", "1", str(path)])
    (record,) = json.loads(out.getvalue())["files"]
    return record


def test_section_bounds_cover_the_text_and_cut_at_breaks():
    text = "para one is here.\n\npara two\nline two of it\n\npara three " + "word " * 50
    for size in (5, 10, 20, 1000):
        bounds = cli.section_bounds(text, size)
        assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
        assert all(e - s >= size for s, e in bounds[:-1])
        for _s, e in bounds[:-1]:
            assert text[e - 1].isspace()  # never inside a word
    assert cli.section_bounds("", 10) == [(0, 0)]


def test_a_large_file_is_analysed_section_by_section(tmp_path, monkeypatch):
    text = _big_text()
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    whole = _check(path)
    assert whole["findings"]

    monkeypatch.setattr(cli, "LARGE_CHARS", 1000)
    monkeypatch.setattr(cli, "SECTION_CHARS", 700)
    sizes = []
    real = Engine.analyze

    def spy(self, text, *a, **kw):
        sizes.append(len(text))
        return real(self, text, *a, **kw)

    monkeypatch.setattr(Engine, "analyze", spy)
    sectioned = _check(path)
    bounds = cli.section_bounds(text, 700)
    assert len(bounds) > 3
    assert max(sizes) == max(e - s for s, e in bounds) < len(text) / 3  # never the whole file at once
    assert sectioned["words"] == whole["words"]
    for f in sectioned["findings"]:
        assert text[f["start"] : f["end"]] == f["text"]
    # every section reads as spun here: the findings are those of each section analysed alone, placed in the file
    expected = []
    for a, b in bounds:
        part = tmp_path / "part.txt"
        part.write_text(text[a:b], encoding="utf-8")
        expected += [(f["start"] + a, f["end"] + a, f["rule"], f["replacements"]) for f in _check(part)["findings"]]
    assert [(f["start"], f["end"], f["rule"], f["replacements"]) for f in sectioned["findings"]] == expected
    assert sectioned["spun"] and sectioned["spin_score"] > 0
    lines = text.split("\n")
    for f in sectioned["findings"]:
        assert lines[f["line"]][f["column"] : f["column"] + len(f["text"])] == f["text"]


def _run(argv: list[str]) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        cli.main(argv)
    return out.getvalue(), err.getvalue()


def test_a_large_files_findings_are_spooled_and_written_as_if_kept(tmp_path, monkeypatch):
    """`check` keeps a large file's findings in a temporary file as each section's are made; every format writes
    the same bytes as when they are kept in memory."""
    from unspun import results

    big = tmp_path / "big.txt"
    big.write_text(_big_text(), encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text((ROOT / "examples" / "spun-news.txt").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(cli, "LARGE_CHARS", 1000)
    monkeypatch.setattr(cli, "SECTION_CHARS", 700)
    assert len(cli.section_bounds(big.read_text(encoding="utf-8"), 700)) > 3
    spools = []
    real_spool = results.SpooledFindings

    class Spy(real_spool):
        def __init__(self):
            super().__init__()
            spools.append(self)

    monkeypatch.setattr(results, "SpooledFindings", Spy)
    real_check_one = cli._check_one
    runs = [
        ["--format", fmt] for fmt in ("text", "json", "jsonl", "csv", "github", "sarif")
    ] + [["--show-source", "--paragraphs"], ["--statistics"], ["--format", "json", "--select", "fingerprint"]]
    for extra in runs:
        argv = ["check", "--no-config", "--exit-zero", "--jobs", "1", *extra, str(big), str(small)]
        spools.clear()
        monkeypatch.setattr(cli, "_check_one", real_check_one)
        streamed = _run(argv)
        assert len(spools) == 1 and len(spools[0]) > 0  # the large file's, and only its
        monkeypatch.setattr(cli, "_check_one", lambda run, path, spool=False: real_check_one(run, path, False))
        spools.clear()
        kept = _run(argv)
        assert not spools
        assert streamed == kept, extra
        assert streamed[0] or extra == ["--statistics"]


def test_the_summary_counts_spooled_findings_as_kept_ones():
    from unspun.results import FileResult, SpooledFindings, summarize

    recs = [
        {"kind": "substitution", "rule": "substitution/news", "fix_applicable": True, "confidence": 0.912345678},
        {"kind": "fingerprint", "rule": "fingerprint/news", "fix_applicable": False, "confidence": 1.0},
        {"kind": "substitution", "rule": "substitution/news", "fix_applicable": False, "confidence": 0.5},
    ]
    spooled = SpooledFindings()
    for r in recs:
        spooled.append(r)
    assert len(spooled) == 3 and list(spooled) == recs and list(spooled) == recs  # read back, again
    kept = FileResult("a.txt", words=10, findings=list(recs))
    spool = FileResult("a.txt", words=10, findings=spooled)
    assert summarize([spool, kept]) == summarize([kept, kept])
    assert summarize([spool])["fix_applicable"] == 1
    assert spool.record() == kept.record()
    out = io.StringIO()
    spool.write_record(out, ensure_ascii=False)
    assert json.loads(out.getvalue()) == kept.record()
    assert out.getvalue() == json.dumps(kept.record(), ensure_ascii=False)
