"""The console examples of the pages: every `$ command` shown in a console block of these pages is run (from
the repository root, `unspun` and `python3 -m unspun` meaning this checkout) and its standard output followed by
its standard error must be what the page shows (`...` standing for any number of lines)."""

from __future__ import annotations

import pytest

from docsupport import DOCS, README, blocks, matches, sessions, shell

#: the pages whose console examples run as shown (the others name files of the reader's own, such as paper.md)
RUN = [README, DOCS / "index.md", DOCS / "getting-started.md", DOCS / "faq.md"]

CASES = [
    s
    for page in RUN
    for b in blocks(page)
    if b.lang in ("console", "")
    for s in sessions(b)
]


def test_the_pages_have_console_examples():
    assert {s.block.page for s in CASES} >= {"README.md", "index.md", "faq.md"}


@pytest.mark.parametrize("session", CASES, ids=[f"{s.block.page}:{s.block.line}:{s.command[:40]}" for s in CASES])
def test_console_example(session):
    r = shell(session.command)
    actual = (r.out + r.err).splitlines()
    assert r.code in (0, 1), f"{session.command}\nexit {r.code}\n{r.err}"
    assert matches(session.expected, actual), (
        f"{session.block.page}:{session.block.line}: `{session.command}` printed\n" + "\n".join(actual)
        + "\n\nand the page shows\n" + "\n".join(session.expected)
    )
