"""The console examples of the pages: every `$ command` shown in a console block of these pages is run (in a
folder holding a copy of examples/ and the `paper.md` of docs/cli.md; `unspun` and `python3 -m unspun` meaning
this checkout) and its standard output followed by its standard error must be what the page shows (`...`
standing for any number of lines)."""

from __future__ import annotations

import shutil

import pytest

from docsupport import DOCS, README, ROOT, blocks, matches, sessions, shell

#: the `paper.md` the examples of docs/cli.md check
PAPER = "# Results\n\nWe study counterfeit consciousness in this paper.\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("console")
    shutil.copytree(ROOT / "examples", d / "examples")
    (d / "paper.md").write_text(PAPER, encoding="utf-8")
    return d

#: the pages whose console examples run as shown (the others name files of the reader's own, such as paper.md)
RUN = [README, DOCS / "index.md", DOCS / "getting-started.md", DOCS / "faq.md", DOCS / "cli.md"]

CASES = [
    s
    for page in RUN
    for b in blocks(page)
    if b.lang in ("console", "")
    for s in sessions(b)
]


def test_the_pages_have_console_examples():
    assert {s.block.page for s in CASES} >= {"README.md", "index.md", "faq.md", "cli.md"}


@pytest.mark.parametrize("session", CASES, ids=[f"{s.block.page}:{s.block.line}:{s.command[:40]}" for s in CASES])
def test_console_example(session, folder):
    r = shell(session.command, cwd=folder)
    actual = (r.out + r.err).splitlines()
    assert r.code in (0, 1), f"{session.command}\nexit {r.code}\n{r.err}"
    assert matches(session.expected, actual), (
        f"{session.block.page}:{session.block.line}: `{session.command}` printed\n" + "\n".join(actual)
        + "\n\nand the page shows\n" + "\n".join(session.expected)
    )
