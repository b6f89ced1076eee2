"""Quick fixes, fix-all (`source.fixAll.unspun`), `codeAction/resolve` and hover, with VS Code's capabilities."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as t

from support import FIX_ALL, Client, Doc, capabilities, findings, server_config, start, text_edits, written

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANY = (
    "# Report\n"
    "\n"
    "The ministry held an information convention on Monday. Information conventions are common;\n"
    "the INFORMATION CONVENTION was loud. Counterfeit consciousness and profound learning \U0001F916 help\n"
    "with big information, and irregular woodlands beat counterfeit consciousness.\n"
    "\n"
    "A shaky expression stays for a human to review.\n"
)
MANY_FIXED = (
    "# Report\n"
    "\n"
    "The ministry held a news conference on Monday. News conferences are common;\n"
    "the NEWS CONFERENCE was loud. Artificial intelligence and deep learning \U0001F916 help\n"
    "with big data, and random forests beat artificial intelligence.\n"
    "\n"
    "A shaky expression stays for a human to review.\n"
)


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("visual-studio-code"), workspace)
    yield
    await lsp_client.shutdown_session()


def replace_actions(actions) -> list[t.CodeAction]:
    return [a for a in actions if isinstance(a, t.CodeAction) and a.edit is not None and a.kind == "quickfix"]


async def test_quick_fix_applied_gives_the_intended_text(client: Client, workspace):
    doc = Doc(client, workspace / "quick.md", "They held an information convention at noon.\n")
    await doc.diagnostics()
    cursor = doc.range_of("convention")
    cursor = t.Range(start=cursor.start, end=cursor.start)  # an empty range inside the phrase
    actions = await doc.actions(cursor)  # no diagnostics in the context, as ALE sends
    (fix,) = replace_actions(actions)
    assert fix.title == "Replace \u201can information convention\u201d with \u201ca news conference\u201d"
    assert fix.is_preferred is True
    assert fix.edit.document_changes[0].text_document.version == doc.version
    doc.apply(fix.edit)
    assert doc.text == "They held a news conference at noon.\n"
    assert findings(await doc.diagnostics()) == []
    doc.close()


async def test_one_action_per_replacement_best_preferred(client: Client, workspace):
    doc = Doc(client, workspace / "two.md", "We trained the irregular woodland.\n")
    await doc.diagnostics()
    fixes = replace_actions(await doc.actions(doc.range_of("woodland")))
    assert [f.title for f in fixes] == [
        "Replace \u201cirregular woodland\u201d with \u201crandom forest\u201d",
        "Replace \u201cirregular woodland\u201d with \u201cstochastic forest\u201d",
    ]
    assert [f.is_preferred for f in fixes] == [True, False]
    doc.apply(fixes[1].edit)
    assert doc.text == "We trained the stochastic forest.\n"
    doc.close()


async def test_quick_fixes_ignore_the_context_diagnostics(client: Client, workspace):
    doc = Doc(client, workspace / "ctx.md", "Some text. Then counterfeit consciousness.\n")
    diags = await doc.diagnostics()
    bogus = t.Diagnostic(range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=4)), message="x")
    with_bogus = replace_actions(await doc.actions(doc.range_of("counterfeit"), diagnostics=[bogus]))
    with_real = replace_actions(await doc.actions(doc.range_of("counterfeit"), diagnostics=diags))
    assert [a.title for a in with_bogus] == [a.title for a in with_real] == [
        "Replace \u201ccounterfeit consciousness\u201d with \u201cartificial intelligence\u201d"
    ]
    # nothing where there is no finding, whatever the context claims
    assert await doc.actions(doc.range_of("Some"), diagnostics=diags) == []
    doc.close()


async def test_ignore_and_allow_actions_are_offered(client: Client, workspace):
    doc = Doc(client, workspace / "offer.md", "A counterfeit consciousness.\n")
    await doc.diagnostics()
    actions = await doc.actions(doc.range_of("counterfeit"))
    commands = {a.command.command: a.command.arguments[0] for a in actions if isinstance(a, t.CodeAction) and a.command}
    assert set(commands) == {"unspun.ignore", "unspun.allow"}
    titles = [a.title for a in actions]
    assert "Ignore \u201ccounterfeit consciousness\u201d in this document" in titles
    assert any(x.startswith("Ignore \u201ccounterfeit consciousness\u201d in this workspace") for x in titles)
    assert "Add \u201ccounterfeit consciousness\u201d to the workspace allow-list (unspun.toml)" in titles
    assert all(a.kind == "quickfix" for a in actions)
    doc.close()


@pytest.mark.parametrize(
    "only, quick, fix_all",
    [
        (None, True, False),
        (["quickfix"], True, False),
        (["source"], False, True),
        (["source.fixAll"], False, True),
        ([FIX_ALL], False, True),
        (["quickfix", FIX_ALL], True, True),
        (["source.organizeImports"], False, False),
        (["refactor"], False, False),
        (["source.fixAll.other"], False, False),
    ],
)
async def test_kinds_follow_only(client: Client, workspace, only, quick, fix_all):
    doc = Doc(client, workspace / "only.md", "An information convention. Counterfeit consciousness.\n")
    await doc.diagnostics()
    actions = await doc.actions(only=only)
    kinds = {a.kind for a in actions}
    assert ("quickfix" in kinds) == quick
    assert (FIX_ALL in kinds) == fix_all
    assert kinds <= {"quickfix", FIX_ALL}
    doc.close()


async def test_fix_all_on_many_findings_and_again(client: Client, workspace):
    doc = Doc(client, workspace / "many.md", MANY)
    diags = findings(await doc.diagnostics())
    assert len(diags) == 9
    (action,) = await doc.actions(only=[FIX_ALL])
    assert action.kind == FIX_ALL and action.edit is not None
    assert action.title == "Restore the intended wording of 8 phrases (unspun)"
    edits = text_edits(action.edit, doc.uri, doc.version)
    assert len(edits) == 8  # every finding but the one below the safe confidence
    doc.apply(action.edit)  # checks that no two edits overlap
    assert doc.text == MANY_FIXED
    remaining = findings(await doc.diagnostics())
    assert [written(d) for d in remaining] == ["shaky expression"]
    assert await doc.actions(only=[FIX_ALL]) == []
    doc.close()


async def test_fix_all_edit_is_resolved_for_broad_requests(client: Client, workspace):
    doc = Doc(client, workspace / "resolve.md", "An information convention and counterfeit consciousness.\n")
    await doc.diagnostics()
    (action,) = await doc.actions(only=["source.fixAll"])
    assert action.edit is None and action.data  # VS Code resolves edits lazily
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None
    doc.apply(resolved.edit)
    assert doc.text == "A news conference and artificial intelligence.\n"
    doc.close()


async def test_fix_all_is_built_for_its_version(client: Client, workspace):
    doc = Doc(client, workspace / "version.md", "An information convention.\n")
    await doc.diagnostics()
    (action,) = await doc.actions(only=[FIX_ALL])
    doc.replace("An", "The")  # the document moves on; the edit was made for the old version
    with pytest.raises(AssertionError, match="another version"):
        doc.apply(action.edit)
    doc.close()


async def test_hover_explains_the_finding(client: Client, workspace):
    doc = Doc(client, workspace / "hover.md", "Today: an information convention on counterfeit consciousness.\n")
    await doc.diagnostics()
    pos = doc.range_of("convention").start
    hover = await client.text_document_hover_async(t.HoverParams(text_document=doc.id, position=pos))
    assert hover.contents.kind == t.MarkupKind.Markdown
    value = hover.contents.value
    for part in (
        "why this is a tortured phrase", "\u201cnews conference\u201d", "confidence 0.", "\u201clsptest\u201d lexicon", "Spin score",
        "per 100 words", "Fix-all replaces it",
    ):
        assert part in value, part
    assert hover.range == doc.range_of("an information convention")
    nothing = await client.text_document_hover_async(t.HoverParams(text_document=doc.id, position=t.Position(line=0, character=2)))
    assert nothing is None
    doc.close()


async def test_will_save_does_nothing_unless_enabled(client: Client, workspace):
    doc = Doc(client, workspace / "save.md", "An information convention.\n")
    await doc.diagnostics()
    edits = await client.text_document_will_save_wait_until_async(
        t.WillSaveTextDocumentParams(text_document=doc.id, reason=t.TextDocumentSaveReason.Manual)
    )
    assert not edits
    doc.close()


async def test_fix_all_on_a_spun_page_leaves_nothing_for_a_second_fix_all(client: Client, workspace):
    """Fix-all fixes until stable (unspun.engine.fixer.fix_until_stable): run again on its result, it offers
    nothing, as `unspun fix` run twice changes nothing."""
    from pathlib import Path

    spun = (Path(__file__).resolve().parents[2] / "examples" / "spun-news.txt").read_text(encoding="utf-8")
    doc = Doc(client, workspace / "spun-page.md", spun)
    await doc.diagnostics()
    (action,) = await doc.actions(only=[FIX_ALL])
    doc.apply(action.edit)
    await doc.diagnostics()
    assert doc.text != spun
    assert await doc.actions(only=[FIX_ALL]) == []
    doc.close()


async def test_a_fix_in_a_rst_title_lengthens_its_underline(client: Client, workspace):
    """docutils warns (and Sphinx with -W fails) when a title outgrows its underline: the fix-all edit and the
    quick fix lengthen it."""
    extra = workspace / "growing.tsv"
    extra.write_text(
        "# unspun lexicon\n# format: 1\n# name: growing\n"
        "tortured\texpected\tkind\tconfidence\tinflect\trequire\texclude\tnote\n"
        "bosom growth\tbreast cancer\tfingerprint\t0.95\tnoun\t\t\ttest\n",
        "utf-8",
    )
    from support import LEXICON

    text = "==============\nBosom growth\n==============\n\nThe bosom growth clinic.\n\nBosom growth\n============\n\nEnd.\n"
    doc = Doc(client, workspace / "title.rst", text, language_id="restructuredtext")
    await doc.diagnostics()
    await client.configure({"lexicons": [str(LEXICON), str(extra)]}, doc)
    (action,) = await doc.actions(only=[FIX_ALL])
    assert action.title == "Restore the intended wording of 3 phrases (unspun)"
    doc.apply(action.edit)
    assert doc.text == (
        "==============\nBreast cancer\n==============\n\nThe breast cancer clinic.\n\nBreast cancer\n=============\n\nEnd.\n"
    )
    doc.close()
    doc = Doc(client, workspace / "title2.rst", "Bosom growth\n============\n\nEnd.\n", language_id="restructuredtext")
    await doc.diagnostics()
    (fix,) = replace_actions(await doc.actions(doc.range_of("Bosom")))
    doc.apply(fix.edit)
    assert doc.text == "Breast cancer\n=============\n\nEnd.\n"
    doc.close()
    await client.configure({"lexicons": [str(LEXICON)]})
