"""Import the Problematic Paper Screener's public tortured-phrase export into an unspun lexicon.

The export is a CSV with the columns `Fingerprint - Tortured Phrase`, `Expected Text` and
`Nb Retrieved Papers`. A fingerprint may carry context conditions in the screener's query syntax:
`phrase AND term` (the entry applies only when `term` also occurs in the document) and `phrase NOT term`
(it does not apply when `term` occurs); several terms may follow, each with its operator, and `A OR B` groups
terms. Expected texts the screener marks as uncertain (containing `?`) are skipped, as are rows without an
expected text. Column names are matched loosely (case, spacing), and extra columns such as separate
condition columns (`require_cooccur`, `exclude_if`) are honoured when present.

The list itself is not shipped with unspun: its licence is unclear. Users import their own copy.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field

from unspun.engine.lexicon import COLUMNS

_OPERATOR = re.compile(r"\s+(AND|NOT)\s+")


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    skipped_uncertain: int = 0
    skipped_empty: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)


def _find_column(header: list[str], *needles: str) -> int | None:
    norm = [re.sub(r"[^a-z0-9]+", " ", h.lower()).strip() for h in header]
    for needle in needles:
        for i, h in enumerate(norm):
            if needle in h:
                return i
    return None


def parse_fingerprint(text: str) -> tuple[str, list[str], list[str]]:
    """Split `phrase AND a NOT b` into (phrase, require terms, exclude terms)."""
    parts = _OPERATOR.split(text.strip())
    phrase = parts[0].strip().strip('"')
    require: list[str] = []
    exclude: list[str] = []
    for op, term in zip(parts[1::2], parts[2::2]):
        terms = [t.strip().strip('"()') for t in re.split(r"\s+OR\s+", term.strip().strip("()"))]
        (require if op == "AND" else exclude).extend(t for t in terms if t)
    return phrase, require, exclude


def _confidence(papers: str) -> float:
    try:
        n = max(0, int(float(papers)))
    except ValueError:
        return 0.85
    # the more papers a fingerprint was found in, the surer it is a spin: 0.85 .. 0.98
    return round(min(0.98, 0.85 + 0.13 * math.log10(n + 1) / 4), 3)


def _cell(row: list[str], i: int | None) -> str:
    return row[i].strip() if i is not None and i < len(row) else ""


def import_pps(csv_text: str, source: str = "pps") -> tuple[str, ImportReport]:
    """Convert the CSV text to lexicon TSV text; returns the TSV and a report of what was skipped and why."""
    report = ImportReport()
    sample = csv_text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(csv_text), dialect))
    if not rows:
        raise ValueError(f"{source}: empty file")
    header = rows[0]
    c_fp = _find_column(header, "tortured", "fingerprint")
    c_exp = _find_column(header, "expected")
    c_n = _find_column(header, "retrieved", "papers", "nb ")
    c_req = _find_column(header, "require", "cooccur")
    c_exc = _find_column(header, "exclude")
    if c_fp is None or c_exp is None:
        raise ValueError(
            f"{source}: line 1: no 'Fingerprint - Tortured Phrase' / 'Expected Text' columns in header {header!r}"
        )
    out = [
        "# unspun lexicon",
        "# format: 1",
        f"# name: {re.sub(r'[^A-Za-z0-9_.-]+', '-', source)}",
        f"# imported from a Problematic Paper Screener export ({source})",
        "\t".join(COLUMNS),
    ]
    seen: set[str] = set()
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        report.rows += 1
        fp, expected = _cell(row, c_fp), _cell(row, c_exp)
        if not fp or not expected:
            report.skipped_empty += 1
            continue
        if "?" in expected or _cell(row, _find_column(header, "uncertain")).lower() in ("yes", "true", "1"):
            report.skipped_uncertain += 1
            continue
        phrase, require, exclude = parse_fingerprint(fp)
        require += [t.strip() for t in re.split(r"[;|]", _cell(row, c_req)) if t.strip()]
        exclude += [t.strip() for t in re.split(r"[;|]", _cell(row, c_exc)) if t.strip()]
        if not phrase or "\t" in phrase or "\t" in expected:
            report.problems.append(f"{source}:{lineno}: unusable fingerprint {fp!r}")
            continue
        key = phrase.lower()
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        alternatives = " | ".join(a.strip() for a in re.split(r"\s+/\s+|\s+\|\s+", expected) if a.strip())
        papers = _cell(row, c_n)
        out.append(
            "\t".join(
                [
                    phrase,
                    alternatives,
                    "fingerprint",
                    str(_confidence(papers)),
                    "",
                    ";".join(require),
                    ";".join(exclude),
                    f"pps row {lineno}" + (f", {papers} papers" if papers else ""),
                ]
            )
        )
        report.imported += 1
    return "\n".join(out) + "\n", report
