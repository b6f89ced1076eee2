"""Errors and load: malformed requests get error responses and the server keeps serving; a large document is
analysed off the message loop (with progress, cancellable) and never delays other requests; results for an
outdated version are never published; `unspun serve` exits cleanly."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import Future

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from support import Client, Doc, capabilities, findings, make_client, server_config, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

SMALL = "We held an information convention on counterfeit consciousness.\n"


def big_text(tag: str, paragraphs: int = 16000) -> str:
    """Several megabytes of distinct paragraphs (identical ones would be analysed once)."""
    return "\n\n".join(
        f"Paragraph {tag}{i}: the committee reviewed the annual budget, the schedule of works and the report on"
        " regional transport, then adjourned until the following week without further remarks from the members"
        " present, who thanked the chair and the secretary for their patience during a long and tiring session."
        + (" They mentioned counterfeit consciousness." if i % 100 == 0 else "")
        for i in range(paragraphs)
    )


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: Client, workspace):
    await start(lsp_client, capabilities("visual-studio-code"), workspace)
    yield
    await lsp_client.shutdown_session()


async def still_serving(client: Client, workspace, name: str) -> None:
    doc = Doc(client, workspace / f"{name}.md", SMALL)
    assert len(findings(await doc.diagnostics())) == 2
    hover = await client.text_document_hover_async(t.HoverParams(text_document=doc.id, position=doc.range_of("counterfeit").start))
    assert hover is not None
    doc.close()


async def write_raw(client: Client, message: dict | bytes) -> None:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    client._server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    await client._server.stdin.drain()


async def raw_request(client: Client, msg_id: str, method: str, params) -> object:
    """Send a request exactly as given (the client library would refuse to send malformed params)."""
    future: Future = Future()
    client.protocol._request_futures[msg_id] = future
    await write_raw(client, {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return await asyncio.wait_for(asyncio.wrap_future(future), 10)


async def test_malformed_request_gets_an_error_and_the_server_goes_on(client: Client, workspace):
    with pytest.raises(JsonRpcException) as err:
        await raw_request(client, "bad-1", t.TEXT_DOCUMENT_HOVER, {"textDocument": {"uri": 5}, "position": "here"})
    assert err.value.code == -32602  # InvalidParams
    assert "textDocument/hover" in err.value.message
    with pytest.raises(JsonRpcException) as err:
        await raw_request(client, "bad-2", t.TEXT_DOCUMENT_CODE_ACTION, {"textDocument": {}})
    assert err.value.code == -32602
    with pytest.raises(JsonRpcException) as err:
        await raw_request(client, "bad-3", "unspun/noSuchMethod", {})
    assert err.value.code == -32601  # MethodNotFound
    # a well-formed request sent the same way is answered normally
    assert await raw_request(client, "good-1", t.TEXT_DOCUMENT_HOVER, {
        "textDocument": {"uri": (workspace / "nothing.md").as_uri()}, "position": {"line": 0, "character": 0},
    }) is None
    await still_serving(client, workspace, "after-malformed")


async def test_garbage_on_the_wire_does_not_stop_the_server(client: Client, workspace):
    await write_raw(client, b"{this is not json")
    await write_raw(client, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"bogus": True}})
    await still_serving(client, workspace, "after-garbage")
    assert not [m for m in client.messages if m.message.startswith("Error in server")]  # no pygls pop-ups


async def test_requests_for_unknown_documents_are_empty(client: Client, workspace):
    unknown = t.TextDocumentIdentifier(uri=(workspace / "never-opened.md").as_uri())
    rng = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=1))
    assert not await client.text_document_code_action_async(
        t.CodeActionParams(text_document=unknown, range=rng, context=t.CodeActionContext(diagnostics=[]))
    )
    assert await client.text_document_hover_async(t.HoverParams(text_document=unknown, position=rng.start)) is None


async def test_large_document_does_not_delay_other_requests(client: Client, workspace):
    small = Doc(client, workspace / "small.md", SMALL)
    await small.diagnostics()
    big = Doc(client, workspace / "big.md", big_text("a"))
    await asyncio.sleep(0.05)  # the big analysis is under way
    actions = await small.actions(small.range_of("counterfeit"))
    hover = await client.text_document_hover_async(t.HoverParams(text_document=small.id, position=small.range_of("convention").start))
    assert actions and hover is not None
    # ordering, not timing: the small document's requests were answered while the big one was still in work
    assert big.uri not in client.published, "the big document was done before the small requests were answered"
    diags = await client.diagnostics_for(big.uri, 1, timeout=60)
    assert len(findings(diags)) == 160
    # progress was reported for the first analysis of the big document
    (token,) = [k for k, v in client.progress_reports.items() if v and "big.md" in getattr(v[0], "title", "")]
    reports = client.progress_reports[token]
    assert isinstance(reports[0], t.WorkDoneProgressBegin) and reports[0].cancellable
    assert isinstance(reports[-1], t.WorkDoneProgressEnd) and reports[-1].message == "done"
    # a keystroke in one paragraph re-analyses that paragraph only (see test_cache.py): no progress this time
    before = len(client.progress_reports)
    big.replace("Paragraph a5000:", "Paragraph a5000 (edited): counterfeit consciousness.")
    diags = await client.diagnostics_for(big.uri, 2, timeout=60)
    assert len(findings(diags)) == 161
    assert len(client.progress_reports) == before
    big.close(), small.close()


async def test_progress_can_be_cancelled(client: Client, workspace):
    big = Doc(client, workspace / "cancel.md", big_text("b"))

    def begun():
        return [k for k, v in client.progress_reports.items() if v and "cancel.md" in getattr(v[0], "title", "")]

    (token,) = await client.wait_for(begun, what="progress for cancel.md")
    client.window_work_done_progress_cancel(t.WorkDoneProgressCancelParams(token=token))
    await client.wait_for(lambda: isinstance(client.progress_reports[token][-1], t.WorkDoneProgressEnd), what="progress end")
    assert client.progress_reports[token][-1].message == "cancelled"
    await asyncio.sleep(0.5)
    assert big.uri not in client.published  # nothing published for the cancelled analysis
    big.close()
    await still_serving(client, workspace, "after-cancel")


async def test_request_cancellation_is_honoured(client: Client, workspace):
    big = Doc(client, workspace / "cancel-request.md", big_text("c"))
    await client.wait_for(
        lambda: [v for v in client.progress_reports.values() if v and "cancel-request.md" in getattr(v[0], "title", "")],
        what="the analysis to start",
    )
    params = t.CodeActionParams(
        text_document=big.id,
        range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=5)),
        context=t.CodeActionContext(diagnostics=[]),
    )
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(t.TEXT_DOCUMENT_CODE_ACTION, params, msg_id="cancel-me")
    )
    await asyncio.sleep(0.2)  # the request is waiting for the analysis
    client.cancel_request(t.CancelParams(id="cancel-me"))
    with pytest.raises(JsonRpcException) as err:
        await pending
    assert err.value.code == -32800  # RequestCancelled
    big.close()
    await still_serving(client, workspace, "after-request-cancel")


async def test_outdated_results_are_never_published(client: Client, workspace):
    doc = Doc(client, workspace / "stale.md", big_text("d"))
    await asyncio.sleep(0.05)
    doc.set_text(SMALL)  # version 2 arrives while version 1 is being analysed
    assert len(findings(await doc.diagnostics())) == 2
    await asyncio.sleep(0.5)
    assert [p.version for p in client.published[doc.uri]] == [2]
    doc.close()


@pytest.mark.parametrize("args", [(), ("--stdio",)])
async def test_clean_exit_after_shutdown(args, workspace):
    lsp = await server_config(*args).start()
    await start(lsp, capabilities("neovim@v0.7.0"), workspace)
    doc = Doc(lsp, workspace / "exit.md", SMALL)
    assert len(findings(await doc.diagnostics())) == 2
    await lsp.shutdown_session()
    assert lsp._server.returncode == 0
    await lsp.stop()


async def test_exit_without_shutdown_is_an_error(workspace):
    lsp = make_client()
    await lsp.start_io(*server_config().server_command)
    await start(lsp, capabilities("emacs"), workspace)
    lsp.exit(None)
    await asyncio.wait_for(lsp._server.wait(), 10)
    assert lsp._server.returncode == 1
    await lsp.stop()
