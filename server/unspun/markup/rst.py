"""reStructuredText, read by a line scanner.

docutils parses reStructuredText but keeps only line numbers, not positions inside lines, so this module reads
the block structure itself. Prose is the text of paragraphs, titles, lists, tables and the bodies of
admonition-like directives (`note`, `warning`, ...). Not prose: literal blocks (after `::`), doctest blocks,
comments, directives that hold code, math or files (`CODE_DIRECTIVES`) and the options of every directive,
hyperlink targets and substitution definitions, field names, inline literals (``` ``x`` ```), roles
(`` :ref:`x` ``, `` :math:`x` ``), the targets of embedded links (`` `text <url>`_ ``), substitution references and
default-role interpreted text (`` `x` ``).
"""

from __future__ import annotations

import re

from unspun.markup.lines import lines as split_lines
from unspun.markup.registry import Reading

Span = tuple[int, int]

CODE_DIRECTIVES = frozenset(
    """code code-block sourcecode literalinclude math raw highlight image figure include csv-table list-table
    toctree automodule autoclass autofunction automethod autoattribute autodata autoexception autosummary
    module currentmodule function class method attribute data exception envvar option program index only
    ifconfig graphviz digraph graph plot testcode testoutput doctest jupyter-execute ipython bibliography
    glossary-code parsed-literal productionlist""".split()
)

_DIRECTIVE = re.compile(r"(\s*)\.\.\s+(?:\|[^|]+\|\s+)?([\w:+.-]+)\s*::")
_EXPLICIT = re.compile(r"(\s*)\.\.(?:\s|$)")
_TARGET = re.compile(r"(\s*)\.\.\s+(?:_|\[[^\]]+\])")
_FIELD = re.compile(r"\s*:[^:\s][^:]*:(?=\s|$)")
_OPTION = re.compile(r"\s*:[\w -]+:")
_INLINE = re.compile(
    r"``.+?``"  # inline literal
    r"|:[\w:+.-]+:`[^`]*`"  # role before
    r"|`[^`]*`:[\w:+.-]+:"  # role after
    r"|<[^<>\s][^<>]*>(?=`_)"  # embedded link target
    r"|\|[^|\s][^|]*\|_{0,2}"  # substitution reference
    r"|(?<![`\w])`[^`]+`(?![`_:\w])",  # default-role interpreted text
    re.S,
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _read(text: str) -> tuple[list[Span], list[Span]]:
    lines = split_lines(text)
    prose: list[Span] = []
    comments: list[Span] = []
    i = 0
    n = len(lines)
    literal_next = False

    def block_end(k: int, indent: int) -> int:
        """The index after the block whose marker is line k: following lines that are blank or indented more."""
        j = k + 1
        while j < n and (not lines[j][2].strip() or _indent(lines[j][2]) > indent):
            j += 1
        while j - 1 > k and not lines[j - 1][2].strip():  # trailing blank lines belong to no one
            j -= 1
        return j

    while i < n:
        a, _b, line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        ind = _indent(line)
        if literal_next and i > 0:
            # the block after a paragraph ending in "::" is literal when indented (or quoted)
            literal_next = False
            prev = next((lines[k][2] for k in range(i - 1, -1, -1) if lines[k][2].strip()), "")
            if ind > _indent(prev) or stripped[0] in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
                j = i
                while j < n and (not lines[j][2].strip() or _indent(lines[j][2]) >= ind):
                    j += 1
                i = j
                continue
        d = _DIRECTIVE.match(line)
        if d:
            name = d.group(2).split(":")[-1].lower()
            end = block_end(i, ind)
            if name in CODE_DIRECTIVES or "|" in line.split("::")[0]:
                i = end
                continue
            # an admonition: its argument and body are prose, its options are not
            prose.append((a + d.end(), a + len(line)))
            j = i + 1
            while j < end and (not lines[j][2].strip() or _OPTION.match(lines[j][2])):
                j += 1
            _body(lines, j, end, prose)
            i = end
            continue
        if _TARGET.match(line):
            t = _TARGET.match(line)
            if "[" in t.group(0):  # footnote or citation: its text is prose
                end = block_end(i, ind)
                prose.append((a + t.end(), a + len(line)))
                _body(lines, i + 1, end, prose)
                i = end
            else:
                i = block_end(i, ind)
            continue
        if _EXPLICIT.match(line):
            end = block_end(i, ind)
            comments.append((a, lines[end - 1][0] + len(lines[end - 1][2])))
            i = end
            continue
        if stripped.startswith(">>>"):
            while i < n and lines[i][2].strip():
                i += 1
            continue
        f = _FIELD.match(line)
        start = a + (f.end() if f else 0)
        prose.append((start, a + len(line)))
        if stripped.endswith("::"):
            literal_next = True
        i += 1
    # inline markup never reaches across a blank line: it is looked for in each block of non-blank lines
    holes: list[Span] = []
    block: Span | None = None
    for a, _b, line in lines:
        if line.strip():
            block = (a, a + len(line)) if block is None else (block[0], a + len(line))
        elif block is not None:
            holes.extend(m.span() for m in _INLINE.finditer(text, *block))
            block = None
    if block is not None:
        holes.extend(m.span() for m in _INLINE.finditer(text, *block))
    return _minus(prose, holes), comments


#: what makes a chunk read differently in place, or another chunk read differently: an indented line (a block
#: quote, a literal block, a directive's body, a list item's continuation), an explicit markup line (`..`: a
#: directive or comment takes the indented chunks after it), and a line ending in `::` (the block after it is
#: literal)
_NOT_LOCAL = re.compile(r"^(?:[ \t]|\.\.)|::[ \t]*$", re.M)


def local(chunk: str, next_line: str, previous_line: str = "") -> bool:
    """Whether `chunk` (lines without a blank one) reads the same alone as in any document and changes the
    reading of no other chunk (see `unspun.markup.reread`), given the last line of the chunk before it (ending
    in `::`, it makes this one literal when it is indented or quoted). The chunk after it cannot read otherwise:
    only an explicit markup line or a `::` before it could make it part of something."""
    return _NOT_LOCAL.search(chunk) is None and not previous_line.rstrip().endswith("::")


def _body(lines, j: int, end: int, prose: list[Span]) -> None:
    for k in range(j, end):
        a, _b, line = lines[k]
        if line.strip():
            prose.append((a, a + len(line)))


def _minus(spans: list[Span], holes: list[Span]) -> list[Span]:
    from unspun.markup import subtract

    return subtract(spans, holes)


def segments(text: str) -> list[Span]:
    return _read(text)[0]


def comments(text: str) -> list[Span]:
    return _read(text)[1]


def read(text: str, comments: bool = True) -> Reading:
    """The prose and the comments of a reStructuredText document, from one pass."""
    return Reading(*_read(text))


# -- section titles under a fix ----------------------------------------------------------------------------

#: an underline or overline: one punctuation character repeated (at least twice), nothing else
_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1+[ \t]*")


def heading_edits(text: str, edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Further edits lengthening the underline (and overline) of every section title that `edits` (start,
    end, new text: non-overlapping) make longer than it: docutils warns about a title longer than its
    underline, and Sphinx with `-W` fails. Only a title whose adornment was long enough before is touched."""
    if not edits:
        return []
    table = split_lines(text)
    starts = [s for s, _e, _l in table]
    from bisect import bisect_right

    growth: dict[int, int] = {}
    for start, end, new in edits:
        k = bisect_right(starts, start) - 1
        if k >= 0 and end <= table[k][0] + len(table[k][2]):  # within one line
            growth[k] = growth.get(k, 0) + len(new) - (end - start)
    out: list[tuple[int, int, str]] = []
    for k, grow in sorted(growth.items()):
        title = table[k][2]
        if grow <= 0 or not title.strip() or title[:1] in " \t" or k + 1 >= len(table):
            continue
        under = _ADORNMENT.fullmatch(table[k + 1][2])
        width = len(title.rstrip())
        if under is None or len(under.group().rstrip()) < width:
            continue
        need = width + grow
        for j in (k + 1, k - 1):
            if j < 0:
                continue
            line = table[j][2]
            m = _ADORNMENT.fullmatch(line)
            if m is None or m.group(1) != under.group(1):
                continue
            have = len(line.rstrip())
            if have < need:
                at = table[j][0] + have
                out.append((at, at, m.group(1) * (need - have)))
    return out
