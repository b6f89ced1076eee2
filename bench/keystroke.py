#!/usr/bin/env python3
"""What an editor receives per keystroke: the size of each diagnostics message and the time until the client
holds it decoded, through a real LSP client over stdio (bench/lspclient.py).

    python3 bench/keystroke.py [--kinds clean,spun] [--modes push,pull] [--edits 40] [--words 100000]
                               [--other PATH] [--rounds 2]

For each kind of 100,000-word document (`bench/inputs.py`) and each way of delivering diagnostics:

* push: the client advertises push diagnostics only (as Neovim, Emacs and Vim do); after each one-character
  `didChange` it waits for the `publishDiagnostics` of the new version (and sends a hover request, whose
  answer follows the analysis of that version: a server that pushes nothing when no diagnostic changed is
  counted as such, `GRACE` seconds after that answer);
* pull: the client advertises pull diagnostics and refresh (as VS Code does, which then pulls): after each
  `didChange` it sends `textDocument/diagnostic` with the result id of its last report, as VS Code does on
  every change, and waits for the answer (a full report, or `unchanged`).

Edits alternate between inserting a character at column 20 of a paragraph and deleting it again, a different
paragraph each pair, in two places: `first`, paragraphs that hold diagnostics (`maxDiagnostics` keeps the
first findings: in a 100,000-word spun text, 1,000 of them are those of its first 3,000 words or so; in a
document without any, its first tenth), and `middle`, paragraphs of its middle half. Per edit it records the bytes of the message received (its JSON body), the number of diagnostics
in it, whether a pulled report was `unchanged`, and the time from sending the `didChange` to the client holding
the decoded message (JSON decoding included; `debounceMs` 0 so nothing waits on purpose). It prints p50 / p95 /
max of the time, the median and largest message, and the server's CPU time per edit (from /proc).

`--other PATH` (the `server` folder of another checkout) runs the same measures on that code too, alternating
the two in `--rounds` rounds, so that the two are compared in the same minutes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import inputs  # noqa: E402
from lspclient import PULL_CAPABILITIES, Server  # noqa: E402
from server_latency import Editor, complete_diagnostics, pct  # noqa: E402


class Edits(Editor):
    """One-character edits of an open document, by line and column (as `server_latency.Editor`), at sites in
    one region of it: "first", the first tenth (among the lines whose diagnostics are `shown`, if any), or the
    middle half."""

    def __init__(self, srv: Server, uri: str, text: str, where: str, shown: set[int]):
        super().__init__(srv, uri, text)
        n = len(self.lines)
        lo, hi = (0, n // 10) if where == "first" else (n // 4, 3 * n // 4)
        self.sites = [i for i in range(lo, hi) if len(self.lines[i]) > 40 and (where != "first" or not shown or i in shown)]
        self.sites = self.sites or [lo]


class Puller:
    """The pulls of one document, as VS Code makes them: with the result id of the last report."""

    def __init__(self, srv: Server, uri: str):
        self.srv, self.uri, self.result_id = srv, uri, None
        self.lines: list[int] = []  # where the diagnostics of the last full report start (the note left out)

    def pull(self) -> tuple[float, int, int, bool]:
        """(time from sending to the decoded answer, its bytes, diagnostics in it, whether `unchanged`)."""
        params = {"textDocument": {"uri": self.uri}, "previousResultId": self.result_id}
        elapsed, msg = self.srv.request("textDocument/diagnostic", params, timeout=600)
        got = self.srv.received.pop(id(msg))
        sent = got.read - elapsed
        report = msg.get("result") or {}
        if "error" in msg:
            raise RuntimeError(f"pull failed: {msg['error']}")
        self.result_id = report.get("resultId", self.result_id)
        unchanged = report.get("kind") == "unchanged"
        if not unchanged:
            self.lines = [d["range"]["start"]["line"] for d in report.get("items", [])[1:]]
        return got.decoded - sent, got.size, len(report.get("items") or []), unchanged


def pushed(srv: Server, uri: str, version: int):
    """(how it was received, params) of the push for `version`; (None, None) when the server pushed nothing
    for it (its diagnostics were those the client held). A hover request, answered once the version is
    analysed, tells the two apart: a push comes before its answer, or just after it."""
    srv.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}, timeout=600)
    try:
        _, params = srv.wait_diagnostics(uri, version, timeout=GRACE)
    except TimeoutError:
        return None, None
    return srv.received.pop(id(params)), params


#: how long after the hover's answer a push may still come (seconds)
GRACE = 0.3


def measure(kind: str, mode: str, n_edits: int, words: int, pythonpath: str | None) -> dict:
    caps = PULL_CAPABILITIES if mode == "pull" else None
    srv = Server({"debounceMs": 0}, pythonpath=pythonpath, capabilities=caps)
    out: dict = {}
    try:
        srv.initialize()
        text = inputs.document(kind, words)
        uri = f"file:///bench/{kind}-keystroke.txt"
        t0 = srv.open(uri, text)
        puller = Puller(srv, uri) if mode == "pull" else None
        if puller is not None:
            _, size, n, _ = puller.pull()
            shown = set(puller.lines)
        else:
            _, _, params = complete_diagnostics(srv, uri, t0, timeout=900)
            size, n = srv.received.pop(id(params)).size, len(params["diagnostics"])
            shown = {d["range"]["start"]["line"] for d in params["diagnostics"][1:]}
        out["open"] = (size, n)
        for where in ("first", "middle"):
            ed = Edits(srv, uri, text, where, shown)
            times, sizes, counts, unchanged, small = [], [], [], 0, []
            cpu0 = srv.cpu_seconds()
            for _ in range(n_edits):
                sent = ed.step()
                if puller is not None:
                    took, size, n, same = puller.pull()
                    unchanged += same
                    if same:
                        small.append(size)
                        times.append(took)
                        continue
                else:
                    got, params = pushed(srv, uri, ed.version)
                    if got is None:
                        unchanged += 1
                        continue
                    took, size, n = got.decoded - sent, got.size, len(params["diagnostics"])
                times.append(took)
                sizes.append(size)
                counts.append(n)
            cpu = (srv.cpu_seconds() - cpu0) / n_edits
            out[where] = {
                "times": times, "sizes": sizes, "counts": counts, "unchanged": unchanged, "small": small, "cpu": cpu,
            }
            text = "\n".join(ed.lines)  # (the document as the edits left it: each pair restores it)
    finally:
        srv.shutdown()
    return out


def ms(x: float) -> str:
    return f"{1000 * x:.0f}" if x >= 0.1 else f"{1000 * x:.1f}"


def timing(xs: list[float]) -> str:
    return f"{ms(pct(xs, 50))} / {ms(pct(xs, 95))} / {ms(max(xs))}" if xs else "- (nothing sent)"


def kb(n: float) -> str:
    return f"{n / 1000:.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kinds", default="clean,spun")
    ap.add_argument("--modes", default="push,pull")
    ap.add_argument("--edits", type=int, default=40, help="timed edits per place and document")
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--other", default=None, help="the server folder of another checkout, measured alternately")
    ap.add_argument("--rounds", type=int, default=1, help="rounds of alternation with --other")
    args = ap.parse_args()
    inputs.compile_bytecode()
    sides = [("this", None)] + ([("other", str(Path(args.other).resolve()))] if args.other else [])
    results: dict[tuple, list[dict]] = {}
    for r in range(args.rounds):
        for kind in [k for k in args.kinds.split(",") if k]:
            for mode in [m for m in args.modes.split(",") if m]:
                for name, path in sides if r % 2 == 0 else sides[::-1]:
                    t = time.perf_counter()
                    res = measure(kind, mode, args.edits, args.words, path)
                    results.setdefault((kind, mode, name), []).append(res)
                    print(f"  round {r + 1} {kind} {mode} {name}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    print(f"{args.words:,}-word documents, debounceMs 0, one-character edits, {args.edits} per place;"
          " time: didChange sent to the diagnostics decoded by the client\n")
    print("| code | document | delivery | edits in | diagnostics per full message | KB per full message: median / max |"
          " pulls answered `unchanged` (bytes each) or pushes left out | didChange to decoded diagnostics: p50 / p95 / max ms |"
          " server CPU per edit, ms | after opening: KB (diagnostics) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (kind, mode, name), runs in results.items():
        for k, res in enumerate(runs):
            for where in ("first", "middle"):
                m = res[where]
                n = args.edits
                full = (f"{statistics.median(m['counts']):.0f} | {kb(statistics.median(m['sizes']))} /"
                        f" {kb(max(m['sizes']))}") if m["sizes"] else "- | -"
                same = f" ({statistics.median(m['small']):.0f})" if m["small"] else ""
                print(f"| {name} | {kind} | {mode} | {where} | {full} |"
                      f" {m['unchanged']} / {n}{same} |"
                      f" {timing(m['times'])} |"
                      f" {ms(m['cpu'])} | {kb(res['open'][0])} ({res['open'][1]}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
