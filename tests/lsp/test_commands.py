"""Server-side commands behind the code actions: ignore in a document / the workspace, add to the workspace
allow-list (unspun.toml), fix-all and replace via workspace/applyEdit."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from unspun.engine import analyze

from support import Client, Doc, capabilities, findings, server_config, start, text_edits, written

pytestmark = pytest.mark.asyncio(loop_scope="module")

TOML = """# project settings
[unspun]
# phrases we really mean
allow = [
  "big information",  # a product name here
]

[other]
keep = "me"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    (root / "unspun.toml").write_text(TOML, encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, project):
    await start(lsp_client, capabilities("visual-studio-code"), project)
    yield
    await lsp_client.shutdown_session()


def texts(diags) -> list[str]:
    return [written(d) for d in findings(diags)]


async def run(client: Client, command: str, **arg):
    return await client.workspace_execute_command_async(t.ExecuteCommandParams(command=command, arguments=[arg]))


async def test_project_allow_list_is_read(client: Client, project):
    doc = Doc(client, project / "read.md", "With big information and counterfeit consciousness.\n")
    assert texts(await doc.diagnostics()) == ["counterfeit consciousness"]
    doc.close()


async def test_ignore_in_this_document_only(client: Client, project):
    one = Doc(client, project / "one.md", "An information convention here.\n")
    two = Doc(client, project / "two.md", "An information convention there.\n")
    await one.diagnostics(), await two.diagnostics()
    mark = client.mark(one.uri)
    result = await run(client, "unspun.ignore", uri=one.uri, phrase="information convention", scope="document")
    assert result == {"phrase": "information convention", "scope": "document"}
    assert findings(await client.diagnostics_after(one.uri, mark)) == []
    assert texts(await two.diagnostics()) == ["An information convention"]
    # still ignored after the document changes, and the plural form too
    one.replace("here", "here, and information conventions everywhere")
    assert findings(await one.diagnostics()) == []
    one.close(), two.close()


async def test_ignore_in_the_workspace(client: Client, project):
    one = Doc(client, project / "ws1.md", "Profound learning works.\n")
    two = Doc(client, project / "ws2.md", "We like profound learning.\n")
    await one.diagnostics(), await two.diagnostics()
    marks = client.mark(one.uri), client.mark(two.uri)
    await run(client, "unspun.ignore", uri=one.uri, phrase="profound learning", scope="workspace")
    assert findings(await client.diagnostics_after(one.uri, marks[0])) == []
    assert findings(await client.diagnostics_after(two.uri, marks[1])) == []
    three = Doc(client, project / "ws3.md", "Profound learning again.\n")
    assert findings(await three.diagnostics()) == []
    one.close(), two.close(), three.close()


async def test_allow_list_action_writes_unspun_toml(client: Client, project):
    doc = Doc(client, project / "allow.md", "The irregular woodland and counterfeit consciousness.\n")
    assert texts(await doc.diagnostics()) == ["irregular woodland", "counterfeit consciousness"]
    actions = await doc.actions(doc.range_of("irregular"))
    (allow,) = [a for a in actions if a.command and a.command.command == "unspun.allow"]
    mark = client.mark(doc.uri)
    result = await client.workspace_execute_command_async(
        t.ExecuteCommandParams(command=allow.command.command, arguments=allow.command.arguments)
    )
    assert result == {"file": str((project / "unspun.toml").resolve()), "added": True}
    assert texts(await client.diagnostics_after(doc.uri, mark)) == ["counterfeit consciousness"]
    written = (project / "unspun.toml").read_text(encoding="utf-8")
    assert written == TOML.replace(
        '  "big information",  # a product name here\n',
        '  "big information",  # a product name here\n  "irregular woodland",\n',
    )
    assert not [p for p in project.iterdir() if p.name.endswith(".unspun-tmp")]
    # adding it again changes nothing
    again = await run(client, "unspun.allow", uri=doc.uri, phrase="Irregular  woodland")
    assert again["added"] is False
    assert (project / "unspun.toml").read_text(encoding="utf-8") == written
    doc.close()


async def test_allow_list_refused_outside_the_workspace(client: Client, project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    doc = Doc(client, outside / "stray.md", "A counterfeit consciousness.\n")
    await doc.diagnostics()
    titles = [a.title for a in await doc.actions(doc.range_of("counterfeit"))]
    assert not any("allow-list" in x for x in titles)  # not offered
    result = await run(client, "unspun.allow", uri=doc.uri, phrase="counterfeit consciousness")
    assert result is None
    assert client.messages_containing("not inside a workspace folder")
    assert not (outside / "unspun.toml").exists() and not (tmp_path / "unspun.toml").exists()
    doc.close()


async def test_fix_all_command_sends_an_edit(client: Client, project):
    doc = Doc(client, project / "cmd.md", "An information convention on counterfeit consciousness.\n")
    await doc.diagnostics()
    result = await run(client, "unspun.fixAll", uri=doc.uri)
    assert result == {"applied": True, "edits": 2}
    doc.apply(client.applied[-1].edit)
    assert doc.text == "A news conference on artificial intelligence.\n"
    doc.close()


async def test_bad_command_arguments_get_an_error(client: Client, project):
    with pytest.raises(JsonRpcException) as err:
        await client.workspace_execute_command_async(t.ExecuteCommandParams(command="unspun.ignore", arguments=[42]))
    assert err.value.code == -32602
    with pytest.raises(JsonRpcException):
        await client.workspace_execute_command_async(t.ExecuteCommandParams(command="unspun.nope", arguments=[]))
    doc = Doc(client, project / "after.md", "Counterfeit consciousness.\n")
    assert len(findings(await doc.diagnostics())) == 1  # still serving
    doc.close()


async def test_allow_list_edits_survive_a_broken_file(client: Client, project):
    (project / "unspun.toml").write_text("[unspun\nallow = 3\n", encoding="utf-8")
    doc = Doc(client, project / "broken.md", "A counterfeit consciousness.\n")
    await doc.diagnostics()
    assert await run(client, "unspun.allow", uri=doc.uri, phrase="counterfeit consciousness") is None
    assert client.messages_containing("fix it first")
    assert (project / "unspun.toml").read_text(encoding="utf-8") == "[unspun\nallow = 3\n"
    (project / "unspun.toml").write_text(TOML, encoding="utf-8")
    doc.close()


async def test_text_edits_helper_rejects_other_versions():
    edit = t.WorkspaceEdit(
        document_changes=[
            t.TextDocumentEdit(
                text_document=t.OptionalVersionedTextDocumentIdentifier(uri="file:///x", version=3), edits=[]
            )
        ]
    )
    with pytest.raises(AssertionError):
        text_edits(edit, "file:///x", 4)


async def test_allow_list_edited_by_hand_is_picked_up(client: Client, project):
    a = Doc(client, project / "hand-a.md", "Counterfeit consciousness, said A.\n")
    b = Doc(client, project / "hand-b.md", "Counterfeit consciousness, said B.\n")
    assert findings(await a.diagnostics()) and findings(await b.diagnostics())
    await asyncio.sleep(1.1)  # the file is looked at no more than once a second
    (project / "unspun.toml").write_text(
        TOML.replace('"big information",', '"big information", "counterfeit consciousness",'), encoding="utf-8"
    )
    mark = client.mark(b.uri)
    a.replace("said A", "said Alice")  # any work on any document makes the server look again
    assert findings(await a.diagnostics()) == []
    assert findings(await client.diagnostics_after(b.uri, mark)) == []  # and every open document follows
    (project / "unspun.toml").write_text(TOML, encoding="utf-8")
    a.close(), b.close()


async def test_a_workspace_folder_added_later_brings_its_allow_list(client: Client, tmp_path_factory):
    other = tmp_path_factory.mktemp("second-folder")
    (other / "unspun.toml").write_text('[unspun]\nallow = ["counterfeit consciousness"]\n', encoding="utf-8")
    doc = Doc(client, other / "later.md", "Counterfeit consciousness, said C.\n")
    assert texts(await doc.diagnostics()) == ["Counterfeit consciousness"]  # outside every folder: no allow-list
    mark = client.mark(doc.uri)
    client.workspace_did_change_workspace_folders(
        t.DidChangeWorkspaceFoldersParams(
            event=t.WorkspaceFoldersChangeEvent(added=[t.WorkspaceFolder(uri=other.as_uri(), name=other.name)], removed=[])
        )
    )
    assert findings(await client.diagnostics_after(doc.uri, mark)) == []
    mark = client.mark(doc.uri)
    client.workspace_did_change_workspace_folders(
        t.DidChangeWorkspaceFoldersParams(
            event=t.WorkspaceFoldersChangeEvent(added=[], removed=[t.WorkspaceFolder(uri=other.as_uri(), name=other.name)])
        )
    )
    assert texts(await client.diagnostics_after(doc.uri, mark)) == ["Counterfeit consciousness"]
    doc.close()


async def test_spin_scores_command_reports_the_document_and_each_paragraph(client: Client, project):
    # (phrases no earlier test of this module ignores or allows)
    spun = "😀 An information convention in international locations: a shaky expression, another information convention."
    clean = "The weather was mild and the meeting ended early."
    doc = Doc(client, project / "scores.md", f"{clean}\n\n{spun}\n\n\n{clean}\n")
    await doc.diagnostics()
    report = await run(client, "unspun.spinScores", uri=doc.uri)
    assert report["version"] == doc.version and report["threshold"] == 2.5
    assert report["spun"] is True and report["spinScore"] >= 2.5
    assert report["words"] == analyze(doc.text).word_count > 0
    paras = report["paragraphs"]
    as_range = lambda r: t.Range(  # noqa: E731
        start=t.Position(**r["start"]), end=t.Position(**r["end"])
    )
    # ranges in UTF-16 (the emoji counts two), blank lines left out
    assert [as_range(p["range"]) for p in paras] == [doc.range_of(clean), doc.range_of(spun), doc.range_of(clean, 1)]
    assert [p["spun"] for p in paras] == [False, True, False]
    assert paras[0]["spinScore"] == paras[2]["spinScore"] == 0.0 < paras[1]["spinScore"]
    # the hover of a finding gives its paragraph's score beside the document's
    hover = await client.text_document_hover_async(
        t.HoverParams(text_document=doc.id, position=doc.range_of("convention").start)
    )
    assert f"This paragraph: {paras[1]['spinScore']:.1f} per 100 words." in hover.contents.value
    with pytest.raises(JsonRpcException):
        await run(client, "unspun.spinScores", uri=(project / "not-open.md").as_uri())
    doc.close()
