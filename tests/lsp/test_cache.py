"""The per-paragraph cache, seen through the server's debug log: a keystroke re-scans only its paragraph."""

from __future__ import annotations

import re

import pytest
import pytest_lsp

from support import Client, Doc, capabilities, findings, server_config, start

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=server_config("--log-level", "debug"))
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("neovim@v0.7.0"), workspace)
    yield
    await lsp_client.shutdown_session()


def analysed(client: Client, doc: Doc) -> tuple[int, int, int]:
    """(paragraphs, scanned, from cache) of the last analysis of this version, from the debug log."""
    pattern = re.compile(rf"analysed {re.escape(doc.uri)} v{doc.version}: (\d+) paragraph\(s\), (\d+) scanned, (\d+) from cache")
    for m in reversed(client.log_messages):
        if found := pattern.search(m.message):
            return tuple(int(x) for x in found.groups())
    raise AssertionError(f"no analysis of v{doc.version} logged")


async def test_a_keystroke_rescans_one_paragraph(client: Client, workspace):
    paragraphs = [f"Paragraph {i} talks about counterfeit consciousness." for i in range(6)]
    doc = Doc(client, workspace / "cache.md", "\n\n".join(paragraphs) + "\n")
    assert len(findings(await doc.diagnostics())) == 6
    assert analysed(client, doc) == (6, 6, 0)
    doc.replace("Paragraph 3 talks", "Paragraph 3 mostly talks")
    assert len(findings(await doc.diagnostics())) == 6
    assert analysed(client, doc) == (6, 1, 5)
    doc.replace("\n\nParagraph 5", "\n\nParagraph 5 and profound learning:")
    assert len(findings(await doc.diagnostics())) == 7
    assert analysed(client, doc) == (6, 1, 5)
    doc.close()


async def test_identical_paragraphs_are_scanned_once(client: Client, workspace):
    doc = Doc(client, workspace / "same.md", "\n\n".join(["The same counterfeit consciousness."] * 5))
    assert len(findings(await doc.diagnostics())) == 5
    # paragraphs after the first begin with the blank line before them: two distinct texts here
    assert analysed(client, doc) == (5, 2, 3)
    doc.close()
