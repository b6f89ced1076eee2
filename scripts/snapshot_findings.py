#!/usr/bin/env python3
"""Record what `unspun check --format json` finds, so that a change made for speed can be shown to leave the
findings as they were.

    python3 scripts/snapshot_findings.py            # write tests/snapshots/findings.json
    python3 scripts/snapshot_findings.py --check    # compare with it; exit 1 and list what differs

For every finding it keeps start, end, rule, replacements, confidence and whether the fix is safe
(`fix_applicable`), together with each file's spin score, for

* the project's examples (`examples/`),
* the markup fixtures (`tests/fixtures/markup/`), each read in its own format, and
* the development evaluation set beside the project (`../shared/eval/`, its `news-dev/*.txt` and
  `clean-dev/*.txt`) when it is present. Of these only a SHA-256 hash of each file's findings (and their
  number) is stored, never the texts or the findings themselves.

`tests/engine/test_snapshot.py` recomputes the same and compares (skipping the development set where it is
absent). Checks run with `--no-config`, so no configuration file around the inputs plays a part.

**Findings are meant to change** whenever the detection rules, lexicons, language model, thesaurus or estimates
change. Such a change regenerates the snapshot with this script, and only with this script (run it from the
project's root with the development set in place, so that its part is written too; without it, the part
already in the snapshot is kept as it was), in the same commit as the change. A change made for speed must
leave the snapshot as it is.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "snapshots" / "findings.json"
EVAL = ROOT.parent / "shared" / "eval"
#: the fields of a finding's JSON record that the snapshot keeps
FIELDS = ("start", "end", "rule", "replacements", "confidence", "fix_applicable")


def _server_on_path() -> None:
    try:
        import unspun  # noqa: F401
    except ImportError:  # a checkout, not installed
        sys.path.insert(0, str(ROOT / "server"))


def check_json(paths: list[Path]) -> dict[str, dict]:
    """`unspun check --format json --no-config` on `paths`, in this process: per file path, its JSON record."""
    _server_on_path()
    from unspun.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", "--format", "json", "--no-config", "--exit-zero", "--quiet", "--jobs", "1",
              *map(str, paths)])
    return {f["path"]: f for f in json.loads(out.getvalue())["files"]}


def _record(file: dict) -> dict:
    return {
        "status": file["status"],
        "spin_score": file.get("spin_score"),
        "findings": [{k: f[k] for k in FIELDS} for f in file.get("findings", [])],
    }


def _digest(record: dict) -> dict:
    blob = json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return {"findings": len(record["findings"]), "sha256": hashlib.sha256(blob).hexdigest()}


def project_files() -> list[Path]:
    return sorted((ROOT / "examples").iterdir()) + sorted((ROOT / "tests" / "fixtures" / "markup").iterdir())


def dev_files(eval_dir: Path = EVAL) -> list[Path]:
    return sorted((eval_dir / "news-dev").glob("*.txt")) + sorted((eval_dir / "clean-dev").glob("*.txt"))


def compute(eval_dir: Path | None = EVAL) -> dict:
    """The snapshot as it would be written now (`dev` is None without the development set)."""
    files = [p for p in project_files() if p.is_file()]
    got = check_json(files)
    project = {p.relative_to(ROOT).as_posix(): _record(got[str(p)]) for p in files}
    dev = None
    if eval_dir is not None and (eval_dir / "news-dev").is_dir():
        paths = dev_files(eval_dir)
        got = check_json(paths)
        dev = {p.relative_to(eval_dir).as_posix(): _digest(_record(got[str(p)])) for p in paths}
    return {"fields": list(FIELDS), "project": project, "dev": dev}


def differences(want: dict, got: dict) -> list[str]:
    """What differs between two snapshots, one line per file (the development set only where both have it)."""
    out = []
    for part in ("project", "dev"):
        a, b = want.get(part), got.get(part)
        if a is None or b is None:
            continue
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                out.append(f"{part}: {name}: recorded {json.dumps(a.get(name))[:300]} now {json.dumps(b.get(name))[:300]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the snapshot instead of writing it")
    ap.add_argument("--eval", type=Path, default=EVAL, help="the development evaluation set (default: ../shared/eval)")
    ap.add_argument("--out", type=Path, default=SNAPSHOT)
    args = ap.parse_args(argv)
    got = compute(args.eval)
    if args.check:
        want = json.loads(args.out.read_text(encoding="utf-8"))
        diff = differences(want, got)
        for line in diff:
            print(line)
        print(f"{len(diff)} files differ" if diff else "findings unchanged")
        return 1 if diff else 0
    if got["dev"] is None and args.out.is_file():
        got["dev"] = json.loads(args.out.read_text(encoding="utf-8")).get("dev")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
