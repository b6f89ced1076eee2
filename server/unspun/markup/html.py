"""HTML through the standard library's `html.parser`.

Prose is the text between tags. Not prose: tags and their attributes, comments, character references, the
contents of `script`, `style`, `code`, `pre`, `kbd`, `samp`, `var`, `math`, `svg`, `textarea` and `template`.
Character references are not prose either, so a phrase written with `&nbsp;` between its words is not matched.
Where `html.parser` gives up on broken markup, the text after that point is not checked.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate
from html.parser import HTMLParser

Span = tuple[int, int]

#: elements whose content is not prose
SKIP = frozenset({"script", "style", "code", "pre", "kbd", "samp", "var", "math", "svg", "textarea", "template", "tt"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)


class _Reader(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        # where each line begins (html.parser counts lines at "\n" only)
        self.starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]
        self.stack: list[str] = []
        self.skipping = 0
        self.prose: list[Span] = []
        self.comments: list[Span] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        self.stack.append(tag)
        if tag in SKIP:
            self.skipping += 1

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            t = self.stack.pop()
            if t in SKIP:
                self.skipping -= 1
            if t == tag:
                break

    def handle_data(self, data):
        if not self.skipping and data:
            a = self._offset()
            self.prose.append((a, a + len(data)))

    def handle_comment(self, data):
        a = self._offset()
        end = self.text.find("-->", a)
        self.comments.append((a, end + 3 if end >= 0 else len(self.text)))


@lru_cache(maxsize=4)
def _read(text: str) -> _Reader:
    r = _Reader(text)
    try:
        r.feed(text)
        r.close()
    except Exception:  # noqa: BLE001 - html.parser gives up on some broken markup: keep what was read
        pass
    return r


def segments(text: str) -> list[Span]:
    return _read(text).prose


def comments(text: str) -> list[Span]:
    return _read(text).comments
