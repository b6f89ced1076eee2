"""The language server's settings (section `unspun`): typed, with defaults, validated.

Settings arrive in layers -- `initializationOptions`, then `workspace/configuration` (or the payload of
`workspace/didChangeConfiguration`) -- and are merged key by key, later layers winning; a `null` value means
"not set here". A bad value never stops the server: it is reported (naming the setting) and the default is used.
Unknown keys are reported with a "did you mean" suggestion. Keys may be written camelCase (`minConfidence`),
snake_case (`min_confidence`) or kebab-case (`min-confidence`).

This module knows no LSP: it turns plain JSON-like data into a `Settings` value and a list of problems.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from unspun.engine import spinscore
from unspun.engine.analyzer import SUBSTITUTION_MODES, Options
from unspun.engine.model import Kind
from unspun.markup.registry import DEFAULT_LANGUAGES, PROSE_EXTENSIONS

SECTION = "unspun"

SEVERITIES = ("error", "warning", "information", "hint")
_SEVERITY_ALIASES = {"info": "information", "warn": "warning", "err": "error"}
KINDS = tuple(k.value for k in Kind)

#: keys editor extensions keep in the same section for themselves (e.g. vscode-languageclient's
#: `unspun.trace.server`); accepted silently
CLIENT_KEYS = frozenset({"trace", "server", "serverpath", "path", "executable", "command", "args"})


@dataclass(frozen=True)
class Settings:
    kinds: frozenset[str] = frozenset({"fingerprint", "substitution"})
    min_confidence: float = 0.5
    severity: Mapping[str, str] = field(
        default_factory=lambda: {"fingerprint": "warning", "substitution": "information", "article": "information"}
    )
    #: findings below this confidence are shown one severity level lower
    low_confidence: float = 0.7
    spin_threshold: float = spinscore.DEFAULT_THRESHOLD
    substitutions: str = "gated"
    #: the document-level "this text looks machine-spun" note
    spin_note: bool = True
    lexicons: tuple[str, ...] = ()
    #: folders, besides the workspace folders and the user's configuration folder, from which a project
    #: configuration file (`unspun.toml`, `pyproject.toml`) may name lexicons
    lexicon_folders: tuple[str, ...] = ()
    builtin_lexicons: bool = True
    #: confirm and re-rank findings with the engine's trigram language model (when it is available)
    language_model: bool = True
    #: propose restorations for spins no lexicon lists (thesaurus + language model; spun texts only)
    open_vocabulary: bool = True
    allow: tuple[str, ...] = ()
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    file_extensions: tuple[str, ...] = tuple(sorted(PROSE_EXTENSIONS))
    #: fix-all through textDocument/willSaveWaitUntil (for clients without code-actions-on-save)
    fix_all_on_save: bool = False
    debounce_ms: int = 300
    #: at most this many diagnostics per document (0: no limit); fix-all is not limited
    max_diagnostics: int = 1000
    #: only the first this many characters of a document are checked (0: no limit)
    max_document_size: int = 5_000_000
    #: the server's log level ("debug", "info", "warning", "error"); empty: the `--log-level` it was started with
    log_level: str = ""

    def options(self, extra_allow: frozenset[str] = frozenset()) -> Options:
        """The engine options these settings stand for; `extra_allow` adds project/session allow-lists."""
        return Options(
            kinds=frozenset(Kind(k) for k in self.kinds),
            min_confidence=self.min_confidence,
            spin_threshold=self.spin_threshold,
            substitutions=self.substitutions,
            allow=frozenset(self.allow) | extra_allow,
            open_vocabulary=self.open_vocabulary and self.language_model,
        )

    def checks(self, language_id: str | None, path: str | None) -> bool:
        """Whether a document of this languageId / file name is checked."""
        langs = {lang.lower() for lang in self.languages}
        if "*" in langs or (language_id and language_id.lower() in langs):
            return True
        if path:
            name = path.rsplit("/", 1)[-1].lower()
            return any(name.endswith(ext.lower()) for ext in self.file_extensions if ext)
        return False


DEFAULTS = Settings()


# -- the schema: camelCase name -> (attribute, validator) --------------------------------------------------

class _Bad(Exception):
    """A value that does not fit; the message says what was expected."""


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    raise _Bad("expected true or false")


def _number(lo: float | None, hi: float | None, *, integer: bool = False, lo_open: bool = False):
    def check(v: Any):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise _Bad("expected " + ("a whole number" if integer else "a number") + _bounds(lo, hi, lo_open))
        if integer and v != int(v):
            raise _Bad("expected a whole number" + _bounds(lo, hi, lo_open))
        if (lo is not None and (v < lo or (lo_open and v == lo))) or (hi is not None and v > hi):
            raise _Bad("expected a number" + _bounds(lo, hi, lo_open))
        return int(v) if integer else float(v)

    return check


def _bounds(lo, hi, lo_open) -> str:
    if lo is not None and hi is not None:
        return f" between {lo:g} and {hi:g}"
    if lo is not None:
        return f" {'above' if lo_open else 'of at least'} {lo:g}"
    return ""


def _strings(allowed: tuple[str, ...] | None = None, what: str = "strings"):
    def check(v: Any) -> tuple[str, ...]:
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
            raise _Bad(f"expected a list of {what}")
        if allowed is not None:
            bad = [x for x in v if x.lower() not in allowed]
            if bad:
                raise _Bad(f"unknown value {bad[0]!r} (use {', '.join(allowed)})")
            v = [x.lower() for x in v]
        return tuple(dict.fromkeys(x for x in v if x.strip()))

    return check


def _choice(allowed: tuple[str, ...]):
    def check(v: Any) -> str:
        if not isinstance(v, str) or v.lower() not in allowed:
            raise _Bad(f"expected one of {', '.join(allowed)}")
        return v.lower()

    return check


def _severity_name(v: Any) -> str:
    if isinstance(v, str):
        s = _SEVERITY_ALIASES.get(v.lower(), v.lower())
        if s in SEVERITIES:
            return s
    raise _Bad(f"expected one of {', '.join(SEVERITIES)}")


_SCHEMA: dict[str, tuple[str, Any]] = {
    "kinds": ("kinds", _strings(KINDS, "kinds")),
    "minConfidence": ("min_confidence", _number(0.0, 1.0)),
    "severity": ("severity", None),  # an object, validated key by key below
    "lowConfidence": ("low_confidence", _number(0.0, 1.0)),
    "spinThreshold": ("spin_threshold", _number(0.0, None, lo_open=True)),
    "substitutions": ("substitutions", _choice(SUBSTITUTION_MODES)),
    "spinNote": ("spin_note", _bool),
    "lexicons": ("lexicons", _strings(what="file paths")),
    "lexiconFolders": ("lexicon_folders", _strings(what="folder paths")),
    "builtinLexicons": ("builtin_lexicons", _bool),
    "languageModel": ("language_model", _bool),
    "openVocabulary": ("open_vocabulary", _bool),
    "allow": ("allow", _strings(what="phrases")),
    "languages": ("languages", _strings(what="language ids")),
    "fileExtensions": ("file_extensions", _strings(what="file extensions")),
    "fixAllOnSave": ("fix_all_on_save", _bool),
    "debounceMs": ("debounce_ms", _number(0, 10_000, integer=True)),
    "maxDiagnostics": ("max_diagnostics", _number(0, None, integer=True)),
    "maxDocumentSize": ("max_document_size", _number(0, None, integer=True)),
    "logLevel": ("log_level", lambda v: "" if v == "" else _choice(("debug", "info", "warning", "error"))(v)),
}


def _norm(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


_BY_NORM = {_norm(k): k for k in _SCHEMA}


def _suggest(key: str, choices) -> str:
    from rapidfuzz import fuzz, process

    guess = process.extractOne(key, list(choices), scorer=fuzz.WRatio, score_cutoff=70)
    return f" (did you mean \u201c{SECTION}.{guess[0]}\u201d?)" if guess else ""


def _describe(v: Any) -> str:
    import json

    try:
        s = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _default_text(attr: str) -> str:
    v = getattr(DEFAULTS, attr)
    if isinstance(v, frozenset):
        v = sorted(v)
    if isinstance(v, tuple):
        v = list(v)
    return _describe(v)


def merge(*layers: Any) -> dict[str, Any]:
    """Merge raw settings objects key by key (later layers win; `null` means "not set here")."""
    out: dict[str, Any] = {}
    for layer in layers:
        if not isinstance(layer, Mapping):
            continue
        for k, v in layer.items():
            if v is None:
                continue
            if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
                out[k] = merge(out[k], v)
            else:
                out[k] = v
    return out


def section_of(raw: Any) -> Any:
    """Accept both `{"unspun": {...}}` and the section itself (initializationOptions come either way)."""
    if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
        return raw[SECTION]
    return raw


def parse(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from one merged raw object, and a message for each problem (the default is used instead)."""
    problems: list[str] = []
    if raw is None:
        return DEFAULTS, problems
    if not isinstance(raw, Mapping):
        problems.append(f"Settings \u201c{SECTION}\u201d must be an object, got {_describe(raw)}; using the defaults.")
        return DEFAULTS, problems
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            continue
        name = _BY_NORM.get(_norm(key))
        if name is None:
            if _norm(key) not in CLIENT_KEYS:
                problems.append(f"Unknown setting \u201c{SECTION}.{key}\u201d{_suggest(key, _SCHEMA)}; ignored.")
            continue
        if value is None:
            continue
        attr, check = _SCHEMA[name]
        if name == "severity":
            values[attr] = _parse_severity(value, problems)
            continue
        try:
            values[attr] = check(value)
        except _Bad as e:
            problems.append(
                f"Setting \u201c{SECTION}.{name}\u201d: {e}, got {_describe(value)}; using the default {_default_text(attr)}."
            )
    if "kinds" in values:
        values["kinds"] = frozenset(values["kinds"])
    return Settings(**values), problems


def _parse_severity(value: Any, problems: list[str]) -> Mapping[str, str]:
    out = dict(DEFAULTS.severity)
    if not isinstance(value, Mapping):
        problems.append(
            f"Setting \u201c{SECTION}.severity\u201d: expected an object such as {{\"fingerprint\": \"warning\"}},"
            f" got {_describe(value)}; using the defaults."
        )
        return out
    for kind, sev in value.items():
        k = str(kind).lower()
        if k not in KINDS:
            guess = _suggest(str(kind), [f"severity.{x}" for x in KINDS])
            problems.append(f"Unknown setting \u201c{SECTION}.severity.{kind}\u201d{guess}; ignored.")
            continue
        if sev is None:
            continue
        try:
            out[k] = _severity_name(sev)
        except _Bad as e:
            problems.append(
                f"Setting \u201c{SECTION}.severity.{k}\u201d: {e}, got {_describe(sev)}; using the default"
                f" \u201c{DEFAULTS.severity[k]}\u201d."
            )
    return out


def explicit(raw: Any) -> frozenset[str]:
    """The Settings attributes a raw (merged) settings object sets itself (so they win over a project file)."""
    if not isinstance(raw, Mapping):
        return frozenset()
    out = set()
    for key, value in raw.items():
        name = _BY_NORM.get(_norm(key)) if isinstance(key, str) else None
        if name is not None and value is not None:
            out.add(_SCHEMA[name][0])
    return frozenset(out)


def names() -> list[str]:
    """The setting names (camelCase), for documentation and tests."""
    return list(_SCHEMA)


assert {f.name for f in fields(Settings)} == {a for a, _ in _SCHEMA.values()}

__all__ = ["DEFAULTS", "SECTION", "Settings", "merge", "names", "parse", "section_of"]
