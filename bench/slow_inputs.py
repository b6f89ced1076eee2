#!/usr/bin/env python3
"""Adversarial inputs against their time budgets: each markup reader on the input that once made it slow,
and the language server on a document far over its size limit.

    python3 bench/slow_inputs.py [--only NAME] [--scale 1.0] [--no-server]

Each case runs once (the readers cache nothing between cases: every text is new) and is compared with its
budget; the table gives the input size, the time, the budget and OK / OVER. The exit status is 1 when a case
is over its budget, so CI can run this script; the unit tests never assert a time. `--scale` multiplies the
input sizes (0.1 for a quick look; budgets scale with it).

Readers (`unspun.markup.extract`, the whole reading of one text):

* repeated unclosed constructs -- `<!--`, `<a `, `<a x='` in HTML; `<!--`, `[`, `$` in Markdown; `\\href{`
  and commented-out `\\title{` in LaTeX; `pass:[`, `<<`, `[[` in AsciiDoc -- each a quadratic path once;
* Markdown nested 3,000 deep (an indented list, a `>` chain, a line of list markers).

The server (`unspun serve`, default settings): a 50 MB `didOpen` (ten times `maxDocumentSize`), then a hover
on another, small document: the time until that hover is answered, and how much the server's peak resident
memory grew from before the didOpen to after the large document's diagnostics.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from unspun import markup

#: (name, format, text maker (size -> text), size, budget in seconds at scale 1)
READER_CASES: list[tuple[str, str, Callable[[int], str], int, float]] = [
    ("html unclosed <!--", "html", lambda n: "<!-- " * n, 50_000, 0.5),
    ("html unclosed <a", "html", lambda n: "<a " * n, 50_000, 0.5),
    ("html unclosed quote", "html", lambda n: "<a x=' " * n, 50_000, 0.5),
    ("html nested <div>", "html", lambda n: "<div>" * n + "text" + "</div>" * n, 50_000, 1.0),
    ("markdown unclosed <!--", "markdown", lambda n: "<!-- " * n, 50_000, 1.0),
    ("markdown list 3,000 deep", "markdown", lambda n: "".join("  " * i + "- item\n" for i in range(n)), 3_000, 2.0),
    ("markdown > 3,000 deep", "markdown", lambda n: "> " * n + "text\n", 3_000, 0.5),
    ("markdown markers 3,000 deep", "markdown", lambda n: "- " * n + "text\n", 3_000, 0.5),
    ("markdown unclosed [", "markdown", lambda n: "[" * n, 50_000, 3.0),
    ("markdown unclosed $", "markdown", lambda n: "$a " * n, 50_000, 1.0),
    ("latex unclosed \\href{", "latex", lambda n: "\\href{" * n, 20_000, 1.0),
    ("latex commented \\title{", "latex", lambda n: "% \\title{\n" * n + "\\begin{document}x", 20_000, 1.0),
    ("asciidoc unclosed pass:[", "asciidoc", lambda n: "pass:[" * n, 20_000, 1.0),
    ("asciidoc unclosed <<", "asciidoc", lambda n: "<<" * n, 20_000, 1.5),
    ("asciidoc unclosed [[", "asciidoc", lambda n: "[[" * n, 20_000, 1.0),
]

#: the server case: document size (characters) and budgets (seconds until the other document's hover is
#: answered; peak resident memory in MiB)
SERVER_SIZE = 50_000_000
SERVER_BUDGET_S = 3.0
SERVER_BUDGET_MIB = 1024


def run_readers(only: str | None, scale: float) -> list[tuple[str, int, float, float]]:
    rows = []
    for name, fmt, make, size, budget in READER_CASES:
        if only and only not in name:
            continue
        text = make(max(1, int(size * scale)))
        t0 = time.perf_counter()
        markup.extract(text, fmt)
        rows.append((name, len(text), time.perf_counter() - t0, budget * max(scale, 0.1)))
    return rows


def run_server(scale: float) -> list[tuple[str, int, float, float]]:
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from lspclient import Server

    size = max(1000, int(SERVER_SIZE * scale))
    server = Server()
    try:
        server.initialize()
        server.open("file:///bench/small.txt", "We held an information convention.\n")
        server.wait_diagnostics("file:///bench/small.txt")  # the engine is loaded
        base = server.rss_kib()[1]
        big = ("We held an information convention. " * (size // 35 + 1))[:size]
        server.open("file:///bench/big.txt", big)
        del big
        t0 = time.perf_counter()
        server.request(
            "textDocument/hover",
            {"textDocument": {"uri": "file:///bench/small.txt"}, "position": {"line": 0, "character": 12}},
        )
        waited = time.perf_counter() - t0
        server.wait_diagnostics("file:///bench/big.txt")  # its analysis (of the first maxDocumentSize) is done
        peak = server.rss_kib()[1] - base
    finally:
        server.shutdown()
    return [
        (f"server: hover beside a {size // 1_000_000} MB didOpen", size, waited, SERVER_BUDGET_S),
        ("server: peak memory added by it (MiB)", size, peak / 1024, float(SERVER_BUDGET_MIB)),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the input sizes (and budgets) by this")
    ap.add_argument("--no-server", action="store_true", help="skip the language-server case")
    args = ap.parse_args(argv)
    rows = run_readers(args.only, args.scale)
    if not args.no_server and (not args.only or args.only in "server"):
        rows += run_server(args.scale)
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'input':>11}  {'measured':>9}  {'budget':>7}  result")
    over = 0
    for name, size, value, budget in rows:
        ok = value <= budget
        over += not ok
        print(f"{name:<{width}}  {size:>11,}  {value:>9.3f}  {budget:>7.2f}  {'OK' if ok else 'OVER'}")
    print(f"{len(rows) - over} of {len(rows)} within budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
