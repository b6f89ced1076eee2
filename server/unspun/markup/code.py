"""Comments and docstrings in source code.

With the `tree-sitter` package and a grammar package for the language installed (`pip install
'unspun[code]'` installs the ones listed in `GRAMMARS`), comments are read from the syntax tree; for Python,
docstrings too (a string that is the first statement of a module, class or function). Without them, Python is
read with the standard library's `tokenize` (comments, and strings standing alone as a statement); the other
languages are then not available.

A comment or docstring is prose as a whole: its markers (`#`, `//`, `/*`, `*`, quotes) are not words.
"""

from __future__ import annotations

import importlib
import io
import re
import threading
import tokenize as pytokenize
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache

from unspun.markup.registry import Reading

Span = tuple[int, int]

#: language -> (grammar module, function returning the language pointer)
GRAMMARS = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "rust": ("tree_sitter_rust", "language"),
    "go": ("tree_sitter_go", "language"),
    "c": ("tree_sitter_c", "language"),
}
KNOWN = tuple(GRAMMARS)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=None)
def _parser(language: str):
    """A tree-sitter parser for the language, or None when tree-sitter or its grammar is not installed."""
    spec = GRAMMARS.get(language)
    if spec is None:
        return None
    try:
        import tree_sitter

        tree_sitter.QueryCursor  # noqa: B018 - (0.25 and later): without it, read as if not installed
        grammar = importlib.import_module(spec[0])
        return tree_sitter.Parser(tree_sitter.Language(getattr(grammar, spec[1])()))
    except Exception:  # noqa: BLE001 - missing or incompatible packages: no tree-sitter for this language
        return None


def languages() -> list[str]:
    """The code languages this installation can read."""
    return [lang for lang in KNOWN if lang == "python" or _parser(lang) is not None]


def available(language: str) -> bool:
    return language == "python" or _parser(language) is not None


def reader(language: str) -> Callable[..., Reading]:
    """The language's `read(text, comments=True)` (see `unspun.markup.registry.Reading`)."""

    def read_language(text: str, comments: bool = True) -> Reading:
        return read(text, language)

    return read_language


def read(text: str, language: str) -> Reading:
    """The prose spans (comments and docstrings) and the comment spans of a source file, from one parse."""
    parser = _parser(language)
    if parser is not None:
        return Reading(*_tree_sitter(parser, text, language))
    if language == "python":
        return Reading(*_python_tokenize(text))
    return Reading([], [])


def _tree_sitter(parser, text: str, language: str) -> tuple[list[Span], list[Span]]:
    tree, data = _parse(parser, text, language)
    if len(data) == len(text):
        def to_char(b: int) -> int:
            return b
    else:
        # byte offsets to characters from the non-ASCII characters alone: where each begins in the bytes, and
        # how many bytes more than characters there are once it is passed
        begins: list[int] = []
        extra: list[int] = []
        more = 0
        for m in _NON_ASCII.finditer(text):
            begins.append(m.start() + more)
            more += len(m.group().encode("utf-8")) - 1
            extra.append(more)

        def to_char(b: int) -> int:
            i = bisect_left(begins, b)  # the non-ASCII characters that begin before byte b
            return b - (extra[i - 1] if i else 0)

    import tree_sitter

    # comments and (for Python) candidate docstrings, found by a query in the library rather than by a walk
    # over every node in Python (most of the cost of reading a long file)
    found = tree_sitter.QueryCursor(_query(language)).captures(tree.root_node)
    comments: list[Span] = []
    end = -1
    for node in sorted(found.get("comment", ()), key=lambda n: (n.start_byte, -n.end_byte)):
        if node.end_byte <= end:
            continue  # inside a comment already taken (a doc comment's inner node)
        end = node.end_byte
        comments.append((to_char(node.start_byte), to_char(node.end_byte)))
    docs = [_string_body(s, to_char) for s in found.get("string", ()) if _is_docstring(s)]
    return sorted(comments + docs), comments


@lru_cache(maxsize=None)
def _query(language: str):
    """The query of a language's comments (every named node kind with "comment" in its name) and, for Python,
    of strings standing alone as a statement."""
    import tree_sitter

    lang = _parser(language).language
    kinds = sorted({
        lang.node_kind_for_id(i) for i in range(lang.node_kind_count)
        if lang.node_kind_is_named(i) and lang.node_kind_is_visible(i) and "comment" in lang.node_kind_for_id(i)
    })
    source = "[" + " ".join(f"({k})" for k in kinds) + "] @comment" if kinds else ""
    if language == "python":
        source += " (expression_statement [(string) (concatenated_string)] @string)"
    return tree_sitter.Query(lang, source)


def _is_docstring(node) -> bool:
    """Whether a string standing alone as a statement is the first statement of a module, class or function."""
    statement = node.parent
    if statement is None or statement.named_child_count != 1:
        return False
    body = statement.parent
    if body is None or body.type not in ("module", "block"):
        return False
    first = body.named_child(0) if body.named_child_count else None
    while first is not None and first.type == "comment":
        first = first.next_named_sibling
    return first is not None and first.id == statement.id


#: each language's last parsed text (its bytes and tree), from which the next one is parsed again only where
#: it changed; the lock keeps the parsers (one per language) to one thread at a time
_last: dict[str, tuple[str, bytes, object]] = {}
_lock = threading.Lock()


def _parse(parser, text: str, language: str):
    """The syntax tree of `text` (and its UTF-8 bytes), parsed again from the language's last tree when one is
    kept (tree-sitter then re-reads only around the change: a keystroke in a 4,600-line file costs a few
    milliseconds instead of about fifty)."""
    data = text.encode("utf-8")
    with _lock:
        tree = None
        last = _last.pop(language, None)  # (an edited tree must not stay kept with its old text if parsing fails)
        if last is not None:
            edit = _edit_between(last[0], last[1], text, data)
            if edit is None:
                tree = last[2]  # the same text
            else:
                last[2].edit(**edit)
                tree = parser.parse(data, last[2])
        if tree is None:
            tree = parser.parse(data)
        _last[language] = (text, data, tree)
    return tree, data


def _edit_between(old: str, old_data: bytes, new: str, data: bytes) -> dict | None:
    """The arguments of `Tree.edit` that turn the tree of `old` into one to parse `new` with (None: equal)."""
    from unspun.markup.reread import changed

    stretch = changed(old, new)
    if stretch is None:
        return None
    start, old_end, new_end = stretch
    if len(old_data) == len(old) and len(data) == len(new):  # ASCII: bytes are characters
        start_b, old_end_b, new_end_b = start, old_end, new_end
    else:
        start_b = len(new[:start].encode("utf-8"))
        old_end_b = len(old_data) - len(old[old_end:].encode("utf-8"))
        new_end_b = len(data) - len(new[new_end:].encode("utf-8"))

    def point(b: bytes, at: int) -> tuple[int, int]:
        return b.count(b"\n", 0, at), at - (b.rfind(b"\n", 0, at) + 1)

    return {
        "start_byte": start_b, "old_end_byte": old_end_b, "new_end_byte": new_end_b,
        "start_point": point(data, start_b), "old_end_point": point(old_data, old_end_b),
        "new_end_point": point(data, new_end_b),
    }


def _string_body(node, to_char) -> Span:
    inner = [c for c in node.children if c.type == "string_content"]
    if inner:
        return to_char(inner[0].start_byte), to_char(inner[-1].end_byte)
    return to_char(node.start_byte), to_char(node.end_byte)


def _python_tokenize(text: str) -> tuple[list[Span], list[Span]]:
    starts = [0]
    for line in io.StringIO(text):
        starts.append(starts[-1] + len(line))

    def off(pos: tuple[int, int]) -> int:
        return starts[pos[0] - 1] + pos[1]

    comments: list[Span] = []
    docs: list[Span] = []
    prev = pytokenize.NEWLINE
    try:
        toks = list(pytokenize.generate_tokens(io.StringIO(text).readline))
    except (pytokenize.TokenError, IndentationError, SyntaxError):
        toks = []
    for k, t in enumerate(toks):
        if t.type == pytokenize.COMMENT:
            comments.append((off(t.start), off(t.end)))
            continue
        if t.type in (pytokenize.NL,):
            continue
        if t.type == pytokenize.STRING and prev in (pytokenize.NEWLINE, pytokenize.INDENT, pytokenize.DEDENT, pytokenize.ENCODING):
            nxt = next((u for u in toks[k + 1 :] if u.type not in (pytokenize.COMMENT, pytokenize.NL)), None)
            if nxt is None or nxt.type in (pytokenize.NEWLINE, pytokenize.ENDMARKER):
                docs.append((off(t.start), off(t.end)))
        prev = t.type
    return sorted(comments + docs), sorted(comments)
