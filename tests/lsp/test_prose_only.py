"""Only prose is checked in the server too: the format comes from the languageId, and the project configuration
file of the workspace applies."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as t

from support import Client, Doc, capabilities, findings, server_config, start, text_in

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    (workspace / "unspun.toml").write_text(
        '[unspun]\nfile_types = ["prose", "python"]\n\n[unspun.severity]\nfingerprint = "error"\n'
    )
    await start(lsp_client, capabilities("visual-studio-code"), workspace)
    yield
    await lsp_client.shutdown_session()


async def test_markdown_code_is_not_flagged(client: Client, workspace):
    text = (
        "The minister held an information convention.\n\n"
        "```\ninformation convention = counterfeit_consciousness\n```\n\n"
        "Use `counterfeit consciousness` or see <https://example.com/information convention>.\n"
    )
    doc = Doc(client, workspace / "notes.md", text)
    diags = findings(await doc.diagnostics())
    assert [text_in(doc.text, d.range) for d in diags] == ["an information convention"]
    assert diags[0].severity == t.DiagnosticSeverity.Error  # from the project configuration
    doc.close()


async def test_generic_language_id_defers_to_the_file_name(client: Client, workspace):
    # Emacs without markdown-mode sends "text" for a .md file: its code block must still be skipped
    text = "An information convention.\n\n```\ninformation convention\n```\n"
    doc = Doc(client, workspace / "eglot.md", text, language_id="text")
    diags = findings(await doc.diagnostics())
    assert [text_in(doc.text, d.range) for d in diags] == ["An information convention"]
    doc.close()


async def test_python_comments_checked_when_the_project_asks(client: Client, workspace):
    text = '# the counterfeit consciousness helper\nx = "information convention"\n'
    doc = Doc(client, workspace / "tool.py", text, language_id="python")
    diags = findings(await doc.diagnostics())
    assert [text_in(doc.text, d.range) for d in diags] == ["counterfeit consciousness"]
    doc.close()


async def test_project_lexicons_and_their_changes(client: Client, workspace):
    (workspace / "team.tsv").write_text(
        "# unspun lexicon\n# format: 1\n# name: team\n"
        "tortured\texpected\tkind\tconfidence\tinflect\trequire\texclude\tnote\n"
        "woolly mammoth plan\tproject plan\tfingerprint\t0.9\t\t\t\tteam\n",
        "utf-8",
    )
    doc = Doc(client, workspace / "plan.md", "Our woolly mammoth plan is ready.\n")
    assert findings(await doc.diagnostics()) == []
    mark = client.mark(doc.uri)
    cfg = workspace / "unspun.toml"
    cfg.write_text(cfg.read_text().replace("[unspun]\n", '[unspun]\nlexicons = ["team.tsv"]\n', 1))
    await asyncio.sleep(1.1)  # the file is looked at no more than once a second
    doc.replace("ready", "done")  # the next analysis notices the change, reloads the engine and refreshes
    diags = findings(await client.diagnostics_after(doc.uri, mark))
    for _ in range(20):
        if diags:
            break
        mark = client.mark(doc.uri)
        diags = findings(await client.diagnostics_after(doc.uri, mark))
    assert [text_in(doc.text, d.range) for d in diags] == ["woolly mammoth plan"]
    doc.close()


async def test_markdown_read_again_after_edits_as_when_opened(client: Client, workspace):
    """After each keystroke the server reads only the changed paragraph's markup when it can; what it flags
    must be what it flags in the same text opened afresh (fences typed and taken away, list items, links)."""
    text = (
        "# Notes on counterfeit consciousness\n\n"
        "The minister held an information convention.\n\n"
        "Intro about profound learning.\n\n"
        "    indented counterfeit consciousness\n\n"
        "See [the page](https://example.com/a) on Jap Europe.\n"
    )
    doc = Doc(client, workspace / "typing.md", text)
    await doc.diagnostics()
    at_intro = doc.text.index("Intro")
    steps = [
        (at_intro, at_intro, "- "),  # a list item: the indented paragraph after it joins it (prose)
        (at_intro, at_intro + 2, ""),
        (at_intro, at_intro, "```\n"),  # a fence: everything after it is code
        (at_intro, at_intro + 4, ""),
        (doc.text.index("the page"), doc.text.index("the page"), "x"),
    ]
    for k, (a, b, new) in enumerate(steps):
        doc.edit(a, b, new)
        got = sorted((text_in(doc.text, d.range), d.message) for d in findings(await doc.diagnostics()))
        fresh = Doc(client, workspace / f"fresh-{k}.md", doc.text)
        want = sorted((text_in(fresh.text, d.range), d.message) for d in findings(await fresh.diagnostics()))
        fresh.close()
        assert got == want, (k, doc.text)
        phrases = [phrase for phrase, _ in got]
        if k in (0, 1):  # the indented one is prose in a list item, code after a paragraph
            assert phrases.count("counterfeit consciousness") == (2 if k == 0 else 1)
        if k == 2:
            assert sorted(phrases) == ["an information convention", "counterfeit consciousness"]
    doc.close()
