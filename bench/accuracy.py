#!/usr/bin/env python3
"""Accuracy of the engine on the development evaluation set (../shared/eval beside the project).

    python3 bench/accuracy.py [--eval DIR] [--json OUT]

Prints one table:
- every spun/original pair in news-dev/: precision, recall, fix accuracy and the share of word-level damage a
  fix-all undoes, computed by the set's own scorer (score.py pairs);
- the unsourced spun pages (U*.spun.txt): spin score and number of findings;
- pps-dev.tsv: the share of fingerprints flagged and restored (top-1, top-3), each placed alone in neutral
  carrier sentences (CARRIERS below), for all rows and for the rows whose phrase is not in a shipped lexicon;
  rows the list marks as uncertain are left out;
- each clean-dev file: findings per 1,000 words (score.py clean), analysed whole and cut into short documents
  of about SHORT_WORDS words (consecutive lines), as an editor or a batch of e-mails would present them: the
  spin score of a short text rests on little evidence, so this is where gated findings would leak;
- calibration: every finding of the sections above, binned by its confidence (CONFIDENCE_BINS), with the share
  that is a spin (on a gold edit of a pair, or on a fingerprint; every finding on clean prose is not) and the
  share whose top replacement restores the original wording (score.py's own test, finding by finding, for the
  pairs; the expected phrase for fingerprints).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from unspun.engine import default_engine  # noqa: E402
from unspun.engine.lexicon import builtin_lexicons  # noqa: E402
from unspun.engine.tokenize import phrase_words  # noqa: E402

#: neutral carrier sentences for list fingerprints: each phrase goes alone into one short document, rotating
#: through these templates; a phrase with an AND condition gets a second sentence naming the required term
SHORT_WORDS = 120

#: lower edges of the confidence bins of the calibration table
CONFIDENCE_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)

CARRIERS = (
    "In this work we study {p} and report the results in detail.",
    "The role of {p} was examined in the second part of the study.",
    "Recent work on {p} has attracted considerable attention.",
)


def load_scorer(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("unspun_eval_score", eval_dir / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def findings_tuples(analysis):
    return sorted(findings_tuples_of(analysis.findings))


def findings_tuples_of(findings):
    return [(f.start, f.end, f.replacements[0] if f.replacements else None) for f in findings]


def norm_phrase(s: str) -> str:
    return " ".join(phrase_words(s))


def expected_forms(expected: str) -> set[str]:
    """'Magnetic-activated cell sorting (MACS)' -> {with and without the parenthesis}; 'supervised (machine)
    learning' -> {'supervised learning', 'supervised machine learning'}."""
    forms = {expected}
    without = re.sub(r"\s*\([^)]*\)", "", expected).strip()
    forms.add(without)
    forms.add(re.sub(r"[()]", "", expected))
    for alt in re.split(r"\s*/\s*|\s+or\s+", expected):
        forms.add(alt)
    return {norm_phrase(f) for f in forms if f.strip()}


def restored(text: str, span: tuple[int, int], fixes) -> str:
    """The fingerprint at `span` of `text` once the (finding, replacement) pairs `fixes` are applied, normalized,
    without a leading article (a finding may take in the article before the phrase: "an irregular" -> "a
    random"). A finding that covers part of the phrase restores that part ("attractive reverberation" ->
    "magnetic resonance" in "attractive reverberation imaging")."""
    lo = min([span[0]] + [f.start for f, _ in fixes])
    hi = max([span[1]] + [f.end for f, _ in fixes])
    out = text[lo:hi]
    for f, rep in sorted(fixes, key=lambda x: -x[0].start):
        out = out[: f.start - lo] + rep + out[f.end - lo :]
    return re.sub(r"^(a|an) ", "", norm_phrase(out))


def run_pairs_lopo(scorer, eval_dir: Path):
    """Every aligned pair scored by an engine whose news lexicon and estimates were built without its source
    (`unspun.learn.crossval.fold_engines`: the build scripts' own functions, one group of pairs left out), and
    `unspun fix` judged by score.py fixed: each applied edit helps, harms or is neutral."""
    from unspun.engine.fixer import fix_until_stable
    from unspun.engine.lexicon import builtin_lexicon
    from unspun.learn.crossval import fold_engines
    from unspun.learn.pairs import find_pairs

    written = (ROOT / "scripts" / "lexicons" / "news-written.tsv").read_text(encoding="utf-8")
    pairs = find_pairs(eval_dir / "news-dev")
    model = default_engine().model
    rows = []
    for group, held, eng in fold_engines(written, pairs, [builtin_lexicon("science")], model=model):
        for p in held:
            a = eng.analyze(p.spun)
            r = scorer.score_pair(p.spun, p.original, findings_tuples(a))
            fixed, _ = fix_until_stable(p.spun, lambda t: eng.analyze(t).findings)
            r["fixed"] = scorer.score_fixed(p.spun, p.original, fixed)
            r.update(name=p.name, group=group, spin=a.spin_score)
            rows.append(r)
    return rows


def lopo_totals(rows) -> dict:
    t = {k: sum(r[k] for r in rows) for k in ("tp", "findings", "gold", "gold_hit", "fix_ok")}
    f = {k: sum(r["fixed"][k] for r in rows) for k in ("edits", "helped", "harmed", "neutral", "errors_before", "errors_after")}
    # damage undone if every finding's first replacement were applied: the word errors, summed over pairs
    wb = sum(r["wer_before"] * r["gold"] for r in rows) or 1.0
    wa = sum(r["wer_after"] * r["gold"] for r in rows)
    return {
        "pairs": len(rows), "groups": len({r["group"] for r in rows}),
        "precision": t["tp"] / max(1, t["findings"]), "recall": t["gold_hit"] / max(1, t["gold"]),
        "fix_acc": t["fix_ok"] / max(1, t["tp"]), "all_undone": 1 - wa / wb,
        "applied": f["edits"], "helped": f["helped"], "harmed": f["harmed"], "neutral": f["neutral"],
        "applied_precision": f["helped"] / max(1, f["edits"]),
        "fix_undone": 1 - f["errors_after"] / max(1, f["errors_before"]),
    }


def run_pairs(eng, scorer, eval_dir: Path):
    rows = []
    for spun_path in sorted((eval_dir / "news-dev").glob("*.spun.txt")):
        orig_path = spun_path.with_name(spun_path.name.replace(".spun.", ".original."))
        spun = spun_path.read_text(encoding="utf-8")
        a = eng.analyze(spun)
        if orig_path.exists():
            orig = orig_path.read_text(encoding="utf-8")
            r = scorer.score_pair(spun, orig, findings_tuples(a))
            r["name"] = spun_path.name
            r["spin"] = a.spin_score
            # each finding alone: is it on a gold edit, and does its top replacement restore the original?
            r["calibration"] = []
            for f in a.findings:
                alone = scorer.score_pair(spun, orig, findings_tuples_of([f]))
                r["calibration"].append((f.confidence, alone["tp"], alone["fix_ok"]))
            rows.append(r)
        else:
            rows.append({"name": spun_path.name, "spin": a.spin_score, "findings": len(a.findings), "unsourced": True})
    return rows


def run_pps(eng, eval_dir: Path):
    lex_keys = {" ".join(e.words) for lex in builtin_lexicons() for e in lex.entries}
    stats = {k: {"n": 0, "flagged": 0, "top1": 0, "top3": 0} for k in ("all", "unlisted")}
    misses = []
    calibration = []
    lines = (eval_dir / "pps-dev.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    for i, line in enumerate(lines[1:]):
        cells = line.split("\t")
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        if cells[col["expected_uncertain"]].strip().lower() == "yes":
            continue
        phrase, expected = cells[col["tortured"]].strip(), cells[col["expected"]].strip()
        if not phrase or not expected:
            continue
        text = CARRIERS[i % len(CARRIERS)].format(p=phrase)
        if cells[col["require_cooccur"]].strip():
            text += f" It also concerns {cells[col['require_cooccur']].strip()}."
        start = text.index(phrase)
        span = (start, start + len(phrase))
        a = eng.analyze(text)
        hits = [f for f in a.findings if f.start < span[1] and span[0] < f.end]
        want = expected_forms(expected)
        fixing = [f for f in hits if f.replacements]
        top = [(f, f.replacements[0]) for f in fixing]
        top1 = bool(top) and restored(text, span, top) in want
        top3 = top1 or any(
            restored(text, span, top[:k] + [(f, r)] + top[k + 1 :]) in want
            for k, f in enumerate(fixing)
            for r in f.replacements[1:3]
        )
        calibration += [(f.confidence, 1, int(top1)) for f in hits]
        unlisted = norm_phrase(phrase) not in lex_keys
        for key in ("all", "unlisted") if unlisted else ("all",):
            s = stats[key]
            s["n"] += 1
            s["flagged"] += bool(hits)
            s["top1"] += top1
            s["top3"] += top3
        if unlisted and not hits:
            misses.append(phrase)
    return stats, misses, calibration


def short_documents(text: str, words: int) -> list[str]:
    docs, cur, n = [], [], 0
    for line in text.split("\n"):
        cur.append(line)
        n += len(line.split())
        if n >= words:
            docs.append("\n".join(cur))
            cur, n = [], 0
    if cur:
        docs.append("\n".join(cur))
    return docs


def run_clean_short(eng, eval_dir: Path):
    rows = []
    for path in sorted((eval_dir / "clean-dev").glob("*.txt")):
        docs = short_documents(path.read_text(encoding="utf-8"), SHORT_WORDS)
        found = spun = words = 0
        calibration = []
        for d in docs:
            a = eng.analyze(d)
            found += len(a.findings)
            calibration += [(f.confidence, 0, 0) for f in a.findings]
            spun += a.spun
            words += len(re.findall(r"\w+", d))
        rows.append(
            {
                "name": path.name, "docs": len(docs), "spun": spun, "findings": found,
                "per_1k": 1000 * found / max(1, words), "calibration": calibration,
            }
        )
    return rows


def run_clean(eng, scorer, eval_dir: Path):
    rows = []
    for path in sorted((eval_dir / "clean-dev").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        a = eng.analyze(text)
        dt = time.perf_counter() - t0
        words = len(re.findall(r"\w+", text))
        rows.append(
            {
                "name": path.name, "words": words, "findings": len(a.findings),
                "per_1k": 1000 * len(a.findings) / max(1, words), "spin": a.spin_score, "seconds": dt,
                "examples": [(f.text, f.replacements[0]) for f in a.findings[:8]],
                "calibration": [(f.confidence, 0, 0) for f in a.findings],
            }
        )
    return rows


def calibration_bins(rows):
    """(lower edge, findings, mean confidence, share that are spins, share fixed exactly) for each bin of
    CONFIDENCE_BINS that holds findings; `rows` are (confidence, is a spin, fixed exactly)."""
    out = []
    edges = CONFIDENCE_BINS + (float("inf"),)
    for lo, hi in zip(edges, edges[1:]):
        inside = [r for r in rows if lo <= r[0] < hi]
        if inside:
            n = len(inside)
            conf, spins, fixed = (sum(r[k] for r in inside) / n for k in range(3))
            out.append((lo, n, conf, spins, fixed))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--json", type=Path, help="also write the raw numbers here")
    ap.add_argument("--show-misses", type=int, default=0, help="list this many unflagged unlisted fingerprints")
    args = ap.parse_args()
    if not args.eval.is_dir():
        print(f"evaluation set not found at {args.eval}; nothing to measure", file=sys.stderr)
        return 0
    scorer = load_scorer(args.eval)
    eng = default_engine()
    lopo = run_pairs_lopo(scorer, args.eval)
    totals = lopo_totals(lopo)
    pairs = run_pairs(eng, scorer, args.eval)
    pps, misses, pps_calibration = run_pps(eng, args.eval)
    clean = run_clean(eng, scorer, args.eval)
    short = run_clean_short(eng, args.eval)

    print(f"## Leave-one-pair-out: {totals['pairs']} aligned pairs, {totals['groups']} sources (score.py pairs, score.py fixed)")
    print("| pair | spin | gold | findings | precision | recall | fix acc | fix edits | helped | harmed | undone by fix |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in lopo:
        fx = r["fixed"]
        print(
            f"| {r['name']} | {r['spin']:.1f} | {r['gold']} | {r['findings']} | {r['precision']:.2f} | {r['recall']:.2f} |"
            f" {r['fix_acc']:.2f} | {fx['edits']} | {fx['helped']} | {fx['harmed']} | {fx['undone']:.2f} |"
        )
    print("\n| overall | value |\n|---|---|")
    for key in ("precision", "recall", "fix_acc", "all_undone", "applied", "helped", "harmed", "neutral",
                "applied_precision", "fix_undone"):
        v = totals[key]
        print(f"| {key} | {v:.3f} |" if isinstance(v, float) else f"| {key} | {v} |")
    print()
    print("## Spun news pairs, shipped engine (learned from every pair: NOT a measure of unseen text) (score.py pairs)")
    print("| file | spin | gold | findings | precision | recall | fix acc | WER before | WER after | undone |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in pairs:
        if r.get("unsourced"):
            continue
        print(
            f"| {r['name']} | {r['spin']:.1f} | {r['gold']} | {r['findings']} | {r['precision']:.2f} | {r['recall']:.2f} |"
            f" {r['fix_acc']:.2f} | {r['wer_before']:.3f} | {r['wer_after']:.3f} | {r['undone']:.2f} |"
        )
    print("\n## Unsourced spun pages")
    print("| file | spin | findings |")
    print("|---|---|---|")
    for r in pairs:
        if r.get("unsourced"):
            print(f"| {r['name']} | {r['spin']:.1f} | {r['findings']} |")
    print("\n## pps-dev.tsv fingerprints in carrier sentences")
    print("| rows | n | flagged | top-1 | top-3 |")
    print("|---|---|---|---|---|")
    for key, s in pps.items():
        n = max(1, s["n"])
        print(f"| {key} | {s['n']} | {s['flagged'] / n:.2f} | {s['top1'] / n:.2f} | {s['top3'] / n:.2f} |")
    print("\n## Clean prose (score.py clean)")
    print("| file | words | findings | per 1,000 words | spin | seconds |")
    print("|---|---|---|---|---|---|")
    for r in clean:
        print(f"| {r['name']} | {r['words']} | {r['findings']} | {r['per_1k']:.3f} | {r['spin']:.2f} | {r['seconds']:.2f} |")
    print(f"\n## Clean prose in short documents (~{SHORT_WORDS} words each)")
    print("| file | documents | looked spun | findings | per 1,000 words |")
    print("|---|---|---|---|---|")
    for r in short:
        print(f"| {r['name']} | {r['docs']} | {r['spun']} | {r['findings']} | {r['per_1k']:.3f} |")
    print("\n## Calibration: findings by confidence")
    print("| source | confidence | findings | mean confidence | share that are spins | share fixed exactly |")
    print("|---|---|---|---|---|---|")
    sources = {
        "spun pairs": [c for r in pairs for c in r.get("calibration", ())],
        "fingerprints": pps_calibration,
        "clean prose": [c for r in clean + short for c in r["calibration"]],
    }
    sources["all"] = [c for rows in sources.values() for c in rows]
    for name, rows in sources.items():
        for lo, n, mean, spins, fixed in calibration_bins(rows):
            print(f"| {name} | {lo:.1f}+ | {n} | {mean:.2f} | {spins:.2f} | {fixed:.2f} |")
    for r in clean:
        if r["examples"]:
            print(f"\n{r['name']} examples: {r['examples']}")
    if args.show_misses:
        print("\nunflagged unlisted fingerprints:", misses[: args.show_misses])
    if args.json:
        raw = {"lopo": lopo, "lopo_totals": totals, "pairs": pairs, "pps": pps, "pps_calibration": pps_calibration, "clean": clean, "short": short}
        args.json.write_text(json.dumps(raw, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
