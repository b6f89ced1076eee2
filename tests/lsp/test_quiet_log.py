"""Cancellation is normal flow: typing cancels analyses and editors cancel the requests they no longer need
(VS Code cancels hovers and code actions on every keystroke). None of it may show in the server's log as a
traceback, an error or a warning at the default level."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig

from support import SERVER, Client, Doc, capabilities, findings, make_client, server_options, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPUN = "We held an information convention on counterfeit consciousness and profound learning.\n"


def text(tag: str, paragraphs: int = 2500) -> str:
    """A text long enough (over 200,000 characters) that its first analysis reports progress and scans
    paragraph by paragraph, so that it can be stopped half way."""
    return "\n\n".join(
        f"Paragraph {tag}{i}: the committee reviewed the annual budget and the schedule of works, then"
        " adjourned until the following week after thanking the chair and the secretary for their patience."
        + (" They discussed counterfeit consciousness." if i % 50 == 0 else "")
        for i in range(paragraphs)
    )


class RecordingClient(Client):
    """Keeps the server's standard error (instead of passing it on to the test's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stderr_lines: list[str] = []
        self._reader: asyncio.Task | None = None

    async def start_io(self, cmd: str, *args, **kwargs):
        await super().start_io(cmd, *args, **kwargs)
        if self._stderr_forwarder is not None:
            self._stderr_forwarder.cancel()
        self._reader = asyncio.ensure_future(self._read_stderr())

    async def _read_stderr(self) -> None:
        stream = self._server.stderr if self._server is not None else None
        if stream is None:
            return
        while line := await stream.readline():
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))
            self._poke()


def _factory() -> RecordingClient:
    # the recording features of support.make_client, on the recording class
    client = make_client()
    client.__class__ = RecordingClient
    client.stderr_lines = []
    client._reader = None
    return client  # type: ignore[return-value]


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER, client_factory=_factory))
async def client(lsp_client: RecordingClient, workspace):
    # a long debounce: in the burst below only the editor's requests start analyses
    await start(lsp_client, capabilities("visual-studio-code"), workspace, server_options(debounceMs=10_000))
    yield
    await lsp_client.shutdown_session()


def noise(lines: list[str]) -> list[str]:
    bad = ("Traceback", "ERROR", "CRITICAL", "never retrieved", "Cancel notification for unknown message id", "WARNING")
    return [line for line in lines if any(b in line for b in bad)]


def request(client: Client, method: str, params, msg_id: str) -> asyncio.Future:
    return asyncio.ensure_future(client.protocol.send_request_async(method, params, msg_id=msg_id))


async def test_typing_with_cancelled_requests_leaves_no_traceback(client: RecordingClient, workspace):
    doc = Doc(client, workspace / "burst.md", SPUN)
    assert len(findings(await doc.diagnostics())) == 3
    top = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=4))
    for k in range(3):
        doc.set_text(text(f"r{k}-"))  # a long passage pasted
        seen = set(client.progress_reports)
        # the editor asks for code actions at the cursor: that starts the analysis of the new text
        action = request(
            client, t.TEXT_DOCUMENT_CODE_ACTION,
            t.CodeActionParams(text_document=doc.id, range=top, context=t.CodeActionContext(diagnostics=[])),
            f"action-{k}",
        )
        await client.wait_for(
            lambda: [tok for tok, v in client.progress_reports.items() if tok not in seen and v and "burst.md" in getattr(v[0], "title", "")],
            what="the analysis to start",
        )
        # the next keystroke: the editor cancels the request it no longer needs, and the edit stops the analysis
        client.cancel_request(t.CancelParams(id=f"action-{k}"))
        doc.edit(0, 0, "x")
        with pytest.raises(JsonRpcException):
            await action  # RequestCancelled
        # a hover on the new version: its analysis replaces the stopped one
        hover = await client.text_document_hover_async(t.HoverParams(text_document=doc.id, position=doc.range_of("counterfeit").start))
        assert hover is not None
        # a cancel for a request answered a moment ago: editors send these all the time
        client.cancel_request(t.CancelParams(id=f"action-{k}"))
    doc.close()
    # the server logs at all (else this test would pass with its standard error lost)
    await client.wait_for(lambda: any("engine ready" in line for line in client.stderr_lines), what="the server's log")
    # and has handled everything sent so far once it answers this
    other = Doc(client, workspace / "after.md", SPUN)
    assert len(findings(await other.diagnostics())) == 3
    other.close()
    assert noise(client.stderr_lines) == [], "\n".join(client.stderr_lines[-60:])


async def test_the_log_level_follows_the_setting(workspace):
    lsp = await ClientServerConfig(server_command=SERVER, client_factory=_factory).start()
    await start(lsp, capabilities("visual-studio-code"), workspace, server_options(logLevel="warning"))
    doc = Doc(lsp, workspace / "levels.md", SPUN)
    assert len(findings(await doc.diagnostics())) == 3
    assert not [m for m in lsp.log_messages if "engine ready" in m.message]  # an INFO record
    assert not any(" INFO unspun" in line for line in lsp.stderr_lines[1:])  # (the first is logged before settings)
    # to debug: each analysis is logged, to the editor and on standard error
    lsp.set_configuration({"logLevel": "debug"}, section="unspun")
    lsp.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    await lsp.wait_for(lambda: any(m.message.startswith("log level: debug") for m in lsp.log_messages), what="the new level")
    doc.replace("held", "had")
    await lsp.wait_for(lambda: any(m.message.startswith("analysed ") for m in lsp.log_messages), what="a debug record")
    assert any(" DEBUG unspun.lsp: analysed " in line for line in lsp.stderr_lines)
    doc.close()
    await lsp.shutdown_session()
    await lsp.stop()
