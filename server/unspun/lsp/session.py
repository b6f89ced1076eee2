"""One editor session: the server object and what every handler shares -- open documents, settings, the
engine, ignores and allow-lists, and how to get a document's current analysis."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from unspun import __version__, config as config_mod, untrusted
from unspun.lsp import allowlist, convert, logs, pygls_adapter, settings as settings_mod
from unspun.lsp.analysis import Analyses, format_of, resolve_path
from unspun.lsp.client import ClientFeatures
from unspun.lsp.diagnostics import Publisher
from unspun.lsp.documents import DocumentState, DocumentStore
from unspun.lsp.progress import bridge
from unspun.lsp.protocol import UnspunProtocol
from unspun.lsp.snapshot import DocumentSnapshot, Result
from unspun.settings import resolve as settings_resolve

log = logging.getLogger("unspun.lsp")

#: how long the first analysis waits for the client's answer to workspace/configuration
CONFIG_WAIT = 5.0


#: a file name standing for "a document at the top of a workspace folder" when reading its configuration ahead
CONFIG_PROBE = ".unspun-probe"

#: how many documents' workspace folders are remembered (then forgotten at once)
ROOTS_KEPT = 512


class UnspunServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "unspun", __version__, protocol_cls=UnspunProtocol, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.docs = DocumentStore()
        self.analyses = Analyses()
        self.publisher = Publisher(self)
        self.client = ClientFeatures()
        self.settings = settings_mod.DEFAULTS
        self.settings_generation = 0
        self.init_options: Any = None
        self.client_config: Any = None
        self.workspace_ignored: set[str] = set()
        self.allow_lists = allowlist.ProjectAllowLists()
        #: project configuration files (unspun.toml / pyproject.toml) of documents inside the workspace
        self.configs = config_mod.ConfigCache(confine=self.may_read)
        #: the settings the editor sets itself (these win over a project configuration file)
        self.explicit_settings: frozenset[str] = frozenset()
        #: their values (canonical name -> typed value): the top layer of `unspun.settings.resolve`
        self.editor_layer: dict[str, Any] = {}
        #: lexicon files named by the project configuration files of the workspace folders
        self.project_lexicons: tuple[str, ...] = ()
        #: the settings the engine was built from (the editor's lexicons plus the project's)
        self.engine_settings = settings_mod.DEFAULTS
        self._pending: asyncio.Future | None = None
        self.ready: asyncio.Event | None = None
        self.code_action_options = types.CodeActionOptions(code_action_kinds=list(convert.CODE_ACTION_KINDS))
        self.log_handler: logs.ClientLogHandler | None = None
        self._shown: set[str] = set()
        self._settings_problems: set[str] = set()
        #: (document path, workspace folders) -> the folder the document belongs to: resolving links takes
        #: system calls, and every keystroke asks several times
        self._roots_of: dict[tuple[str | None, tuple[str, ...]], Any] = {}

    # -- errors and messages ----------------------------------------------------------------------------
    def report_server_error(self, error: Exception, source) -> None:
        """Log instead of pygls' "Error in server" pop-up (malformed messages are answered by
        `unspun.lsp.transport`)."""
        log.error("%s: %s", getattr(source, "__name__", source), error)

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Warning, once: bool = False) -> None:
        """A message for the user (window/showMessage), also logged."""
        if once:
            if message in self._shown:
                return
            self._shown.add(message)
        level = {types.MessageType.Error: logging.ERROR, types.MessageType.Warning: logging.WARNING}.get(kind, logging.INFO)
        log.log(level, "%s", message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"unspun: {message}"))

    # -- workspace ----------------------------------------------------------------------------------------
    def roots(self) -> list[str]:
        try:
            ws = self.workspace
        except RuntimeError:
            return []
        out = [p for f in ws.folders.values() if (p := _path(f.uri))]
        if not out and ws.root_path:
            out = [ws.root_path]
        return out

    def may_read(self, path) -> bool:
        """Whether a configuration file the workspace names may be read: it lies, links resolved, inside a
        workspace folder or the user's configuration folder (a link to a file elsewhere could show parts of
        that file in the problems reported)."""
        return untrusted.inside(path, [*self.roots(), str(untrusted.user_config_dir())])

    def root_of(self, doc: DocumentState | None, uri: str | None = None):
        key = (doc.path if doc is not None else _path(uri or ""), tuple(self.roots()))
        try:
            return self._roots_of[key]
        except KeyError:
            pass
        if len(self._roots_of) >= ROOTS_KEPT:
            self._roots_of.clear()
        root = self._roots_of[key] = allowlist.root_for(*key)
        return root

    # -- settings -----------------------------------------------------------------------------------------
    async def load_configuration(self) -> None:
        if self.client.configuration:
            try:
                result = await asyncio.wait_for(
                    self.workspace_configuration_async(
                        types.ConfigurationParams(items=[types.ConfigurationItem(section=settings_mod.SECTION)])
                    ),
                    CONFIG_WAIT,
                )
                self.client_config = result[0] if result else None
            except Exception as e:  # noqa: BLE001 - keep the settings we have
                log.warning("workspace/configuration failed: %s", e)
        await self.apply_settings()

    async def apply_settings(self) -> None:
        raw = settings_mod.merge(settings_mod.section_of(self.init_options), settings_mod.section_of(self.client_config))
        new, problems = settings_mod.parse(raw)
        logs.follow_setting(new.log_level)
        self.explicit_settings = settings_mod.explicit(raw)
        roots = self.roots()
        loop = asyncio.get_running_loop()
        for r in roots:  # the configuration files at the folders, read off the message loop
            await loop.run_in_executor(None, self.configs.prefetch, os.path.join(r, CONFIG_PROBE), r)
        self.project_lexicons, refused = self._project_lexicons(roots, new)
        problems += refused
        build = new
        if self.project_lexicons:
            from dataclasses import replace

            build = replace(new, lexicons=tuple(dict.fromkeys(new.lexicons + self.project_lexicons)))
        problems += await self.analyses.configure(build, roots[0] if roots else None)
        self.settings, self.engine_settings = new, build
        self.editor_layer = settings_mod.layer(new, raw)
        self.settings_generation += 1
        # say each problem once while it lasts (again if it comes back after being fixed)
        fresh = [p for p in problems if p not in self._settings_problems]
        self._settings_problems = set(problems)
        for p in fresh[:8]:
            self.tell(p)
        for p in fresh[8:]:
            log.warning("%s", p)
        if self.ready is not None:
            self.ready.set()

    def _project_lexicons(self, roots: list[str], settings: settings_mod.Settings) -> tuple[tuple[str, ...], list[str]]:
        """The `lexicons` of the configuration files at the workspace folders (the engine is shared by every
        document, so these apply to the whole workspace), and a problem for each one refused.

        A repository names these, not the user: only files inside a workspace folder, the user's configuration
        folder or a folder of the `lexiconFolders` setting are read; the others are not opened at all."""
        allowed = [*roots, str(untrusted.user_config_dir())]
        allowed += [resolve_path(f, roots[0] if roots else None) for f in settings.lexicon_folders]
        out: list[str] = []
        problems: list[str] = []
        for r in roots:
            found = config_mod.find_config(r, stop=r, confine=self.may_read)
            if found is None:
                continue
            for lexicon in self.configs.load(found)[0].lexicons:
                if untrusted.inside(lexicon, allowed):
                    out.append(lexicon)
                else:
                    problems.append(
                        f"{found}: lexicon {lexicon} is outside the workspace and {untrusted.user_config_dir()}; not"
                        f" read (the setting \u201cunspun.lexiconFolders\u201d can allow its folder)."
                    )
        return tuple(dict.fromkeys(out)), list(dict.fromkeys(problems))

    def project_config(self, doc: DocumentState) -> config_mod.ProjectConfig:
        """The project configuration of a document inside the workspace (walking up to its workspace folder)."""
        root = self.root_of(doc)
        if root is None:
            return config_mod.DEFAULT
        cfg, problems, changed = self.configs.for_document(doc.path, root)
        for p in problems:
            self.tell(f"{p} (project configuration)", once=True)
        if changed:
            log.info("project configuration %s changed", cfg.path)
            if self._project_lexicons(self.roots(), self.settings)[0] != self.project_lexicons:
                self._pending = asyncio.ensure_future(self._reload())  # kept: a task nobody holds may vanish
            else:
                self.publisher.refresh()
        return cfg

    async def _reload(self) -> None:
        """Rebuild the engine (the project's lexicons changed), then re-analyse the open documents."""
        await self.apply_settings()
        self.publisher.refresh()

    def settings_for(self, doc: DocumentState) -> settings_mod.Settings:
        """The settings for one document (`unspun.settings.resolve`): the defaults, then its project
        configuration file, then what the editor sets itself (a severity table as a whole)."""
        project = self.project_config(doc).values()
        if not project:
            return self.settings
        return settings_mod.from_values(settings_resolve.resolve(project, self.editor_layer))

    def checks(self, doc: DocumentState) -> bool:
        """Whether a document is checked: its languageId / file name in the settings, or its format in the
        project's `file_types`; never when the project configuration ignores its path."""
        cfg = self.project_config(doc)
        if doc.path and cfg.ignores(doc.path):
            return False
        if self.settings.checks(doc.language_id, doc.path):
            return True
        from unspun.lsp.analysis import format_of

        return cfg.file_types is not None and cfg.checks_format(format_of(doc))

    def options_for(self, doc: DocumentState):
        root = self.root_of(doc)
        allow, problem, changed = self.allow_lists.get(root)
        if problem:
            self.tell(problem, once=True)
        if changed:  # unspun.toml was edited: every open document may read differently now
            log.info("the allow-list of %s changed", root)
            self.publisher.refresh()
        extra = frozenset(allow) | frozenset(self.workspace_ignored) | frozenset(doc.ignored)
        return settings_resolve.options(self.project_config(doc).values(), self.editor_layer, extra_allow=extra)

    # -- analysis -----------------------------------------------------------------------------------------
    async def snapshot(self, doc: DocumentState) -> DocumentSnapshot:
        """The document as a request sees it, taken once per request: its text, version, format, whether it is
        checked, its options and settings (read after the configuration arrived and the project configuration
        and lexicon files were looked at, off the message loop)."""
        if self.ready is not None and not self.ready.is_set():
            try:
                await asyncio.wait_for(self.ready.wait(), CONFIG_WAIT * 2)
            except asyncio.TimeoutError:
                log.warning("no configuration yet; analysing with the settings at hand")
                await self.apply_settings()
        loop = asyncio.get_running_loop()
        root = self.root_of(doc)
        if root is not None:  # read the project configuration off the message loop (it is read, not trusted)
            await loop.run_in_executor(None, self.configs.prefetch, doc.path, root)
        checked = self.checks(doc)
        if checked:
            roots = self.roots()
            problems = await self.analyses.lexicons_changed(self.engine_settings, roots[0] if roots else None)
            if problems is not None:
                for p in problems:
                    self.tell(p, once=True)
                self.publisher.refresh()
        # (from here on nothing waits: what follows is one version of the document)
        return DocumentSnapshot(
            doc=doc, text=doc.text, version=doc.version, index=doc.index, format=format_of(doc), checked=checked,
            options=self.options_for(doc) if checked else None, settings=self.settings_for(doc),
            settings_generation=self.settings_generation, refreshes=doc.refreshes,
        )

    async def analysis_of(self, snap: DocumentSnapshot, early: Callable[[Result], None] | None = None) -> Result | None:
        """The analysis of a snapshot of a document (None if it is not checked, or cancelled).

        `early`: see `Analyses.analyze`."""
        if not snap.checked:
            return None
        loop = asyncio.get_running_loop()
        name = snap.uri.rsplit("/", 1)[-1]
        factory = (lambda: bridge(self, loop, f"unspun: checking {name}")) if self.client.work_done_progress else None
        return await self.analyses.analyze(snap, factory, early)

    def shutdown(self) -> None:
        for doc in self.docs:
            doc.cancel.set()
            if doc.debounce is not None:
                doc.debounce.cancel()
        self.analyses.shutdown()
        pygls_adapter.stop_thread_pool(self)  # pygls' pool reads stdin; do not wait for a read that may never return
        super().shutdown()


def _path(uri: str) -> str | None:
    if not uri or not uri.startswith("file:"):
        return None
    try:
        return to_fs_path(uri)
    except Exception:  # noqa: BLE001
        return None
