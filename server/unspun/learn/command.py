"""`unspun learn SPUN ORIGINAL [SPUN ORIGINAL ...] -o LEXICON [--merge]`: a lexicon from aligned pairs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EPILOG = """examples:
  unspun learn copy.txt mine.txt -o spinner.tsv          a content-farm copy of your article and the article
  unspun learn a.spun a.txt b.spun b.txt -o spinner.tsv  several pairs at once
  unspun learn c.spun c.txt -o spinner.tsv --merge       add to an existing lexicon
  unspun check --lexicon spinner.tsv drafts/             use it
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "learn", help="learn a spinner's dictionary from spun copies and their sources",
        description="Align each spun copy with its source word by word and write the spinner's substitutions"
        " as a lexicon (spun form -> original wording, with how often and how consistently it was seen).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="SPUN ORIGINAL", help="pairs of files: a spun copy, then its source")
    p.add_argument("-o", "--output", metavar="LEXICON", required=True, help="lexicon file to write ('-' for standard output)")
    p.add_argument("--merge", action="store_true", help="keep the entries already in LEXICON and add the new ones")
    p.add_argument("--name", default=None, help="the lexicon's name (default: the output file's name)")
    p.add_argument("--min-changed", type=int, default=None, metavar="N",
                   help="keep a spun form seen as a spin at least N times (default: 1)")


def run(args) -> int:
    from unspun.documents import InputError, read_document
    from unspun.learn import align_pair, learn_entries
    from unspun.learn.dictionary import lexicon_text, merged_lexicon_text

    if len(args.files) % 2:
        print("unspun: learn takes pairs of files: SPUN ORIGINAL [SPUN ORIGINAL ...]", file=sys.stderr)
        return 2
    observations = []
    for spun_path, orig_path in zip(args.files[::2], args.files[1::2]):
        try:
            spun, orig = read_document(spun_path), read_document(orig_path)
        except InputError as e:
            print(f"unspun: {e}", file=sys.stderr)
            return 2
        observations.append(align_pair(spun, orig, Path(spun_path).name))
    entries = learn_entries(observations, min_changed=args.min_changed)
    out = args.output
    name = args.name or (Path(out).stem if out != "-" else "learned")
    comment = f"learned by unspun learn from {len(observations)} pair{'s' if len(observations) != 1 else ''}"
    if args.merge and out != "-" and Path(out).is_file():
        try:
            old = read_document(out)
        except InputError as e:
            print(f"unspun: {e}", file=sys.stderr)
            return 2
        text = merged_lexicon_text(old, entries, name, (comment,))
    else:
        text = lexicon_text(entries, name, (comment,))
    if out == "-":
        sys.stdout.write(text)
    else:
        parent = Path(out).resolve().parent
        if not parent.is_dir():
            print(f"unspun: cannot write {out}: folder {parent} does not exist", file=sys.stderr)
            return 2
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as e:
            print(f"unspun: cannot write {out}: {e.strerror or e}", file=sys.stderr)
            return 2
    print(f"{out}: {len(entries)} entr{'ies' if len(entries) != 1 else 'y'} from {len(observations)} pair(s)", file=sys.stderr)
    return 0
