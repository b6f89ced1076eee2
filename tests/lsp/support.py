"""Helpers for the language-server tests: a recording test client, a client-side document mirror, and an
independent implementation of LSP positions/edits to check the server's output against.

Every test drives the real server (`python -m unspun serve`) over stdio with pytest-lsp. The server is given
its own small lexicon (tests/fixtures/lsp/lexicon.tsv) and told not to load the shipped ones, so these tests do
not depend on what the shipped lexicons contain.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import Any, Union

from lsprotocol import types as t
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

LEXICON = Path(__file__).resolve().parents[1] / "fixtures" / "lsp" / "lexicon.tsv"
SERVER = [sys.executable, "-m", "unspun", "serve"]
FIX_ALL = "source.fixAll.unspun"
TIMEOUT = 15.0


def server_options(**extra: Any) -> dict[str, Any]:
    """initializationOptions for the tests: only the fixture lexicon, no language model (so results depend on
    nothing but the fixture lexicon and the engine's rules), a short debounce."""
    return {"unspun": {**BASE_OPTIONS, **extra}}


BASE_OPTIONS = {
    "builtinLexicons": False, "lexicons": [str(LEXICON)], "languageModel": False, "openVocabulary": False, "debounceMs": 20,
}


# -- the client ----------------------------------------------------------------------------------------------

def _converter():
    """lsprotocol reads any code action carrying a `command` as a bare Command; read it the way editors do."""
    conv = default_converter()

    def action_or_command(obj, _type):
        if isinstance(obj.get("command"), str):
            return conv.structure(obj, t.Command)
        return conv.structure(obj, t.CodeAction)

    conv.register_structure_hook(Union[t.Command, t.CodeAction], action_or_command)
    return conv


class Client(LanguageClient):
    """pytest-lsp's client, also recording every publishDiagnostics (with its version) and server requests."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.published: dict[str, list[t.PublishDiagnosticsParams]] = {}
        self.server_requests: list[str] = []
        self.applied: list[t.ApplyWorkspaceEditParams] = []
        self.changed = asyncio.Event()
        self.encoding = "utf-16"

    def _poke(self) -> None:
        self.changed.set()

    async def wait_for(self, predicate, timeout: float = TIMEOUT, what: str = "condition"):
        """Wait until predicate() is truthy (re-checked after every message the client records)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.2))
            except asyncio.TimeoutError:
                pass

    async def diagnostics_for(self, uri: str, version: int | None = None, timeout: float = TIMEOUT) -> list[t.Diagnostic]:
        """The diagnostics published for `uri` (at `version`, when given), waiting for them."""

        def found():
            for p in reversed(self.published.get(uri, [])):
                if version is None or p.version == version:
                    return p
            return None

        params = await self.wait_for(found, timeout, f"diagnostics for {uri} v{version}")
        return list(params.diagnostics)

    def mark(self, uri: str) -> int:
        """How many publishes `uri` has had so far (for `diagnostics_after`)."""
        return len(self.published.get(uri, []))

    async def diagnostics_after(self, uri: str, mark: int, timeout: float = TIMEOUT) -> list[t.Diagnostic]:
        """The first diagnostics published for `uri` after `mark` (see `mark`)."""
        params = await self.wait_for(
            lambda: len(self.published.get(uri, [])) > mark and self.published[uri][mark], timeout, f"new diagnostics for {uri}"
        )
        return list(params.diagnostics)

    async def configure(self, values: dict, *watch: "Doc") -> list[list[t.Diagnostic]]:
        """Change the `unspun` settings the client reports, tell the server, and wait for the documents'
        diagnostics to be published again."""
        marks = [self.mark(d.uri) for d in watch]
        self.set_configuration(values, section="unspun")
        self.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
        return [await self.diagnostics_after(d.uri, m) for d, m in zip(watch, marks)]

    def messages_containing(self, text: str) -> list[str]:
        return [m.message for m in self.messages if text in m.message]


def make_client() -> Client:
    client = Client(converter_factory=_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish(client: Client, params: t.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.setdefault(params.uri, []).append(params)
        client._poke()

    def configuration(client: Client, params: t.ConfigurationParams):
        client.server_requests.append(t.WORKSPACE_CONFIGURATION)
        client._poke()
        return DEFAULT_CLIENT_FEATURES[t.WORKSPACE_CONFIGURATION](client, params)

    def apply_edit(client: Client, params: t.ApplyWorkspaceEditParams):
        client.server_requests.append(t.WORKSPACE_APPLY_EDIT)
        client.applied.append(params)
        client._poke()
        return t.ApplyWorkspaceEditResult(applied=True)

    def show_message(client: Client, params: t.ShowMessageParams):
        client.messages.append(params)
        client._poke()

    def refresh(client: Client, params: None):
        client.server_requests.append(t.WORKSPACE_DIAGNOSTIC_REFRESH)
        client.diagnostic_refresh_count += 1
        client._poke()

    def progress(client: Client, params: t.ProgressParams):
        DEFAULT_CLIENT_FEATURES[t.PROGRESS](client, params)
        client._poke()

    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[t.WORKSPACE_CONFIGURATION] = configuration
    features[t.WORKSPACE_APPLY_EDIT] = apply_edit
    features[t.WINDOW_SHOW_MESSAGE] = show_message
    features[t.WORKSPACE_DIAGNOSTIC_REFRESH] = refresh
    features[t.PROGRESS] = progress
    register_lsp_features(client, features)
    return client


def server_config(*args: str) -> ClientServerConfig:
    return ClientServerConfig(server_command=[*SERVER, *args], client_factory=make_client)


def capabilities(name: str) -> t.ClientCapabilities:
    """A client-capability snapshot shipped with pytest-lsp; "vscode-pull" is VS Code with pull diagnostics
    and diagnostic refresh, as current VS Code releases advertise them; "legacy" is a minimal old client."""
    if name == "legacy":  # no code action literals, no versioned edits, no configuration, no progress
        return t.ClientCapabilities(workspace=t.WorkspaceClientCapabilities(apply_edit=True))
    if name == "vscode-pull":
        caps = client_capabilities("visual-studio-code")
        caps.text_document.diagnostic = t.DiagnosticClientCapabilities(dynamic_registration=True)
        caps.workspace.diagnostics = t.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
        return caps
    return client_capabilities(name)


async def start(client: Client, caps: t.ClientCapabilities, root: Path, options: dict | None = None) -> t.InitializeResult:
    result = await client.initialize_session(
        t.InitializeParams(
            capabilities=caps,
            root_uri=root.as_uri(),
            workspace_folders=[t.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=server_options() if options is None else options,
        )
    )
    client.encoding = str(getattr(result.capabilities.position_encoding, "value", result.capabilities.position_encoding) or "utf-16")
    return result


# -- a client-side document --------------------------------------------------------------------------------

class Doc:
    """The client's copy of an open document: sends didOpen/didChange/didClose and tracks the version."""

    def __init__(self, client: Client, path: Path, text: str, language_id: str = "markdown"):
        self.client, self.path, self.text, self.version = client, path, text, 1
        self.uri = path.as_uri()
        client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(uri=self.uri, language_id=language_id, version=1, text=text)
            )
        )

    @property
    def id(self) -> t.TextDocumentIdentifier:
        return t.TextDocumentIdentifier(uri=self.uri)

    def replace(self, old: str, new: str) -> None:
        """An incremental change replacing the first occurrence of `old`."""
        start = self.text.index(old)
        self.edit(start, start + len(old), new)

    def edit(self, start: int, end: int, new: str) -> None:
        rng = t.Range(start=position(self.text, start, self.client.encoding), end=position(self.text, end, self.client.encoding))
        self.text = self.text[:start] + new + self.text[end:]
        self.version += 1
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[t.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )

    def set_text(self, text: str) -> None:
        self.text = text
        self.version += 1
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def apply(self, edit: t.WorkspaceEdit) -> None:
        """Apply a workspace edit the way an editor does (refusing one made for another version)."""
        edits = text_edits(edit, self.uri, self.version)
        self.set_text(apply_text_edits(self.text, edits, self.client.encoding))

    def close(self) -> None:
        self.client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=self.id))

    def range_of(self, phrase: str, nth: int = 0) -> t.Range:
        start = -1
        for _ in range(nth + 1):
            start = self.text.index(phrase, start + 1)
        enc = self.client.encoding
        return t.Range(start=position(self.text, start, enc), end=position(self.text, start + len(phrase), enc))

    async def diagnostics(self) -> list[t.Diagnostic]:
        return await self.client.diagnostics_for(self.uri, self.version)

    async def actions(self, rng: t.Range | None = None, only: list[str] | None = None, diagnostics=None):
        rng = rng or t.Range(start=t.Position(line=0, character=0), end=position(self.text, len(self.text), self.client.encoding))
        return await self.client.text_document_code_action_async(
            t.CodeActionParams(
                text_document=self.id, range=rng, context=t.CodeActionContext(diagnostics=diagnostics or [], only=only)
            )
        ) or []


def findings(diags: list[t.Diagnostic]) -> list[t.Diagnostic]:
    """The per-phrase diagnostics (not the document-level notes)."""
    return [d for d in diags if d.code not in ("spin-score", "too-many-findings", "document-too-large")]


def quoted(d: t.Diagnostic) -> list[str]:
    """What a finding's message quotes: the phrase as written, then the replacements it suggests (a diagnostic's
    `data` holds only whether fix-all applies it)."""
    return re.findall("\u201c(.*?)\u201d", d.message, re.S)


def written(d: t.Diagnostic) -> str:
    return quoted(d)[0]


# -- LSP positions, written independently of the server -----------------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")


def _units(s: str, encoding: str) -> int:
    if encoding == "utf-32":
        return len(s)
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    return len(s.encode("utf-16-le")) // 2


def position(text: str, offset: int, encoding: str = "utf-16") -> t.Position:
    line_start, line = 0, 0
    for m in _BREAK.finditer(text):
        if m.end() > offset:
            break
        line_start, line = m.end(), line + 1
    return t.Position(line=line, character=_units(text[line_start:offset], encoding))


def offset(text: str, pos: t.Position, encoding: str = "utf-16") -> int:
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    start = starts[pos.line]
    end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(text)
    i = start
    while i < end and _units(text[start:i], encoding) < pos.character:
        i += 1
    assert _units(text[start:i], encoding) == pos.character, f"position {pos} is inside a character"
    return i


def text_in(text: str, rng: t.Range, encoding: str = "utf-16") -> str:
    return text[offset(text, rng.start, encoding) : offset(text, rng.end, encoding)]


def text_edits(edit: t.WorkspaceEdit, uri: str, version: int | None = None) -> list[t.TextEdit]:
    out: list[t.TextEdit] = []
    for change in edit.document_changes or []:
        assert isinstance(change, t.TextDocumentEdit)
        assert change.text_document.uri == uri
        if version is not None and change.text_document.version is not None:
            assert change.text_document.version == version, "edit made for another version of the document"
        out.extend(change.edits)
    for u, edits in (edit.changes or {}).items():
        assert u == uri
        out.extend(edits)
    return out


def apply_text_edits(text: str, edits: list[t.TextEdit], encoding: str = "utf-16") -> str:
    spans = sorted(
        ((offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text) for e in edits),
        key=lambda s: s[:2],
    )
    for (_a, b, _), (c, _d, _) in zip(spans, spans[1:]):
        assert b <= c, "overlapping edits"
    out, pos = [], 0
    for a, b, new in spans:
        out += [text[pos:a], new]
        pos = b
    return "".join(out) + text[pos:]


def action_titles(actions) -> list[str]:
    return [a.title for a in actions]
