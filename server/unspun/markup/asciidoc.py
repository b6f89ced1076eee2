"""AsciiDoc, read by a line scanner.

Prose is the text of paragraphs, section titles, block titles (`.Title`), list items, table cells, and the
bodies of quote, sidebar, example and admonition blocks. Not prose: listing (`----`), literal (`....`),
passthrough (`++++`) and comment (`////`) blocks and their delimiters, line comments (`// ...`), attribute
entries (`:name: value`), block attribute lines (`[source,python]`, `[[id]]`), block macros
(`image::`, `include::`, `video::`, `toc::`), inline literals (`` `x` ``, `+x+`, `pass:[x]`), math
(`stem:[x]`, `latexmath:[x]`, `asciimath:[x]`), macro targets (`link:target[text]`, `xref:id[text]`,
`image:path[alt]`; their bracketed text stays prose), cross references (`<<id,text>>`: the id), anchors
(`[[id]]`, `[#id]`), attribute references (`{name}`), and the cell separators of tables.
"""

from __future__ import annotations

import re

from unspun.markup.lines import lines
from unspun.markup.registry import Reading

Span = tuple[int, int]

#: delimiters of blocks whose content is not prose
_VERBATIM = re.compile(r"^(-{4,}|\.{4,}|\+{4,}|/{4,}|`{3}.*)$")
_ATTRIBUTE_ENTRY = re.compile(r"^:!?[\w-]+!?:(?:\s|$)")
_BLOCK_ATTRIBUTES = re.compile(r"^\[[^\]]*\]$")
_BLOCK_MACRO = re.compile(r"^[a-z][\w-]*::\S*\[.*\]$")
_LINE_COMMENT = re.compile(r"^//(?!/)")
_PROSE_DELIMITER = re.compile(r"^(={4,}|\*{4,}|_{4,}|-{2}|\|={3,}|!={3,})$")
#: inline macros whose whole text is not prose, and those whose target is not (their bracketed text is)
_WHOLE_MACROS = ("pass", "stem", "latexmath", "asciimath", "kbd", "btn", "menu")
_TARGET_MACROS = ("link", "xref", "mailto", "image", "footnote", "anchor", "indexterm", "indexterm2", "include")


def _after_name(names: tuple[str, ...]) -> str:
    # a macro is matched from its colon, the name checked behind it: every alternative of the pattern then
    # begins with a literal character, which the regular expression engine scans for quickly (a name tried at
    # every word boundary of the text made this pattern most of the cost of reading a long document)
    return ":(?:" + "|".join(rf"(?<=\b{name}:)" for name in names) + ")"


#: the longest inline construct looked for, in characters: every scan for a closer stops this far away, so a
#: line of many openers without closers (`pass:[` 20,000 times) is read in linear time, not quadratic
MAX_INLINE = 1000
_N = f"{{0,{MAX_INLINE}}}"
#: the same for ids (cross references, anchors)
_ID = "{0,200}"

_INLINE = re.compile(
    rf"`[^`\n]{{1,{MAX_INLINE}}}`"  # literal
    rf"|\+\+?[^+\n]{{1,{MAX_INLINE}}}\+\+?"  # literal passthrough
    + "|" + _after_name(_WHOLE_MACROS) + rf"[^\[\s]{_N}\[[^\]\n]{_N}\]"  # inline passthrough, math, UI
    + "|" + _after_name(_TARGET_MACROS) + rf"[^\[\s]{_N}(?=\[)"  # macro targets
    + rf"|<<[^,>\n]{_ID}(?=,)|<<[^>\n]{_N}>>"  # cross reference ids (the text after a comma stays)
    rf"|\[\[[^\]\n]{_ID}\]\]|\[#[^\]\n]{_ID}\]"  # anchors
    r"|\{[\w-]{1,200}\}"  # attribute references
)


def _read(text: str) -> tuple[list[Span], list[Span]]:
    prose: list[Span] = []
    comments: list[Span] = []
    fence: str | None = None  # the delimiter of the verbatim block we are in
    for start, _end, line in lines(text):
        stripped = line.strip()
        if fence is not None:
            if stripped == fence or (fence.startswith("```") and stripped == "```"):
                fence = None
            elif fence.startswith("/"):
                comments.append((start, start + len(line)))
            continue
        if _VERBATIM.match(stripped):
            fence = stripped if not stripped.startswith("```") else "```"
            continue
        if not stripped or _PROSE_DELIMITER.match(stripped):
            continue
        if _LINE_COMMENT.match(stripped):
            comments.append((start, start + len(line)))
            continue
        if _ATTRIBUTE_ENTRY.match(stripped) or _BLOCK_ATTRIBUTES.match(stripped) or _BLOCK_MACRO.match(stripped):
            continue
        prose.extend(_inline_prose(line, start))
    return prose, comments


def _inline_prose(line: str, base: int) -> list[Span]:
    out: list[Span] = []
    pos = 0
    for m in _INLINE.finditer(line):
        start = m.start()
        if line[start] == ":":  # a macro, matched from its colon: it begins at its name
            while start > pos and (line[start - 1].isalnum() or line[start - 1] == "_"):
                start -= 1
        if start > pos:
            out.append((base + pos, base + start))
        pos = m.end()
    if pos < len(line):
        out.append((base + pos, base + len(line)))
    # table cell separators are markup: cut the spans at them
    if "|" not in line:
        return out
    cut: list[Span] = []
    for a, b in out:
        s = a
        k = line.find("|", a - base, b - base)
        while k >= 0:
            if base + k > s:
                cut.append((s, base + k))
            s = base + k + 1
            k = line.find("|", k + 1, b - base)
        if b > s:
            cut.append((s, b))
    return cut


def local(chunk: str, next_line: str, previous_line: str = "") -> bool:
    """Whether `chunk` (lines without a blank one) reads the same alone as in any document and changes the
    reading of no other chunk (see `unspun.markup.reread`): every line is read alone except inside a delimited
    verbatim block, so a chunk without a block delimiter is."""
    return not any(_VERBATIM.match(line.strip()) for line in chunk.split("\n"))


def segments(text: str) -> list[Span]:
    return _read(text)[0]


def comments(text: str) -> list[Span]:
    return _read(text)[1]


def read(text: str, comments: bool = True) -> Reading:
    """The prose and the comments of an AsciiDoc document, from one pass."""
    return Reading(*_read(text))
