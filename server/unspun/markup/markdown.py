"""Markdown (CommonMark with tables and strikethrough) through markdown-it-py.

Prose is the text of paragraphs, headings, list items, block quotes and table cells. Not prose: fenced and
indented code, inline code, HTML blocks and tags (attributes included), link and image destinations, image
descriptions, autolinks, reference definitions, YAML (`---`) or TOML (`+++`) front matter, and TeX math as
Pandoc, Jupyter and GitHub write it: `$$...$$` (within a paragraph) and `$...$` on one line, the opening `$`
followed by a non-space, the closing one preceded by a non-space and not followed by a digit (so "costs $5 or
$10" stays prose).

markdown-it-py gives each block its lines but no positions inside a line, so each inline token is found in its
block's source in order, from where the previous one ended; what cannot be found is left out (never guessed).
"""

from __future__ import annotations

import re
from functools import lru_cache

from unspun.markup.registry import Reading

Span = tuple[int, int]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FRONT = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)")
_CODE_BLOCKS = ("fence", "code_block", "html_block")
#: TeX math (see the module documentation); bounded, so that many unclosed `$` cost linear time
_MATH = re.compile(
    r"(?<![\\$])\$\$(?:[^$\n]|\n(?![ \t]*(?:\r?\n|\r))){1,5000}?\$\$"
    r"|(?<![\\$])\$(?=[^\s$])(?:[^$\n\\]|\\.){1,1000}?(?<=[^\s\\])\$(?![\d$])"
)


#: markdown-it skips the whole rest of a document from where blocks nest deeper than its `maxNesting` (20
#: levels: ten nested lists). A line's nesting is at most the width of its leading container prefix
#: (indentation, `>`, list markers), so where that prefix is wider than MAX_PREFIX columns it is cut to that
#: width before parsing: deeper items read as items at that depth (still prose), the text after a 3,000-deep
#: list is read, and quickly. Only the line's prefix changes, never the line count or the line's text:
#: positions are found in the original text.
MAX_NESTING = 20  # (markdown-it's default for CommonMark; it bounds inline nesting too)
MAX_PREFIX = 16
_DEEP = re.compile(r"^[ \t>*+0-9.)-]{%d,}" % MAX_PREFIX, re.M)
_PREFIX_TOKEN = re.compile(r" |\t|>|[-+*](?=[ \t])|[0-9]{1,9}[.)](?=[ \t])")
_PREFIX_REST = re.compile(r"(?: |\t|>|[-+*](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))*")


def _shallow(src: str) -> str:
    """`src` with every container prefix wider than MAX_PREFIX columns cut to it (see MAX_PREFIX)."""
    if _DEEP.search(src) is None:
        return src
    lines = src.split("\n")
    for k, line in enumerate(lines):
        if _DEEP.match(line) is None:
            continue
        i = width = 0
        while (m := _PREFIX_TOKEN.match(line, i)) is not None:
            w = 4 if m.group() == "\t" else len(m.group())
            if width + w > MAX_PREFIX:
                lines[k] = line[:i] + " " + line[_PREFIX_REST.match(line, i).end() :]
                break
            width += w
            i = m.end()
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    md.disable("text_join")  # keep escapes and entities as tokens of their own (their source differs)
    return md


def front_matter(text: str) -> Span | None:
    """The span of YAML/TOML front matter at the start of the text, if any."""
    m = _FRONT.match(text)
    if not m:
        return None
    fence = re.escape(m.group(1))
    close = re.compile(rf"^(?:{fence}|\.\.\.)[ \t]*$", re.M)
    c = close.search(text, m.end())
    if not c:
        return None
    return (0, c.end())


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


def _tokens(text: str):
    fm = front_matter(text)
    src = text
    if fm is not None:  # blank the front matter, keeping its lines, so that block maps stay right
        src = "\n" * len(_LINE_BREAK.findall(text, 0, fm[1])) + text[fm[1] :]
    return _parser().parse(_shallow(src)), fm


#: what may reach across a blank line or make a chunk read differently in place: an indented line (a code
#: block, a list item's continuation), an HTML block, a fence, front matter, and a "]" not opening an inline
#: link's destination (reference links and definitions, resolved across the document)
_NOT_LOCAL = re.compile(r"^(?:[ \t]|<|`{3}|~{3})|\A(?:---|\+\+\+)|\](?!\()", re.M)


def local(chunk: str, next_line: str, previous_line: str = "") -> bool:
    """Whether `chunk` (lines without a blank one) reads the same alone as in any document and changes the
    reading of no other chunk (see `unspun.markup.reread`), given the first line of the chunk after it."""
    return _NOT_LOCAL.search(chunk) is None and not next_line.startswith((" ", "\t"))


def segments(text: str) -> list[Span]:
    return read(text, comments=False).segments


def comments(text: str) -> list[Span]:
    """HTML comments in HTML blocks and inline HTML (not in code, front matter or inline code)."""
    return read(text).comments


def read(text: str, comments: bool = True) -> Reading:
    """The prose and (with `comments`) the HTML comments of the text, from one parse."""
    prose, found = _read(text)
    return Reading(prose, found if comments and "<!--" in text else [])


def _read(text: str) -> tuple[list[Span], list[Span]]:
    tokens, _fm = _tokens(text)
    starts = _line_starts(text)
    n_lines = len(starts)

    def offset(line: int) -> int:
        return starts[line] if line < n_lines else len(text)

    out: list[Span] = []
    found: list[Span] = []
    prev_map = None
    cursor = 0
    for tok in tokens:
        if tok.type == "html_block" and tok.map is not None:
            found.extend(_closed_comments(text, offset(tok.map[0]), offset(tok.map[1])))
            continue
        if tok.type != "inline" or tok.map is None:
            continue
        lo, hi = offset(tok.map[0]), offset(tok.map[1])
        if tok.map != prev_map:
            cursor = lo
        prev_map = tok.map
        cursor = max(cursor, lo)
        cursor = _inline(text, tok.children or [], cursor, hi, out, found)
    if "$" in text:
        out = _without_math(text, out)
    return out, found


def _without_math(text: str, prose: list[Span]) -> list[Span]:
    """`prose` without the math whose dollar signs are both in prose (not in code, say)."""
    from bisect import bisect_right

    from unspun.markup import subtract

    starts = [a for a, _ in prose]

    def in_prose(i: int) -> bool:
        k = bisect_right(starts, i) - 1
        return k >= 0 and prose[k][0] <= i < prose[k][1]

    math = [m.span() for m in _MATH.finditer(text) if in_prose(m.start()) and in_prose(m.end() - 1)]
    return subtract(prose, math) if math else prose


def _closed_comments(text: str, lo: int, hi: int) -> list[Span]:
    """The `<!-- ... -->` comments between lo and hi, in one pass (a regular expression for them retries at
    every unclosed `<!--`: quadratic time)."""
    out: list[Span] = []
    i = text.find("<!--", lo, hi)
    while i >= 0:
        k = text.find("-->", i + 4, hi)
        if k < 0:
            break
        out.append((i, k + 3))
        i = text.find("<!--", k + 3, hi)
    return out


def _inline(text: str, children, cursor: int, hi: int, out: list[Span], comments: list[Span]) -> int:
    in_autolink = False
    for c in children:
        t = c.type
        if t == "text":
            if in_autolink or not c.content:
                continue
            i = text.find(c.content, cursor, hi)
            if i >= 0:
                out.append((i, i + len(c.content)))
                cursor = i + len(c.content)
        elif t == "code_inline":
            i = text.find(c.markup, cursor, hi)
            if i >= 0:
                j = text.find(c.markup, i + len(c.markup), hi)
                while j >= 0 and text.startswith("`", j + len(c.markup)):  # a longer run is not the closer
                    j = text.find(c.markup, j + len(c.markup) + 1, hi)
                cursor = j + len(c.markup) if j >= 0 else cursor
        elif t in ("html_inline", "text_special"):
            needle = c.content if t == "html_inline" else c.markup
            i = text.find(needle, cursor, hi) if needle else -1
            if i >= 0:
                cursor = i + len(needle)
                if t == "html_inline" and needle.startswith("<!--"):
                    comments.append((i, cursor))
        elif t == "link_open" and c.markup == "autolink":
            in_autolink = True
            i = text.find("<", cursor, hi)
            if i >= 0:
                cursor = i + 1
        elif t == "link_close" and in_autolink:
            in_autolink = False
            i = text.find(">", cursor, hi)
            if i >= 0:
                cursor = i + 1
        elif t == "link_close":
            i = text.find("]", cursor, hi)
            if i >= 0:
                cursor = _destination(text, i + 1, hi)
        elif t == "image":
            i = text.find("![", cursor, hi)
            if i >= 0:
                j = _close_bracket(text, i + 1, hi)
                cursor = _destination(text, j, hi) if j > 0 else cursor
    return cursor


def _matching(text: str, i: int, hi: int, opening: str, closing: str) -> int:
    """The offset after the `closing` that matches the `opening` at i, skipping escapes (-1 if none)."""
    depth = 0
    while i < hi:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _close_bracket(text: str, i: int, hi: int) -> int:
    """The offset after the `]` closing the `[` at i (-1 if none)."""
    return _matching(text, i, hi, "[", "]")


def _destination(text: str, i: int, hi: int) -> int:
    """Skip a link destination `(...)` or reference `[...]` starting at i; returns where prose may resume."""
    if i < hi and text[i] == "(":
        end = _matching(text, i, hi, "(", ")")
        return end if end >= 0 else i
    if i < hi and text[i] == "[":
        j = text.find("]", i, hi)
        return j + 1 if j >= 0 else i
    return i
