#!/usr/bin/env python3
"""Fix-all requests while the document keeps changing: how many are answered with edits, how many with
ContentModified (-32801), and how many edits are stale: they name a version whose next edit the client had
sent at least `--grace` seconds before the answer arrived (time enough for the server to have read it; an
edit the server has not read yet it cannot know of, and a client must check the version for those).

    python3 bench/stale_answers.py [--rate 100] [--every 10] [--requests 60]

The server gets the test lexicon only (no shipped lexicons, no language model), a 400-line Markdown document
with two findings a line, and one inserted character per edit, `--rate` edits a second; every `--every`
edits a fix-all request (`only: source.fixAll.unspun`) is sent without waiting for its answer. The client
declares code action literals and versioned `documentChanges`.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lspclient  # noqa: E402

LEXICON = str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "lsp" / "lexicon.tsv")
URI = "file:///bench/stale.md"
LINE = "We held an information convention today, and counterfeit consciousness too.\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rate", type=float, default=100.0, help="edits a second")
    ap.add_argument("--every", type=int, default=10, help="a fix-all request every this many edits")
    ap.add_argument("--requests", type=int, default=60, help="fix-all requests in all")
    ap.add_argument("--grace", type=float, default=0.05, help="seconds the server is given to read an edit")
    args = ap.parse_args(argv)
    lspclient.CAPABILITIES["textDocument"]["codeAction"] = {
        "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll.unspun"]}}
    }
    lspclient.CAPABILITIES["workspace"] = {"workspaceEdit": {"documentChanges": True}}
    server = lspclient.Server(
        {"builtinLexicons": False, "lexicons": [LEXICON], "languageModel": False, "openVocabulary": False, "debounceMs": 20}
    )
    lines = 400
    answers: list[tuple[float, dict]] = []  # (when the answer arrived, the answer)
    sent: dict[int, float] = {}  # version -> when its edit was sent
    state = {"version": 1}
    lock = threading.Lock()

    def fix_all() -> None:
        whole = {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}}
        t0 = time.perf_counter()
        latency, msg = server.request(
            "textDocument/codeAction",
            {"textDocument": {"uri": URI}, "range": whole, "context": {"diagnostics": [], "only": ["source.fixAll.unspun"]}},
        )
        with lock:
            answers.append((t0 + latency, msg))

    try:
        server.initialize()
        server.open(URI, LINE * lines, language="markdown")
        server.wait_diagnostics(URI)
        threads = []
        t0 = time.perf_counter()
        for i in range(args.requests * args.every):
            with lock:
                state["version"] += 1
                sent[state["version"]] = server.change(URI, state["version"], i % lines, 0, 0, "x")
            if i % args.every == 0:
                threads.append(threading.Thread(target=fix_all))
                threads[-1].start()
            time.sleep(max(0.0, t0 + (i + 1) / args.rate - time.perf_counter()))
        for th in threads:
            th.join()
    finally:
        server.shutdown()
    modified = sum(1 for _v, m in answers if m.get("error", {}).get("code") == -32801)
    other_errors = sum(1 for _v, m in answers if "error" in m) - modified
    with_edits = [(v, m) for v, m in answers if m.get("result")]
    named = [
        (change["textDocument"]["version"], t)
        for t, m in with_edits for action in m["result"]
        for change in (action.get("edit") or {}).get("documentChanges") or []
    ]
    behind = sum(1 for n, t in named if n + 1 in sent and sent[n + 1] < t - args.grace)
    print(
        f"{args.rate:g} edits/s, a fix-all every {args.every} edits: {len(answers)} answers -- "
        f"{modified} ContentModified, {len(with_edits)} with edits, {len(answers) - modified - len(with_edits) - other_errors} "
        f"empty, {other_errors} other errors; {behind} of {len(named)} edits stale (the next edit sent more than "
        f"{args.grace:g} s before the answer arrived)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
