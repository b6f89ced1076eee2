#!/usr/bin/env python3
"""Language-server latency and memory, through a real LSP client over stdio (bench/lspclient.py).

    python3 bench/server_latency.py [--debounce 0] [--cold-runs 3] [--opens 5] [--edits 30]
                                    [--soak 2000 | --soak clean=2000,spun=100] [--kinds clean,spun]
                                    [--format plain | markdown | asciidoc | rst | latex | html]

Measures, on `python3 -m unspun serve` (push diagnostics, UTF-16, no workspace folder, default settings except
`debounceMs`, passed in `initializationOptions`):

* cold start: process start to the first `publishDiagnostics` of a small document (examples/spun-news.txt),
  in a fresh server each run; also the time to the `initialize` response;
* warm open: `didOpen` of a 10,000-word document to its first diagnostics (a new document each time, the
  server already warm from another document of the same kind), and to its complete diagnostics: a spun text
  gets a quick push first (all but the open-vocabulary findings of new paragraphs) and the complete one after
  it (see docs/language-server.md); a clean text gets one push;
* edit: after a one-character `didChange` (alternately inserting a character into a paragraph and deleting
  it again, a different paragraph each pair) in a 100,000-word document, the time until diagnostics for the
  new version arrive; p50 and p95;
* `--format`: every document dressed in that format's usual markup as `bench/markup_speed.py` dresses it
  (headings, emphasis, code spans, links, code blocks, tables) and opened with its language id, so that the
  markup reading is part of each measure (plain text by default);
* memory: the server's VmRSS (and peak VmHWM) after start, after loading the 100,000-word document and after
  `--soak` more such edits, each waited for.

The latencies include the chosen debounce (`--debounce`, default 0 ms, so the numbers are the server's own
cost). With the shipped default of 300 ms, add 300 ms to every edit latency (`--debounce 300` to check).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import inputs  # noqa: E402
import markup_speed  # noqa: E402
from lspclient import ROOT, Server  # noqa: E402

SMALL = ROOT / "examples" / "spun-news.txt"
#: file extension and language id of each format `--format` takes
EXTENSION = {"markdown": "md", "asciidoc": "adoc", "rst": "rst", "latex": "tex", "html": "html"}
LANGUAGE = {"markdown": "markdown", "asciidoc": "asciidoc", "rst": "restructuredtext", "latex": "latex", "html": "html"}
OPEN_VOCABULARY = "substitution/open-vocabulary"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ms(x: float) -> str:
    return f"{1000 * x:.0f}" if x >= 0.1 else f"{1000 * x:.1f}"


def cold_start(debounce: int) -> tuple[float, float, int]:
    """(seconds to initialize response, seconds to first diagnostics, number of diagnostics)."""
    srv = Server({"debounceMs": debounce})
    try:
        t0 = srv.started
        srv.initialize()  # returns once the response has arrived
        t_init = time.perf_counter() - t0
        uri = "file:///bench/small.txt"
        srv.open(uri, SMALL.read_text(encoding="utf-8"))
        t, params = srv.wait_diagnostics(uri, 1)
        return t_init, t - t0, len(params["diagnostics"])
    finally:
        srv.shutdown()


class Editor:
    """Tracks one open document's lines so one-character edits can be addressed by line and column."""

    def __init__(self, srv: Server, uri: str, text: str):
        self.srv, self.uri, self.version = srv, uri, 1
        self.lines = text.split("\n")
        # edit sites: long lines (paragraphs) in the middle half of the document
        n = len(self.lines)
        self.sites = [i for i in range(n // 4, 3 * n // 4) if len(self.lines[i]) > 40] or [n // 2]
        self.k = 0
        self.pending: tuple[int, int] | None = None

    def step(self) -> float:
        """Make the next one-character edit; return the time it was sent."""
        self.version += 1
        if self.pending is None:
            line = self.sites[(self.k * 7) % len(self.sites)]
            col = 20
            self.k += 1
            self.lines[line] = self.lines[line][:col] + "x" + self.lines[line][col:]
            self.pending = (line, col)
            return self.srv.change(self.uri, self.version, line, col, col, "x")
        line, col = self.pending
        self.pending = None
        self.lines[line] = self.lines[line][:col] + self.lines[line][col + 1:]
        return self.srv.change(self.uri, self.version, line, col, col + 1, "")

    def edit_and_wait(self) -> float:
        t0 = self.step()
        t, _ = self.srv.wait_diagnostics(self.uri, self.version)
        return t - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--debounce", type=int, default=0, help="debounceMs sent in initializationOptions (default 0)")
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--opens", type=int, default=5, help="warm opens of a 10,000-word document per kind")
    ap.add_argument("--edits", type=int, default=30, help="timed one-character edits in the 100,000-word document")
    ap.add_argument("--soak", default="2000", help="further edits before the last memory reading: a number, or"
                    " per kind (clean=2000,spun=200)")
    ap.add_argument("--kinds", default="clean,spun")
    ap.add_argument("--format", default="plain", choices=["plain", *LANGUAGE])
    ap.add_argument("--stderr", default=None, help="write the server's log here (default: discarded)")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    inputs.compile_bytecode()
    if not inputs.have_eval():
        print("note: ../shared/eval not found; clean documents repeat the examples", file=sys.stderr)

    print(f"debounceMs = {args.debounce} (sent in initializationOptions); push diagnostics over stdio;"
          f" documents: {args.format}\n")

    soak_of = {}
    for part in args.soak.split(","):
        k, _, v = part.rpartition("=")
        soak_of[k or "*"] = int(v)
    colds = [cold_start(args.debounce) for _ in range(args.cold_runs)]
    if colds:
        print_cold(colds)
    for kind in kinds:
        row, m = run_kind(
            kind, args.debounce, args.opens, args.edits, soak_of.get(kind, soak_of.get("*", 0)), args.stderr,
            args.format,
        )
        print_rows([row], [m])
    return 0


def print_cold(colds) -> None:
    print("| cold start (median of %d) | ms |" % len(colds))
    print("|---|---|")
    print(f"| process start to `initialize` response | {ms(statistics.median(c[0] for c in colds))} |")
    print(f"| process start to first diagnostics ({SMALL.name}, {len(SMALL.read_text().split())} words,"
          f" {colds[0][2]} diagnostics) | {ms(statistics.median(c[1] for c in colds))} |")
    print("\nall runs (s): " + ", ".join(f"{c[1]:.2f}" for c in colds), flush=True)


def complete_diagnostics(srv: Server, uri: str, t0: float, timeout: float = 120) -> tuple[float, float, dict]:
    """(arrival of the first push of version 1, arrival of its complete push, the complete push's params).

    A quick push holds no open-vocabulary diagnostic; the complete push follows it within a few times the
    time the quick one took. A first push that holds one, or no second push within that time, is complete."""
    first, params = srv.wait_diagnostics(uri, 1, timeout=timeout)
    if any(d.get("code") == OPEN_VOCABULARY for d in params["diagnostics"]):
        return first, first, params
    try:
        done, later = srv.wait_diagnostics(uri, 1, timeout=max(5.0, 10 * (first - t0)))
    except TimeoutError:
        return first, first, params
    return first, done, later


def run_kind(
    kind: str, debounce: int, n_opens: int, n_edits: int, n_soak: int, stderr: str | None, fmt: str = "plain"
):
    ext, language = EXTENSION.get(fmt, "txt"), LANGUAGE.get(fmt, "plaintext")

    def document(words: int, start: int = 0) -> str:
        text = inputs.document(kind, words, start=start)
        return text if fmt == "plain" else markup_speed._dress(fmt, text.split("\n\n"))

    srv = Server({"debounceMs": debounce}, stderr_path=stderr)
    try:
        srv.initialize()
        # warm up on a small document of the same kind
        # spun text: the warm-up, each 10k-word document and the 100k-word one share no text (the engine keeps
        # the restorations of windows it has scored, so a repeat would be timed partly from that cache)
        far = kind == "spun"
        t0 = srv.open(f"file:///bench/warm.{ext}", document(2000, start=160_000 if far else 500), language=language)
        complete_diagnostics(srv, f"file:///bench/warm.{ext}", t0)  # (its whole analysis: part of the warm-up)
        srv.close(f"file:///bench/warm.{ext}")
        rss_start = srv.rss_kib()
        opens = []
        completes = []
        ndiag = 0
        for i in range(n_opens):
            uri = f"file:///bench/{kind}-10k-{i}.{ext}"
            text = document(10_000, start=100_000 + 11_000 * i if far else 1000 + 37 * i)
            t0 = srv.open(uri, text, language=language)
            first, done, params = complete_diagnostics(srv, uri, t0)
            opens.append(first - t0)
            completes.append(done - t0)
            ndiag = len(params["diagnostics"])
            srv.close(uri)
        big = document(100_000)
        uri = f"file:///bench/{kind}-100k.{ext}"
        t0 = srv.open(uri, big, language=language)
        _first, t, params = complete_diagnostics(srv, uri, t0, timeout=600)
        open_big = t - t0
        ndiag_big = len(params["diagnostics"])
        rss_loaded = srv.rss_kib()
        print(f"  {kind}: 10k opens, first diagnostics {[round(x, 3) for x in opens]}, complete"
              f" {[round(x, 3) for x in completes]}; 100k open {open_big:.2f} s", file=sys.stderr)
        ed = Editor(srv, uri, big)
        cpu0 = srv.cpu_seconds()
        edits = [ed.edit_and_wait() for _ in range(n_edits)]
        edit_cpu = (srv.cpu_seconds() - cpu0) / n_edits if n_edits else None
        print(f"  {kind}: edits p50 {pct(edits, 50):.3f} s; soaking {n_soak} edits", file=sys.stderr)
        soak_t = time.perf_counter()
        soak = []
        trail = []  # VmRSS (MB) every tenth of the soak: growth shows as a rising trail, not one reading
        for i in range(n_soak):
            soak.append(ed.edit_and_wait())
            if n_soak >= 10 and (i + 1) % (n_soak // 10) == 0:
                trail.append(round(srv.rss_kib()[0] / 1024))
        soak_t = time.perf_counter() - soak_t
        rss_soak = srv.rss_kib()
        if trail:
            print(f"  {kind}: VmRSS every {n_soak // 10} edits of the soak, MB: {trail}", file=sys.stderr)
    finally:
        code = srv.shutdown()
    return ((kind, len(text.split()), ndiag, opens, completes, len(big.split()), ndiag_big, open_big, edits, edit_cpu,
             soak),
            (kind, rss_start, rss_loaded, rss_soak, n_soak, soak_t, code))


def print_rows(rows, mem) -> None:
    print("\n| document | 10k-word open to first diagnostics, median ms (n) | to complete diagnostics, median ms |"
          " 100k-word open to complete diagnostics, ms |"
          " one-char edit in 100k words to fresh diagnostics: p50 / p95 / max ms (n) |"
          " server CPU per edit, ms | same over the soak: p50 / p95 ms (n) |")
    print("|---|---|---|---|---|---|---|")
    for kind, w10, nd10, opens, completes, w100, nd100, open_big, edits, edit_cpu, soak in rows:
        soak_cell = f"{ms(pct(soak, 50))} / {ms(pct(soak, 95))} ({len(soak)})" if soak else "-"
        edit_cell = f"{ms(pct(edits, 50))} / {ms(pct(edits, 95))} / {ms(max(edits))} ({len(edits)})" if edits else "-"
        cpu_cell = ms(edit_cpu) if edit_cpu is not None else "-"
        print(f"| {kind} ({w10:,} / {w100:,} words; {nd10} / {nd100} diagnostics) |"
              f" {ms(statistics.median(opens))} ({len(opens)}) |"
              f" {ms(statistics.median(completes))} | {ms(open_big)} | {edit_cell} | {cpu_cell} | {soak_cell} |")

    print("\n| server | VmRSS after start + warm-up, MB | after loading the 100k-word document, MB |"
          " after N more edits, MB | peak (VmHWM), MB | exit code |")
    print("|---|---|---|---|---|---|")
    for kind, a, b, c, n, soak_t, code in mem:
        print(f"| {kind} | {a[0] / 1024:.0f} | {b[0] / 1024:.0f} | {c[0] / 1024:.0f} (N = {n:,}, {soak_t:.0f} s) |"
              f" {c[1] / 1024:.0f} | {code} |", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
