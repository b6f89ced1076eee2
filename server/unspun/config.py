"""Project configuration: `unspun.toml` (keys at the top level or in an `[unspun]` table) or the
`[tool.unspun]` table of `pyproject.toml`, found by walking up from a document. Read by the CLI and the
language server alike; data only (TOML), never code.

A configuration file is read as untrusted input (`unspun.untrusted`): only a regular file (symbolic links
followed) of at most 1 MiB, on a thread of its own waited for at most `READ_TIMEOUT` seconds.

Every problem -- a file that is not TOML, an unknown key (with a "did you mean"), a value of the wrong type --
becomes a `ConfigProblem` naming the file and the line; the defaults apply for whatever could not be used. The
keys themselves, what they accept and their defaults are declared in `unspun.settings.schema` and checked by
`unspun.settings.validate`; here are finding and reading the files.
"""

from __future__ import annotations

import fnmatch
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, make_dataclass, replace
from pathlib import Path
from typing import Any

from unspun import untrusted
from unspun.engine.analyzer import Options
from unspun.settings import schema
from unspun.settings.validate import (
    INVALID, INVALID_SEVERITY, UNKNOWN_KEY, UNKNOWN_KIND, Problem, lookup, validate,
)

CONFIG_FILE = "unspun.toml"
PYPROJECT = "pyproject.toml"
KINDS = schema.KINDS
SEVERITIES = schema.SEVERITIES
#: the problem of a configuration file that `ConfigCache.confine` refuses
OUTSIDE = "a link to a file outside the workspace; not read, the defaults apply"
#: how long reading one configuration file may take (seconds)
READ_TIMEOUT = 2.0
#: shorthand in `file_types` for every prose format
PROSE = schema.PROSE

#: key (snake_case) -> what it holds (from `unspun.settings.schema`)
KEYS = {s.name: s.accepts() for s in schema.project_settings()}


@dataclass(frozen=True)
class ConfigProblem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


def _unset(setting: schema.Setting) -> Any:
    """What a configuration file that does not set `setting` holds for it."""
    if setting.type == "severities":
        return field(default_factory=dict)
    return field(default=() if setting.type == "strings" and not setting.default else None)


class _ProjectConfigBase:
    """What a configuration file sets; None (or empty) means "not set here", so the defaults apply. One field
    per project-file setting of `unspun.settings.schema`, plus `path`; `lexicons` are absolute paths and
    `file_types` format names (see `unspun.markup.registry`)."""

    path: Path | None

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def values(self) -> dict[str, Any]:
        """The settings this file sets (canonical name -> typed value), a layer for `unspun.settings.resolve`."""
        out = {}
        for s in schema.project_settings():
            v = getattr(self, s.name)
            if v is not None and v != _EMPTY.get(s.name):
                out[s.name] = v
        return out

    def set_keys(self) -> set[str]:
        return set(self.values())

    def options(self, base: Options | None = None, skip: Iterable[str] = ()) -> Options:
        """`base` with what this file sets for the engine (keys in `skip` are left as in `base`); allow-lists
        add up. (The command line and the language server resolve a document's options with
        `unspun.settings.resolve` instead; this is for a caller that holds engine options already.)"""
        from unspun.engine.model import Kind

        base = base or Options()
        skip = set(skip)
        kw: dict[str, Any] = {}
        for name, value in self.values().items():
            if name in ("min_confidence", "spin_threshold", "substitutions") and name not in skip:
                kw[name] = value
            elif name == "kinds" and name not in skip:
                kw[name] = frozenset(Kind(k) for k in value)
            elif name == "allow":
                kw[name] = frozenset(base.allow) | frozenset(value)
        return replace(base, **kw) if kw else base

    def ignores(self, path: str | os.PathLike[str]) -> bool:
        """Whether a file matches one of the `ignore` patterns (relative to the configuration file's folder)."""
        if not self.ignore or self.root is None:
            return False
        try:
            rel = Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(self.root))).as_posix()
        except ValueError:
            return False
        parts = rel.split("/")
        for pat in self.ignore:
            p = pat.strip().rstrip("/")
            if p.startswith("/"):
                p = p[1:]
            if fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p + "/*"):
                return True
            if "/" not in p and any(fnmatch.fnmatchcase(part, p) for part in parts):
                return True
            if p.startswith("**/") and any(fnmatch.fnmatchcase("/".join(parts[i:]), p[3:]) for i in range(len(parts))):
                return True
        return False

    def checks_format(self, fmt: str) -> bool:
        """Whether files of this format are checked (default: the prose formats, not code)."""
        from unspun.markup.registry import is_code

        if self.file_types is None:
            return not is_code(fmt)
        return fmt in self.file_types or (PROSE in self.file_types and not is_code(fmt))

    def code_formats(self) -> list[str]:
        from unspun.markup.registry import is_code

        return [f for f in (self.file_types or ()) if f != PROSE and is_code(f)]


ProjectConfig = make_dataclass(
    "ProjectConfig",
    [("path", "Path | None", field(default=None))]
    + [(s.name, Any, _unset(s)) for s in schema.project_settings()],
    bases=(_ProjectConfigBase,),
    frozen=True,
    namespace={"__module__": __name__, "__doc__": _ProjectConfigBase.__doc__},
)
#: a setting holding this value is not set (`ProjectConfig.values`)
_EMPTY: dict[str, Any] = {"severity": {}, **{s.name: () for s in schema.project_settings() if s.type == "strings" and not s.default}}

DEFAULT = ProjectConfig()


def _toml():
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def find_config(
    start: str | os.PathLike[str], stop: str | os.PathLike[str] | None = None, confine: Callable[[Path], bool] | None = None
) -> Path | None:
    """The nearest `unspun.toml`, or `pyproject.toml` with a `[tool.unspun]` table, in the folder of `start`
    (or `start` itself if a folder) and its parents, not going above `stop`. A `pyproject.toml` that `confine`
    refuses is not looked into (an `unspun.toml` is returned anyway, for `ConfigCache.load` to refuse)."""
    p = Path(os.path.abspath(start))
    folder = p if p.is_dir() else p.parent
    stop_p = Path(os.path.abspath(stop)) if stop is not None else None
    for d in (folder, *folder.parents):
        if stop_p is not None and d != stop_p and stop_p not in d.parents:
            break
        cand = d / CONFIG_FILE
        if cand.is_file() or _special(cand):
            return cand  # (a special file is refused by `load_config`, which says so)
        pyp = d / PYPROJECT
        if pyp.is_file() and (confine is None or confine(pyp)) and _has_tool_table(pyp):
            return pyp
        if stop_p is not None and d == stop_p:
            break
    return None


def _special(path: Path) -> bool:
    """Whether something other than a regular file or a folder is at `path` (a device, a FIFO, a dangling or
    looping link...)."""
    return os.path.lexists(path) and not path.is_dir()


_MENTION = re.compile(r"\bunspun\b")


def _has_tool_table(path: Path) -> bool:
    """Whether a pyproject.toml has a `[tool.unspun]` table -- or cannot be read as TOML but mentions unspun
    (then `load_config` reports why it is not used, instead of ignoring it without a word). Remembered per
    version of the file (modification time and size), so a folder looked at again costs a `stat`."""
    stamp = _stamp(path)
    known = _TOOL_TABLES.get(path)
    if known is not None and stamp is not None and known[0] == stamp:
        return known[1]
    found = _read_tool_table(path)
    if len(_TOOL_TABLES) >= 256:
        _TOOL_TABLES.clear()
    _TOOL_TABLES[path] = (stamp, found)
    return found


#: pyproject.toml -> (its stamp, whether it is ours), see `_has_tool_table`
_TOOL_TABLES: dict[Path, tuple[tuple[int, int] | None, bool]] = {}


def _read_tool_table(path: Path) -> bool:
    try:
        text = untrusted.read(path, untrusted.CONFIG_LIMIT, READ_TIMEOUT).decode("utf-8", errors="replace")
    except OSError:
        return False
    if _MENTION.search(text) is None:
        return False
    try:
        tool = _toml().loads(text).get("tool")
    except ValueError:
        return True
    return isinstance(tool, dict) and "unspun" in tool


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None


class _Lines:
    """Finds the line of a key in the file's text (first assignment of the key after its table header)."""

    def __init__(self, text: str, table: tuple[str, ...]):
        self.lines = text.splitlines()
        self.table = table

    def _header(self, names: tuple[str, ...]) -> int:
        if not names:
            return 0
        pat = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(n) for n in names) + r"\s*\]")
        for i, line in enumerate(self.lines):
            if pat.match(line):
                return i
        return -1

    def of(self, key: str, sub: str | None = None) -> int | None:
        names = self.table
        start = self._header(names)
        candidates = [(start, key)]
        if sub is not None:
            sub_start = self._header((*names, key))
            if sub_start >= 0:
                candidates.insert(0, (sub_start, sub))
            else:
                candidates.insert(0, (start, sub))
        for begin, k in candidates:
            if begin < 0:
                continue
            pat = re.compile(r"""^\s*(?:[\w.-]+\s*\.\s*)?["']?""" + re.escape(k) + r"""["']?\s*=""")
            for i in range(begin, len(self.lines)):
                if pat.match(self.lines[i]):
                    return i + 1
        return start + 1 if start >= 0 and names else None


def load_config(path: str | os.PathLike[str]) -> tuple[ProjectConfig, list[ConfigProblem]]:
    """Read one configuration file; problems are returned, never raised."""
    path = Path(os.path.abspath(path))
    problems: list[ConfigProblem] = []
    try:
        raw = untrusted.read(path, untrusted.CONFIG_LIMIT, READ_TIMEOUT)
    except untrusted.Refused as e:
        return ProjectConfig(path=path), [ConfigProblem(path, None, e.reason + "; using the defaults")]
    except OSError as e:
        return ProjectConfig(path=path), [ConfigProblem(path, None, f"cannot read: {e.strerror or e}")]
    try:
        text = raw.decode("utf-8")
        doc = _toml().loads(text)
    except UnicodeDecodeError:
        return ProjectConfig(path=path), [ConfigProblem(path, None, "not UTF-8 text; using the defaults")]
    except ValueError as e:
        m = re.search(r"line (\d+)", str(e))
        line = int(m.group(1)) if m else (text.count("\n") + (0 if text.endswith("\n") else 1)) or 1
        msg = re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)", "", str(e))
        return ProjectConfig(path=path), [ConfigProblem(path, line, f"not valid TOML ({msg}); using the defaults")]
    sources: list[tuple[tuple[str, ...], Any]]
    if path.name == PYPROJECT:
        tool = doc.get("tool")
        sources = [(("tool", "unspun"), tool.get("unspun", {}) if isinstance(tool, dict) else {})]
    else:
        # top-level keys, then the [unspun] table (which wins where both set a key)
        sources = [((), {k: v for k, v in doc.items() if k != "unspun"})]
        if "unspun" in doc:
            sources.append((("unspun",), doc["unspun"]))
    values: dict[str, Any] = {}
    for table_path, table in sources:
        lines = _Lines(text, table_path)
        if not isinstance(table, dict):
            problems.append(ConfigProblem(path, lines.of(table_path[-1]), f"[{'.'.join(table_path)}] must be a table; ignored"))
            continue
        found, found_problems = validate(table, schema.PROJECT)
        problems += [ConfigProblem(path, _line_of(p, lines), _message(p)) for p in found_problems]
        for name, value in found.items():
            key = [k for k in table if isinstance(k, str) and lookup(k, schema.PROJECT) is schema.get(name)][-1]
            if name == "lexicons":
                value = tuple(str((path.parent / os.path.expanduser(x)).resolve()) for x in value)
            elif name == "file_types":
                value = _file_types(value, key, path, lines, problems)
            values[name] = value
    return ProjectConfig(path=path, **values), problems


def _line_of(problem: Problem, lines: _Lines) -> int | None:
    if problem.kind in (UNKNOWN_KIND, INVALID_SEVERITY):
        return lines.of(problem.key, problem.sub)
    return lines.of(problem.key)


def _message(problem: Problem) -> str:
    """A problem as a configuration file's problems are told (its file and line go before)."""
    hint = f" (did you mean \u201c{problem.suggestion}\u201d?)" if problem.suggestion else ""
    if problem.kind == UNKNOWN_KEY:
        return f"unknown key \u201c{problem.key}\u201d{hint}; ignored"
    if problem.kind == UNKNOWN_KIND:
        return f"{problem.key}: unknown kind \u201c{problem.sub}\u201d{hint}; ignored"
    if problem.kind == INVALID_SEVERITY:
        return (
            f"{problem.key}.{problem.sub}: expected one of {', '.join(SEVERITIES)}, got {_describe(problem.value)};"
            " using the default"
        )
    assert problem.kind == INVALID and problem.setting is not None
    why = f" ({problem.reason})" if problem.reason else ""
    return f"{problem.key}: expected {problem.setting.accepts()}, got {_describe(problem.value)}{why}; using the default"


def _describe(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _file_types(names: tuple[str, ...], key: str, path: Path, lines: _Lines, problems: list[ConfigProblem]) -> tuple[str, ...]:
    """Format names for the `file_types` as written (`prose` kept as it is); an unknown one is told and left out."""
    from unspun.markup.registry import normalize

    out: list[str] = []
    for x in names:
        if x.strip().lower() == PROSE:
            out.append(PROSE)
            continue
        f = normalize(x)
        if f is None:
            problems.append(ConfigProblem(path, lines.of(key), f"{key}: unknown file type {x!r}; ignored"))
            continue
        out.append(f)
    return tuple(dict.fromkeys(out))


class ConfigCache:
    """Configuration files by path, re-read when they change on disk (checked at most once a second), and the
    configuration that applies to a document. The language server reads ahead on a worker (`prefetch`), so the
    reading itself does not happen on its message loop."""

    def __init__(self, interval: float = 1.0, confine: Callable[[Path], bool] | None = None):
        self.interval = interval
        #: which files may be read at all (the language server: those inside the workspace, links resolved)
        self.confine = confine
        self._files: dict[Path, tuple[tuple[int, int] | None, float, ProjectConfig, list[ConfigProblem]]] = {}
        self._found: dict[tuple[Path, Path | None], tuple[float, Path | None]] = {}
        #: files read ahead by `prefetch`: path -> (stamp, config, problems)
        self._ready: dict[Path, tuple[tuple[int, int] | None, ProjectConfig, list[ConfigProblem]]] = {}

    def prefetch(self, doc_path: str | None, stop: str | os.PathLike[str] | None) -> None:
        """Read ahead, on the calling thread (a worker: reading is not for an event loop), what `for_document`
        is about to read for this document: the configuration file is found and, if it changed, read; the next
        `for_document` takes it from here (and still says that it changed)."""
        if not doc_path:
            return
        found = find_config(Path(os.path.abspath(doc_path)).parent, stop, self.confine)
        if found is None or (self.confine is not None and not self.confine(found)):
            return
        stamp = _stamp(found)
        cached = self._files.get(found)
        if (cached is None or cached[0] != stamp) and self._ready.get(found, (0,))[0] != stamp:
            self._ready[found] = (stamp, *load_config(found))

    def load(self, path: Path) -> tuple[ProjectConfig, list[ConfigProblem], bool]:
        """(config, problems, changed since the last call) for one file."""
        now = time.monotonic()
        cached = self._files.get(path)
        if cached is not None and now - cached[1] < self.interval:
            return cached[2], cached[3], False
        stamp = _stamp(path)
        if cached is not None and cached[0] == stamp:
            self._files[path] = (stamp, now, cached[2], cached[3])
            return cached[2], cached[3], False
        ready = self._ready.pop(path, None)
        if self.confine is not None and not self.confine(path):
            cfg, problems = ProjectConfig(path=path), [ConfigProblem(path, None, OUTSIDE)]
        else:
            cfg, problems = ready[1:] if ready is not None and ready[0] == stamp else load_config(path)
        self._files[path] = (stamp, now, cfg, problems)
        return cfg, problems, cached is not None

    def for_document(self, doc_path: str | None, stop: str | os.PathLike[str] | None) -> tuple[ProjectConfig, list[ConfigProblem], bool]:
        if not doc_path:
            return DEFAULT, [], False
        folder = Path(os.path.abspath(doc_path)).parent
        key = (folder, Path(stop) if stop is not None else None)
        now = time.monotonic()
        found = self._found.get(key)
        if found is None or now - found[0] >= self.interval:
            found = (now, find_config(folder, stop, self.confine))
            changed_file = self._found.get(key, (0, found[1]))[1] != found[1]
            self._found[key] = found
        else:
            changed_file = False
        if found[1] is None:
            return DEFAULT, [], changed_file
        cfg, problems, changed = self.load(found[1])
        return cfg, problems, changed or changed_file
