"""Early diagnostics: a document that opens with much spun text gets every finding but the open-vocabulary ones
of its new paragraphs pushed first, then the complete set, both for the version they were computed on; a
keystroke and a clean document get one complete push. (Pulled diagnostics are always complete: a pull is
answered once.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp

from support import Client, Doc, capabilities, server_config, start
from unspun.pipeline import EARLY_CHARS

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OPEN_VOCABULARY = "substitution/open-vocabulary"
#: the shipped lexicons, the language model and the open-vocabulary stage: the layers a quick analysis splits
FULL = {
    "builtinLexicons": True, "lexicons": [], "languageModel": True, "openVocabulary": True, "debounceMs": 0,
    "maxDiagnostics": 0,  # (all of them: the complete push adds findings before the last of the quick one)
}


def _numbered(name: str, copies: int) -> str:
    """`copies` numbered copies of each paragraph of an example (no two paragraphs the same text)."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    paras = [p for p in text.split("\n\n") if p.strip() and not p.startswith("#")]
    return "\n\n".join(f"{k}. {p}" for k in range(copies) for p in paras)


def _model_available() -> bool:
    from unspun.engine.langmodel import default_model

    return default_model() is not None


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("visual-studio-code"), workspace, {"unspun": FULL})
    yield
    await lsp_client.shutdown_session()


def _published(client: Client, doc: Doc, version: int) -> list[list]:
    return [list(p.diagnostics) for p in client.published.get(doc.uri, []) if p.version == version]


def _keys(diags) -> set[tuple]:
    return {(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code)
            for d in diags}


async def _settled(client: Client, doc: Doc, version: int, count: int) -> list[list]:
    """The pushes for `version` once there are `count` of them and no more arrive for a while."""
    await client.wait_for(
        lambda: len(_published(client, doc, version)) >= count, what=f"{count} push(es) of v{version}"
    )
    await asyncio.sleep(1.0)
    return _published(client, doc, version)


async def test_a_spun_document_gets_its_quick_findings_first_then_all(client: Client, workspace):
    if not _model_available():
        pytest.skip("no language model installed")
    doc = Doc(client, workspace / "early-spun.md", _numbered("spun-news.txt", 40))
    assert len(doc.text) > EARLY_CHARS
    first, last = await _settled(client, doc, 1, 2)
    assert first and not any(d.code == OPEN_VOCABULARY for d in first)
    assert _keys(first) <= _keys(last)  # the complete push only adds (open-vocabulary findings, where they earn it)

    # a keystroke re-reads one paragraph: one complete push, no early one
    doc.replace("0. ", "0.  ")
    (after_edit,) = await _settled(client, doc, 2, 1)
    assert len(after_edit) == len(last)
    doc.close()


async def test_a_clean_document_gets_one_push(client: Client, workspace):
    clean = "\n\n".join(
        f"{k}. The committee met on Tuesday to discuss the budget for the coming year, and it agreed to meet"
        " again next month after the members had read the report." for k in range(200)
    )
    doc = Doc(client, workspace / "early-clean.md", clean)
    assert len(clean) > EARLY_CHARS
    (only,) = await _settled(client, doc, 1, 1)
    assert only == []
    doc.close()

