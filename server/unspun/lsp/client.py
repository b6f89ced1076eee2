"""What the connected editor can do, read once from its `ClientCapabilities`.

Every decision that depends on the client (push or pull diagnostics, versioned workspace edits, deferred code
action edits, markdown hovers, progress, ...) reads one of these flags, so the rest of the server never digs
through the capability tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types
from pygls.capabilities import get_capability


@dataclass(frozen=True)
class ClientFeatures:
    #: `textDocument/diagnostic` (pull); we only pull when the client can also be told to re-pull
    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    #: `workspace/configuration` requests
    configuration: bool = False
    #: `WorkspaceEdit.documentChanges` (versioned edits)
    document_changes: bool = False
    #: `CodeAction` literals (otherwise only `Command`s can be returned)
    code_action_literals: bool = False
    is_preferred: bool = False
    #: the client resolves a code action's `edit` lazily (`codeAction/resolve`)
    resolve_edit: bool = False
    markdown_hover: bool = False
    work_done_progress: bool = False
    will_save_wait_until: bool = False
    apply_edit: bool = False
    show_message: bool = True

    @property
    def push_diagnostics(self) -> bool:
        return not (self.pull_diagnostics and self.diagnostic_refresh)

    @classmethod
    def of(cls, caps: types.ClientCapabilities | None) -> ClientFeatures:
        if caps is None:
            return cls()

        def has(path: str, default=None):
            return get_capability(caps, path, default)

        resolve_props = has("text_document.code_action.resolve_support.properties", None) or []
        hover_formats = has("text_document.hover.content_format", None) or []
        return cls(
            pull_diagnostics=has("text_document.diagnostic", None) is not None,
            diagnostic_refresh=bool(has("workspace.diagnostics.refresh_support", False)),
            configuration=bool(has("workspace.configuration", False)),
            document_changes=bool(has("workspace.workspace_edit.document_changes", False)),
            code_action_literals=has("text_document.code_action.code_action_literal_support", None) is not None,
            is_preferred=bool(has("text_document.code_action.is_preferred_support", False)),
            resolve_edit="edit" in resolve_props,
            markdown_hover=types.MarkupKind.Markdown in hover_formats,
            work_done_progress=bool(has("window.work_done_progress", False)),
            will_save_wait_until=bool(has("text_document.synchronization.will_save_wait_until", False)),
            apply_edit=bool(has("workspace.apply_edit", False)),
        )
