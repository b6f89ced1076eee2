#!/usr/bin/env python3
"""Write `docs/gallery.md`: each shipped example before and after `unspun fix`, with the real output of
`unspun check` and `unspun fix --diff` and the findings left for review, so the page shows what the current
code does and cannot drift from it (the documentation tests regenerate the page and compare).

Usage:
    python3 scripts/build_gallery.py            # rewrite docs/gallery.md
    python3 scripts/build_gallery.py --check    # exit 1 (and say why) if docs/gallery.md is out of date

The commands run with this checkout's `server/` first on PYTHONPATH, from the repository root.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "gallery.md"


@dataclass(frozen=True)
class Example:
    title: str
    path: str
    about: str


EXAMPLES = (
    Example(
        "News spinner",
        "examples/spun-news.txt",
        "A news item passed through a web-copy article spinner: common words and phrases swapped for thesaurus"
        " synonyms (*news conference* -> *information convention*, *countries* -> *international locations*,"
        " *said* -> *mentioned*), the same substitute used throughout the text.",
    ),
    Example(
        "Scientific tortured phrases",
        "examples/spun-science.md",
        "A Markdown abstract passed through a paraphrasing tool that breaks technical terms word by word"
        " (*artificial intelligence* -> *counterfeit consciousness*, *breast cancer* -> *bosom malignant growth*,"
        " *random forest* -> *irregular woodland*).",
    ),
)


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str


def unspun(*args: str) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "server"), env.get("PYTHONPATH", "")) if p)
    env.pop("NO_COLOR", None)
    r = subprocess.run(
        [sys.executable, "-m", "unspun", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=300,
    )
    return Run(("unspun", *args), r.returncode, r.stdout, r.stderr)


_TOKEN = re.compile(r"\w[\w'\u2019-]*|[^\w\s]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")


def escape(text: str) -> str:
    """Text shown as itself inside Markdown (a blockquote line)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"(?m)^(\s*)([#+=-])", r"\1\\\2", text)


def marked_diff(before: str, after: str) -> str:
    """`before` with every change shown as ~~removed~~ **inserted**, word by word, in Markdown."""
    old = [(m.start(), m.end()) for m in _TOKEN.finditer(before)]
    new = [(m.start(), m.end()) for m in _TOKEN.finditer(after)]
    matcher = difflib.SequenceMatcher(
        None, [before[a:b] for a, b in old], [after[a:b] for a, b in new], autojunk=False
    )
    out: list[str] = []
    pos = 0  # in `before`
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = old[i1][0] if i1 < len(old) else len(before)
        out.append(escape(before[pos:start]))
        removed = before[old[i1][0]:old[i2 - 1][1]] if i2 > i1 else ""
        inserted = after[new[j1][0]:new[j2 - 1][1]] if j2 > j1 else ""
        parts = []
        if removed:
            parts.append(f"~~{escape(removed)}~~")
        if inserted:
            parts.append(f"**{escape(inserted)}**")
        out.append(" ".join(parts) + (" " if not removed else ""))
        pos = old[i2 - 1][1] if i2 > i1 else start
    out.append(escape(before[pos:]))
    return "".join(out)


def marked_edits(before: str, findings: list[dict]) -> tuple[str, str]:
    """(the text with the best replacement of every finding marked fix_applicable put in, the same change in
    Markdown as ~~removed~~ **inserted**, one mark per finding)."""
    edits = sorted((f["start"], f["end"], f["replacements"][0]) for f in findings if f["fix_applicable"])
    text: list[str] = []
    marked: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        text += [before[pos:start], replacement]
        marked += [escape(before[pos:start]), f"~~{escape(before[start:end])}~~ **{escape(replacement)}**"]
        pos = end
    text.append(before[pos:])
    marked.append(escape(before[pos:]))
    return "".join(text), "".join(marked)


def quote(markdown: str) -> str:
    lines = markdown.rstrip("\n").split("\n")
    return "\n".join(f"> {line}".rstrip() for line in lines)


def console(run: Run, output: str) -> str:
    body = output if output.endswith("\n") or not output else output + "\n"
    return f"```console\n$ {' '.join(run.argv)}\n{body}```"


def section(ex: Example) -> str:
    before = (ROOT / ex.path).read_text(encoding="utf-8")
    check = unspun("check", ex.path)
    data = json.loads(unspun("check", "--format", "json", ex.path).out)
    fixed = unspun("fix", "-o", "-", ex.path)
    diff = unspun("fix", "--diff", ex.path)
    (record,) = data["files"]
    findings = record["findings"]
    review = [f for f in findings if not f["fix_applicable"]]
    done = re.search(r": fixed (\d+) spins?$", fixed.err.strip(), re.M)
    applied = int(done.group(1)) if done else 0
    # one mark per finding when the fix is exactly those findings' replacements (one round); otherwise the
    # fixed text compared with the original word by word
    one_round, marked = marked_edits(before, findings)
    if one_round != fixed.out:
        marked = marked_diff(before, fixed.out)

    parts = [
        f"## {ex.title}",
        f"`{ex.path}`: {ex.about}",
        "### Before and after `unspun fix`",
        f"{len(findings)} findings; `unspun fix` applies {applied}, the ones safe to fix automatically "
        f"(struck out: the text as written; in bold: what `unspun fix` writes instead).",
        quote(marked),
        f"`unspun fix` exits with {fixed.code} here: "
        + ("findings are left that need review." if fixed.code == 1 else "no finding is left that needs review."),
        "### What `unspun check` reports",
        console(check, check.out + check.err),
        f"Exit code {check.code}. The summary line goes to standard error, the rest to standard output.",
    ]
    if review:
        rows = ["| line:column | written | suggestion | confidence | rule |", "|---|---|---|---|---|"]
        for f in review:
            suggestion = ", ".join(f"“{r}”" for r in f["replacements"][:3]) or "(none)"
            rows.append(
                f"| {f['line'] + 1}:{f['column'] + 1} | “{escape(f['text'])}” | {escape(suggestion)} | "
                f"{f['confidence']:.2f} | `{f['rule']}` |"
            )
        parts += [
            "### Left for review",
            "Findings `unspun fix` does not apply: not safe to fix automatically (the estimate that the first"
            " suggestion restores the original wording is below the threshold for automatic fixes; a fingerprint"
            " from a hand-written lexicon is safe from confidence 0.7), or overlapping an earlier finding. The"
            " confidence is the estimate that the phrase is a spin, not that the suggestion is right. An editor"
            " shows these as suggestions with quick fixes. Some are right and some are not: read them.",
            "\n".join(rows),
        ]
    parts += [
        "### The same fixes as a patch",
        console(diff, diff.out),
        f"Exit code {diff.code}" + (": the diff shows a change." if diff.code == 1 else "."),
    ]
    return "\n\n".join(parts)


def build() -> str:
    head = (
        "<!-- Generated by scripts/build_gallery.py from the files in examples/; do not edit by hand. -->\n\n"
        "# Gallery\n\n"
        "Each example below is a file shipped in `examples/`, shown as `unspun` leaves it: the text before and"
        " after `unspun fix`, what `unspun check` prints, and the findings a fix leaves for a person to decide."
        " The page is written by `scripts/build_gallery.py` from the real output of the commands, and the test"
        " suite writes it again and compares, so it shows what the current version does.\n\n"
        "To see the same on your machine, from a checkout:\n\n"
        "```sh\n"
        + "".join(f"unspun check {ex.path}\nunspun fix --diff {ex.path}\n" for ex in EXAMPLES)
        + "```"
    )
    return head + "\n\n" + "\n\n".join(section(ex) for ex in EXAMPLES) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="compare with docs/gallery.md instead of writing it")
    args = p.parse_args(argv)
    text = build()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(True), text.splitlines(True), "docs/gallery.md", "generated"
            ))
            print("docs/gallery.md is out of date: run python3 scripts/build_gallery.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
