"""A randomised editing session against the real server: thousands of incremental edits, code-action, hover and
diagnostic checks, configuration changes and fix-alls. The server must stay up, its view of the document must
always match the client's (every diagnostic's range covers exactly the text its data names), and every edit it
returns must apply cleanly to the version it names."""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from support import (  # noqa: E402
    FIX_ALL, Client, Doc, apply_text_edits, capabilities, findings, position, server_config, start, text_edits,
    text_in, written,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]

EDITS = 5000
SEED = 20261128
PIECES = [
    "information convention", "An information convention", "counterfeit consciousness", "irregular woodlands",
    "profound learning", "big information", "shaky expression", " ", "\n", "\r\n", "\n\n", "😀", "é", "e\u0301",
    "the ", "a ", "an ", "-", "’s", "\t", "word ", "Ünïcödé ", "שלום ",
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("random-session")


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("visual-studio-code"), workspace)
    yield
    await lsp_client.shutdown_session()


def safe(text: str, pos: int) -> int:
    """A position that does not split a CRLF (a position between \r and \n does not exist in the LSP)."""
    return pos + 1 if 0 < pos < len(text) and text[pos - 1] == "\r" and text[pos] == "\n" else pos


def check_diagnostics(doc: Doc, diags: list[t.Diagnostic]) -> None:
    for d in findings(diags):
        assert isinstance(d.data, dict) and isinstance(d.data.get("safe"), bool)
        assert text_in(doc.text, d.range, doc.client.encoding) == written(d), d


async def test_random_session(client: Client, workspace: Path):
    rng = random.Random(SEED)
    doc = Doc(client, workspace / "random.md", "Start: an information convention.\n")
    counts = {
        "edits": 0, "actions": 0, "fix_all": 0, "hovers": 0, "configs": 0, "checks": 0, "saves": 0,
        "out_of_order": 0, "cancelled": 0, "content_modified": 0,
    }
    history: dict[int, str] = {doc.version: doc.text}
    pending: list[tuple[int, asyncio.Future]] = []  # requests sent for a version, answered later
    for step in range(EDITS):
        n = len(doc.text)
        op = rng.random()
        if op < 0.55 or n < 20:
            pos = safe(doc.text, rng.randint(0, n))
            piece = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4)))
            doc.edit(pos, pos, piece)
        elif op < 0.85:
            a = safe(doc.text, rng.randint(0, n - 1))
            b = safe(doc.text, min(n, a + rng.randint(1, 12)))
            doc.edit(a, b, rng.choice(["", "", "x", "information convention", "\n"]))
        else:
            a = safe(doc.text, rng.randint(0, n - 1))
            b = safe(doc.text, min(n, a + rng.randint(1, 30)))
            doc.edit(a, b, doc.text[a:b].upper())
        counts["edits"] += 1
        history[doc.version] = doc.text
        if step % 37 == 0:  # save
            client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=doc.id, text=doc.text))
            counts["saves"] += 1
        if step % 53 == 0:  # a fix-all request whose answer is read only after more edits
            params = t.CodeActionParams(
                text_document=doc.id,
                range=t.Range(start=t.Position(line=0, character=0), end=position(doc.text, len(doc.text), client.encoding)),
                context=t.CodeActionContext(diagnostics=[], only=[FIX_ALL]),
            )
            pending.append((doc.version, asyncio.ensure_future(client.text_document_code_action_async(params))))
        if step % 71 == 0:  # a request cancelled right after it is sent
            msg_id = f"cancel-{step}"
            params = t.HoverParams(text_document=doc.id, position=t.Position(line=0, character=0))
            fut = asyncio.ensure_future(client.protocol.send_request_async(t.TEXT_DOCUMENT_HOVER, params, msg_id=msg_id))
            client.cancel_request(t.CancelParams(id=msg_id))
            try:
                await fut  # answered or cancelled, never left hanging
            except JsonRpcException as e:
                assert e.code == -32800
            counts["cancelled"] += 1
        if len(pending) >= 3:
            for version, fut in pending:
                try:
                    answer = await fut
                except JsonRpcException as e:
                    assert e.code == -32801  # the document moved on while the answer was computed
                    counts["content_modified"] += 1
                    answer = []
                for act in answer or []:
                    if isinstance(act, t.CodeAction) and act.edit is not None:
                        for change in act.edit.document_changes or []:
                            named = change.text_document.version
                            # an edit names the version it was computed for, and applies to that text cleanly
                            assert named is not None and named <= doc.version
                            apply_text_edits(history[named], list(change.edits), client.encoding)
                counts["out_of_order"] += 1
            pending.clear()
        if step % 97 == 0:
            enc = client.encoding
            a = safe(doc.text, rng.randint(0, len(doc.text)))
            b = safe(doc.text, min(len(doc.text), a + 40))
            rng_ = t.Range(start=position(doc.text, a, enc), end=position(doc.text, b, enc))
            actions = await doc.actions(rng_, only=[t.CodeActionKind.QuickFix])
            counts["actions"] += 1
            for act in actions:
                if isinstance(act, t.CodeAction) and act.edit is not None:
                    apply_text_edits(doc.text, text_edits(act.edit, doc.uri, doc.version), enc)
            hover_at = position(doc.text, safe(doc.text, rng.randint(0, len(doc.text))), enc)
            await client.text_document_hover_async(t.HoverParams(text_document=doc.id, position=hover_at))
            counts["hovers"] += 1
        if step % 211 == 0:
            diags = await doc.diagnostics()
            check_diagnostics(doc, diags)
            counts["checks"] += 1
            actions = await doc.actions(only=[FIX_ALL])
            fix = [a for a in actions if isinstance(a, t.CodeAction) and a.kind == FIX_ALL and a.edit]
            if fix:
                doc.apply(fix[0].edit)
                history[doc.version] = doc.text
                counts["fix_all"] += 1
        if step % 499 == 0:
            await client.configure({"minConfidence": rng.choice([0.0, 0.5, 0.9])}, doc)
            counts["configs"] += 1
    diags = await doc.diagnostics()
    check_diagnostics(doc, diags)
    # after a last fix-all nothing safe is left to fix
    actions = await doc.actions(only=[FIX_ALL])
    fix = [a for a in actions if isinstance(a, t.CodeAction) and a.kind == FIX_ALL and a.edit]
    if fix:
        doc.apply(fix[0].edit)
        await doc.diagnostics()
        again = [a for a in await doc.actions(only=[FIX_ALL]) if isinstance(a, t.CodeAction) and a.edit]
        assert not again or not text_edits(again[0].edit, doc.uri)
    assert counts["edits"] == EDITS and counts["checks"] >= 20 and counts["saves"] > 100
    assert counts["out_of_order"] > 50 and counts["cancelled"] > 50
    print(counts, file=sys.stderr)
