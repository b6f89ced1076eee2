#!/usr/bin/env python3
"""Where the engine's time goes: CPU time of each stage of `Engine.analyze`, per document.

    python3 bench/engine_stages.py [--kind spun | clean] [--docs 3] [--words 10000] [--rounds 3] [--server PATH]

Analyses `--docs` first-seen documents of `--words` words (`bench/inputs.py`; spun text with the open-vocabulary
stage's memories cleared before each, as `engine_speed.py --forget` does), `--rounds` times, and prints the CPU
milliseconds per document of each stage, the best round of each. A stage is timed by wrapping the function that
does it, so the stages nest (pass 1 holds tokenizing, matching and the model confirmation) and the wrapping
adds a little to each call. `--server` times another checkout's engine (its `server` folder) on the same inputs:
run the two one after the other, alternating, and compare the ratios.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (label, module, attribute path): the first of each label's names that the engine has is timed
STAGES = [
    ("analysis", "unspun.engine.analyzer", ["Engine.analyze"]),
    ("pass 1 (tokens, matches, articles, model check)", "unspun.engine.analyzer", ["Engine.scan_paragraphs"]),
    ("  tokenizing", "unspun.engine.analyzer", ["tokenize"]),
    ("  lexicon matching", "unspun.engine.matcher", ["PhraseIndex.match"]),
    ("  model confirmation (both rounds)", "unspun.engine.lmcheck", ["gains_many"]),
    ("second pass (conditions, evidence)", "unspun.engine.analyzer", ["Engine._passes"]),
    ("open-vocabulary restorations", "unspun.engine.analyzer", ["Engine._restore"]),
    ("findings (every detector)", "unspun.engine.analyzer", ["Engine._paragraph_findings"]),
    ("  lexicon findings", "unspun.engine.rules.lexicon", ["LexiconDetector.findings"]),
]


def _wrap(label: str, module: str, names: list[str], spent: Counter) -> bool:
    mod = importlib.import_module(module)
    for name in names:
        *path, attr = name.split(".")
        owner = mod
        for part in path:
            owner = getattr(owner, part)
        f = getattr(owner, attr, None)
        if f is None:
            continue

        def timed(*args, __f=f, **kwargs):
            c = time.process_time()
            try:
                return __f(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - c

        setattr(owner, attr, timed)
        return True
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", choices=("spun", "clean"), default="spun")
    ap.add_argument("--docs", type=int, default=3)
    ap.add_argument("--words", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--server", type=Path, default=HERE.parent / "server", help="the engine to time (a server folder)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.server.resolve()))
    from unspun.engine import Incremental, default_engine  # (before the scripts below put this checkout on the path)

    sys.path.insert(1, str(HERE))
    import engine_speed
    import inputs

    spent: Counter = Counter()
    labels = [label for label, module, names in STAGES if _wrap(label, module, names, spent)]
    eng = default_engine()
    eng.analyze(inputs.document("spun", 2000, start=10**9 % 400_000))  # warm-up: model, lexicons, thesaurus
    docs = [inputs.document(args.kind, args.words, start=k * (args.words + 1000)) for k in range(args.docs)]
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        spent.clear()
        for doc in docs:
            engine_speed.forget(eng)
            eng.analyze(doc, incremental=Incremental({}))
        for label in labels:
            ms = 1000 * spent[label] / len(docs)
            best[label] = min(best.get(label, ms), ms)
    import unspun

    print(f"engine: {Path(unspun.__file__).parents[1]}; {args.docs} first-seen {args.kind} documents of {args.words:,} words")
    print("| stage | CPU ms per document (best of rounds) |")
    print("|---|---|")
    for label in labels:
        print(f"| {label} | {best[label]:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
