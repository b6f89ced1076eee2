"""Structured results of `unspun check`: one `FileResult` per input file, whatever the output format, and the
summary of a run. The renderers (`unspun.renderers`) turn them into text, JSON, SARIF, ...

The JSON shapes are documented by `docs/output-schema.json`.
"""

from __future__ import annotations

import statistics
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
    findings: list[dict] = field(default_factory=list)
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
        return {
            "path": self.path, "status": CHECKED, "spin_score": self.spin_score, "spun": self.spun,
            "spin_threshold": self.spin_threshold, "words": self.words, "findings": self.findings,
            "paragraphs": self.paragraphs,
        }


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
    findings = [f for r in checked for f in r.findings]
    scores = [r.spin_score for r in checked if r.words]
    return {
        "files": len(results),
        "checked": len(checked),
        "skipped": len(results) - len(checked),
        "words": sum(r.words for r in checked),
        "findings": len(findings),
        "fix_applicable": sum(1 for f in findings if f["fix_applicable"]),
        "by_kind": dict(sorted(Counter(f["kind"] for f in findings).items())),
        "by_rule": dict(sorted(Counter(f["rule"] for f in findings).items())),
        "spun_files": sum(1 for r in checked if r.spun),
        "spin_scores": {
            "min": min(scores) if scores else None,
            "median": statistics.median(scores) if scores else None,
            "max": max(scores) if scores else None,
            "histogram": score_histogram(scores),
        },
    }
