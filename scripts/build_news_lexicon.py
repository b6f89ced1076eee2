#!/usr/bin/env python3
"""Build the shipped news lexicon: the written entries plus the spinner's dictionary learned from aligned pairs.

    python3 scripts/build_news_lexicon.py [--pairs DIR] [--out FILE]

DIR holds NAME.spun.txt beside NAME.original.txt (default: the development set's news-dev/ beside the project).
The written entries are scripts/lexicons/news-written.tsv. The leave-one-pair-out benchmark (bench/accuracy.py)
builds the same lexicon with the same function, one group of pairs left out at a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from unspun.learn import align_pair  # noqa: E402
from unspun.learn.crossval import news_lexicon_text  # noqa: E402
from unspun.learn.pairs import pairs_from_command_line  # noqa: E402

WRITTEN = ROOT / "scripts" / "lexicons" / "news-written.tsv"
OUT = ROOT / "server" / "unspun" / "data" / "lexicons" / "news.tsv"


def main() -> int:
    args, pairs = pairs_from_command_line(__doc__.split("\n\n")[0], ROOT.parent / "shared" / "eval" / "news-dev", OUT)
    if not pairs:
        return 2
    text = news_lexicon_text(WRITTEN.read_text(encoding="utf-8"), [align_pair(p.spun, p.original, p.name) for p in pairs])
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: {text.count(chr(10)) - 6} entries from {len(pairs)} pairs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
