"""`unspun report`: the self-contained HTML report, read back with an HTML parser, and rendered by headless
Chromium where it is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli.test_cli import mini, run

ROOT = Path(__file__).parents[2]
HEAVY = "An information convention in Jap Europe on counterfeit consciousness.\nThe UN Secretary-Common mentioned it.\n"
MILD = "The weather was mild and the meeting ended early, as counterfeit consciousness often does in summer.\n"
CLEAN = "A plain sentence about the weather.\n"
HOSTILE = "<script>alert(1)</script> & counterfeit consciousness\n"


class Page(HTMLParser):
    """Elements by tag with their attributes and the text inside the ones asked for."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[tuple[str, dict, list[str]]] = []
        self.texts: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in ("meta", "input", "br", "line", "rect"):
            self.stack.append((tag, a, []))

    def handle_endtag(self, tag):
        while self.stack:
            t, a, buf = self.stack.pop()
            text = "".join(buf)
            self.texts.append((t, a, text))
            if self.stack:
                self.stack[-1][2].append(text)
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def text_of(self, tag, cls=None):
        return [x for t, a, x in self.texts if t == tag and (cls is None or cls in (a.get("class") or "").split())]


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in (("heavy.txt", HEAVY), ("mild.txt", MILD), ("clean.txt", CLEAN), ("hostile.html.txt", HOSTILE)):
        (folder / name).write_text(text)
    (folder / "binary.txt").write_bytes(b"\x00\x01")
    return folder


def test_report_ranks_plots_and_shows_findings_in_context(tmp_path, corpus):
    out = tmp_path / "report.html"
    r = run("report", *mini(str(corpus)), "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    data = json.loads(run("check", "--format", "json", *mini(str(corpus))).stdout)
    checked = [f for f in data["files"] if f["status"] == "checked"]
    # documents ranked by spin score, highest first
    expected = [f["path"] for f in sorted(checked, key=lambda f: (-f["spin_score"], f["path"]))]
    assert page.text_of("a")[: len(expected)] == expected
    # the histogram counts every checked document with words
    bars = page.find("rect", **{"class": "bar"})
    assert sum(int(b["data-files"]) for b in bars) == sum(1 for f in checked if f["words"])
    heavy_score = next(f["spin_score"] for f in checked if f["path"].endswith("heavy.txt"))
    assert any(b["data-files"] == "1" and b["data-bin"].startswith(f"{int(min(heavy_score, 20))}") for b in bars)
    # every finding in context, with its suggestion
    findings = [x for f in checked for x in f["findings"]]
    items = page.find("li", **{"class": "finding"})
    assert len(items) == len(findings) and {i["data-kind"] for i in items} == {x["kind"] for x in findings}
    assert page.text_of("mark").count("counterfeit consciousness") == sum(x["text"] == "counterfeit consciousness" for x in findings)
    contexts = page.text_of("div", "context")
    assert any("<script>alert(1)</script> & " in c for c in contexts)  # shown as text...
    assert html.count("<script") == 1  # ...never run: the page's own script is the only one
    # filters by kind, the skipped file listed, nothing fetched from elsewhere
    assert {a["data-kind"] for a in page.find("input") if "data-kind" in a} == {"fingerprint", "substitution"}
    assert any("binary.txt" in t and "binary" in t for t in page.text_of("li"))
    assert not [a for _, a in page.tags if any(str(v).startswith(("http:", "https:", "//")) for k, v in a.items() if k in ("src", "href"))]


def test_report_write_errors(tmp_path, corpus):
    r = run("report", *mini(str(corpus)), "-o", str(tmp_path / "missing" / "r.html"))
    assert r.returncode == 2 and b"does not exist" in r.stderr
    r = run("report", *mini(str(corpus)))
    assert r.returncode == 2  # -o is required


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium")
def test_report_renders_in_chromium_and_filters_by_kind(tmp_path, corpus):
    out = tmp_path / "report.html"
    assert run("report", *mini(str(corpus)), "-o", str(out)).returncode == 0

    def dom(fragment: str) -> Page:
        r = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", out.as_uri() + fragment],
            capture_output=True, text=True, timeout=120,
        )
        assert r.returncode == 0, r.stderr[-2000:]
        page = Page()
        page.feed(r.stdout)
        return page

    everything = dom("")
    items = everything.find("li", **{"class": "finding"})
    assert items and not [i for i in items if "hidden" in i]
    shown = everything.text_of("span", "shown")
    assert shown and all(int(s) > 0 for s in shown)  # the script ran and counted what is shown
    only_fp = dom("#hide=substitution")
    items = only_fp.find("li", **{"class": "finding"})
    assert {i["data-kind"] for i in items if "hidden" not in i} == {"fingerprint"}
    assert any("hidden" in i for i in items if i["data-kind"] == "substitution")
    spun_only = dom("#spun-only")
    rows = spun_only.find("tr", **{"class": "doc"})
    assert any("hidden" in r for r in rows if r["data-spun"] == "false")
    assert not any("hidden" in r for r in rows if r["data-spun"] == "true")
