"""Which parts of a document are prose.

Each format is one module with one function, `read(text, comments=True) -> registry.Reading`: the code-point
spans of prose (`segments`) and the spans of the format's comments, where control directives live (`comments`),
found in one reading of the text (the modules' `segments(text)` and `comments(text)` give each alone). This package adds what every format shares: URLs and e-mail addresses are never prose, and inline
control comments (`unspun: disable`, `enable`, `disable-next-line`, `ignore "phrase"`) become disabled ranges
and ignored phrases.

The engine stays markup-agnostic: `Engine.analyze(text, segments=prose.segments)` masks the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from unspun.markup import registry
from unspun.markup.registry import format_for_language, format_for_path, formats
from unspun.markup.reread import reread as _reread_chunk

Span = tuple[int, int]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prose:
    """The prose of a document: spans to analyse, phrases its directives ignore, and the ranges they disable."""

    format: str
    #: sorted spans (a tuple, or a `reread.MovedSpans` after an edit: it compares equal to the tuple)
    segments: Sequence[Span]
    ignored: frozenset[str] = frozenset()
    disabled: tuple[Span, ...] = ()
    #: the text read, when it holds no control directive: `extract(next_version, format, previous=this)` then
    #: reads only the chunk an edit changed (see `unspun.markup.reread`)
    source: str | None = field(default=None, compare=False, repr=False)
    #: (start, end in the previous text, end in this one) when read from a previous reading: outside that
    #: stretch the text and its prose are the previous ones, moved by the change in length after it (a hint
    #: for `Engine.prepare`); the stretch begins and ends at a line break or an end of the text
    changed: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)


_URL = re.compile(
    r"""(?:\b(?:https?|ftp|file)://|\bwww\.|\bmailto:)[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}]"""
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
)
_DIRECTIVE = re.compile(
    r"""unspun:\s*(?:(?P<cmd>disable-next-line|disable|enable)\b|ignore\s*(?P<phrases>(?:(?:"[^"\n]*"|'[^'\n]*'|“[^”\n]*”)\s*,?\s*)+))"""
)
_QUOTED = re.compile(r""""([^"\n]*)"|'([^'\n]*)'|“([^”\n]*)”""")


def url_spans(text: str, colons: list[int] | None = None) -> list[Span]:
    """Spans of URLs and e-mail addresses (`colons`: `_colons(text)`, when the caller has it).

    Neither holds white space, and each holds one of a few markers ("://", "mailto:", "www.", "@"), so the
    address pattern is tried only on the runs of non-space characters that hold a marker: tried at every word
    of a long document, it costs more than all the rest of a keystroke's work. The pattern finds in such a run
    what it finds there in the whole text (no match reaches across white space, and the run begins and ends at
    one or at an end of the text). The markers with a colon are found from the colons (see `_colons`)."""
    runs: set[Span] = set()

    def run_at(i: int) -> int:
        # the run of non-space characters around `i`: back to the last white space before it (searched in a
        # window that widens until it holds one), on to the first after it
        width = 64
        while True:
            lo = max(0, i - width)
            m = _LAST_SPACE.match(text, lo, i)
            if m is not None or lo == 0:
                a = m.end() if m is not None else 0
                break
            width *= 4
        b = _NON_SPACE.match(text, i).end()
        runs.add((a, b))
        return b

    if colons is None:
        colons = _colons(text)
    if colons is _TOO_MANY:  # a text full of colons (a table, a log): the markers themselves are searched
        markers: tuple[str, ...] = ("://", "mailto:", "www.", "@")
    else:
        markers = ("www.", "@")
        for i in colons:
            if text.startswith("//", i + 1) or (i >= 6 and text.startswith("mailto", i - 6)):
                run_at(i)
    for marker in markers:
        i = text.find(marker)
        while i >= 0:
            i = text.find(marker, max(run_at(i), i + 1))
    return [m.span() for a, b in sorted(runs) for m in _URL.finditer(text, a, b)]


#: the text up to its last white space, and a run of non-space characters (for `url_spans`)
_LAST_SPACE = re.compile(r".*\s", re.S)
_NON_SPACE = re.compile(r"\S*")


def _holds_directive(text: str, colons: list[int] | None = None) -> bool:
    """Whether "unspun:" occurs in `text`, found from its colons (`_colons(text)`)."""
    if colons is None:
        colons = _colons(text)
    if colons is _TOO_MANY:
        return "unspun:" in text
    return any(i >= 6 and text.startswith("unspun", i - 6) for i in colons)


def _colons(text: str) -> list[int]:
    """Where the colons of `text` are, or `_TOO_MANY` past `_COLONS_WALKED` of them. The markers of addresses
    and directives that hold a colon are looked for there: a search for one character is several times faster
    than one for several, and prose has few colons."""
    out: list[int] = []
    i = text.find(":")
    while i >= 0:
        if len(out) == _COLONS_WALKED:
            return _TOO_MANY
        out.append(i)
        i = text.find(":", i + 1)
    return out


#: colons looked at one by one; past this many, the markers themselves are searched for
_COLONS_WALKED = 2000
_TOO_MANY: list[int] = []


def prose_segments(text: str, format: str) -> list[Span]:
    """Code-point spans of prose in `text` read as `format` (URLs and e-mail addresses left out)."""
    return subtract(registry.reader(format)(text, comments=False).segments, url_spans(text))


def extract(
    text: str, format: str, previous: Prose | None = None, edit: tuple[str, int, int, int] | None = None
) -> Prose:
    """The prose of `text` with its control comments applied. With `previous` (what this returned for an
    earlier version of the text, e.g. before a keystroke), only what the edit changed may be read again: the
    same result, in a fraction of the time for a long document (see `unspun.markup.reread`). `edit`, when the
    caller knows what changed (an editor's change), is (the text before, start, end in it, end in `text`);
    it is used when that text is the one `previous` read."""
    if previous is not None and previous.source is not None and previous.format == format and "unspun:" not in text:
        local = registry.local_check(format)
        if local is not None:
            known = edit[1:] if edit is not None and edit[0] is previous.source else None
            try:
                found = _reread_chunk(
                    previous.source, previous.segments, text, lambda t: prose_segments(t, format), local, known
                )
            except Exception as e:  # noqa: BLE001 - reading the chunk again must never cost the whole reading
                log.warning("could not read the changed %s chunk again (%s); reading the whole text", format, e)
                found = None
            if found is not None:
                return Prose(format, found[0], source=text, changed=found[1])
    colons = _colons(text)
    held = _holds_directive(text, colons)
    reading = registry.reader(format)(text, comments=held)  # comments matter only for their directives
    segs = reading.segments
    disabled, ignored, directive_spans = directives(text, reading.comments if held else [])
    segs = subtract(segs, url_spans(text, colons) + disabled + directive_spans)
    return Prose(format, tuple(segs), frozenset(ignored), tuple(disabled), source=None if held else text)


def directives(text: str, comments: list[Span]) -> tuple[list[Span], list[str], list[Span]]:
    """(disabled ranges, ignored phrases, spans of the comments that hold directives) from `comments`."""
    disabled: list[Span] = []
    ignored: list[str] = []
    holders: list[Span] = []
    off: int | None = None
    for a, b in sorted(comments):
        body = text[a:b]
        found = False
        for m in _DIRECTIVE.finditer(body):
            found = True
            cmd = m.group("cmd")
            if cmd == "disable":
                if off is None:
                    off = a
            elif cmd == "enable":
                if off is not None:
                    disabled.append((off, b))
                    off = None
            elif cmd == "disable-next-line":
                start = _line_end(text, b)
                disabled.append((start, _line_end(text, start)))
            else:
                for q in _QUOTED.finditer(m.group("phrases")):
                    phrase = next(g for g in q.groups() if g is not None)
                    if phrase.strip():
                        ignored.append(phrase)
        if found:
            holders.append((a, b))
    if off is not None:
        disabled.append((off, len(text)))
    return disabled, ignored, holders


def _line_end(text: str, i: int) -> int:
    """The offset just after the line break that ends the line holding `i` (or the end of the text)."""
    m = re.compile(r"\r\n|\r|\n").search(text, i)
    return m.end() if m else len(text)


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """`spans` (merged) without `holes`."""
    out: list[Span] = []
    holes = merge(list(holes))
    k = 0
    for a, b in merge(spans):
        while k < len(holes) and holes[k][1] <= a:
            k += 1
        pos = a
        j = k
        while j < len(holes) and holes[j][0] < b:
            h0, h1 = holes[j]
            if h0 > pos:
                out.append((pos, h0))
            pos = max(pos, h1)
            j += 1
        if pos < b:
            out.append((pos, b))
    return out


def merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


__all__ = ["Prose", "extract", "format_for_language", "format_for_path", "formats", "prose_segments", "subtract"]
