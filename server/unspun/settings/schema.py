"""Every setting of unspun, declared once: its name, what it holds, its default, what it accepts, what it
means, and where it may be written -- the project file (`unspun.toml`, `[tool.unspun]` of `pyproject.toml`),
the editor's settings (section `unspun`, camelCase names) and the command line.

The project file reader (`unspun.config`), the editor settings (`unspun.lsp.settings`), the command line
(`unspun.cli`), the reference page (`scripts/build_reference.py`) and the VS Code extension's settings
(`scripts/build_vscode_settings.py`) all read this table. The engine does not: it receives a typed
`unspun.engine.Options`, whose defaults `check_engine_defaults` compares with the ones declared here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from unspun.engine import spinscore
from unspun.engine.analyzer import SUBSTITUTION_MODES, Options
from unspun.engine.model import Kind
from unspun.markup.registry import DEFAULT_LANGUAGES, PROSE_EXTENSIONS

#: where a setting may be written
PROJECT = "project"
EDITOR = "editor"

#: the editor settings' section
SECTION = "unspun"

#: kinds no finding has any longer: still accepted in `kinds` and `severity` (so older settings keep working),
#: silently, and dropped
LEGACY_KINDS = frozenset({"article"})
#: the kinds of findings the engine reports
KINDS: tuple[str, ...] = tuple(k.value for k in Kind if k.value not in LEGACY_KINDS)

SEVERITIES = ("error", "warning", "information", "hint")
SEVERITY_ALIASES = {"info": "information", "warn": "warning", "err": "error"}

#: shorthand in `file_types` for every prose format
PROSE = "prose"

#: the value types a setting may have
TYPES = ("bool", "number", "integer", "choice", "strings", "severities")


@dataclass(frozen=True, repr=False)
class Setting:
    """One setting. `default` is a plain JSON-like value (what a user would write)."""

    #: canonical name, snake_case (the project file's spelling; the editor's is `editor_name`)
    name: str
    #: one of TYPES
    type: str
    default: Any
    #: what it means, in one line (the reference page, the command line's help)
    description: str
    #: where it may be written: PROJECT and/or EDITOR
    where: frozenset[str]
    #: `choice`: the values; `strings`: the values the items may take (None: any string)
    choices: tuple[str, ...] | None = None
    #: `strings`: what the items are, for messages ("phrases", "file paths")
    items: str = "strings"
    #: `strings`: the result is a set (order and repeats do not matter)
    as_set: bool = False
    minimum: float | None = None
    maximum: float | None = None
    #: the minimum itself is refused
    exclusive_minimum: bool = False
    #: other names it may be written with in the project file
    aliases: tuple[str, ...] = ()
    #: the command-line option setting it, if any (`--min-confidence`)
    flag: str | None = None
    #: the option's argument name in the help (`X`)
    metavar: str | None = None
    #: the option may be given several times, each adding a value
    repeatable: bool = False
    #: the option's help, when it should say more than `description`
    flag_help: str | None = None
    #: `bool`: the option (`--no-builtin`) takes no value and sets the setting to False
    flag_negates: bool = False
    #: a longer explanation (Markdown) for editors' settings pages; `description` when empty
    details: str = ""
    #: `choice`: one explanation per value, for editors' settings pages
    choice_details: tuple[str, ...] = ()
    #: the values of every layer add up (allow-lists, lexicons) instead of the higher layer's replacing them
    adds_up: bool = False
    #: VS Code's scope of the setting ("resource"; "machine": a workspace cannot set it; "window")
    scope: str = "resource"

    def __post_init__(self) -> None:
        assert self.type in TYPES, self.type
        assert self.where <= {PROJECT, EDITOR} and (self.where or self.flag), self.name
        assert not self.flag_negates or (self.type == "bool" and self.flag), self.name
        assert not self.choice_details or len(self.choice_details) == len(self.choices or ()), self.name

    def __repr__(self) -> str:
        return f"Setting({self.name!r})"

    @property
    def editor_name(self) -> str:
        """The name in the editor's settings: camelCase."""
        head, *rest = self.name.split("_")
        return head + "".join(w[:1].upper() + w[1:] for w in rest)

    @property
    def in_project(self) -> bool:
        return PROJECT in self.where

    @property
    def in_editor(self) -> bool:
        return EDITOR in self.where

    def accepts(self) -> str:
        """What a value must be, as a phrase ("a number between 0 and 1")."""
        if self.type == "bool":
            return "true or false"
        if self.type in ("number", "integer"):
            what = "a whole number" if self.type == "integer" else "a number"
            lo, hi = self.minimum, self.maximum
            if lo is not None and hi is not None:
                return f"{what} between {lo:g} and {hi:g}"
            if lo is not None:
                return f"{what} {'above' if self.exclusive_minimum else 'of at least'} {lo:g}"
            return what
        if self.type == "choice":
            return "one of " + ", ".join(c for c in self.choices or () if c)
        if self.type == "strings":
            return f"a list of {self.items}" + (": " + ", ".join(self.choices) if self.choices else "")
        return "a table of kinds (" + ", ".join(KINDS) + ") and their severities (" + ", ".join(SEVERITIES) + ")"

    def help(self) -> str:
        """The command-line option's help: what it does, and the default."""
        text = self.flag_help or self.description
        if self.default in (None, "", (), [], {}) or self.type == "bool":
            return text
        return f"{text} (default {self.default:g})" if isinstance(self.default, float) else f"{text} (default {self.default})"


def _s(name: str, type: str, default: Any, description: str, where: tuple[str, ...], **kw: Any) -> Setting:
    return Setting(name, type, default, description, frozenset(where), **kw)


_BOTH = (PROJECT, EDITOR)

#: every setting, in the order the documentation lists them
SETTINGS: tuple[Setting, ...] = (
    _s(
        "kinds", "strings", ("fingerprint", "substitution"), "which kinds of findings to report", _BOTH,
        choices=KINDS, items="kinds", as_set=True,
        details="Which kinds of findings to report: `fingerprint` (tortured phrases), `substitution` (likely"
        " spinner word swaps).",
    ),
    _s(
        "min_confidence", "number", 0.5, "report findings at or above this confidence", _BOTH,
        minimum=0.0, maximum=1.0, flag="--min-confidence", metavar="X", flag_help="report findings at or above X",
        details="Report findings at or above this confidence (0-1).",
    ),
    _s(
        "severity", "severities", {"fingerprint": "warning", "substitution": "information"},
        "diagnostic severity per kind, in editors (the editor's own table wins over the project file's as a whole)", _BOTH,
        details="Diagnostic severity per kind of finding (`error`, `warning`, `information`, `hint`).",
    ),
    _s(
        "low_confidence", "number", 0.7,
        "findings below this confidence are shown one severity level lower, not below Information", (EDITOR,),
        minimum=0.0, maximum=1.0,
        details="Findings below this confidence (those fix-all leaves for review) are shown one severity level"
        " lower, but not below Information: they stay in the Problems panel and its count. Hints are kept for"
        " weak suggestions (see `#unspun.substitutions#`).",
    ),
    _s(
        "spin_threshold", "number", spinscore.DEFAULT_THRESHOLD,
        "spin score (evidence of spinning per 100 words) from which a text counts as spun", _BOTH,
        minimum=0.0, exclusive_minimum=True, flag="--spin-threshold", metavar="X",
        flag_help="spin score (per 100 words) above which a text counts as spun",
        details="Spin score (likely substitutions per 100 words) from which a text counts as machine-spun.",
    ),
    _s(
        "substitutions", "choice", "gated",
        "where ambiguous substitutions are reported: only in texts that look spun (`gated`); also in other texts"
        " as hints that fix-all skips (`hint`); everywhere (`always`); not at all (`never`)", _BOTH,
        choices=SUBSTITUTION_MODES, flag="--substitutions",
        flag_help="report ambiguous substitutions only in spun texts (gated), also elsewhere as hints (hint),"
        " everywhere (always), or never",
        details="When to report ambiguous substitutions.",
        choice_details=(
            "Report ambiguous substitutions only in texts that look spun.",
            "Also show them in other texts, as hints (never fixed without review).",
            "Report ambiguous substitutions everywhere.",
            "Never report ambiguous substitutions.",
        ),
    ),
    _s(
        "spin_note", "bool", True, "show the document-level \"this text looks machine-spun\" note", (EDITOR,),
        details="Show the document-level note when a text looks machine-spun: a code lens above its first line"
        " (with **Fix all safe findings**) and the status bar item.",
    ),
    _s(
        "lexicons", "strings", (),
        "user lexicon files; in the project file relative to it, in the editor's settings relative to the first"
        " workspace folder", _BOTH, items="lexicon file paths", adds_up=True,
        flag="--lexicon", metavar="FILE", repeatable=True, flag_help="extra lexicon file (repeatable)",
        details="User lexicon files. Relative paths are relative to the first workspace folder; `~` and `$VARS`"
        " are expanded. Reloaded when a file changes.",
    ),
    _s(
        "lexicon_folders", "strings", (),
        "folders, besides the workspace folders and the user's configuration folder, from which a project"
        " configuration file may name lexicons", (EDITOR,), items="folder paths", scope="machine",
        details="Folders, besides the workspace folders and `~/.config/unspun`, from which a project's"
        " `unspun.toml` (or `pyproject.toml`) may name lexicons. A machine setting: a workspace cannot widen it"
        " for itself.",
    ),
    _s(
        "builtin_lexicons", "bool", True, "use the shipped lexicons", (EDITOR,),
        flag="--no-builtin", flag_negates=True, flag_help="do not use the shipped lexicons",
        details="Use the lexicons shipped with unspun.",
    ),
    _s(
        "language_model", "bool", True,
        "confirm and re-rank findings with the trigram language model, when it is available", (EDITOR,),
        details="Confirm and re-rank findings with the trigram language model, when it is installed.",
    ),
    _s(
        "open_vocabulary", "bool", True, "propose restorations for spins no lexicon lists (spun texts only)",
        (EDITOR,),
        details="Propose restorations for spins no lexicon lists (thesaurus + language model; spun texts only).",
    ),
    _s(
        "allow", "strings", (), "phrases never reported (the lists of every place add up)", _BOTH,
        items="phrases", adds_up=True, flag="--allow", metavar="PHRASE", repeatable=True,
        flag_help="never report this phrase (repeatable)",
        details="Never report these phrases (added to the workspace's `unspun.toml` allow-list).",
    ),
    _s(
        "ignore", "strings", (), "files not checked", (PROJECT,),
        items="path patterns (globs, relative to the configuration file)",
    ),
    _s(
        "file_types", "strings", (PROSE,),
        "the formats checked (code formats: their comments and docstrings)", (PROJECT,),
        items="formats or languages (markdown, latex, python, ...; \"prose\" for every prose format)",
        aliases=("languages", "filetypes"),
    ),
    _s(
        "languages", "strings", DEFAULT_LANGUAGES,
        "documents with these language ids are checked (case-insensitive; `\"*\"` checks every document)",
        (EDITOR,), items="language ids",
        details="Documents with these language ids are checked (case-insensitive; `\"*\"` checks everything)."
        " Programming languages the server can read comments of (for example `python`) may be added to check"
        " their comments and docstrings.",
    ),
    _s(
        "file_extensions", "strings", tuple(sorted(PROSE_EXTENSIONS)),
        "files whose names end with one of these are checked too, whatever their language id", (EDITOR,),
        items="file extensions",
        details="Files with these endings are checked too, whatever their language id.",
    ),
    _s(
        "fix_all_on_save", "bool", False, "answer `willSaveWaitUntil` (manual saves) with the fix-all edits",
        (EDITOR,),
        details="Let the server fix every safe finding on manual saves (through `willSaveWaitUntil`). In VS Code,"
        " prefer `\"editor.codeActionsOnSave\": {\"source.fixAll.unspun\": \"explicit\"}`.",
    ),
    _s(
        "debounce_ms", "integer", 300,
        "wait this long after the last change before analysing again and pushing diagnostics", (EDITOR,),
        minimum=0, maximum=10_000,
        details="Wait this long (milliseconds) after the last change before re-analysing a document.",
    ),
    _s(
        "max_diagnostics", "integer", 250,
        "at most this many diagnostics per document (0: no limit); fix-all is not limited", (EDITOR,), minimum=0,
        details="At most this many diagnostics per document (0: no limit). Fix-all is not limited.",
    ),
    _s(
        "max_document_size", "integer", 5_000_000,
        "only the first this many characters of a document are checked (0: no limit)", (EDITOR,), minimum=0,
        details="Only the first this many characters of a document are checked (0: no limit); a note on the first"
        " line says so.",
    ),
    _s(
        "log_level", "choice", "", "the server's log level; empty: the `--log-level` it was started with",
        (EDITOR,), choices=("", "debug", "info", "warning", "error"), scope="window",
        details="Log level of the server in the `unspun` output channel. Empty: debug while"
        " `#unspun.trace.server#` traces messages, else the channel's log level. Cancelled requests are normal"
        " and never logged above debug.",
        choice_details=(
            "Debug while `unspun.trace.server` traces messages, else the output channel's log level (Info unless"
            " set with **Developer: Set Log Level...**).",
            "Every analysis and every message (with `unspun.trace.server`).",
            "Starts, settings, problems.",
            "Problems only.",
            "Errors only.",
        ),
    ),
)

#: settings in the editor's section that belong to editor extensions, not to the server (VS Code's
#: `unspun.trace.server` is read by its language client); name -> what it is for
CLIENT_SETTINGS = {
    "server.path": "an `unspun` executable the extension runs instead of the server it ships",
    "interpreter": "the Python interpreter that runs the server the extension ships",
    "trace.server": "log the protocol messages between the editor and the server",
}

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
assert len(BY_NAME) == len(SETTINGS)


def get(name: str) -> Setting:
    return BY_NAME[name]


def project_settings() -> Iterator[Setting]:
    return (s for s in SETTINGS if s.in_project)


def editor_settings() -> Iterator[Setting]:
    return (s for s in SETTINGS if s.in_editor)


def flag_settings() -> Iterator[Setting]:
    return (s for s in SETTINGS if s.flag)


#: settings that become engine options (`unspun.engine.Options`), by the Options field they set
ENGINE_FIELDS = ("kinds", "min_confidence", "spin_threshold", "substitutions", "allow", "open_vocabulary")


def check_engine_defaults() -> list[str]:
    """Where the engine's `Options` defaults differ from the defaults declared here (nothing, normally)."""
    from unspun.settings.validate import typed_default

    options = Options()
    known = {f.name for f in fields(Options)}
    out = []
    for name in ENGINE_FIELDS:
        if name not in known:
            out.append(f"Options has no field {name}")
            continue
        ours = typed_default(get(name))
        theirs = getattr(options, name)
        if name == "kinds":
            theirs = frozenset(k.value for k in theirs)
        elif name == "allow":
            ours = frozenset(ours)
        if ours != theirs:
            out.append(f"Options.{name} defaults to {theirs!r}, the settings schema to {ours!r}")
    return out
