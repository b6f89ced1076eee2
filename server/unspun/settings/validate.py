"""The one validator of settings: plain JSON- or TOML-like data in, typed values and problems out.

Each front end (the project file, the editor's settings, the command line) calls `validate` (or `check` for a
single value) and words the problems its own way -- with a file and line, or naming `unspun.minConfidence` --
from the `Problem`s returned here; the defaults apply for whatever could not be used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from unspun.settings.schema import (
    EDITOR, KINDS, LEGACY_KINDS, PROJECT, SETTINGS, SEVERITIES, SEVERITY_ALIASES, Setting,
)

#: the kinds of problems
UNKNOWN_KEY = "unknown key"
INVALID = "invalid"
UNKNOWN_KIND = "unknown kind"
INVALID_SEVERITY = "invalid severity"


class Invalid(Exception):
    """A value that does not fit its setting; `reason` says what is wrong with it beyond "expected ..."."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Problem:
    """Something in the data that could not be used (the default applies instead)."""

    kind: str
    #: the key as written
    key: str
    #: the setting it is about; None for an unknown key
    setting: Setting | None = None
    #: the value (for `INVALID`, `INVALID_SEVERITY`)
    value: Any = None
    #: for `UNKNOWN_KIND` and `INVALID_SEVERITY`: the kind (as written) in `severity`
    sub: str = ""
    #: what is wrong beyond "expected ..." (may be empty)
    reason: str = ""
    #: the canonical name (or kind) probably meant, if any
    suggestion: str | None = None


# -- names ----------------------------------------------------------------------------------------------------

def _project_key(key: str) -> str:
    return key.strip().lower().replace("-", "_")


def _editor_key(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


_PROJECT_NAMES = {s.name: s for s in SETTINGS if s.in_project}
_PROJECT_ALIASES = {a.replace("_", ""): s for s in SETTINGS if s.in_project for a in (s.name, *s.aliases)}
_EDITOR_NAMES = {_editor_key(s.editor_name): s for s in SETTINGS if s.in_editor}


def lookup(key: str, where: str) -> Setting | None:
    """The setting a key written in the project file (snake_case or kebab-case, or an alias) or in the
    editor's settings (camelCase, snake_case or kebab-case) stands for."""
    if where == PROJECT:
        k = _project_key(key)
        return _PROJECT_NAMES.get(k) or _PROJECT_ALIASES.get(k.replace("_", ""))
    return _EDITOR_NAMES.get(_editor_key(key))


def suggest(key: str, where: str) -> str | None:
    """The canonical name of the setting an unknown key probably meant (a "did you mean"), if any."""
    from rapidfuzz import fuzz, process

    if where == PROJECT:
        guess = process.extractOne(_project_key(key), list(_PROJECT_NAMES), scorer=fuzz.WRatio, score_cutoff=70)
        return guess[0] if guess else None
    by_editor_name = {s.editor_name: s.name for s in SETTINGS if s.in_editor}
    guess = process.extractOne(key, list(by_editor_name), scorer=fuzz.WRatio, score_cutoff=70)
    return by_editor_name[guess[0]] if guess else None


def suggest_kind(kind: str) -> str | None:
    from rapidfuzz import fuzz, process

    guess = process.extractOne(kind.lower(), list(KINDS), scorer=fuzz.WRatio, score_cutoff=60)
    return guess[0] if guess else None


# -- values ---------------------------------------------------------------------------------------------------

def severity_name(value: Any) -> str | None:
    """A severity (its aliases `info`, `warn`, `err` accepted), or None if it is not one."""
    if not isinstance(value, str):
        return None
    s = SEVERITY_ALIASES.get(value.lower(), value.lower())
    return s if s in SEVERITIES else None


def check(setting: Setting, value: Any, problems: list[Problem] | None = None, key: str | None = None) -> Any:
    """The typed value of one setting; raises `Invalid` if it does not fit. For `severity`, a kind that does not
    fit is left out and told in `problems` instead (the rest is used)."""
    t = setting.type
    if t == "bool":
        if isinstance(value, bool):
            return value
        raise Invalid()
    if t in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise Invalid("not a number")
        if t == "integer" and value != int(value):
            raise Invalid("not a whole number")
        lo, hi = setting.minimum, setting.maximum
        if (lo is not None and (value < lo or (setting.exclusive_minimum and value == lo))) or (
            hi is not None and value > hi
        ):
            raise Invalid("out of range")
        return int(value) if t == "integer" else float(value)
    if t == "choice":
        if not isinstance(value, str) or value.lower() not in (setting.choices or ()):
            raise Invalid()
        return value.lower()
    if t == "strings":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value):
            raise Invalid("not a list of strings")
        items = [x for x in value if x.strip()]
        if setting.choices is not None:
            items = [x.lower() for x in items]
            bad = [x for x in items if x not in setting.choices and x not in LEGACY_KINDS]
            if bad:
                raise Invalid(f"unknown value {bad[0]!r}")
            items = [x for x in items if x in setting.choices]
        out = tuple(dict.fromkeys(items))
        return frozenset(out) if setting.as_set else out
    if t == "severities":
        if not isinstance(value, Mapping):
            raise Invalid("not a table")
        sev: dict[str, str] = {}
        for kind, name in value.items():
            k = str(kind).lower()
            if k not in KINDS:
                if k not in LEGACY_KINDS and problems is not None:
                    problems.append(Problem(UNKNOWN_KIND, key or setting.name, setting, sub=str(kind), suggestion=suggest_kind(k)))
                continue
            if name is None:
                continue
            s = severity_name(name)
            if s is None:
                if problems is not None:
                    problems.append(Problem(INVALID_SEVERITY, key or setting.name, setting, value=name, sub=str(kind)))
                continue
            sev[k] = s
        return sev
    raise AssertionError(t)  # pragma: no cover - Setting checks its type


def typed_default(setting: Setting) -> Any:
    """The default of a setting as a typed value (what `check` makes of it)."""
    return check(setting, setting.default)


def validate(
    data: Mapping[str, Any], where: str, skip: Callable[[str], bool] = lambda key: False
) -> tuple[dict[str, Any], list[Problem]]:
    """(canonical name -> typed value for each key `data` sets, the problems), for data written in the project
    file (`where` = PROJECT) or in the editor's settings (EDITOR). A `null` value means "not set here"; keys
    for which `skip` says so are passed over without a word."""
    assert where in (PROJECT, EDITOR)
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if not isinstance(key, str) or skip(key):
            continue
        setting = lookup(key, where)
        if setting is None:
            problems.append(Problem(UNKNOWN_KEY, key, suggestion=suggest(key, where)))
            continue
        if value is None:
            continue
        try:
            values[setting.name] = check(setting, value, problems, key)
        except Invalid as e:
            problems.append(Problem(INVALID, key, setting, value=value, reason=e.reason))
    return values, problems
