"""Running the engine for the server: which engine (lexicons), on which thread, for which document version.

* The engine is built from the settings (shipped lexicons, user lexicon files) off the message loop and rebuilt
  only when a lexicon setting or a lexicon file changes; option-only changes reuse it (`Engine.with_options`).
* Every analysis runs on a small thread pool, never on the message loop. Concurrent requests for the same
  document, version and options share one run; runs for one document are serialised so they can share its
  per-paragraph cache.
* A run is identified by a key (document version, engine generation, options). Callers compare keys before
  using a result, so a result computed for an older version is never published as current.
* What a run does is `unspun.pipeline.check`, as for the command line: only the prose of a document is
  analysed (its format comes from the languageId, or the file name); a first analysis of a large text scans its
  paragraphs batch by batch, reporting progress and checking for cancellation (by the client, or because the
  document was closed or the server shuts down) in between; when much of the text is new (a document opened, a
  long passage pasted) and it reads as spun, a caller that asks for it (`early`) gets a quick analysis first.
  This module runs it on the executor, with the document's state, and hands the quick result to the loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from unspun import pipeline, untrusted
from unspun.engine.analyzer import Engine
from unspun.engine.lexicon import Lexicon, LexiconError, builtin_lexicons, parse_lexicon
from unspun.engine.model import Analysis, Finding
from unspun.lsp.convert import PositionIndex
from unspun.lsp.documents import DocumentState
from unspun.lsp.settings import Settings
from unspun.lsp.snapshot import AnalysisKey, DocumentSnapshot, Result
from unspun.pipeline import Cancelled, Progress
from unspun.process import settle_heap

log = logging.getLogger("unspun.lsp")

#: an analysis that scanned at least this many paragraphs is followed by `settle_heap` (collect, then freeze)
SETTLE_PARAGRAPHS = 200
#: seconds after such an analysis that the collection runs (it holds the message loop for 30-100 ms)
SETTLE_DELAY = 1.0
#: how long the worker waits for the quick diagnostics to be sent before it completes the analysis (seconds)
EARLY_WAIT = 0.25


class Analyses:
    def __init__(self, workers: int = 2):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="unspun-analysis")
        self.engine: Engine | None = None
        self.generation = 0
        #: characters of a document that are checked (0: all); set from the settings by `configure`
        self.max_chars = 0
        self._builtin: list[Lexicon] | None = None
        self._lexicon_spec: tuple | None = None
        self._lexicon_stamps: dict[str, tuple[int, int] | None] = {}
        self._stamps_checked = 0.0
        self._configure_lock = asyncio.Lock()
        self.closing = threading.Event()
        #: called (on the event loop) when the engine changed by itself: the language model loaded after a
        #: first start (see `configure`); the open documents' diagnostics are then out of date
        self.on_engine_change: Callable[[], None] | None = None
        self._completing: asyncio.Future | None = None

    # -- the engine ---------------------------------------------------------------------------------------
    async def configure(self, settings: Settings, root: str | None, force: bool = False) -> list[str]:
        """Build the engine for these settings if its lexicons changed; returns problems for the user."""
        self.max_chars = settings.max_document_size
        paths = tuple(resolve_path(p, root) for p in settings.lexicons)
        models = (settings.language_model, settings.language_model and settings.open_vocabulary)
        spec = (settings.builtin_lexicons, paths, models)
        async with self._configure_lock:
            if not force and self.engine is not None and spec == self._lexicon_spec:
                return []
            loop = asyncio.get_running_loop()
            # the first start ever converts the language model into the per-user cache (seconds): the lexicon
            # findings come first, the model's follow (`_complete`)
            staged = models[0] and await loop.run_in_executor(self.executor, _model_not_cached)
            engine, problems, stamps = await loop.run_in_executor(
                self.executor, self._build, settings.builtin_lexicons, paths, settings.lexicons,
                (False, False) if staged else models,
            )
            self.engine, self._lexicon_spec, self._lexicon_stamps = engine, spec, stamps
            self.generation += 1
            # the lexicons, model and thesaurus live as long as the server: keep them out of the cyclic
            # collector's full passes, which would otherwise walk them all (~0.1 s) every so often mid-typing
            settle_heap()
            log.info(
                "engine ready: %d lexicon(s), %d phrase variants (generation %d)%s",
                len(engine.lexicons), len(engine.index), self.generation,
                "; preparing the language model (first start), lexicon findings meanwhile" if staged else "",
            )
            if staged:
                self._completing = asyncio.ensure_future(
                    self._complete(spec, settings.builtin_lexicons, paths, settings.lexicons, models, problems)
                )
            return problems

    async def _complete(
        self, spec: tuple, builtin: bool, paths: tuple[str, ...], raw: tuple[str, ...], models: tuple[bool, bool],
        told: list[str],
    ) -> None:
        """Builds the engine with the language model (and synonym index) after a staged first start, and
        puts it in place unless the lexicon settings changed meanwhile."""
        loop = asyncio.get_running_loop()
        try:
            engine, problems, stamps = await loop.run_in_executor(self.executor, self._build, builtin, paths, raw, models)
        except Exception as e:  # noqa: BLE001 - the lexicon engine stays in place
            log.warning("the language model could not be prepared (%s); continuing without", e)
            return
        async with self._configure_lock:
            if self._lexicon_spec != spec or self.closing.is_set():
                return  # settings changed meanwhile: their own build is in place
            self.engine, self._lexicon_stamps = engine, stamps
            self.generation += 1
            settle_heap()
        for p in problems:
            if p not in told:
                log.warning("%s", p)
        log.info("engine ready with the language model (generation %d)", self.generation)
        if self.on_engine_change is not None:
            self.on_engine_change()

    def _build(self, builtin: bool, paths: tuple[str, ...], raw: tuple[str, ...], models: tuple[bool, bool]):
        problems: list[str] = []
        lexicons: list[Lexicon] = []
        if builtin:
            if self._builtin is None:
                try:
                    self._builtin = builtin_lexicons()
                except Exception as e:  # noqa: BLE001 - missing or broken package data must not stop the server
                    problems.append(f"The shipped lexicons could not be loaded ({e}); only user lexicons are used.")
            lexicons.extend(self._builtin or [])
        stamps: dict[str, tuple[int, int] | None] = {}
        lexicon_problems = []
        for path, shown in zip(paths, raw):
            stamps[path] = _stamp(path)
            try:
                lex, probs = read_lexicon(path)
            except LexiconError as e:
                problems.append(f"Setting \u201cunspun.lexicons\u201d: {e} (from {shown!r}); skipped.")
                continue
            lexicons.append(lex)
            lexicon_problems.extend(probs)
        for p in lexicon_problems:
            log.warning("lexicon: %s", p)
        if lexicon_problems:
            first = lexicon_problems[0]
            more = f" and {len(lexicon_problems) - 1} more (see the log)" if len(lexicon_problems) > 1 else ""
            problems.append(f"Lexicon problem: {first}{more}; the rest of the file is used.")
        engine = Engine(lexicons) if models[0] else Engine(lexicons, model=None)
        # load the language model and thesaurus now, off the message loop and once: engines made from this
        # one for other options share what is loaded here (loaded later, they would load it per analysis)
        try:
            if models[0] and engine.model is None:
                log.info("no language model available; findings are not confirmed by one")
            if models[1]:
                _ = engine.open_vocabulary
        except Exception as e:  # noqa: BLE001 - missing data must not stop the server
            log.warning("language model / thesaurus unavailable: %s", e)
            problems.append(f"The language model or thesaurus could not be loaded ({e}); continuing without.")
            engine = Engine(lexicons, model=None)
        engine.keep_features = False  # (the server never reads the estimates' features of a finding)
        return engine, problems, stamps

    async def lexicons_changed(self, settings: Settings, root: str | None) -> list[str] | None:
        """Rebuild if a user lexicon file changed on disk (checked at most once a second); None if unchanged."""
        now = time.monotonic()
        if now - self._stamps_checked < 1.0 or not self._lexicon_stamps:
            return None
        self._stamps_checked = now
        if all(_stamp(p) == s for p, s in self._lexicon_stamps.items()):
            return None
        log.info("a lexicon file changed on disk; reloading")
        return await self.configure(settings, root, force=True)

    def lexicon_form(self, f: Finding) -> str:
        """The phrase as its lexicon writes it ("information convention"), used for ignores and allow-lists."""
        if self.engine is not None and f.key:
            v = self.engine.index.lookup(f.key)
            if v is not None:
                return v.entry.tortured
        return f.key or f.text

    async def fix_all_edits(self, res: Result) -> list:
        """The fix-all edits of an analysis, fixed until stable (on a worker thread: the fixed text is analysed
        again)."""
        from unspun.lsp.convert import fix_all_edits

        engine = self.engine
        if engine is None:
            return fix_all_edits(res.analysis, res.index)
        key = res.key

        def findings_of(text: str):
            # (read as the document's analysis reads it: only the first `max_chars` characters)
            return pipeline.check(text, key.format, engine, key.options, max_chars=key.max_chars).analysis.findings

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, fix_all_edits, res.analysis, res.index, findings_of, key.format)

    # -- analyses -----------------------------------------------------------------------------------------
    def key(self, snap: DocumentSnapshot) -> AnalysisKey:
        assert snap.options is not None
        return AnalysisKey(snap.version, self.generation, snap.options, snap.format, self.max_chars)

    def current(self, snap: DocumentSnapshot) -> Result | None:
        res = snap.doc.result
        return res if res is not None and res.key == self.key(snap) else None

    async def analyze(
        self, snap: DocumentSnapshot, progress: Callable[[], Progress | None] | None = None,
        early: Callable[[Result], None] | None = None,
    ) -> Result | None:
        """The analysis of a snapshot of a document, with its options (None if cancelled).

        `early` is called (on the event loop) with a quick, incomplete result first when a run starts here on
        much new text that reads as spun (see the module documentation)."""
        if self.engine is None or snap.options is None:
            return None
        hit = self.current(snap)
        if hit is not None:
            return hit
        doc, key = snap.doc, self.key(snap)
        task = doc.task
        if task is None or doc.task_key != key or (task.done() and (task.cancelled() or task.exception() is not None)):
            doc.task_key = key
            doc.task = asyncio.ensure_future(self._run(doc, key, snap.index, self.engine, progress, early))
            doc.task.add_done_callback(_settled)
        assert doc.task is not None
        try:
            return await asyncio.shield(doc.task)
        except Cancelled:
            return None

    async def _run(
        self, doc: DocumentState, key: AnalysisKey, index: PositionIndex, engine: Engine, progress,
        early: Callable[[Result], None] | None = None,
    ) -> Result:
        async with doc.lock:
            if doc.result is not None and doc.result.key == key:
                return doc.result
            loop = asyncio.get_running_loop()
            superseded = doc.superseded = threading.Event()
            if doc.version != key.version:
                raise Cancelled()  # the document changed while this run waited for the previous one
            t0 = time.perf_counter()
            stops = (doc.cancel, superseded, self.closing)
            first = _on_loop(loop, early, index, key) if early is not None else None
            checked = await loop.run_in_executor(
                self.executor, _work, engine, index, doc.checks, stops, progress, key, first,
            )
            analysis = checked.analysis
            doc.keep_paragraphs(analysis, checked.prepared.masked if checked.prepared is not None else None)
            if checked.scanned >= SETTLE_PARAGRAPHS:
                # a large text was read: what it left (scans, findings) lives as long as the document, so
                # take it out of the collector's full passes too, or each would walk it (about 40 ms for a
                # 100,000-word spun text) every few keystrokes. A second later: after the diagnostics are out
                loop.call_later(SETTLE_DELAY, settle_heap)
            log.debug(
                "analysed %s v%s: %d paragraph(s), %d scanned, %d from cache, %d finding(s), spin %.2f, %.1f ms",
                doc.uri, key.version, len(analysis.paragraphs), checked.scanned,
                len(analysis.paragraphs) - checked.scanned, len(analysis.findings), analysis.spin_score,
                (time.perf_counter() - t0) * 1000,
            )
            result = Result(analysis, index, key)
            if doc.version == key.version:
                doc.result = result
            return result

    def shutdown(self) -> None:
        self.closing.set()
        self.executor.shutdown(wait=False, cancel_futures=True)


def _model_not_cached() -> bool:
    """Whether the language model would be converted now: none shipped (a checkout that has not built it),
    pocketsphinx installed, nothing in the cache yet."""
    try:
        from unspun.engine import langmodel, lmbuild

        return (
            not langmodel.shipped_model_path().is_dir() and not langmodel.default_model_path().is_file()
            and lmbuild.find_pocketsphinx_lm() is not None
        )
    except Exception:  # noqa: BLE001 - when in doubt, build as usual
        return False


def _settled(task: asyncio.Future) -> None:
    """Marks a run's outcome as seen. Every caller awaits the run through `asyncio.shield`, and a caller that
    is cancelled (the editor no longer needs its hover or code action) stops listening: a run superseded by
    the next keystroke then ends with `Cancelled` that nobody reads, which asyncio would log as an error with
    a traceback. Cancelling is normal flow; any other failure reaches the callers still waiting."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, Cancelled):
        log.debug("analysis failed: %r", exc)


def _on_loop(
    loop, early: Callable[[Result], None], index: PositionIndex, key: AnalysisKey
) -> Callable[[Analysis], None]:
    """A function for the worker thread that hands a quick analysis to `early` on the event loop and waits
    (at most EARLY_WAIT seconds) until `early` has run: the quick diagnostics are turned into JSON and sent
    while this thread is idle, instead of sharing the interpreter with the complete analysis, which would
    make them wait about as long again."""

    def hand_over(quick: Analysis) -> None:
        done = threading.Event()

        def deliver() -> None:
            try:
                early(Result(quick, index, key))
            finally:
                done.set()

        loop.call_soon_threadsafe(deliver)
        done.wait(EARLY_WAIT)

    return hand_over


def format_of(doc: DocumentState) -> str:
    """The markup format of a document: from its languageId, else its file name, else plain text (see
    `unspun.pipeline.format_of`)."""
    return pipeline.format_of(doc.path, doc.language_id)


def _work(
    engine: Engine, index: PositionIndex, state: pipeline.State, stops: tuple[threading.Event, ...],
    progress_factory: Callable[[], Progress | None] | None, key: AnalysisKey | None = None,
    early: Callable[[Analysis], None] | None = None,
) -> pipeline.Checked:
    """Runs on a worker thread: `unspun.pipeline.check` of the index's text with the document's `state`, read as
    `key` says (format, options, `max_chars`; plain text with the engine's options without a key). Any event in
    `stops` (document closed, a newer version arrived, server shutting down) ends the work at the next batch
    with `Cancelled`."""
    # the editor's last change, when it is the only one since the text `state.prose` read
    edit = (index.parent, *index.edit) if index.edit is not None and index.parent is not None else None
    index.parent = None  # (read once: not kept alive with the index)
    hooks = pipeline.Hooks(stop=lambda: any(e.is_set() for e in stops), progress=progress_factory, early=early)
    return pipeline.check(
        index.text, key.format if key else "plain", engine, key.options if key else None,
        max_chars=key.max_chars if key else 0, state=state, hooks=hooks, edit=edit,
    )


def read_lexicon(path: str) -> tuple[Lexicon, list]:
    """A user lexicon, read as untrusted input (`unspun.untrusted`: a regular file of at most 32 MiB, with a
    timeout); `LexiconError` says why not (the messages are those of `unspun.engine.lexicon.load_lexicon`)."""
    try:
        data = untrusted.read(path, untrusted.LEXICON_LIMIT)
        text = data.decode("utf-8-sig")
    except untrusted.Refused as e:
        raise LexiconError(str(e)) from None
    except OSError as e:
        why = "lexicon file not found" if isinstance(e, FileNotFoundError) else f"cannot read lexicon: {e.strerror or e}"
        raise LexiconError(f"{path}: {why}") from None
    except UnicodeDecodeError as e:
        raise LexiconError(f"{path}: lexicon is not valid UTF-8 (byte {e.start})") from None
    if "\x00" in text:
        raise LexiconError(f"{path}: lexicon looks like a binary file")
    return parse_lexicon(text, path)


def resolve_path(path: str, root: str | None) -> str:
    p = Path(os.path.expandvars(os.path.expanduser(path)))
    if not p.is_absolute() and root:
        p = Path(root) / p
    return str(p)


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None

