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
import tokenize as pytokenize
from functools import lru_cache

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


@lru_cache(maxsize=None)
def _parser(language: str):
    """A tree-sitter parser for the language, or None when tree-sitter or its grammar is not installed."""
    spec = GRAMMARS.get(language)
    if spec is None:
        return None
    try:
        import tree_sitter

        grammar = importlib.import_module(spec[0])
        return tree_sitter.Parser(tree_sitter.Language(getattr(grammar, spec[1])()))
    except Exception:  # noqa: BLE001 - missing or incompatible packages: no tree-sitter for this language
        return None


def languages() -> list[str]:
    """The code languages this installation can read."""
    return [lang for lang in KNOWN if lang == "python" or _parser(lang) is not None]


def available(language: str) -> bool:
    return language == "python" or _parser(language) is not None


def reader(language: str):
    def segments(text: str) -> list[Span]:
        return read(text, language)[0]

    def comments(text: str) -> list[Span]:
        return read(text, language)[1]

    return segments, comments


@lru_cache(maxsize=8)
def read(text: str, language: str) -> tuple[list[Span], list[Span]]:
    """(prose spans: comments and docstrings, comment spans) of a source file."""
    parser = _parser(language)
    if parser is not None:
        return _tree_sitter(parser, text, language)
    if language == "python":
        return _python_tokenize(text)
    return [], []


def _tree_sitter(parser, text: str, language: str) -> tuple[list[Span], list[Span]]:
    data = text.encode("utf-8")
    tree = parser.parse(data)
    if len(data) == len(text):
        def to_char(b: int) -> int:
            return b
    else:
        import bisect

        starts = []  # byte offset of each character
        pos = 0
        for ch in text:
            starts.append(pos)
            pos += len(ch.encode("utf-8"))
        starts.append(pos)

        def to_char(b: int) -> int:
            return bisect.bisect_left(starts, b)

    comments: list[Span] = []
    docs: list[Span] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        kind = node.type
        if "comment" in kind:
            comments.append((to_char(node.start_byte), to_char(node.end_byte)))
            continue
        if language == "python" and kind in ("module", "block"):
            first = next((c for c in node.named_children if c.type != "comment"), None)
            if first is not None and first.type == "expression_statement" and first.named_child_count == 1:
                s = first.named_children[0]
                if s.type in ("string", "concatenated_string"):
                    docs.append(_string_body(s, to_char))
        stack.extend(reversed(node.children))
    return sorted(comments + docs), sorted(comments)


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
