"""The checking pipeline of one text, shared by the command line and the language server.

    format -> the prose (`unspun.markup`) -> the engine with the effective options and the phrases to leave
    alone (allow-lists, ignores, the markup's own `unspun: ignore` directives) -> pass 1 -> the analysis

The callers bring what differs between them: the command line its configuration files and options, the server
its settings, its per-document state (`State`: the last reading of the same document, so that only what an edit
changed is read again) and its hooks (`Hooks`: cancellation, progress, early results). Nothing here knows the
LSP; the server's threads, executor and messages stay in `unspun.lsp.analysis` around `check`.

* A large text with uncached paragraphs is scanned paragraph by paragraph (batches of SCAN_BATCH, one batched
  language-model call each), with progress reported and a stop checked between batches.
* When EARLY_CHARS of the text are new and a caller asks for it (`Hooks.early`), a quick analysis (every finding
  but the open-vocabulary ones of the new paragraphs, which cost most of a first look) is handed over first;
  the complete one follows and is the result.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, MutableMapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from unspun import markup
from unspun.engine.analyzer import Incremental, Stopped

if TYPE_CHECKING:
    from unspun.engine.analyzer import Engine, Options, ParagraphScan, Prepared
    from unspun.engine.model import Analysis

log = logging.getLogger("unspun.pipeline")

#: uncached text at least this long gets a progress report (and is scanned paragraph by paragraph)
PROGRESS_CHARS = 200_000
#: paragraphs scanned together (one batched language-model call) between checks for a stop
SCAN_BATCH = 32
#: new text (characters in paragraphs not seen before) from which a caller asking for `early` results gets them
EARLY_CHARS = 10_000
#: new text up to which the words found for a quick analysis are kept for the complete one (characters)
KEEP_TOKENS_CHARS = 300_000


class Cancelled(Exception):
    """The work was stopped (`Hooks.stop`, or the progress report's cancel)."""


def format_of(path: str | None, language_id: str | None = None, forced: str | None = None) -> str:
    """The markup format of a document: `forced` (a format the user named), else its languageId, else its file
    name, else plain text.

    A generic languageId ("text", "plaintext") says less than the file name: Emacs without markdown-mode opens
    `notes.md` as "text", and reading it as plain text would check its code blocks."""
    if forced:
        return forced
    fmt = markup.format_for_language(language_id) if language_id else None
    if fmt in (None, "plain"):
        fmt = markup.format_for_path(path) or fmt
    return fmt or "plain"


@dataclass
class Progress:
    """A progress report for a long first look (its methods are called from the thread doing the work)."""

    begin: Callable[[str], None]
    report: Callable[[int, str], None]
    end: Callable[[str], None]
    cancelled: threading.Event


@dataclass
class Hooks:
    """What a caller that runs `check` in the background wants told or asked along the way."""

    #: asked between batches of work: True ends the work with `Cancelled`
    stop: Callable[[], bool] = lambda: False
    #: makes a progress report, asked for when a large text is scanned (None: no report)
    progress: Callable[[], Progress | None] | None = None
    #: given a quick, incomplete analysis first when much of the text is new (see the module documentation)
    early: Callable[[Analysis], None] | None = None


@dataclass
class State:
    """What the checks of one document keep between versions (the server's per-document state).

    `check` reads and updates it: `cache` maps a paragraph's text to its pass-1 scan (valid for the engine index
    `cache_owner`); `prepared` and `prose` are the last version's cut into paragraphs and its prose, so the
    next check reads again only what changed."""

    cache: MutableMapping[str, ParagraphScan] = field(default_factory=dict)
    cache_owner: object | None = None
    prepared: Prepared | None = None
    prose: markup.Prose | None = None


@dataclass(frozen=True)
class Checked:
    """The outcome of `check`."""

    analysis: Analysis
    #: the prose that was analysed (its format, segments, the phrases its directives ignore)
    prose: markup.Prose
    #: the options the engine analysed with (the effective options, plus the phrases left alone)
    options: Options
    #: paragraphs scanned for this check (the others came from the cache)
    scanned: int = 0
    #: the text cut into paragraphs, as analysed (None when the check kept no state)
    prepared: Prepared | None = None


def read(text: str, fmt: str, previous: markup.Prose | None = None, edit: tuple | None = None) -> markup.Prose:
    """The prose of a text (`markup.extract`); the whole text when the format's reader fails on it."""
    try:
        return markup.extract(text, fmt, previous, edit)
    except Exception as e:  # noqa: BLE001 - a reader failing on odd input must not cost the user every finding
        log.warning("could not read %s markup (%s); checking the whole text", fmt, e)
        return markup.Prose(fmt, ((0, len(text)),))


def engine_for(engine: Engine, options: Options | None, leave: Collection[str] = ()) -> Engine:
    """`engine` with `options` (its own when None) and the phrases `leave` added to their allow-list."""
    opts = engine.options if options is None else options
    if leave:
        opts = replace(opts, allow=opts.allow | frozenset(leave))
    return engine if opts is engine.options else engine.with_options(opts)


def prepare(
    text: str, fmt: str, engine: Engine, options: Options | None = None, allow: Collection[str] = (),
) -> tuple[Engine, markup.Prose]:
    """(the engine to analyse `text` with, its prose) for a caller that analyses the prose itself (the command
    line's section by section analysis of a very large file)."""
    prose = read(text, fmt)
    return engine_for(engine, options, frozenset(allow) | prose.ignored), prose


def check(
    text: str, fmt: str, engine: Engine, options: Options | None = None, allow: Collection[str] = (), *,
    max_chars: int = 0, state: State | None = None, hooks: Hooks | None = None, edit: tuple | None = None,
) -> Checked:
    """Check the prose of `text` read as format `fmt` with `engine` and `options` (the engine's own when None),
    never reporting the phrases `allow` nor those the text's own directives ignore.

    `max_chars` (when not 0): only the first so many characters are read, so the work stays bounded however
    large the text. `state`: the document's state from its previous check, updated here. `edit`: (the text
    `state` last read, start, end in it, end in `text`) when one edit made `text` from it. `hooks`: see `Hooks`;
    `Cancelled` is raised when they say to stop (paragraphs scanned so far stay in the state's cache)."""
    checked = text[:max_chars] if max_chars and len(text) > max_chars else text
    whole = checked is text
    if state is None:
        engine, prose = prepare(checked, fmt, engine, options, allow)
        analysis = engine.analyze(checked, segments=prose.segments)
        return Checked(analysis, prose, engine.options, len(analysis.paragraphs))
    hooks = hooks or Hooks()
    prose = read(checked, fmt, state.prose, edit if whole else None)
    engine = engine_for(engine, options, frozenset(allow) | prose.ignored)
    if state.cache_owner is not engine.index:
        state.cache, state.cache_owner = {}, engine.index
    cache = state.cache
    # (the stretch a reading says changed holds for the text it read: all of it, unless cut at `max_chars`)
    # the engine reads only the checked text: given the whole of a document ten times over the limit, it would
    # mask and cut all of it (memory and time in proportion to the whole); its findings' offsets are the same
    prepared = engine.prepare(checked, prose.segments, state.prepared, prose.changed if whole else None)
    todo = [chunk for chunk in prepared.chunks if chunk not in cache]
    size = sum(map(len, todo))
    # the words of the new paragraphs, found by their scan, kept for the complete analysis after a quick one
    # (only for a text of moderate size: they take about 30 bytes per character while kept)
    tokens: dict | None = {} if hooks.early is not None and EARLY_CHARS <= size <= KEEP_TOKENS_CHARS else None
    if size >= PROGRESS_CHARS:
        scanned = _scan(engine, todo, size, cache, tokens, hooks)
    else:
        scanned = len(set(todo))  # the engine scans identical paragraphs once
    if hooks.stop():
        raise Cancelled()
    if hooks.early is not None and size >= EARLY_CHARS:
        quick = engine.analyze(checked, prose.segments, Incremental(cache, prepared, tokens), quick=True)
        if not quick.deferred_words:  # nothing was left out: this is the whole analysis
            state.prepared, state.prose = prepared, prose
            return Checked(quick, prose, engine.options, scanned, prepared)
        hooks.early(quick)
        if hooks.stop():
            raise Cancelled()
    try:
        analysis = engine.analyze(checked, prose.segments, Incremental(cache, prepared, tokens), stop=hooks.stop)
    except Stopped:
        raise Cancelled() from None
    state.prepared, state.prose = prepared, prose
    return Checked(analysis, prose, engine.options, scanned, prepared)


def _scan(
    engine: Engine, todo: list[str], size: int, cache: MutableMapping[str, ParagraphScan], tokens: dict | None,
    hooks: Hooks,
) -> int:
    """Pass 1 of the uncached paragraphs `todo` (`size` characters), batch by batch, with a progress report and
    a stop between batches; returns how many were scanned."""
    progress = hooks.progress() if hooks.progress is not None else None
    if progress is not None:
        progress.begin(f"{size // 1000} k characters")
    scanned = done = 0
    last = time.monotonic()
    try:
        for k in range(0, len(todo), SCAN_BATCH):
            if hooks.stop() or (progress is not None and progress.cancelled.is_set()):
                raise Cancelled()
            chunks = todo[k : k + SCAN_BATCH]
            batch = list(dict.fromkeys(c for c in chunks if c not in cache))
            for chunk, scan in zip(batch, engine.scan_paragraphs(batch, tokens)):
                cache[chunk] = scan
            scanned += len(batch)
            done += sum(map(len, chunks))
            if progress is not None and time.monotonic() - last > 0.1:
                last = time.monotonic()
                progress.report(min(99, done * 100 // size), f"{done // 1000} of {size // 1000} k characters")
    except Cancelled:
        if progress is not None:
            progress.end("cancelled")
        raise
    if progress is not None:
        progress.end("done")
    return scanned
