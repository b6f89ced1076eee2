"""The project allow-list: `allow = [...]` in the `[unspun]` table of `unspun.toml` at a workspace root.

Reading tolerates a missing file; a broken one is reported, never fatal. Adding a phrase edits the file as text
-- comments, order and other settings stay as they were -- and the result is parsed back and compared with
what was intended before it replaces the file (temporary file + rename). A file that cannot be updated safely
that way (say, the allow-list written as an inline table) is left untouched and the user is told why. The file
is only ever written inside the workspace folder: a document outside every workspace folder, or an
`unspun.toml` that is a link pointing elsewhere, is refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from unspun import untrusted
from unspun.config import READ_TIMEOUT
from unspun.documents import write_atomic
from unspun.engine.tokenize import phrase_words

CONFIG_NAME = "unspun.toml"
TABLE = "unspun"
KEY = "allow"


class AllowListError(Exception):
    """The allow-list cannot be read or written; the message is meant for the user."""


def _toml():
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def _real(p: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(p))


def _inside(child: Path, parent: Path) -> bool:
    try:
        return os.path.commonpath([str(child), str(parent)]) == str(parent)
    except ValueError:  # different drives
        return False


def root_for(path: str | None, roots: Iterable[str]) -> Path | None:
    """The innermost workspace root that contains `path` (both resolved), if any."""
    if not path:
        return None
    target = _real(path)
    best: Path | None = None
    for r in roots:
        root = _real(r)
        if _inside(target, root) and (best is None or len(str(root)) > len(str(best))):
            best = root
    return best


def config_path(root: str | os.PathLike[str]) -> Path:
    """`unspun.toml` in `root`; refused if it (through links) lies outside the root."""
    root_r = _real(root)
    target = root_r / CONFIG_NAME
    if not _inside(_real(target), root_r):
        raise AllowListError(f"{target} points outside the workspace folder {root_r}; not touching it")
    return target


def read_allow(root: str | os.PathLike[str]) -> tuple[frozenset[str], str | None]:
    """The phrases allowed in this workspace, and a problem message if the file could not be used."""
    path = Path(root) / CONFIG_NAME
    if os.path.lexists(path) and not _inside(_real(path), _real(root)):
        return frozenset(), f"{path}: a link to a file outside the workspace folder; its allow-list is not used"
    try:
        data = untrusted.read(path, untrusted.CONFIG_LIMIT, READ_TIMEOUT)
    except FileNotFoundError:
        return frozenset(), None
    except untrusted.Refused as e:
        return frozenset(), f"{e}; its allow-list is not used"
    except OSError as e:
        return frozenset(), f"{path}: cannot read: {e.strerror or e}"
    try:
        doc = _toml().loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return frozenset(), f"{path}: not valid TOML ({e}); its allow-list is not used"
    table = doc.get(TABLE, {})
    allow = table.get(KEY, []) if isinstance(table, dict) else None
    if not isinstance(allow, list) or not all(isinstance(x, str) for x in allow):
        return frozenset(), f"{path}: [{TABLE}] {KEY} must be a list of strings; it is not used"
    return frozenset(allow), None


def add_phrase(root: str | os.PathLike[str], phrase: str) -> tuple[Path, bool]:
    """Add `phrase` to the allow-list of the workspace at `root`; returns the file and whether it changed."""
    if not phrase_words(phrase):
        raise AllowListError(f"{phrase!r} is not a phrase")
    path = config_path(root)
    try:
        raw = untrusted.read(path, untrusted.CONFIG_LIMIT, READ_TIMEOUT)
    except FileNotFoundError:
        raw = b""
    except untrusted.Refused as e:
        raise AllowListError(str(e)) from None
    except OSError as e:
        raise AllowListError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
        before = _toml().loads(text)
    except (UnicodeDecodeError, ValueError) as e:
        raise AllowListError(f"{path} is not valid TOML ({e}); fix it first, then try again") from None
    table = before.get(TABLE, {})
    current = table.get(KEY, []) if isinstance(table, dict) else None
    if not isinstance(current, list) or not all(isinstance(x, str) for x in current):
        raise AllowListError(f"{path}: [{TABLE}] {KEY} is not a list of strings; add the phrase by hand")
    words = phrase_words(phrase)
    if any(phrase_words(x) == words for x in current):
        return path, False
    wanted = [*current, phrase]
    new_text = _edit(text, wanted)
    # check that exactly the allow-list changed before touching the file
    try:
        after = _toml().loads(new_text)
    except ValueError:
        after = None
    expected = dict(before)
    expected[TABLE] = {**(table if isinstance(table, dict) else {}), KEY: wanted}
    if after != expected:
        raise AllowListError(f"{path}: cannot update its allow-list automatically; add {phrase!r} by hand")
    try:
        write_atomic(path, new_text)
    except OSError as e:
        raise AllowListError(f"{path}: cannot write: {e.strerror or e}") from None
    return path, True


# -- editing TOML as text ---------------------------------------------------------------------------------

def _string(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _array(items: list[str], nl: str) -> str:
    one = "[" + ", ".join(_string(x) for x in items) + "]"
    if len(one) <= 70:
        return one
    return "[" + nl + "".join(f"  {_string(x)},{nl}" for x in items) + "]"


_HEADER = re.compile(r"\[\s*(\[)?\s*([^\]]*?)\s*\]\s*(\])?")


def _statements(text: str):
    """Top-level statements: (kind, name, start, value_start, value_end, end); kind is 'table' or 'key'."""
    i, n = 0, len(text)
    while i < n:
        # skip blank space and comment lines
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return
        if text[i] == "#":
            i = _line_end(text, i)
            continue
        start = i
        if text[i] == "[":
            j = _line_end(text, i)
            m = _HEADER.match(text, i, j)
            name = m.group(2) if m else ""
            yield ("array" if m and m.group(1) else "table", _key_path(name), start, j, j, j)
            i = j
            continue
        eq = _find_eq(text, i)
        if eq < 0:
            return
        key = _key_path(text[i:eq])
        v = eq + 1
        while v < n and text[v] in " \t":
            v += 1
        vend = _value_end(text, v)
        yield ("key", key, start, v, vend, _line_end(text, vend))
        i = _line_end(text, vend)


def _line_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j + 1


def _unquoted(text: str, i: int, wanted: str) -> int:
    """The index of the first character of `wanted` at or after `i` outside a TOML string (or a line end when
    "\n" is wanted), else -1."""
    q = None
    while i < len(text):
        c = text[i]
        if q:
            if c == "\\" and q == '"':
                i += 2
                continue
            if c == q:
                q = None
        elif c in "\"'":
            q = c
        elif c in wanted:
            return i
        i += 1
    return -1


def _find_eq(text: str, i: int) -> int:
    """The `=` of the key/value pair starting at `i`, or -1 when the line ends first."""
    k = _unquoted(text, i, "=\n")
    return k if k >= 0 and text[k] == "=" else -1


def _key_path(raw: str) -> tuple[str, ...]:
    parts = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', raw):
        parts.append(m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3))
    return tuple(parts)


def _value_end(text: str, i: int) -> int:
    """End of the value starting at i (before a trailing comment and the line break)."""
    depth, n = 0, len(text)
    last = i
    while i < n:
        c = text[i]
        if text.startswith('"""', i) or text.startswith("'''", i):
            q = text[i : i + 3]
            j = i + 3
            while j < n:
                if q == '"""' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(q, j):
                    j += 3
                    while j < n and text[j] == q[0]:  # up to two quotes may close the string
                        j += 1
                    break
                j += 1
            i = last = j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if (c == '"' and text[j] == "\\") else 1
            i = last = min(j + 1, n)
            continue
        if c == "#":
            if depth <= 0:
                return last
            i = _line_end(text, i)  # a comment inside a multi-line array
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == "\n" and depth <= 0:
            return last
        if not c.isspace():
            last = i + 1
        i += 1
    return last


def _code_part(line: str) -> str:
    """A line without its comment (quote-aware)."""
    k = _unquoted(line, 0, "#")
    return line if k < 0 else line[:k]


def _append(value: str, item: str, nl: str) -> str | None:
    """Add one item to a multi-line array literal, keeping its comments and layout."""
    body = value[:-1]
    offset = len(body)
    last = -1
    for line in reversed(body.splitlines(keepends=True)):
        offset -= len(line)
        code = _code_part(line).rstrip()
        if code.strip():
            last = offset + len(code) - 1
            break
    if last < 0:
        return None
    comma = "" if body[last] in ",[" else ","
    head, rest = body[: last + 1] + comma, body[last + 1 :]
    if rest.strip(" \t").startswith(("\n", "\r", "#")) and body[last] != "[":
        line_start = body.rfind("\n", 0, last) + 1
        indent = body[line_start:][: len(body[line_start:]) - len(body[line_start:].lstrip(" \t"))] or "  "
        eol = rest.find("\n")
        return head + rest[: eol + 1] + f"{indent}{_string(item)},{nl}" + rest[eol + 1 :] + "]"
    return head + f" {_string(item)}" + rest + "]"


def _edit(text: str, items: list[str]) -> str:
    nl = "\r\n" if "\r\n" in text else "\n"
    table: tuple[str, ...] = ()
    header_end = None
    for kind, name, _start, vstart, vend, end in _statements(text):
        if kind in ("table", "array"):
            table = name if kind == "table" else ("<array>",) + name
            if name == (TABLE,) and kind == "table":
                header_end = end
            continue
        full = table + name
        if full == (TABLE, KEY):
            value = text[vstart:vend]
            grown = _append(value, items[-1], nl) if "\n" in value and value.endswith("]") else None
            return text[:vstart] + (grown or _array(items, nl)) + text[vend:]
    line = f"{KEY} = {_array(items, nl)}{nl}"
    if header_end is not None:
        prefix = text[:header_end]
        if not prefix.endswith(("\n", "\r")):
            prefix += nl
        return prefix + line + text[header_end:]
    sep = "" if not text or text.endswith("\n") else nl
    blank = nl if text.strip() else ""
    return text + sep + blank + f"[{TABLE}]{nl}" + line


class ProjectAllowLists:
    """The allow-list of each workspace root, re-read when its file changes (checked at most once a second)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int] | None, frozenset[str]]] = {}
        self._checked: dict[str, float] = {}

    def get(self, root: Path | None) -> tuple[frozenset[str], str | None, bool]:
        """(phrases, problem, changed since last call) for a workspace root (None: no workspace)."""
        import time

        if root is None:
            return frozenset(), None, False
        key = str(root)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and now - self._checked.get(key, 0.0) < 1.0:
            return cached[1], None, False
        self._checked[key] = now
        try:
            st = (root / CONFIG_NAME).stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if cached is not None and cached[0] == stamp:
            return cached[1], None, False
        allow, problem = read_allow(root)
        self._cache[key] = (stamp, allow)
        return allow, problem, cached is not None and cached[1] != allow

    def forget(self, root: Path | None = None) -> None:
        """Re-read on next use (all roots, or one)."""
        if root is None:
            self._cache.clear()
            self._checked.clear()
        else:
            self._cache.pop(str(root), None)
            self._checked.pop(str(root), None)
