"""HTML, read by a small tokenizer of its own in one pass.

Prose is the text between tags. Not prose: tags and their attributes, comments, doctype and processing
instructions, CDATA sections, character references, the contents of `script`, `style`, `code`, `pre`, `kbd`,
`samp`, `var`, `math`, `svg`, `textarea`, `template` and `tt`. Character references are not prose either, so a
phrase written with `&nbsp;` between its words is not matched.

The tokenizer moves forward only, as browsers' do: a construct left open (a comment without `-->`, a tag or a
quoted attribute value without its end) runs to the end of the text, which is then not prose. So reading is
linear in the text's length whatever it holds (the standard library's `html.parser` goes back to retry an
unfinished construct at every `<` and takes quadratic time on, say, 50,000 unclosed `<!--` or `<a `).
"""

from __future__ import annotations

import re

from unspun.markup.registry import Reading

Span = tuple[int, int]

#: elements whose content is not prose
SKIP = frozenset({"script", "style", "code", "pre", "kbd", "samp", "var", "math", "svg", "textarea", "template", "tt"})
#: elements whose content is raw text, not markup (read up to their end tag)
_RAW = frozenset({"script", "style"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
#: the most open elements tracked; deeper ones are read but not remembered (their end tags are then ignored)
MAX_DEPTH = 512

_SPECIAL = re.compile(r"[<&]")
_TAG_NAME = re.compile(r"[A-Za-z][^\s/>\x00]*")
_IN_TAG = re.compile(r"[^>\"'=]*")
_SPACE = re.compile(r"\s*")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{0,40};?)")


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.stack: list[str] = []
        self.skipping = 0
        self.prose: list[Span] = []
        self.comments: list[Span] = []
        self._read()

    def _data(self, a: int, b: int) -> None:
        if a < b and not self.skipping:
            self.prose.append((a, b))

    def _read(self) -> None:
        text, n = self.text, len(self.text)
        i = data = 0  # data: where the current run of text began
        while True:
            m = _SPECIAL.search(text, i)
            if m is None:
                self._data(data, n)
                return
            j = m.start()
            if text[j] == "&":
                ref = _REFERENCE.match(text, j)
                if ref is None:
                    i = j + 1
                    continue
                self._data(data, j)
                i = data = ref.end()
                continue
            nxt = text[j + 1 : j + 2]
            if not nxt or not (nxt in "!?/" or ("a" <= nxt <= "z") or ("A" <= nxt <= "Z")):
                i = j + 1  # a "<" that starts nothing: text
                continue
            self._data(data, j)
            i = data = self._construct(j, nxt)

    def _construct(self, j: int, nxt: str) -> int:
        """Read the markup construct at `j` (a "<" followed by `nxt`); where it ends."""
        text, n = self.text, len(self.text)
        if text.startswith("<!--", j):
            k = text.find("-->", j + 4)
            end = n if k < 0 else k + 3
            self.comments.append((j, end))
            return end
        if text.startswith("<![CDATA[", j):
            k = text.find("]]>", j + 9)
            return n if k < 0 else k + 3
        if nxt in ("!", "?"):
            k = text.find(">", j + 2)
            return n if k < 0 else k + 1
        if nxt == "/":
            name = _TAG_NAME.match(text, j + 2)
            if name is None:
                if text.startswith("</>", j):
                    return j + 3
                k = text.find(">", j + 2)  # a bogus comment, as browsers read it
                return n if k < 0 else k + 1
            end = self._tag_end(name.end())
            self._end_tag(name.group().lower())
            return end
        name = _TAG_NAME.match(text, j + 1)
        assert name is not None  # (a letter follows)
        tag = name.group().lower()
        end = self._tag_end(name.end())
        if text[end - 2 : end] == "/>" or tag in _VOID:
            return end
        if tag in _RAW:
            close = re.compile(r"</" + re.escape(tag) + r"(?=[\s/>])", re.I).search(text, end)
            if close is None:
                return n
            return self._tag_end(close.end())
        self._start_tag(tag)
        return end

    def _tag_end(self, i: int) -> int:
        """The offset after the ">" closing a tag whose name ends at `i` (the end of the text if none does)."""
        text, n = self.text, len(self.text)
        while i < n:
            i = _IN_TAG.match(text, i).end()
            if i >= n:
                break
            c = text[i]
            if c == ">":
                return i + 1
            if c == "=":
                i = _SPACE.match(text, i + 1).end()
                if i < n and text[i] in "\"'":
                    k = text.find(text[i], i + 1)
                    if k < 0:
                        return n
                    i = k + 1
                continue
            i += 1  # a quote that does not open a value: part of an attribute name
        return n

    def _start_tag(self, tag: str) -> None:
        if len(self.stack) >= MAX_DEPTH:
            return
        self.stack.append(tag)
        if tag in SKIP:
            self.skipping += 1

    def _end_tag(self, tag: str) -> None:
        if tag not in self.stack:
            return
        while self.stack:
            t = self.stack.pop()
            if t in SKIP:
                self.skipping -= 1
            if t == tag:
                break


def segments(text: str) -> list[Span]:
    return _Reader(text).prose


def comments(text: str) -> list[Span]:
    return _Reader(text).comments


def read(text: str, comments: bool = True) -> Reading:
    """The text and the comments of an HTML document, from one pass."""
    reader = _Reader(text)
    return Reading(reader.prose, reader.comments)
