"""Output formats of `unspun check`: a renderer per format, fed the structured results (`unspun.results`) file
by file, then the summary. Streaming formats (text, jsonl, github, csv) write each file as it comes; json and
sarif write one document at the end (json a finding at a time: a large file's findings may be spooled to a
temporary file, `results.SpooledFindings`, and are then read back one at a time).

Add a format by subclassing `Renderer` and registering it with `@register("name", "what it writes")`: the
command line offers every registered format (`--format`, its help, the workers' results) from `REGISTRY`.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from unspun import __version__
from unspun.results import CHECKED, SCHEMA_VERSION, SKIPPED, FileResult

#: format name -> renderer class, in the order `--help` lists them
REGISTRY: dict[str, type[Renderer]] = {}


def register(name: str, help: str) -> Callable[[type[Renderer]], type[Renderer]]:
    """Register a renderer as format `name`; `help` says what it writes (for `--format`'s help)."""

    def deco(cls: type[Renderer]) -> type[Renderer]:
        cls.name, cls.help = name, help
        REGISTRY[name] = cls
        return cls

    return deco


@dataclass
class View:
    """What the command line asked of the output."""

    show_source: bool = False
    paragraphs: bool = False
    statistics: bool = False
    quiet: bool = False


class Renderer:
    name = ""
    help = ""

    @classmethod
    def wants_lines(cls, view: View) -> bool:
        """Whether the results should carry the source lines of their findings (`FileResult.lines`): read from
        the file where it is checked (in a worker, with `-j`), since the renderer sees only the results."""
        return False

    def __init__(self, out: TextIO, err: TextIO, view: View):
        self.out, self.err, self.view = out, err, view

    def file(self, result: FileResult) -> None:
        """One input file's result, as soon as it is known."""

    def finish(self, results: list[FileResult], summary: dict) -> None:
        """After the last file."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def caret_line(line: str, start: int, end: int) -> str:
    """`^~~~` under columns [start, end) of `line` (tabs kept so the caret lines up)."""
    pad = "".join("\t" if ch == "\t" else " " for ch in line[:start])
    return pad + "^" + "~" * max(0, min(end, len(line)) - start - 1)


@register("text", "path:line:col: message (default)")
class Text(Renderer):
    """`path:line:col: message -> “replacement” [rule]`, lines and columns from 1; a summary on standard error."""

    @classmethod
    def wants_lines(cls, view: View) -> bool:
        return view.show_source

    def file(self, r: FileResult) -> None:
        if r.status != CHECKED or self.view.statistics:
            return
        write = self.out.write
        for f in r.findings:
            fix = f" -> \u201c{f['replacements'][0]}\u201d" if f["replacements"] else ""
            write(f"{r.path}:{f['line'] + 1}:{f['column'] + 1}: {f['message']}{fix} [{f['rule']}]\n")
            if self.view.show_source and f["line"] in r.lines:
                src = r.lines[f["line"]]
                end = f["end_column"] if f["end_line"] == f["line"] else len(src)
                write(f"    {src}\n    {caret_line(src, f['column'], end)}\n")
        if self.view.paragraphs:
            for p in r.paragraphs:
                if p["spin_score"] >= r.spin_threshold:
                    write(
                        f"{r.path}:{p['line'] + 1}: this paragraph looks machine-spun"
                        f" (spin score {p['spin_score']:.1f} per 100 words)\n"
                    )
        if r.spun:
            write(f"{r.path}: looks machine-spun (spin score {r.spin_score:.1f} per 100 words)\n")

    def finish(self, results: list[FileResult], summary: dict) -> None:
        if self.view.statistics:
            self.out.write(statistics_table(summary))
        if self.view.quiet:
            return
        n = summary["findings"]
        parts = [f"Found {_plural(n, 'likely spin')}" if n else "No likely spins"]
        if summary["by_kind"]:
            parts.append(" (" + ", ".join(f"{k} {kind}" for kind, k in summary["by_kind"].items()) + ")")
        parts.append(f" in {_plural(summary['checked'], 'file')}, {_plural(summary['words'], 'word')}")
        if summary["skipped"]:
            parts.append(f" ({summary['skipped']} skipped)")
        if summary["spun_files"]:
            parts.append(f"; {_plural(summary['spun_files'], 'file')} looks machine-spun".replace("files looks", "files look"))
        if summary["fix_applicable"]:
            parts.append(f"; `unspun fix` would fix {summary['fix_applicable']}")
        self.err.write("".join(parts) + ".\n")


def statistics_table(summary: dict) -> str:
    """Findings by rule, then the spin scores' histogram, as aligned text."""
    lines = []
    by_rule = sorted(summary["by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))
    width = len(str(summary["findings"]))
    for rule, n in by_rule:
        lines.append(f"{n:>{width}}  {rule}")
    lines.append(
        f"{summary['findings']:>{width}}  {'finding' if summary['findings'] == 1 else 'findings'} in"
        f" {_plural(summary['checked'], 'file')}, {_plural(summary['words'], 'word')}"
    )
    lines.append("spin scores (per 100 words):")
    for b in summary["spin_scores"]["histogram"]:
        label = f"{b['from']:>4g}-{b['to']:<4g}" if b["to"] is not None else f"{b['from']:>4g}+    "
        lines.append(f"  {label} {b['files']:>5}  {'#' * min(b['files'], 60)}".rstrip())
    return "\n".join(lines) + "\n"


@register("json", "one document (docs/output-schema.json)")
class Json(Renderer):
    """One JSON document: {"version", "files": [...], "summary": {...}} (docs/output-schema.json)."""

    def finish(self, results: list[FileResult], summary: dict) -> None:
        # as `json.dump({"version", "files": [record, ...], "summary"})` would write it, a record at a time
        doc = {"version": SCHEMA_VERSION, "files": [], "summary": summary}
        head, tail = json.dumps(doc, ensure_ascii=False).split('"files": []', 1)
        self.out.write(head + '"files": [')
        for k, r in enumerate(results):
            if k:
                self.out.write(", ")
            r.write_record(self.out, ensure_ascii=False)
        self.out.write("]" + tail + "\n")


@register("jsonl", "a record per file")
class JsonLines(Renderer):
    """One file record per line, as each file is done."""

    def file(self, r: FileResult) -> None:
        r.write_record(self.out, ensure_ascii=False)
        self.out.write("\n")
        self.out.flush()


CSV_COLUMNS = (
    "path", "line", "column", "end_line", "end_column", "kind", "rule", "confidence", "text", "replacement",
    "fix_applicable", "message",
)


@register("csv", "a row per finding")
class Csv(Renderer):
    """One row per finding (lines and columns from 1), with a header row."""

    def __init__(self, out: TextIO, err: TextIO, view: View):
        super().__init__(out, err, view)
        self.writer = csv.writer(out, lineterminator="\n")
        self.writer.writerow(CSV_COLUMNS)

    def file(self, r: FileResult) -> None:
        for f in r.findings:
            self.writer.writerow([
                r.path, f["line"] + 1, f["column"] + 1, f["end_line"] + 1, f["end_column"] + 1, f["kind"], f["rule"],
                f"{f['confidence']:.3f}", f["text"], f["replacements"][0] if f["replacements"] else "",
                "true" if f["fix_applicable"] else "false", f["message"],
            ])


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


@register("github", "GitHub Actions annotations")
class GitHub(Renderer):
    """GitHub Actions workflow commands: an annotation per finding (`::warning file=...,line=...::message`)."""

    def file(self, r: FileResult) -> None:
        path = _gh_escape(r.path, prop=True)
        if r.status == SKIPPED:
            self.out.write(f"::warning file={path},title=unspun::{_gh_escape(f'skipped: {r.reason}')}\n")
            return
        for f in r.findings:
            level = "notice" if f["hint"] else "warning"
            fix = f" -> \u201c{f['replacements'][0]}\u201d" if f["replacements"] else ""
            where = (
                f"file={path},line={f['line'] + 1},col={f['column'] + 1},"
                f"endLine={f['end_line'] + 1},endColumn={f['end_column'] + 1},title={_gh_escape(f['rule'], True)}"
            )
            self.out.write(f"::{level} {where}::{_gh_escape(f['message'] + fix)}\n")


#: what each kind of finding is, for SARIF rule descriptions
KIND_DESCRIPTIONS = {
    "fingerprint": "Tortured phrase: a known garbled synonym substitution of an established term",
    "substitution": "Likely spinner substitution: a word swapped for a synonym in a text that looks machine-spun",
}


def artifact_uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId) of a file for SARIF: relative to the current folder when under it."""
    from pathlib import Path
    from urllib.parse import quote

    if path == "<stdin>":
        return "stdin", None
    full = os.path.abspath(path)
    rel = os.path.relpath(full)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return Path(full).as_uri(), None
    return quote(rel.replace(os.sep, "/")), "SRCROOT"


@register("sarif", "SARIF 2.1.0")
class Sarif(Renderer):
    """A SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers); columns count code points."""

    def finish(self, results: list[FileResult], summary: dict) -> None:
        from pathlib import Path

        rules: dict[str, int] = {}
        out_results = []
        notes = []
        for r in results:
            uri, base = artifact_uri(r.path)
            location = {"uri": uri, **({"uriBaseId": base} if base else {})}
            if r.status == SKIPPED:
                notes.append({
                    "level": "error" if r.error else "warning",
                    "message": {"text": f"{r.path}: {r.reason}"},
                    "locations": [{"physicalLocation": {"artifactLocation": location}}],
                })
                continue
            for f in r.findings:
                idx = rules.setdefault(f["rule"], len(rules))
                region = {
                    "startLine": f["line"] + 1, "startColumn": f["column"] + 1,
                    "endLine": f["end_line"] + 1, "endColumn": f["end_column"] + 1,
                }
                item = {
                    "ruleId": f["rule"], "ruleIndex": idx, "level": "note" if f["hint"] else "warning",
                    "message": {"text": f["message"]},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": location, "region": {**region, "snippet": {"text": f["text"]}},
                    }}],
                    "properties": {
                        "kind": f["kind"], "confidence": f["confidence"], "replacements": f["replacements"],
                        "fixApplicable": f["fix_applicable"],
                    },
                }
                if f["replacements"]:
                    item["fixes"] = [{
                        "description": {"text": f"Replace with \u201c{f['replacements'][0]}\u201d"},
                        "artifactChanges": [{
                            "artifactLocation": location,
                            "replacements": [{"deletedRegion": region, "insertedContent": {"text": f["replacements"][0]}}],
                        }],
                    }]
                out_results.append(item)
        driver_rules = []
        for rule in rules:
            kind = rule.split("/", 1)[0]
            driver_rules.append({
                "id": rule,
                "shortDescription": {"text": KIND_DESCRIPTIONS.get(kind, kind)},
                "properties": {"kind": kind},
            })
        run = {
            "tool": {"driver": {"name": "unspun", "version": __version__, "semanticVersion": __version__, "rules": driver_rules}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"SRCROOT": {"uri": Path(os.getcwd()).as_uri().rstrip("/") + "/"}},
            "invocations": [{
                "executionSuccessful": not any(r.error for r in results),
                "toolExecutionNotifications": notes,
            }],
            "results": out_results,
            "properties": {"summary": summary},
        }
        log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
        json.dump(log, self.out, ensure_ascii=False, indent=1)
        self.out.write("\n")
