"""The one resolver: a document's effective settings, and the engine options they stand for.

Precedence, lowest first:

1. the built-in defaults (`unspun.settings.schema`);
2. the project file that applies to the document (`unspun.toml`, `[tool.unspun]` of `pyproject.toml`);
3. what the user sets for this run or editor: the editor's settings (the language server) or the command
   line's options (the CLI).

A layer names only what it sets (a setting it leaves alone keeps the lower layer's value). Allow-lists and
lexicons add up across layers (and the caller may add an allow-list file's phrases and ignores). A severity table is completed with the
defaults and then replaces a lower layer's table as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from unspun.engine.analyzer import Options
from unspun.engine.model import Kind
from unspun.settings.schema import SETTINGS, check_engine_defaults, get
from unspun.settings.validate import typed_default

#: canonical name -> typed default, for every setting
DEFAULTS: Mapping[str, Any] = {s.name: typed_default(s) for s in SETTINGS}


def resolve(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The effective value of every setting (canonical name -> typed value): the defaults, then `layers` in
    order of precedence (project file, then editor settings or command line), each a mapping of canonical names
    to typed values (what `unspun.settings.validate` returns) that it sets."""
    out = dict(DEFAULTS)
    for layer in layers:
        for name, value in (layer or {}).items():
            setting = get(name)
            if setting.adds_up:
                out[name] = tuple(dict.fromkeys((*out[name], *value)))
            elif setting.type == "severities":
                out[name] = {**DEFAULTS[name], **value}
            else:
                out[name] = value
    return out


def engine_options(values: Mapping[str, Any], extra_allow: Iterable[str] = ()) -> Options:
    """The engine options of resolved settings; `extra_allow` adds phrases (an allow-list file, ignores)."""
    return Options(
        kinds=frozenset(Kind(k) for k in values["kinds"]),
        min_confidence=values["min_confidence"],
        spin_threshold=values["spin_threshold"],
        substitutions=values["substitutions"],
        allow=frozenset(values["allow"]) | frozenset(extra_allow),
        open_vocabulary=values["open_vocabulary"] and values["language_model"],
    )


def options(*layers: Mapping[str, Any] | None, extra_allow: Iterable[str] = ()) -> Options:
    """`engine_options(resolve(*layers), extra_allow)`."""
    return engine_options(resolve(*layers), extra_allow)


_problems = check_engine_defaults()
assert not _problems, _problems
