#!/usr/bin/env python3
"""Markup reading speed: the time to find the prose of a document in each format, against its size.

    python3 bench/markup_speed.py [--sizes 10000,100000] [--runs 7]

The language server reads the whole document's markup again on every keystroke (the engine's paragraph cache
makes the rest of a keystroke cost little), so this time is part of every edit's latency. Each document is
the clean benchmark prose (`bench/inputs.py`) dressed in the format's usual markup: a section heading every
ten paragraphs; in each paragraph an emphasised word, an inline code span and a link; a code block every
fifteen paragraphs and a table (where the format has one) every thirty. Prints the median milliseconds of
`unspun.markup.extract` per format and size, reading the whole text, and reading it after a keystroke from
the reading before it (`extract(..., previous=...)`, as the language server does; a format that cannot read a
changed chunk alone reads the whole text there too). Each reading is of a text with one more letter typed in
a paragraph in its middle, a different one for each, so no reader's memory of a text answers. The whole
reading is also given per 10,000 words (flat when reading is linear). The `python` row reads this package's
own source (comments and docstrings are its prose), as many whitespace-separated tokens as the column says.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import inputs

from unspun import markup


def _dress(fmt: str, paras: list[str]) -> str:
    out: list[str] = []
    for i, p in enumerate(paras):
        words = p.split(" ")
        if len(words) > 12:  # emphasis, code and a link inside the paragraph
            w = words
            if fmt == "markdown":
                w[3], w[7], w[11] = f"*{w[3]}*", f"`{w[7]}`", f"[{w[11]}](https://example.com/{i})"
            elif fmt == "asciidoc":
                w[3], w[7], w[11] = f"_{w[3]}_", f"`{w[7]}`", f"link:https://example.com/{i}[{w[11]}]"
            elif fmt == "rst":
                w[3], w[7], w[11] = f"*{w[3]}*", f"``{w[7]}``", f"`{w[11]} <https://example.com/{i}>`_"
            elif fmt == "latex":
                w[3], w[7], w[11] = rf"\emph{{{w[3]}}}", rf"\texttt{{{w[7]}}}", rf"{w[11]}~\cite{{key{i}}}"
            elif fmt == "html":
                w[3], w[7], w[11] = f"<em>{w[3]}</em>", f"<code>{w[7]}</code>", f'<a href="/x/{i}">{w[11]}</a>'
            p = " ".join(w)
        if i % 10 == 0:
            title = f"Part {i // 10}"
            out.append({
                "markdown": f"## {title}", "asciidoc": f"== {title}", "rst": f"{title}\n{'=' * len(title)}",
                "latex": rf"\section{{{title}}}", "html": f"<h2>{title}</h2>", "plain": title,
            }[fmt])
        out.append(f"<p>{p}</p>" if fmt == "html" else p)
        if i % 15 == 7:
            out.append({
                "markdown": "```python\nx = compute(1)\nprint(x)\n```",
                "asciidoc": "[source,python]\n----\nx = compute(1)\nprint(x)\n----",
                "rst": ".. code-block:: python\n\n   x = compute(1)\n   print(x)",
                "latex": "\\begin{verbatim}\nx = compute(1)\n\\end{verbatim}",
                "html": "<pre><code>x = compute(1)\nprint(x)</code></pre>",
                "plain": "x = compute(1)",
            }[fmt])
        if i % 30 == 20 and fmt in ("markdown", "asciidoc", "html"):
            out.append({
                "markdown": "| name | value |\n|---|---|\n| alpha | one |\n| beta | two |",
                "asciidoc": "|===\n| name | value\n| alpha | one\n| beta | two\n|===",
                "html": "<table><tr><td>alpha</td><td>one</td></tr></table>",
            }[fmt])
    return "\n\n".join(out)


FORMATS = ("plain", "markdown", "asciidoc", "rst", "latex", "html", "python")


def _source(words: int) -> str:
    """Python source of about `words` whitespace-separated tokens: this package's modules, one after the other
    (repeated past their end), read with comments and docstrings as prose."""
    files = sorted((inputs.ROOT / "server" / "unspun").rglob("*.py"))
    out, n = [], 0
    while n < words:
        for f in files:
            text = f.read_text(encoding="utf-8")
            out.append(text)
            n += len(text.split())
            if n >= words:
                break
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--formats", default=",".join(FORMATS))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| format | " + " | ".join(f"{s:,} words: whole / after a keystroke, ms" for s in sizes)
          + " | whole, ms per 10,000 words |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for fmt in args.formats.split(","):
        cells, per = [], []
        for size in sizes:
            doc = _source(size) if fmt == "python" else _dress(fmt, inputs.document("clean", size).split("\n\n"))
            before = markup.extract(doc, fmt)  # (also compiles the format's patterns)
            whole, after = [], []
            for k in range(args.runs):
                # a keystroke's text: a letter typed in a paragraph in the middle (a reader may keep its last
                # few results)
                at = doc.index(" ", len(doc) // 2 + 100 * k)
                typed = doc[:at] + "s" + doc[at:]
                at = doc.index(" ", at + 50)
                other = doc[:at] + "s" + doc[at:]
                t0 = time.perf_counter()
                markup.extract(typed, fmt)
                t1 = time.perf_counter()
                markup.extract(other, fmt, previous=before)
                whole.append(t1 - t0)
                after.append(time.perf_counter() - t1)
            ms = statistics.median(whole) * 1e3
            cells.append(f"{ms:.1f} / {statistics.median(after) * 1e3:.2f}")
            per.append(f"{ms * 10_000 / size:.1f}")
        print(f"| {fmt} | " + " | ".join(cells) + " | " + " / ".join(per) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
