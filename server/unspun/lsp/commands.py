"""The server-side commands behind code actions, so ignoring, allow-listing and fixing work in every editor:
`unspun.ignore`, `unspun.allow`, `unspun.fixAll`, `unspun.replace`; and `unspun.spinScores`, which reports the
spin score of a document and of each paragraph. Each takes one object argument."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Mapping
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from unspun.lsp import allowlist, convert
from unspun.lsp.session import UnspunServer  # imported at run time: pygls reads the handlers' annotations

log = logging.getLogger("unspun.lsp")


def _arg(args: tuple, required: tuple[str, ...]) -> Mapping[str, Any]:
    """The single object argument of a command, with the required string fields."""
    if len(args) != 1 or not isinstance(args[0], Mapping):
        raise JsonRpcInvalidParams(message=f"expected one object argument with {', '.join(required)}")
    arg = args[0]
    missing = [k for k in required if not isinstance(arg.get(k), str) or not arg.get(k)]
    if missing:
        raise JsonRpcInvalidParams(message=f"missing or invalid argument field(s): {', '.join(missing)}")
    return arg


async def cmd_ignore(ls: UnspunServer, *args):
    arg = _arg(args, ("uri", "phrase"))
    scope = arg.get("scope", "document")
    phrase = arg["phrase"]
    if scope == "workspace":
        ls.workspace_ignored.add(phrase)
        ls.publisher.refresh()
    elif scope == "document":
        doc = ls.docs.get(arg["uri"])
        if doc is None:
            raise JsonRpcInvalidParams(message=f"document not open: {arg['uri']}")
        doc.ignored.add(phrase)
        ls.publisher.refresh(doc)
    else:
        raise JsonRpcInvalidParams(message=f"scope must be 'document' or 'workspace', got {scope!r}")
    log.info("ignoring %r in the %s", phrase, scope)
    return {"phrase": phrase, "scope": scope}


async def cmd_allow(ls: UnspunServer, *args):
    arg = _arg(args, ("uri", "phrase"))
    root = ls.root_of(ls.docs.get(arg["uri"]), arg["uri"])
    if root is None:
        ls.tell(
            f"cannot add \u201c{arg['phrase']}\u201d to the allow-list: the document is not inside a workspace folder",
            types.MessageType.Error,
        )
        return None
    loop = asyncio.get_running_loop()
    try:
        path, changed = await loop.run_in_executor(ls.analyses.executor, allowlist.add_phrase, root, arg["phrase"])
    except allowlist.AllowListError as e:
        ls.tell(str(e), types.MessageType.Error)
        return None
    ls.allow_lists.forget(root)
    log.info("%s %r in %s", "added" if changed else "already allowed:", arg["phrase"], path)
    ls.publisher.refresh()
    return {"file": str(path), "added": changed}


def _can_apply(ls: UnspunServer) -> bool:
    if not ls.client.apply_edit:
        ls.tell("this editor does not accept edits from the server (workspace/applyEdit)", types.MessageType.Error)
    return ls.client.apply_edit


async def cmd_fix_all(ls: UnspunServer, *args):
    arg = _arg(args, ("uri",))
    if not _can_apply(ls):
        return {"applied": False}
    doc = ls.docs.get(arg["uri"])
    if doc is None:
        raise JsonRpcInvalidParams(message=f"document not open: {arg['uri']}")
    res = await ls.analysis_of(await ls.snapshot(doc))
    if res is None:
        return {"applied": False}
    edits = await ls.analyses.fix_all_edits(res)
    if not edits:
        return {"applied": True, "edits": 0}
    edit = convert.workspace_edit(doc.uri, res.key.version, edits, ls.client)
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="unspun: fix all"))
    return {"applied": bool(result and result.applied), "edits": len(edits)}


async def cmd_replace(ls: UnspunServer, *args):
    arg = _arg(args, ("uri", "newText"))
    doc = ls.docs.get(arg["uri"])
    rng = arg.get("range")
    if doc is None or not isinstance(rng, Mapping):
        raise JsonRpcInvalidParams(message="expected an open document's uri, a range and newText")
    if not _can_apply(ls):
        return {"applied": False}
    if arg.get("version") is not None and arg.get("version") != doc.version:
        ls.tell("the document changed since this fix was offered; ask for the fix again", types.MessageType.Info)
        return {"applied": False}
    try:
        lsp_range = _converter().structure(rng, types.Range)
    except Exception as e:  # noqa: BLE001
        raise JsonRpcInvalidParams(message=f"invalid range: {e}") from None
    edit = convert.workspace_edit(doc.uri, doc.version, [types.TextEdit(range=lsp_range, new_text=arg["newText"])], ls.client)
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="unspun: replace"))
    return {"applied": bool(result and result.applied)}


async def cmd_spin_scores(ls: UnspunServer, *args):
    arg = _arg(args, ("uri",))
    doc = ls.docs.get(arg["uri"])
    if doc is None:
        raise JsonRpcInvalidParams(message=f"document not open: {arg['uri']}")
    res = await ls.analysis_of(await ls.snapshot(doc))
    if res is None:
        return None
    return convert.spin_report(res.analysis, res.index, res.key.options.spin_threshold, res.key.version)


@functools.cache
def _converter():
    """lsprotocol's converter between the protocol's JSON and its types (made once: it is costly to build)."""
    from lsprotocol.converters import get_converter

    return get_converter()


def register(ls: UnspunServer) -> None:
    ls.command(convert.CMD_IGNORE)(cmd_ignore)
    ls.command(convert.CMD_ALLOW)(cmd_allow)
    ls.command(convert.CMD_FIX_ALL)(cmd_fix_all)
    ls.command(convert.CMD_REPLACE)(cmd_replace)
    ls.command(convert.CMD_SPIN_SCORES)(cmd_spin_scores)
