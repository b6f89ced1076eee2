"""Workspace files are untrusted input: a repository someone opens names configuration files and lexicons, and
none of them may hang the server, exhaust its memory or make it read (and echo) files outside the workspace.

The attacks: `unspun.toml` as a symbolic link to /dev/zero, lexicons that are a FIFO, /dev/zero (directly and
through a link) and `../../../../etc/hostname`, a file outside the workspace whose lines would be quoted in
lexicon warnings, and an oversized configuration file. `unspun.untrusted` alone: test_untrusted.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_lsp

from support import LEXICON, Client, Doc, capabilities, findings, server_config, server_options, start, text_in

SMALL = "We held an information convention.\n"
SECRET = "SECRET-LINE-7f3a\tnot a lexicon line"


def hostile_workspace(root: Path) -> None:
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.tsv").write_text(SECRET + "\n", "utf-8")
    (root / "team.tsv").write_text(LEXICON.read_text("utf-8"), "utf-8")
    os.mkfifo(root / "fifo.tsv")
    os.symlink("/dev/zero", root / "zero.tsv")
    os.symlink(outside / "secret.tsv", root / "link-out.tsv")
    up = "../" * (len(root.parts) + 2)
    lexicons = ["team.tsv", "fifo.tsv", "zero.tsv", "/dev/zero", f"{up}etc/hostname", f"../{outside.name}/secret.tsv", "link-out.tsv"]
    (root / "unspun.toml").write_text("lexicons = [" + ", ".join(f'"{x}"' for x in lexicons) + "]\n", "utf-8")
    (root / "zero-config").mkdir()
    os.symlink("/dev/zero", root / "zero-config" / "unspun.toml")
    (outside / "secret.toml").write_text('kinds = "SECRET-VALUE"\nSECRET_KEY = 1\n', "utf-8")
    (root / "link-config").mkdir()
    os.symlink(outside / "secret.toml", root / "link-config" / "unspun.toml")
    (outside / "pyproject.toml").write_text('[tool.unspun]\nkinds = "SECRET-VALUE"\n', "utf-8")
    (root / "link-pyproject").mkdir()
    os.symlink(outside / "pyproject.toml", root / "link-pyproject" / "pyproject.toml")
    (root / "fifo-config").mkdir()
    os.mkfifo(root / "fifo-config" / "unspun.toml")
    (root / "big-config").mkdir()
    (root / "big-config" / "unspun.toml").write_text("# padding\n" * 200_000, "utf-8")


@pytest.fixture(scope="module")
def hostile(workspace):
    hostile_workspace(workspace)
    return workspace


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, hostile):
    # only the workspace's lexicons: the fixture lexicon comes from team.tsv, named by unspun.toml
    await start(lsp_client, capabilities("visual-studio-code"), hostile, server_options(lexicons=[]))
    yield
    await lsp_client.shutdown_session()


pytestmark = pytest.mark.asyncio(loop_scope="module")


def shown(client: Client) -> str:
    return "\n".join(m.message for m in client.messages)


async def test_lexicons_named_by_the_workspace_are_confined_and_checked(client: Client, hostile):
    doc = Doc(client, hostile / "a.md", SMALL)
    # the good lexicon inside the workspace is used
    assert [text_in(doc.text, d.range) for d in findings(await doc.diagnostics())] == ["an information convention"]
    await client.wait_for(lambda: client.messages_containing("outside the workspace"), what="a refusal")
    text = shown(client)
    assert "fifo.tsv: a FIFO, not a regular file" in text
    # (links are resolved: zero.tsv and link-out.tsv are refused under the names of their targets)
    assert "/dev/zero is outside the workspace" in text
    assert "etc/hostname is outside the workspace" in text
    assert "secret.tsv is outside the workspace" in text
    assert "SECRET-LINE" not in text
    hostname = Path("/etc/hostname").read_text("utf-8", "replace").strip() if Path("/etc/hostname").is_file() else ""
    if len(hostname) >= 6:
        assert hostname not in text.replace(str(hostile), "")
    doc.close()


@pytest.mark.parametrize("folder, why", [("zero-config", "outside the workspace"), ("fifo-config", "a FIFO, not a regular file")])
async def test_a_configuration_file_that_is_a_device_or_a_fifo_is_refused(client: Client, hostile, folder, why):
    """`unspun.toml` as a link to /dev/zero (outside the workspace: not even looked at) and as a FIFO."""
    doc = Doc(client, hostile / folder / "b.md", SMALL)
    assert [text_in(doc.text, d.range) for d in findings(await doc.diagnostics())] == ["an information convention"]
    msgs = await client.wait_for(lambda: client.messages_containing(folder), what="a message naming the file")
    assert any(why in m for m in msgs), msgs
    doc.close()


async def test_a_configuration_file_linked_from_outside_is_not_read(client: Client, hostile):
    """Its problems (unknown keys, values of the wrong type) would show parts of a file outside the workspace."""
    doc = Doc(client, hostile / "link-config" / "f.md", SMALL)
    assert [text_in(doc.text, d.range) for d in findings(await doc.diagnostics())] == ["an information convention"]
    msgs = await client.wait_for(lambda: client.messages_containing("link-config"), what="a message naming the file")
    assert any("outside the workspace" in m for m in msgs), msgs
    doc.close()
    doc = Doc(client, hostile / "link-pyproject" / "g.md", SMALL)
    assert [text_in(doc.text, d.range) for d in findings(await doc.diagnostics())] == ["an information convention"]
    doc.close()
    assert "SECRET" not in shown(client)


async def test_an_oversized_configuration_file_is_refused(client: Client, hostile):
    doc = Doc(client, hostile / "big-config" / "c.md", SMALL)
    await doc.diagnostics()
    msgs = await client.wait_for(lambda: client.messages_containing("big-config"), what="a message naming the file")
    assert any("over the limit" in m for m in msgs), msgs
    doc.close()


async def test_the_users_own_lexicon_setting_is_still_checked(client: Client, hostile):
    """A path the user's settings name is the user's choice, but a device is still not read."""
    doc = Doc(client, hostile / "d.md", SMALL)
    await doc.diagnostics()
    await client.configure({"lexicons": ["/dev/zero"]}, doc)
    msgs = await client.wait_for(lambda: client.messages_containing("/dev/zero: a device"), what="a refusal")
    assert msgs
    doc.replace("We held", "They held")
    assert [text_in(doc.text, d.range) for d in findings(await doc.diagnostics())] == ["an information convention"]
    doc.close()


async def test_lexicon_folders_allow_more(client: Client, hostile):
    outside = hostile.parent / f"{hostile.name}-outside"
    doc = Doc(client, hostile / "e.md", SMALL)
    await doc.diagnostics()
    await client.configure({"lexicons": [], "lexiconFolders": [str(outside)]}, doc)
    # now the outside file is read: its bad line is reported (the user allowed that folder)
    await client.wait_for(lambda: client.messages_containing("SECRET-LINE") or client.messages_containing("secret.tsv:1"), what="the outside lexicon read")
    doc.close()
