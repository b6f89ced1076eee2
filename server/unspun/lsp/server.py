"""The unspun language server: thin handlers over the modules beside this one, and `run()`.

session.py holds the shared state, documents.py the text, snapshot.py what one request sees of a document,
analysis.py runs the checking pipeline (`unspun.pipeline`) off the message loop, convert.py maps findings to
protocol values, diagnostics.py delivers them, commands.py implements the commands behind code actions,
settings.py validates configuration, allowlist.py edits `unspun.toml`, pygls_adapter.py holds the few uses of
pygls internals. A handler here fetches the document, takes one snapshot of it, awaits its analysis and hands
the result to a converter.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from typing import BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified

from unspun import __version__
from unspun.engine.fixer import fix_edits
from unspun.lsp import commands, convert, logs, parentwatch, pygls_adapter, settings as settings_mod
from unspun.lsp.client import ClientFeatures
from unspun.lsp.session import UnspunServer
from unspun.lsp.snapshot import DocumentSnapshot, Result

log = logging.getLogger("unspun.lsp")

#: how long willSaveWaitUntil may take (editors give up after about half a second)
WILL_SAVE_BUDGET = 0.45


# -- handlers --------------------------------------------------------------------------------------------

def initialize(ls: UnspunServer, params: types.InitializeParams) -> None:
    parentwatch.watch(params.process_id, float(os.environ.get("UNSPUN_PARENT_POLL", parentwatch.POLL_SECONDS)))
    ls.client = ClientFeatures.of(params.capabilities)
    ls.docs.encoding = str(getattr(ls.workspace.position_encoding, "value", ls.workspace.position_encoding) or "utf-16")
    ls.init_options = params.initialization_options
    ls.ready = asyncio.Event()
    ls.code_action_options.resolve_provider = ls.client.resolve_edit
    if not ls.client.push_diagnostics:
        ls.feature(
            types.TEXT_DOCUMENT_DIAGNOSTIC,
            types.DiagnosticOptions(identifier="unspun", inter_file_dependencies=False, workspace_diagnostics=False),
        )(pull_diagnostics)
    if ls.log_handler is not None:
        ls.log_handler.attach(ls, asyncio.get_running_loop())
    info = params.client_info
    log.info(
        "unspun %s serving %s; position encoding %s; diagnostics by %s",
        __version__, f"{info.name} {info.version or ''}".strip() if info else "an unnamed client", ls.docs.encoding,
        "push" if ls.client.push_diagnostics else "pull",
    )


async def initialized(ls: UnspunServer, params: types.InitializedParams) -> None:
    await ls.load_configuration()  # documents opened meanwhile wait for this (UnspunServer.snapshot)


async def did_change_configuration(ls: UnspunServer, params: types.DidChangeConfigurationParams) -> None:
    if ls.client.configuration:
        await ls.load_configuration()
    else:
        ls.client_config = settings_mod.section_of(params.settings)
        await ls.apply_settings()
    ls.publisher.refresh()


async def did_change_workspace_folders(ls: UnspunServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    ls.allow_lists.forget()
    await ls.apply_settings()  # relative lexicon paths are resolved against the first folder
    ls.publisher.refresh()


def did_open(ls: UnspunServer, params: types.DidOpenTextDocumentParams) -> None:
    doc = ls.docs.open(params.text_document)
    ls.publisher.schedule(doc, 0)


def did_change(ls: UnspunServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        log.warning("change for a document that is not open: %s", params.text_document.uri)
        return
    doc.apply_changes(params.content_changes, params.text_document.version)
    ls.publisher.schedule(doc)


def did_close(ls: UnspunServer, params: types.DidCloseTextDocumentParams) -> None:
    if ls.docs.close(params.text_document.uri) is not None:
        ls.publisher.clear(params.text_document.uri)


async def pull_diagnostics(ls: UnspunServer, params: types.DocumentDiagnosticParams):
    return await ls.publisher.pull(params)


async def code_action(ls: UnspunServer, params: types.CodeActionParams):
    doc = ls.docs.get(params.text_document.uri)
    only = params.context.only
    want_fixes = not only or convert.kind_requested(only, convert.QUICKFIX_KIND)
    want_all = bool(only) and convert.kind_requested(only, convert.FIX_ALL_KIND)
    if doc is None or not (want_fixes or want_all):
        return []
    snap = await ls.snapshot(doc)
    res = await ls.analysis_of(snap)
    _still_current(ls, snap, res)
    if res is None:
        return []
    ref = convert.DocRef(doc.uri, res.key.version, in_workspace=ls.root_of(doc) is not None)
    actions: list = []
    if want_fixes:
        start, end = res.index.offsets(params.range)
        found = convert.overlapping(res.analysis.findings, start, end)
        actions += convert.quick_fixes(found, ref, res.index, ls.settings, ls.client, ls.analyses.lexicon_form, res.format)
    if want_all:
        # a broad request ("source", "source.fixAll": menus, VS Code's generic fix-all) gets the edit lazily
        # where the client resolves it; an explicit request for our kind (save hooks, scripts) gets it inline
        defer = ls.client.resolve_edit and convert.FIX_ALL_KIND not in (only or ())
        edits = None if defer or not fix_edits(res.analysis.findings) else await ls.analyses.fix_all_edits(res)
        if edits is not None:
            _still_current(ls, snap, res)  # (the fixed text was analysed again meanwhile)
        action = convert.fix_all_action(res.analysis, ref, res.index, ls.client, defer, res.format, edits)
        if action is not None:
            actions.append(action)
    return actions


def _still_current(ls: UnspunServer, snap: DocumentSnapshot, res: Result | None) -> None:
    """Raise ContentModified (-32801) when the document moved on (edited, closed or reopened) while its
    analysis ran: edits computed for an older text must not reach a client that applies them to the newer one
    (one without versioned `documentChanges` could not tell), and an analysis the newer version cut short must
    not read as "nothing to fix". `snap`: the document when the request arrived."""
    doc = snap.doc
    moved = doc.version != (snap.version if res is None else res.key.version)
    if ls.docs.get(doc.uri) is not doc or moved:
        raise JsonRpcContentModified(f"{doc.uri} changed (now version {doc.version}) while the request was computed")


async def resolve_code_action(ls: UnspunServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data
    if not (isinstance(data, Mapping) and data.get("fixAll") and isinstance(data.get("uri"), str)):
        return action
    doc = ls.docs.get(data["uri"])
    if doc is None:
        return action
    snap = await ls.snapshot(doc)
    res = await ls.analysis_of(snap)
    _still_current(ls, snap, res)
    if res is not None:
        edits = await ls.analyses.fix_all_edits(res)
        _still_current(ls, snap, res)
        action.edit = convert.workspace_edit(doc.uri, res.key.version, edits, ls.client)
    return action


async def hover(ls: UnspunServer, params: types.HoverParams):
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    res = await ls.analysis_of(await ls.snapshot(doc))
    if res is None:
        return None
    off = res.index.offset(params.position)
    found = convert.overlapping(res.analysis.findings, off, off)
    if not found:
        return None
    inner = [f for f in found if f.start <= off < f.end] or found
    # the options the analysis was made with (settings, then the project's configuration): its threshold
    threshold = res.key.options.spin_threshold
    return convert.hover(inner[0], res.analysis, res.index, threshold, ls.client.markdown_hover)


async def will_save_wait_until(ls: UnspunServer, params: types.WillSaveTextDocumentParams):
    doc = ls.docs.get(params.text_document.uri)
    if doc is None or not ls.settings.fix_all_on_save or params.reason != types.TextDocumentSaveReason.Manual:
        return []
    version = doc.version

    async def analysis():
        return await ls.analysis_of(await ls.snapshot(doc))

    try:
        res = await asyncio.wait_for(analysis(), WILL_SAVE_BUDGET)
    except asyncio.TimeoutError:
        log.info("fix on save skipped for %s: the analysis took too long", doc.uri)
        return []
    if res is None or res.key.version != version or doc.version != version:
        return []
    edits = await ls.analyses.fix_all_edits(res)
    return edits if doc.version == version else []


def on_shutdown(ls: UnspunServer, params: None) -> None:
    for doc in ls.docs:
        doc.cancel.set()
    ls.analyses.closing.set()


def create_server(log_handler: logs.ClientLogHandler | None = None) -> UnspunServer:
    ls = UnspunServer()
    ls.log_handler = log_handler
    feature = ls.feature
    feature(types.INITIALIZE)(initialize)
    feature(types.INITIALIZED)(initialized)
    feature(types.SHUTDOWN)(on_shutdown)
    feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_workspace_folders)
    feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    feature(types.TEXT_DOCUMENT_CODE_ACTION, ls.code_action_options)(code_action)
    feature(types.CODE_ACTION_RESOLVE)(resolve_code_action)
    feature(types.TEXT_DOCUMENT_HOVER)(hover)
    feature(types.TEXT_DOCUMENT_WILL_SAVE_WAIT_UNTIL)(will_save_wait_until)
    commands.register(ls)
    return ls


def run(host: str | None = None, port: int | None = None, log_level: str = "info") -> int:
    """Serve over stdio (default) or TCP; returns the process exit code (0 after a proper shutdown)."""
    from unspun.lsp import transport
    from unspun.process import one_malloc_arena

    one_malloc_arena()  # (before any worker thread starts)
    handler = logs.setup(log_level)
    ls = create_server(handler)
    if host is not None and port is not None:
        return transport.run_tcp(ls, host, port)
    # the protocol owns the real stdout; anything else printed (by us, a library or C code) goes to stderr
    proto_out: BinaryIO
    try:
        proto_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptors (embedded): keep the stream
        proto_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    transport.run_stdio(ls, sys.stdin.buffer, proto_out)
    return 0 if pygls_adapter.shut_down(ls.protocol) else 1
