"""Text synchronisation and pushed diagnostics (VS Code's capabilities): open / change / close, UTF-16
ranges, the document-level note, debouncing and version ordering."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as t

from support import Client, Doc, capabilities, findings, quoted, server_config, start, text_in, written

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPUN = (
    "Yesterday the minister held an information convention about counterfeit consciousness.\n"
    "Critics said irregular woodlands and profound learning were overrated.\n"
)


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("visual-studio-code"), workspace)
    yield
    await lsp_client.shutdown_session()


async def test_open_publishes_one_diagnostic_per_finding(client: Client, workspace):
    doc = Doc(client, workspace / "open.md", SPUN)
    diags = findings(await doc.diagnostics())
    assert [text_in(doc.text, d.range) for d in diags] == [
        "an information convention", "counterfeit consciousness", "irregular woodlands", "profound learning",
    ]
    for d in diags:
        assert d.source == "unspun"
        assert d.code == "fingerprint/lsptest"
        assert d.severity == t.DiagnosticSeverity.Warning
        assert d.data == {"safe": True}  # nothing more: code actions and hovers look the finding up
        assert written(d) == text_in(doc.text, d.range)
    first = diags[0]
    # short: what is written, what it should read, the kind (the evidence is in the hover)
    assert first.message == "\u201can information convention\u201d \u2192 \u201ca news conference\u201d (tortured phrase)"
    assert diags[2].message == (
        "\u201cirregular woodlands\u201d \u2192 \u201crandom forests\u201d or \u201cstochastic forests\u201d (tortured phrase)"
    )
    assert all("per 100 words" not in d.message for d in diags)
    assert quoted(first)[1:] == ["a news conference"]
    assert quoted(diags[2])[1:] == ["random forests", "stochastic forests"]
    doc.close()


async def test_ranges_count_utf16_code_units(client: Client, workspace):
    text = "🎉🎉 a 😀 counterfeit consciousness 😀 x\nñ counterfeit consciousness\n"
    doc = Doc(client, workspace / "emoji.md", text)
    diags = findings(await doc.diagnostics())
    assert len(diags) == 2
    first, second = diags
    # three astral characters before the phrase: each counts two UTF-16 code units
    assert first.range.start == t.Position(line=0, character=len("🎉🎉 a 😀 ") + 3)
    assert first.range.end.character == first.range.start.character + len("counterfeit consciousness")
    assert second.range.start == t.Position(line=1, character=2)
    assert all(text_in(text, d.range) == "counterfeit consciousness" for d in diags)
    doc.close()


async def test_incremental_changes_move_and_remove_diagnostics(client: Client, workspace):
    doc = Doc(client, workspace / "change.md", "Intro line.\r\nWe discussed counterfeit consciousness today.\r\n")
    (d,) = findings(await doc.diagnostics())
    assert d.range.start == t.Position(line=1, character=len("We discussed "))
    doc.replace("We discussed", "Yesterday we 😀 discussed")  # same line, before the phrase
    (d,) = findings(await doc.diagnostics())
    assert d.range.start.character == len("Yesterday we 😀 discussed ") + 1
    assert text_in(doc.text, d.range) == "counterfeit consciousness"
    doc.replace("Intro line.\r\n", "")  # remove a whole line
    (d,) = findings(await doc.diagnostics())
    assert d.range.start.line == 0
    doc.replace("counterfeit consciousness", "artificial intelligence")
    assert findings(await doc.diagnostics()) == []
    doc.close()


async def test_close_clears_diagnostics(client: Client, workspace):
    doc = Doc(client, workspace / "close.md", SPUN)
    assert findings(await doc.diagnostics())
    doc.close()
    await client.wait_for(lambda: not client.published[doc.uri][-1].diagnostics, what="empty diagnostics")


async def test_document_note_when_text_looks_spun(client: Client, workspace):
    doc = Doc(client, workspace / "note.md", "\n\n" + SPUN)
    notes = [d for d in await doc.diagnostics() if d.code == "spin-score"]
    assert len(notes) == 1
    note = notes[0]
    assert note.severity == t.DiagnosticSeverity.Information
    assert note.message.startswith("This text looks machine-spun: ")
    assert "likely substitutions per 100 words" in note.message
    assert note.range.start.line == 2  # the first line with text
    doc.close()
    # a long clean text with a single odd phrase does not look spun
    calm = ("This is an ordinary sentence about the weather and the harvest. " * 12) + "A counterfeit consciousness."
    doc = Doc(client, workspace / "calm.md", calm)
    diags = await doc.diagnostics()
    assert [d.code for d in diags] == ["fingerprint/lsptest"]
    doc.close()


async def test_the_document_note_names_the_threshold_the_analysis_used(client: Client, workspace):
    """A project's unspun.toml sets the threshold over the editor setting: the note says that one (it once said
    the editor setting's while the analysis and the hover used the project's)."""
    folder = workspace / "strict-project"
    folder.mkdir(exist_ok=True)
    (folder / "unspun.toml").write_text("[unspun]\nspin_threshold = 2.0\n", encoding="utf-8")
    doc = Doc(client, folder / "note.md", "\n\n" + SPUN)
    (note,) = [d for d in await doc.diagnostics() if d.code == "spin-score"]
    assert "(threshold 2)" in note.message, note.message
    doc.close()


async def test_note_and_hover_name_the_project_threshold_and_the_editor_setting_wins(client: Client, workspace):
    """Defaults < unspun.toml < the editor's own setting (`unspun.settings.resolve`): with `spin_threshold = 3.5`
    in the project file both the note and the hover say 3.5; once the editor sets `spinThreshold` itself, both
    say the editor's value."""
    folder = workspace / "threshold-project"
    folder.mkdir(exist_ok=True)
    (folder / "unspun.toml").write_text("spin_threshold = 3.5\n", encoding="utf-8")
    doc = Doc(client, folder / "note.md", "\n\n" + SPUN)

    async def said() -> tuple[str, str]:
        (note,) = [d for d in await doc.diagnostics() if d.code == "spin-score"]
        hover = await client.text_document_hover_async(
            t.HoverParams(text_document=doc.id, position=doc.range_of("counterfeit").start)
        )
        return note.message, hover.contents.value

    note, hover = await said()
    assert "(threshold 3.5)" in note and "(threshold 3.5)" in hover, (note, hover)
    (diags,) = await client.configure({"spinThreshold": 3}, doc)
    (note,) = [d for d in diags if d.code == "spin-score"]
    assert "(threshold 3)" in note.message, note.message
    note, hover = await said()
    assert "(threshold 3)" in note and "(threshold 3)" in hover, (note, hover)
    await client.configure({}, doc)
    note, hover = await said()
    assert "(threshold 3.5)" in note and "(threshold 3.5)" in hover, (note, hover)
    doc.close()


async def test_rapid_typing_is_debounced_and_never_goes_back_in_version(client: Client, workspace):
    doc = Doc(client, workspace / "typing.md", "Start. ")
    await doc.diagnostics()
    for word in "we held an information convention on counterfeit consciousness today".split():
        doc.edit(len(doc.text), len(doc.text), word + " ")
    final = findings(await doc.diagnostics())
    assert [text_in(doc.text, d.range) for d in final] == ["an information convention", "counterfeit consciousness"]
    await asyncio.sleep(0.3)
    versions = [p.version for p in client.published[doc.uri]]
    assert versions == sorted(versions)
    assert versions[-1] == doc.version
    assert len(versions) < 1 + 9  # nine quick changes were not analysed one by one
    doc.close()


async def test_other_languages_are_not_checked(client: Client, workspace):
    doc = Doc(client, workspace / "code.py", "# counterfeit consciousness\n", language_id="python")
    assert await doc.diagnostics() == []
    assert await doc.actions() == []
    doc.close()
    # the file extension is enough when the editor's language id is unknown to us
    doc = Doc(client, workspace / "notes.txt", "counterfeit consciousness\n", language_id="something")
    assert len(findings(await doc.diagnostics())) == 1
    doc.close()


async def test_substitutions_only_in_spun_text(client: Client, workspace):
    calm = ("An ordinary sentence about the harvest and the weather. " * 12) + "The tool is highly effective."
    doc = Doc(client, workspace / "subst-calm.md", calm)
    assert await doc.diagnostics() == []
    doc.set_text(SPUN + "The tool is highly effective.\n")
    codes = [d.code for d in findings(await doc.diagnostics())]
    assert "substitution/lsptest" in codes
    doc.close()
