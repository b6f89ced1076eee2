"""LaTeX and BibTeX, read by a small scanner (no LaTeX parser for Python keeps source positions well enough).

LaTeX prose is the text of the document body and the argument of `\\title`. Not prose: command names, the
arguments of commands that take keys, paths, URLs or code (`\\cite`, `\\ref`, `\\label`, `\\url`, `\\href`'s
target, `\\includegraphics`, `\\usepackage`, `\\newcommand`, ...; see `KEY_COMMANDS`), inline and display math,
math and verbatim environments (`MATH_ENVIRONMENTS`, `VERBATIM_ENVIRONMENTS`), `\\verb`, comments, and the
preamble. Arguments of other commands (`\\emph{...}`, `\\section{...}`, `\\footnote{...}`) are prose.

BibTeX prose is the value of the fields in `BIB_PROSE_FIELDS` (title, abstract, note, ...), read as LaTeX; entry
types, citation keys, field names and every other field are not.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left

from unspun.markup.registry import Reading

Span = tuple[int, int]

#: commands whose arguments (all of them, optional and mandatory) are not prose
KEY_COMMANDS = frozenset(
    """cite citep citet citealp citealt citeauthor citeyear citeyearpar nocite parencite textcite autocite footcite
    fullcite smartcite supercite cites ref eqref pageref autoref cref Cref vref nameref labelcref label url nolinkurl
    path includegraphics input include includeonly bibliography bibliographystyle addbibresource usepackage
    RequirePackage documentclass newcommand renewcommand providecommand newenvironment renewenvironment
    DeclareMathOperator DeclareRobustCommand setlength addtolength setcounter addtocounter stepcounter hypersetup
    graphicspath lstinputlisting inputminted lstset pagestyle thispagestyle numberwithin hspace vspace includepdf
    newtheorem theoremstyle definecolor color geometry bibitem crefname Crefname let def newlength pgfplotsset
    tikzset usetikzlibrary mintinline lstinline""".split()
)
#: commands whose first mandatory argument only is not prose (the rest is)
FIRST_ARG_COMMANDS = frozenset({"href", "textcolor", "colorbox", "hyperref", "foreignlanguage"})
MATH_ENVIRONMENTS = frozenset(
    """equation equation* align align* alignat alignat* flalign flalign* gather gather* multline multline* eqnarray
    eqnarray* math displaymath dmath dmath* split subequations""".split()
)
VERBATIM_ENVIRONMENTS = frozenset(
    """verbatim verbatim* Verbatim BVerbatim lstlisting minted comment alltt filecontents filecontents* tikzpicture
    pgfpicture forest""".split()
)
#: environments whose first mandatory argument is a specification, not prose
SPEC_ENVIRONMENTS = frozenset({"tabular", "tabular*", "tabularx", "array", "longtable", "minipage", "wrapfigure", "multicols", "thebibliography"})
BIB_PROSE_FIELDS = frozenset({"title", "booktitle", "subtitle", "abstract", "note", "annote", "annotation", "titleaddon"})

_CMD = re.compile(r"\\([A-Za-z@]+\*?|.)", re.S)
_SPECIAL = re.compile(r"[%$\\]")
_ESCAPE_OR_DOLLAR = re.compile(r"\\.|\$", re.S)
_ESCAPE_OR_DOUBLE = re.compile(r"\\.|\$\$", re.S)
_BEGIN_DOC = re.compile(r"\\begin\s*\{document\}")
_TITLE = re.compile(r"\\title\s*(?:\[[^\]]*\]\s*)?\{")


def _group(text: str, i: int, open_: str, close: str) -> int:
    """The offset after the group opened at text[i] (balanced, backslash escapes skipped); -1 if unclosed.

    Once a group of a text is found unclosed (which cost a scan to the end of the text), the openers of that
    text that are never closed are listed in one more pass, and each later call for one of them answers at
    once: a text of many unclosed groups (`\\href{` 20,000 times) is read in linear time, not quadratic."""
    table = _UNCLOSED.get(open_)
    if table is not None and table[0] is text:
        k = bisect_left(table[1], i)
        if k < len(table[1]) and table[1][k] == i:
            return -1
    end = _scan_group(text, i, open_, close)
    if end < 0 and (table is None or table[0] is not text):
        _UNCLOSED[open_] = (text, _unclosed(text, open_, close))
    return end


#: opener -> (the text, the sorted offsets of its openers that are never closed), for the last text read
_UNCLOSED: dict[str, tuple[str, array]] = {}
_GROUP_TOKENS = {"{": re.compile(r"\\.|%[^\n]*\n?|[{}]", re.S), "[": re.compile(r"\\.|[\[\]]", re.S)}


def _unclosed(text: str, open_: str, close: str) -> array:
    """The offsets of the openers that `_scan_group` finds unclosed, in one pass (the same tokens: escapes,
    and comments for braces)."""
    stack: list[int] = []
    for m in _GROUP_TOKENS[open_].finditer(text):
        c = m.group()
        if c == open_:
            stack.append(m.start())
        elif c == close and stack:
            stack.pop()
    return array("q", stack)


def _scan_group(text: str, i: int, open_: str, close: str) -> int:
    depth = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "%" and open_ == "{":
            nl = text.find("\n", i)
            i = n if nl < 0 else nl + 1
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] in "\r\n":  # one line break may separate a command from its argument
        j = i + (2 if text.startswith("\r\n", i) else 1)
        k = j
        while k < n and text[k] in " \t":
            k += 1
        if k < n and text[k] not in "\r\n":
            return k
    return i


def _args(text: str, i: int, limit: int | None = None) -> int:
    """Skip the arguments (`[...]` and `{...}`) after a command; at most `limit` mandatory ones."""
    taken = 0
    while True:
        j = _skip_space(text, i)
        if j < len(text) and text[j] == "[":
            end = _group(text, j, "[", "]")
        elif j < len(text) and text[j] == "{" and (limit is None or taken < limit):
            end = _group(text, j, "{", "}")
            taken += 1
        else:
            return i
        if end < 0:
            return i
        i = end


def _scan(text: str, start: int, end: int, prose: list[Span], comments: list[Span]) -> None:
    i = start
    run = start

    def cut(a: int, b: int) -> None:
        nonlocal run
        if a > run:
            prose.append((run, a))
        run = b

    while i < end:
        ch = text[i]
        if ch == "%":
            nl = text.find("\n", i, end)
            j = end if nl < 0 else nl
            comments.append((i, j))
            cut(i, j)
            i = j
        elif ch == "$":
            double = text.startswith("$$", i)
            closer = "$$" if double else "$"
            # the closer: the first one not escaped (an escape takes the character after it)
            pattern = _ESCAPE_OR_DOUBLE if double else _ESCAPE_OR_DOLLAR
            m = pattern.search(text, i + len(closer), end)
            while m is not None and text[m.start()] == "\\":
                m = pattern.search(text, m.end(), end)
            j = end if m is None else min(end, m.end())
            cut(i, j)
            i = j
        elif ch == "\\":
            m = _CMD.match(text, i, end)
            if not m:
                cut(i, i + 1)
                i += 1
                continue
            name = m.group(1)
            j = m.end()
            if name in ("(", "["):
                closer = "\\)" if name == "(" else "\\]"
                k = text.find(closer, j, end)
                j = end if k < 0 else k + 2
            elif name == "verb" or name == "verb*":
                if j < end:
                    k = text.find(text[j], j + 1, end)
                    j = end if k < 0 else k + 1
            elif name in ("begin", "end"):
                k = _skip_space(text, j)
                if k < end and text[k] == "{":
                    close = _group(text, k, "{", "}")
                    env = text[k + 1 : close - 1].strip() if close > 0 else ""
                    j = close if close > 0 else j
                    if name == "begin" and (env in MATH_ENVIRONMENTS or env in VERBATIM_ENVIRONMENTS):
                        stop = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}").search(text, j, end)
                        j = stop.end() if stop else end
                    elif name == "begin":
                        j = _args(text, j, 1 if env in SPEC_ENVIRONMENTS else 0)
            elif name.rstrip("*") in KEY_COMMANDS:
                j = _args(text, j)
                if name.rstrip("*") in ("def", "let"):
                    k = _CMD.match(text, _skip_space(text, j), end)
                    j = _args(text, k.end() if k else j)
            elif name in FIRST_ARG_COMMANDS:
                j = _args(text, j, 1)
            cut(i, j)
            i = j
        else:  # prose: on to the next character that may begin something else
            m = _SPECIAL.search(text, i, end)
            i = end if m is None else m.start()
    if run < end:
        prose.append((run, end))


def _read(text: str) -> tuple[list[Span], list[Span]]:
    prose: list[Span] = []
    comments: list[Span] = []
    body = _BEGIN_DOC.search(text)
    if body is None:
        _scan(text, 0, len(text), prose, comments)
        return prose, comments
    # the preamble: comments (for directives) and the title only
    pre: list[Span] = []
    _scan(text, 0, body.start(), pre, comments)
    starts = [a for a, _ in comments]
    for t in _TITLE.finditer(text, 0, body.start()):
        k = bisect_left(starts, t.start() + 1) - 1
        if k >= 0 and comments[k][0] <= t.start() < comments[k][1]:
            continue  # commented out
        close = _group(text, t.end() - 1, "{", "}")
        if close > 0:
            _scan(text, t.end(), close - 1, prose, [])
    _scan(text, body.end(), len(text), prose, comments)
    end_doc = re.compile(r"\\end\s*\{document\}").search(text, body.end())
    if end_doc:
        prose[:] = [(a, min(b, end_doc.start())) for a, b in prose if a < end_doc.start()]
    return prose, comments


def segments(text: str) -> list[Span]:
    return _read(text)[0]


def comments(text: str) -> list[Span]:
    return _read(text)[1]


def read(text: str, comments: bool = True) -> Reading:
    """The prose and the comments of a LaTeX text, from one pass."""
    return Reading(*_read(text))


# -- BibTeX ---------------------------------------------------------------------------------------------------

_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_FIELD = re.compile(r"\s*,?\s*([A-Za-z][\w:.+-]*)\s*=\s*")


def _bib(text: str) -> tuple[list[Span], list[Span]]:
    prose: list[Span] = []
    comments: list[Span] = []
    pos = 0
    n = len(text)
    for m in re.finditer(r"(?m)^[ \t]*%[^\r\n]*", text):
        comments.append((m.start(), m.end()))
    while True:
        e = _ENTRY.search(text, pos)
        if e is None:
            break
        kind = e.group(1).lower()
        opener = text[e.end() - 1]
        close = _group(text, e.end() - 1, opener, "}" if opener == "{" else ")")
        end = n if close < 0 else close - 1
        pos = end + 1
        if kind in ("comment", "preamble", "string"):
            continue
        i = text.find(",", e.end(), end)  # after the key
        if i < 0:
            continue
        i += 1
        while i < end:
            f = _FIELD.match(text, i, end)
            if not f:
                break
            name = f.group(1).lower()
            j = f.end()
            while j < end:  # a value: {...}, "..." or a macro/number, joined by #
                if text[j] == "{":
                    k = _group(text, j, "{", "}")
                    k = end if k < 0 else k
                    if name in BIB_PROSE_FIELDS:
                        _scan(text, j + 1, k - 1, prose, [])
                    j = k
                elif text[j] == '"':
                    k = j + 1
                    depth = 0
                    while k < end and not (text[k] == '"' and depth == 0):
                        depth += {"{": 1, "}": -1}.get(text[k], 0)
                        k += 2 if text[k] == "\\" else 1
                    if name in BIB_PROSE_FIELDS:
                        _scan(text, j + 1, k, prose, [])
                    j = min(end, k + 1)
                else:
                    w = re.compile(r"[^\s,#}]*").match(text, j, end)
                    j = w.end() if w and w.end() > j else j + 1
                s = re.compile(r"\s*#\s*").match(text, j, end)
                if s and s.end() > j:
                    j = s.end()
                    continue
                break
            i = j
            c = re.compile(r"\s*,").match(text, i, end)
            if c is None:
                break
    return prose, comments


def bibtex_segments(text: str) -> list[Span]:
    return _bib(text)[0]


def bibtex_comments(text: str) -> list[Span]:
    return _bib(text)[1]


def bibtex_read(text: str, comments: bool = True) -> Reading:
    """The prose fields and the comments of a BibTeX file, from one pass."""
    return Reading(*_bib(text))
