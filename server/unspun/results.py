"""Structured results of `unspun check`: one `FileResult` per input file, whatever the output format, and the
summary of a run. The renderers (`unspun.renderers`) turn them into text, JSON, SARIF, ...

The JSON shapes are documented by `docs/output-schema.json`.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CHECKED, SKIPPED = "checked", "skipped"
#: version of the JSON output's shape (`docs/output-schema.json`)
SCHEMA_VERSION = 1
#: upper bounds of the spin-score histogram's bins (per 100 words); the last bin is open
SCORE_BINS = (1.0, 2.5, 5.0, 10.0)


@dataclass
class FileResult:
    path: str
    status: str = CHECKED
    #: why a file was skipped
    reason: str | None = None
    #: True when a file could not be read at all (missing, permission denied): the run exits 2
    error: bool = False
    spin_score: float = 0.0
    spun: bool = False
    spin_threshold: float = 0.0
    words: int = 0
    #: the findings' records: a list, or a `SpooledFindings` (read back one at a time) for a large file
    findings: list[dict] | SpooledFindings = field(default_factory=list)
    paragraphs: list[dict] = field(default_factory=list)
    #: the text of each line (from 0) that has a finding, for --show-source; not part of the JSON record
    lines: dict[int, str] = field(default_factory=dict)
    #: (text before, text after) each finding, for `unspun report`; not part of the JSON record
    contexts: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_record(cls, d: dict) -> "FileResult":
        """The result a JSON record describes (as written by `record`)."""
        if d.get("status") == SKIPPED:
            return cls(d["path"], SKIPPED, d.get("reason"))
        keys = ("spin_score", "spun", "spin_threshold", "words", "findings", "paragraphs")
        return cls(d["path"], CHECKED, **{k: d[k] for k in keys})

    def record(self) -> dict:
        """The file's JSON record."""
        if self.status == SKIPPED:
            return {"path": self.path, "status": SKIPPED, "reason": self.reason}
        return self._record(self.findings if isinstance(self.findings, list) else list(self.findings))

    def _record(self, findings: list[dict]) -> dict:
        return {
            "path": self.path, "status": CHECKED, "spin_score": self.spin_score, "spun": self.spun,
            "spin_threshold": self.spin_threshold, "words": self.words, "findings": findings,
            "paragraphs": self.paragraphs,
        }

    def write_record(self, out, **dump) -> None:
        """Write the file's JSON record (`json.dumps(self.record(), **dump)`, byte for byte) to `out`, the
        findings one at a time: spooled findings are not all read back at once."""
        if isinstance(self.findings, list) or self.status == SKIPPED:
            out.write(json.dumps(self.record(), **dump))
            return
        head, tail = json.dumps(self._record([]), **dump).split('"findings": []', 1)
        out.write(head + '"findings": [')
        for k, f in enumerate(self.findings):
            out.write((", " if k else "") + json.dumps(f, **dump))
        out.write("]" + tail)


class SpooledFindings:
    """The findings' records of one large file, kept in a temporary file as they come (a JSON line each) rather
    than in memory, and read back one at a time each time they are iterated; with the counts a summary needs."""

    def __init__(self):
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._count = 0
        self.fix_applicable = 0
        self.by_kind: Counter = Counter()
        self.by_rule: Counter = Counter()

    def append(self, rec: dict) -> None:
        self._file.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._count += 1
        self.fix_applicable += bool(rec["fix_applicable"])
        self.by_kind[rec["kind"]] += 1
        self.by_rule[rec["rule"]] += 1

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self):
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


def finding_record(f, index, applicable: bool) -> dict:
    """One finding's JSON record (`index`: an `unspun.positions.PositionIndex` of the text)."""
    (l1, c1), (l2, c2) = index.text_position(f.start), index.text_position(f.end)
    return {
        "start": f.start, "end": f.end, "line": l1, "column": c1, "end_line": l2, "end_column": c2,
        "text": f.text, "replacements": list(f.replacements), "confidence": f.confidence,
        "kind": f.kind.value, "rule": f.rule, "message": f.message, "hint": f.hint,
        "fix_applicable": applicable,
    }


class Selection:
    """--select / --ignore: findings kept by kind (`fingerprint`) or rule (`fingerprint/news`)."""

    def __init__(self, select: Sequence[str] = (), ignore: Sequence[str] = ()):
        self.select = tuple(select)
        self.ignore = tuple(ignore)

    @staticmethod
    def _matches(token: str, kind: str, rule: str) -> bool:
        return token in (kind, rule) or rule.startswith(token + "/")

    def keeps(self, kind: str, rule: str) -> bool:
        if self.select and not any(self._matches(t, kind, rule) for t in self.select):
            return False
        return not any(self._matches(t, kind, rule) for t in self.ignore)

    def filter(self, findings: Iterable) -> list:
        return [f for f in findings if self.keeps(f.kind.value, f.rule)]

    def __bool__(self) -> bool:
        return bool(self.select or self.ignore)


def score_histogram(scores: Iterable[float]) -> list[dict]:
    """Counts of spin scores per bin: [{"from": 0, "to": 1.0, "files": n}, ..., {"from": 10.0, "to": None, ...}]."""
    counts = [0] * (len(SCORE_BINS) + 1)
    for s in scores:
        i = next((k for k, bound in enumerate(SCORE_BINS) if s < bound), len(SCORE_BINS))
        counts[i] += 1
    lows = (0.0, *SCORE_BINS)
    highs = (*SCORE_BINS, None)
    return [{"from": lo, "to": hi, "files": n} for lo, hi, n in zip(lows, highs, counts)]


def summarize(results: Sequence[FileResult]) -> dict:
    """The run's summary (the `summary` object of the JSON output)."""
    checked = [r for r in results if r.status == CHECKED]
    count = fix_applicable = 0
    by_kind: Counter = Counter()
    by_rule: Counter = Counter()
    for r in checked:
        count += len(r.findings)
        if isinstance(r.findings, SpooledFindings):  # (counted as they were spooled: not read back)
            fix_applicable += r.findings.fix_applicable
            by_kind.update(r.findings.by_kind)
            by_rule.update(r.findings.by_rule)
            continue
        for f in r.findings:
            fix_applicable += bool(f["fix_applicable"])
            by_kind[f["kind"]] += 1
            by_rule[f["rule"]] += 1
    scores = [r.spin_score for r in checked if r.words]
    return {
        "files": len(results),
        "checked": len(checked),
        "skipped": len(results) - len(checked),
        "words": sum(r.words for r in checked),
        "findings": count,
        "fix_applicable": fix_applicable,
        "by_kind": dict(sorted(by_kind.items())),
        "by_rule": dict(sorted(by_rule.items())),
        "spun_files": sum(1 for r in checked if r.spun),
        "spin_scores": {
            "min": min(scores) if scores else None,
            "median": statistics.median(scores) if scores else None,
            "max": max(scores) if scores else None,
            "histogram": score_histogram(scores),
        },
    }
