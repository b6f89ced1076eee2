"""The language server's settings (section `unspun`): typed, with defaults, validated.

Settings arrive in layers -- `initializationOptions`, then `workspace/configuration` (or the payload of
`workspace/didChangeConfiguration`) -- and are merged key by key, later layers winning; a `null` value means
"not set here". A bad value never stops the server: it is reported (naming the setting) and the default is used.
Unknown keys are reported with a "did you mean" suggestion. Keys may be written camelCase (`minConfidence`),
snake_case (`min_confidence`) or kebab-case (`min-confidence`).

This module knows no LSP: it turns plain JSON-like data into a `Settings` value and a list of problems. What
each setting is -- its name, type, default, the values it accepts -- is declared in `unspun.settings.schema`
and checked by `unspun.settings.validate`; here are the editor's layering, spellings and wording.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field, fields, make_dataclass
from typing import Any

from unspun.engine.analyzer import Options
from unspun.settings import resolve as resolve_mod, schema
from unspun.settings.validate import INVALID, INVALID_SEVERITY, UNKNOWN_KEY, UNKNOWN_KIND, Problem, lookup, validate

SECTION = schema.SECTION
SEVERITIES = schema.SEVERITIES
KINDS = schema.KINDS
DEFAULT_LANGUAGES = schema.DEFAULT_LANGUAGES

#: keys editor extensions keep in the same section for themselves (e.g. vscode-languageclient's
#: `unspun.trace.server`); accepted silently
CLIENT_KEYS = frozenset({"trace", "server", "serverpath", "path", "executable", "command", "args"})


class _SettingsBase:
    """The editor's settings: one field per editor setting of `unspun.settings.schema` (snake_case), typed, with
    the schema's defaults."""

    def options(self, extra_allow: frozenset[str] = frozenset()) -> Options:
        """The engine options these settings stand for; `extra_allow` adds project/session allow-lists."""
        return resolve_mod.engine_options(self.values(), extra_allow)

    def values(self) -> dict[str, Any]:
        """Canonical name -> value, for every setting."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def checks(self, language_id: str | None, path: str | None) -> bool:
        """Whether a document of this languageId / file name is checked."""
        langs = {lang.lower() for lang in self.languages}  # type: ignore[attr-defined]
        if "*" in langs or (language_id and language_id.lower() in langs):
            return True
        if path:
            name = path.rsplit("/", 1)[-1].lower()
            return any(name.endswith(ext.lower()) for ext in self.file_extensions if ext)  # type: ignore[attr-defined]
        return False


def _field(setting: schema.Setting):
    value = resolve_mod.DEFAULTS[setting.name]
    return field(default_factory=lambda: dict(value)) if isinstance(value, dict) else field(default=value)


Settings = make_dataclass(
    "Settings",
    [(s.name, Any, _field(s)) for s in schema.editor_settings()],
    bases=(_SettingsBase,),
    frozen=True,
    namespace={"__module__": __name__, "__doc__": _SettingsBase.__doc__},
)

DEFAULTS = Settings()


def from_values(values: Mapping[str, Any]) -> Settings:
    """Settings from resolved values (`unspun.settings.resolve.resolve`): the editor settings among them."""
    return Settings(**{s.name: values[s.name] for s in schema.editor_settings()})


def _suggestion(problem: Problem) -> str:
    if not problem.suggestion:
        return ""
    if problem.kind == UNKNOWN_KIND:
        return f" (did you mean \u201c{SECTION}.severity.{problem.suggestion}\u201d?)"
    return f" (did you mean \u201c{SECTION}.{schema.get(problem.suggestion).editor_name}\u201d?)"


def _describe(v: Any) -> str:
    try:
        s = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _default_text(name: str) -> str:
    v = getattr(DEFAULTS, name)
    if isinstance(v, frozenset):
        v = sorted(v)
    if isinstance(v, tuple):
        v = list(v)
    return _describe(v)


def _message(problem: Problem) -> str:
    """A problem as the editor is told it."""
    if problem.kind == UNKNOWN_KEY:
        return f"Unknown setting \u201c{SECTION}.{problem.key}\u201d{_suggestion(problem)}; ignored."
    if problem.kind == UNKNOWN_KIND:
        return f"Unknown setting \u201c{SECTION}.severity.{problem.sub}\u201d{_suggestion(problem)}; ignored."
    if problem.kind == INVALID_SEVERITY:
        k = problem.sub.lower()
        return (
            f"Setting \u201c{SECTION}.severity.{k}\u201d: expected one of {', '.join(SEVERITIES)}, got"
            f" {_describe(problem.value)}; using the default \u201c{DEFAULTS.severity[k]}\u201d."
        )
    assert problem.kind == INVALID and problem.setting is not None
    setting = problem.setting
    why = f" ({problem.reason})" if problem.reason else ""
    return (
        f"Setting \u201c{SECTION}.{setting.editor_name}\u201d: expected {setting.accepts()}, got"
        f" {_describe(problem.value)}{why}; using the default {_default_text(setting.name)}."
    )


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


def _client_key(key: str) -> bool:
    return key.replace("_", "").replace("-", "").lower() in CLIENT_KEYS


def parse(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from one merged raw object, and a message for each problem (the default is used instead)."""
    if raw is None:
        return DEFAULTS, []
    if not isinstance(raw, Mapping):
        return DEFAULTS, [f"Settings \u201c{SECTION}\u201d must be an object, got {_describe(raw)}; using the defaults."]
    values, problems = validate(raw, schema.EDITOR, skip=_client_key)
    if "severity" in values:
        values["severity"] = {**DEFAULTS.severity, **values["severity"]}
    return Settings(**values), [_message(p) for p in problems]


def explicit(raw: Any) -> frozenset[str]:
    """The settings (canonical names) a raw (merged) settings object sets itself (so they win over a project
    file)."""
    if not isinstance(raw, Mapping):
        return frozenset()
    out = set()
    for key, value in raw.items():
        setting = lookup(key, schema.EDITOR) if isinstance(key, str) else None
        if setting is not None and value is not None:
            out.add(setting.name)
    return frozenset(out)


def layer(settings: Settings, raw: Any) -> dict[str, Any]:
    """The values the editor sets itself (canonical name -> typed value), a layer for
    `unspun.settings.resolve`: the settings `explicit` names, as parsed into `settings`."""
    return {name: getattr(settings, name) for name in explicit(raw)}


def names() -> list[str]:
    """The setting names (camelCase), for documentation and tests."""
    return [s.editor_name for s in schema.editor_settings()]


__all__ = ["DEFAULTS", "SECTION", "Settings", "explicit", "from_values", "layer", "merge", "names", "parse", "section_of"]
