"""From the engine's findings (code-point offsets) to LSP values: positions, diagnostics, code actions, hovers.

Positions follow the LSP: lines end at `\\n`, `\\r\\n` or `\\r` (never at other Unicode breaks), columns count
code units of the negotiated position encoding (UTF-16 unless the client offered another one). `PositionIndex`
(`unspun.positions`) is built once per document version, so converting thousands of findings costs a binary
search each (pygls' `TextDocument.client_position_at_offset` re-splits the whole document for every call).

Nothing here detects anything: every function maps engine results onto protocol types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lsprotocol import types

from unspun import positions
from unspun.engine.fixer import fix_edits, fix_until_stable
from unspun.engine.model import Analysis, Finding, Findings, Kind
from unspun.lsp.client import ClientFeatures
from unspun.lsp.settings import Settings

SOURCE = "unspun"
FIX_ALL_KIND = "source.fixAll.unspun"
QUICKFIX_KIND = types.CodeActionKind.QuickFix.value
#: exactly what the server offers; editors use this to decide when to ask
CODE_ACTION_KINDS = [QUICKFIX_KIND, FIX_ALL_KIND]
SPIN_CODE = "spin-score"
LIMIT_CODE = "too-many-findings"
SIZE_CODE = "document-too-large"

CMD_IGNORE = "unspun.ignore"
CMD_ALLOW = "unspun.allow"
CMD_FIX_ALL = "unspun.fixAll"
CMD_REPLACE = "unspun.replace"
CMD_SPIN_SCORES = "unspun.spinScores"
COMMANDS = [CMD_IGNORE, CMD_ALLOW, CMD_FIX_ALL, CMD_REPLACE, CMD_SPIN_SCORES]



# -- positions -------------------------------------------------------------------------------------------

class PositionIndex(positions.PositionIndex):
    """Code-point offsets <-> LSP positions for one text (`unspun.positions.PositionIndex` with the protocol's
    types)."""

    def position(self, offset: int) -> types.Position:
        line, col = self.line_col(offset)
        return types.Position(line=line, character=col)

    def range_json(self, start: int, end: int) -> dict:
        """`range` as the LSP's JSON."""
        return _range_of(self.line_col(start), self.line_col(end))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, pos: types.Position) -> int:
        """The offset of a client position; past the end of a line means its end, past the last line the end."""
        return self.offset_at(pos.line, pos.character)

    def offsets(self, rng: types.Range) -> tuple[int, int]:
        a, b = self.offset(rng.start), self.offset(rng.end)
        return (a, b) if a <= b else (b, a)


def _range_of(a: tuple[int, int], b: tuple[int, int]) -> dict:
    """An LSP range as JSON from two (line, character) pairs."""
    return {"start": {"line": a[0], "character": a[1]}, "end": {"line": b[0], "character": b[1]}}


# -- diagnostics -----------------------------------------------------------------------------------------

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def severity(f: Finding, settings: Settings) -> types.DiagnosticSeverity:
    """Hints (faint, left out of the Problems panel and its count) only for the weak suggestions: substitutions
    in a text that does not look spun. Everything else stays visible -- what fix-all changes at the configured
    severity, the rest one step milder below the low-confidence mark but not below Information."""
    if f.hint:
        return types.DiagnosticSeverity.Hint
    return severity_of(f.kind, f.confidence < settings.low_confidence, settings)


def severity_of(kind: Kind, low_confidence: bool, settings: Settings) -> types.DiagnosticSeverity:
    """The configured severity of a kind of finding, one step milder below the low-confidence mark (never
    milder than Information unless Hint is what is configured)."""
    sev = _SEVERITY[settings.severity.get(kind.value, "information")]
    if low_confidence and sev.value < types.DiagnosticSeverity.Information.value:
        sev = types.DiagnosticSeverity(sev.value + 1)
    return sev


def _kind_label(f: Finding) -> str:
    if f.kind is Kind.FINGERPRINT:
        return "tortured phrase"
    if f.hint or f.rule.endswith("/open-vocabulary"):
        return "possible spinner substitution"
    return "spinner substitution"


def message(f: Finding) -> str:
    """A diagnostic's message: what is written, what it should read, and the kind of finding -- short enough
    for one line of a problems list (the evidence is in the hover)."""
    shown = [f"\u201c{r}\u201d" for r in f.replacements[:3]]
    if not shown:
        return f"\u201c{f.text}\u201d ({_kind_label(f)})"
    wanted = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"\u201c{f.text}\u201d \u2192 {wanted} ({_kind_label(f)})"


def finding_data(f: Finding) -> dict:
    """What a client keeps with the diagnostic: whether fix-all applies it (the VS Code extension counts these
    for its "Fix all" lens). Everything else a code action or hover needs, the server looks up in its own
    analysis of the document by range, so it is not sent with every diagnostic of every push."""
    return {"safe": f.safe_fix}


def diagnostic(f: Finding, index: PositionIndex, settings: Settings) -> types.Diagnostic:
    return types.Diagnostic(
        range=index.range(f.start, f.end),
        message=message(f),
        severity=severity(f, settings),
        code=f.rule,
        source=SOURCE,
        data=finding_data(f),
    )


def _first_line_range(index: PositionIndex) -> types.Range:
    """The first line with any text on it (a whole-document note sits there)."""
    m = re.search(r"\S", index.text)
    line = index.position(m.start()).line if m else 0
    return types.Range(
        start=types.Position(line=line, character=0),
        end=index.position(index.line_end(line)),
    )


#: JSON as it goes to the client: no spaces, non-ASCII characters as they are (UTF-8 on the wire, a third of
#: the size of `\uXXXX` escapes for the quotation marks and arrow of every message)
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def diagnostics(
    analysis: Analysis, index: PositionIndex, settings: Settings, threshold: float | None = None
) -> list[dict]:
    """The document's diagnostics as the LSP's JSON (plain dicts). `threshold`: the spin threshold the analysis
    was made with (the editor setting, or the project's configuration over it); the setting's when None.
    What is sent is `DiagnosticsText`, which equals this and reuses what is unchanged since the last one."""
    notes, shown = _notes(analysis, index, settings, threshold)
    severities = _severities(settings)
    low = settings.low_confidence
    range_json = index.range_json
    for f in analysis.findings[:shown]:
        item = _diagnostic_json(f, range_json(f.start, f.end), _severity(severities, f, low))
        item["data"] = finding_data(f)
        notes.append(item)
    return notes


def _diagnostic_json(f: Finding, rng: dict, severity: int) -> dict:
    """A finding's diagnostic as the LSP's JSON, without its `data`."""
    return {"range": rng, "message": message(f), "severity": severity, "code": f.rule, "source": SOURCE}


#: (a finding's JSON text after its start line, how many lines it spans, the text after its end line)
_Item = tuple[str, int, str]
_LINE = '{"range":{"start":{"line":'


class DiagnosticsText:
    """A document's diagnostics as JSON text, for sending. Equal to `dumps(diagnostics(...))`.

    A keystroke in a long document leaves almost every paragraph as it was: the text made for a paragraph's
    diagnostics is kept, with each line number relative to the line of the paragraph's first finding, and used
    again while the paragraph's findings (the same list, so the same paragraph text) begin at the same column:
    a paragraph that only moved by whole lines (a line break typed above it) costs the writing of its line
    numbers, one that did not move costs nothing. A paragraph whose findings changed reuses the text of each
    finding that is still the same object at the same place within its line (the lexicon findings a complete
    analysis shares with the quick one before it)."""

    def __init__(self) -> None:
        #: (id of a paragraph's findings, column of the first) -> (findings, how many shown, each finding's
        #: line relative to the first's and its text, the paragraph's text as last written, at which line)
        self._chunks: dict[tuple[int, int], tuple[Sequence[Finding], int, list[tuple[int, _Item]], str, int]] = {}
        #: id of a finding -> (finding, its columns and line span, severity, text)
        self._items: dict[int, tuple[Finding, tuple[int, int, int], int, _Item]] = {}
        self._settings: tuple | None = None

    def json(
        self, analysis: Analysis, index: PositionIndex, settings: Settings, threshold: float | None = None,
    ) -> str:
        notes, shown = _notes(analysis, index, settings, threshold)
        stamp = (tuple(sorted(settings.severity.items())), settings.low_confidence, index.encoding)
        if stamp != self._settings:
            self._chunks, self._items = {}, {}
        self._settings = stamp
        severities = _severities(settings)
        low = settings.low_confidence
        findings = analysis.findings
        if isinstance(findings, Findings):
            chunks = findings.chunks(shown)
        else:
            chunks = [(0, tuple(findings[:shown]), shown)] if shown else []
        kept_chunks, kept_items = self._chunks, self._items
        chunks_now: dict[tuple[int, int], tuple[Sequence[Finding], int, list[tuple[int, _Item]], str, int]] = {}
        items_now: dict[int, tuple[Finding, tuple[int, int, int], int, _Item]] = {}
        parts = [dumps(n) for n in notes]
        # where a paragraph's first finding starts: with the same findings (so the same paragraph text) the
        # rest follow from it (the paragraph's own start may sit at the end of the line before, and move)
        firsts = index.line_cols([base + relative[0].start for base, relative, _ in chunks])
        for (base, relative, n), (line, col) in zip(chunks, firsts):
            key = (id(relative), col)
            hit = kept_chunks.get(key)
            if hit is None or hit[0] is not relative or hit[1] != n:
                templates = []
                mine = relative[:n]
                places = index.line_cols([x + base for f in mine for x in (f.start, f.end)])
                for k, f in enumerate(mine):
                    a, b = places[2 * k], places[2 * k + 1]
                    at = (a[1], b[0] - a[0], b[1])
                    sev = _severity(severities, f, low)
                    item = kept_items.get(id(f))
                    if item is None or item[0] is not f or item[1] != at or item[2] != sev:
                        item = (f, at, sev, self._item(f, a, b, sev))
                    items_now[id(f)] = item
                    templates.append((a[0] - line, item[3]))
                hit = (relative, n, templates, _write(templates, line), line)
            elif hit[4] != line:
                hit = (relative, n, hit[2], _write(hit[2], line), line)
            chunks_now[key] = hit
            parts.append(hit[3])
        self._chunks = chunks_now
        self._items = items_now  # (those of the paragraphs written anew: see the class documentation)
        return "[" + ",".join(parts) + "]"

    @staticmethod
    def _item(f: Finding, a: tuple[int, int], b: tuple[int, int], severity: int) -> _Item:
        """One finding's diagnostic as JSON, cut around its line numbers (see `_write`)."""
        item = _diagnostic_json(f, {"start": {"line": 0, "character": a[1]}, "end": {"line": 0, "character": b[1]}}, severity)
        item["data"] = finding_data(f)
        text = dumps(item)
        head = _LINE + "0,"
        assert text.startswith(head)
        mid = ',"end":{"line":0,'
        cut = text.index(mid, len(head))
        return (text[len(head) - 1:cut] + ',"end":{"line":', b[0] - a[0], text[cut + len(mid) - 1:])


def _write(templates: list[tuple[int, _Item]], line: int) -> str:
    """The JSON text of a paragraph's diagnostics, its first finding at `line`."""
    return ",".join(
        f"{_LINE}{line + rel}{after_start}{line + rel + span}{after_end}" for rel, (after_start, span, after_end) in templates
    )


def _severity(severities: dict[tuple[Kind, bool], int], f: Finding, low: float) -> int:
    """`severity(f, ...)`'s value, from the table `_severities` made for the settings."""
    return _HINT if f.hint else severities[(f.kind, f.confidence < low)]


_HINT = types.DiagnosticSeverity.Hint.value


def _severities(settings: Settings) -> dict[tuple[Kind, bool], int]:
    return {(kind, low): severity_of(kind, low, settings).value for kind in Kind for low in (False, True)}


def _notes(
    analysis: Analysis, index: PositionIndex, settings: Settings, threshold: float | None = None
) -> tuple[list[dict], int]:
    """The whole-document note (spun, too large, too many findings) if any, and how many findings to show
    (the first ones)."""
    findings = analysis.findings
    shown = len(findings)
    limit = settings.max_diagnostics
    out: list[dict] = []
    notes: list[str] = []
    if analysis.spun and settings.spin_note:
        notes.append(
            f"This text looks machine-spun: {analysis.spin_score:.1f} likely substitutions per 100 words"
            f" (threshold {settings.spin_threshold if threshold is None else threshold:g})"
        )
    code = SPIN_CODE if notes else LIMIT_CODE
    size, most = len(index.text), settings.max_document_size
    if most and size > most:
        notes.append(
            f"Only the first {most:,} of this document's {size:,} characters are checked"
            " (setting \u201cunspun.maxDocumentSize\u201d)"
        )
        code = SPIN_CODE if code == SPIN_CODE else SIZE_CODE
    if limit and len(findings) > limit:
        notes.append(
            f"Showing the first {limit} of {len(findings)} findings (setting \u201cunspun.maxDiagnostics\u201d);"
            " fix-all still fixes them all"
        )
        shown = limit
    if notes:
        out.append({
            "range": _range_json(_first_line_range(index)),
            "message": ". ".join(notes),
            "severity": types.DiagnosticSeverity.Information.value,
            "code": code,
            "source": SOURCE,
            # (the score as the message gives it, to a hundredth: a keystroke that changes no finding changes
            # no diagnostic, so a client that pulls is told its report is unchanged)
            "data": {"spinScore": round(analysis.spin_score, 2), "findings": len(analysis.findings)},
        })
    return out, shown


# -- hover -----------------------------------------------------------------------------------------------

_FLAGGED = {
    Kind.FINGERPRINT: "Flagged wherever it occurs: it is a known tortured phrase.",
}

_WHY = {
    "tortured phrase": "why this is a tortured phrase",
    "spinner substitution": "why this looks like a spinner substitution",
    "possible spinner substitution": "why this may be a spinner substitution",
}

_LEXICON_ENTRY = re.compile(r"entry (['\"])(.*)\1 \(line (\d+)\)")
_GAIN = re.compile(r"log10 gain ([+-]?\d+(?:\.\d+)?)(?: for (['\"])(.*)\2)?")
_THESAURUS = re.compile(r"(['\"])(.*)\1 lists (['\"])(.*)\3 as a synonym")
_TYPOS = re.compile(r"matched with (\d+) typo")
_ARTICLE = re.compile(r"(['\"])(.*)\1 fits (['\"])(.*)\3, not (['\"])(.*)\5")


def _times(gain: float) -> str:
    """How many times as likely a log10 gain says, in words ("about 13,000 times")."""
    ratio = 10 ** gain
    if ratio >= 1_000_000:
        return "over a million times"
    if ratio >= 10:
        digits = len(str(int(ratio))) - 2
        return f"about {int(round(ratio, -digits)):,} times"
    return f"about {ratio:.1f} times"


def _intended(f: Finding, text: str) -> str:
    """A replacement without the article the fix adds in front of it ("a news conference" -> "news
    conference") when the finding took in the article before the phrase."""
    first = f.text.split(" ", 1)[0].lower()
    if first in ("a", "an") and not (f.key or "").startswith(first + " "):
        parts = text.split(" ", 1)
        if len(parts) == 2 and parts[0].lower() in ("a", "an"):
            return parts[1]
    return text


def evidence_lines(f: Finding) -> list[str]:
    """The evidence of a finding in plain words, one sentence each."""
    q = lambda x: f"\u201c{x}\u201d"  # noqa: E731
    best = _intended(f, f.replacements[0]) if f.replacements else ""
    written = _intended(f, f.text)
    out: list[str] = []
    for e in f.evidence:
        detail = e.detail or ""
        if e.layer == "lexicon" and (m := _LEXICON_ENTRY.search(detail)):
            phrase = m.group(2)
            where = f"the \u201c{e.source}\u201d lexicon, line {m.group(3)}"
            if f.kind is Kind.FINGERPRINT:
                out.append(f"{q(phrase)} is a known tortured phrase, a garbled {q(best)} ({where}).")
            else:
                out.append(f"{q(phrase)} is a known spinner substitution for {q(best)} ({where}).")
        elif e.layer == "lexicon" and (m := _TYPOS.search(detail)):
            n = int(m.group(1))
            out.append(f"Found despite {n} typo{'s' if n != 1 else ''}.")
        elif e.layer == "language-model" and (m := _GAIN.search(detail)):
            gain = float(m.group(1))
            usual = m.group(3) or best
            if gain >= 1:
                out.append(
                    f"The usual wording here is {q(usual)}: in this sentence a language model finds it"
                    f" {_times(gain)} as likely as {q(written)}."
                )
            elif gain > 0:
                out.append(f"In this sentence a language model finds {q(usual)} slightly more likely than {q(written)}.")
            else:
                out.append(f"In this sentence a language model does not prefer {q(usual)} to {q(written)}.")
        elif e.layer == "thesaurus" and (m := _THESAURUS.search(detail)):
            out.append(
                f"A thesaurus lists {q(m.group(4))} as a synonym of {q(m.group(2))}: the kind of swap a spinner makes."
            )
        elif e.layer == "article" and detail:
            m = _ARTICLE.search(detail)
            out.append(
                f"The article {q(m.group(2))} fits {q(m.group(4))}, not {q(m.group(6))}." if m else f"The article: {detail}."
            )
        elif detail:
            out.append(f"{e.layer} ({e.source}): {detail}.")
        else:
            out.append(f"{e.layer} ({e.source}).")
    return out


def hover(f: Finding, analysis: Analysis, index: PositionIndex, threshold: float, markdown: bool) -> types.Hover:
    """The hover of finding `f`, in plain words; `threshold`: the spin threshold the analysis was made with."""
    # (the diagnostic's message, "written -> intended (kind)", shows beside it in most editors)
    head = ("**unspun**: " if markdown else "unspun: ") + _WHY.get(_kind_label(f), "why it is flagged")
    lines = [head, ""]
    bullet = "- " if markdown else "\u2022 "
    lines += [bullet + x for x in evidence_lines(f)]
    lines.append("")
    if f.safe_fix:
        lines.append(f"Fix-all replaces it (confidence {f.confidence:.2f}).")
    else:
        lines.append(f"Review it: fix-all leaves it as it is (confidence {f.confidence:.2f}).")
    score = f"{analysis.spin_score:.1f} likely substitutions per 100 words (threshold {threshold:g})"
    if f.kind is Kind.SUBSTITUTION and analysis.spun:
        lines.append(f"Flagged because this text looks machine-spun: spin score {score}.")
    elif f.kind is Kind.SUBSTITUTION:
        lines.append(f"Shown although this text does not look machine-spun: spin score {score}.")
    else:
        lines.append(_FLAGGED.get(f.kind, "") + f" Spin score {score}: this text "
                     + ("looks machine-spun." if analysis.spun else "does not look machine-spun."))
    para = analysis.paragraph_at(f.start)
    if para is not None:
        lines[-1] += f" This paragraph: {para[2]:.1f} per 100 words."
    if markdown:  # one paragraph each (single line breaks would join them)
        cut = len(lines) - lines[::-1].index("")
        lines = lines[:cut] + [x for line in lines[cut:] for x in (line, "")]
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value="\n".join(lines).strip()), range=index.range(f.start, f.end))


def spin_report(analysis: Analysis, index: PositionIndex, threshold: float, version: int | None) -> dict:
    """The spin score of a document and of each of its paragraphs that holds words, as the `unspun.spinScores`
    command returns it (ranges in the client's position encoding); `threshold`: the spin threshold the analysis
    was made with. A paragraph is marked spun when its own score reaches it."""
    paragraphs = [
        {"range": index.range_json(start, end), "spinScore": score, "spun": score >= threshold}
        for start, end, score in analysis.worded_paragraphs()
    ]
    return {
        "version": version,
        "spinScore": analysis.spin_score,
        "spun": analysis.spun,
        "threshold": threshold,
        "words": analysis.word_count,
        "paragraphs": paragraphs,
    }


# -- edits and code actions ------------------------------------------------------------------------------

def workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit], client: ClientFeatures
) -> types.WorkspaceEdit:
    """Edits for one document, versioned when the client supports it (so it refuses them for another version)."""
    if client.document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                    edits=edits,
                )
            ]
        )
    return types.WorkspaceEdit(changes={uri: edits})


def fix_all_edits(
    analysis: Analysis, index: PositionIndex, findings_of: Callable[[str], Iterable[Finding]] | None = None,
    fmt: str = "plain",
) -> list[types.TextEdit]:
    """The best replacement of every safe finding, as non-overlapping edits of the analysed text; with
    `findings_of` (the findings of a text, as the document's analysis makes them), fixed until stable
    (`unspun.engine.fixer.fix_until_stable`), so that fixing the result changes nothing more."""
    if findings_of is None:
        edits = fix_edits(analysis.findings)
    else:
        first: list[Iterable[Finding]] = [analysis.findings]

        def of(text: str) -> Iterable[Finding]:
            return first.pop() if first else findings_of(text)

        edits = fix_until_stable(index.text, of)[1]
    return _text_edits([(e.start, e.end, e.new_text) for e in edits], index, fmt)


def _text_edits(planned: list[tuple[int, int, str]], index: PositionIndex, fmt: str) -> list[types.TextEdit]:
    """`planned` (start, end, new text) as protocol edits, with what the format needs besides: in
    reStructuredText, a section title's underline lengthened where a replacement makes the title longer."""
    if fmt == "rst":
        from unspun.markup.rst import heading_edits

        planned = sorted(planned + heading_edits(index.text, planned))
    return [types.TextEdit(range=index.range(a, b), new_text=new) for a, b, new in planned]


def kind_requested(only: Sequence[str] | None, kind: str) -> bool:
    """Whether `kind` is asked for by `only` (prefix match on dot-separated parts)."""
    return any(kind == o or kind.startswith(o + ".") for o in only or ())


def overlapping(findings: Iterable[Finding], start: int, end: int) -> list[Finding]:
    """Findings touching [start, end]; a cursor (empty range) at either edge of a finding counts."""
    if isinstance(findings, Findings):
        return findings.overlapping(start, end)  # reads only the paragraphs that can hold them
    return [f for f in findings if f.start <= end and start <= f.end]


@dataclass(frozen=True)
class DocRef:
    uri: str
    version: int | None
    #: the allow-list file can be written (the document lies in a workspace folder)
    in_workspace: bool = True


def quick_fixes(
    found: Sequence[Finding],
    doc: DocRef,
    index: PositionIndex,
    settings: Settings,
    client: ClientFeatures,
    phrase_of: Callable[[Finding], str],
    fmt: str = "plain",
) -> list[types.CodeAction | types.Command]:
    """One action per replacement of each finding (the best one preferred), then ignore / allow actions."""
    out: list[types.CodeAction | types.Command] = []
    ignores: dict[str, None] = {}
    for f in found:
        diag = diagnostic(f, index, settings)
        for i, repl in enumerate(f.replacements):
            title = f"Replace \u201c{f.text}\u201d with \u201c{repl}\u201d"
            rng = index.range(f.start, f.end)
            if not client.code_action_literals:
                out.append(
                    types.Command(
                        title=title,
                        command=CMD_REPLACE,
                        arguments=[{"uri": doc.uri, "version": doc.version, "range": _range_json(rng), "newText": repl}],
                    )
                )
                continue
            out.append(
                types.CodeAction(
                    title=title,
                    kind=QUICKFIX_KIND,
                    diagnostics=[diag],
                    is_preferred=(i == 0) if client.is_preferred else None,
                    edit=workspace_edit(doc.uri, doc.version, _text_edits([(f.start, f.end, repl)], index, fmt), client),
                )
            )
        ignores.setdefault(phrase_of(f), None)
    for phrase in ignores:
        cmds = [
            types.Command(
                title=f"Ignore \u201c{phrase}\u201d in this document",
                command=CMD_IGNORE,
                arguments=[{"uri": doc.uri, "phrase": phrase, "scope": "document"}],
            ),
            types.Command(
                title=f"Ignore \u201c{phrase}\u201d in this workspace (until the server restarts)",
                command=CMD_IGNORE,
                arguments=[{"uri": doc.uri, "phrase": phrase, "scope": "workspace"}],
            ),
        ]
        if doc.in_workspace:
            cmds.append(
                types.Command(
                    title=f"Add \u201c{phrase}\u201d to the workspace allow-list (unspun.toml)",
                    command=CMD_ALLOW,
                    arguments=[{"uri": doc.uri, "phrase": phrase}],
                )
            )
        for cmd in cmds:
            if client.code_action_literals:
                out.append(types.CodeAction(title=cmd.title, kind=QUICKFIX_KIND, command=cmd))
            else:
                out.append(cmd)
    return out


def fix_all_action(
    analysis: Analysis, doc: DocRef, index: PositionIndex, client: ClientFeatures, defer: bool, fmt: str = "plain",
    edits: list[types.TextEdit] | None = None,
) -> types.CodeAction | types.Command | None:
    """The whole-document fix, or None when there is nothing to fix.

    With `defer`, the edit is left out and `data` says how to compute it (`codeAction/resolve`); otherwise it is
    `edits` (the analysis's own fix-all edits when None)."""
    planned = fix_edits(analysis.findings)
    if not planned:
        return None
    n = len(planned)  # (the phrases the analysis found safe to fix; later rounds may add a few)
    title = f"Restore the intended wording of {n} phrase{'s' if n != 1 else ''} (unspun)"
    if not client.code_action_literals:
        return types.Command(title=title, command=CMD_FIX_ALL, arguments=[{"uri": doc.uri, "version": doc.version}])
    if defer:
        return types.CodeAction(title=title, kind=FIX_ALL_KIND, data={"uri": doc.uri, "version": doc.version, "fixAll": True})
    if edits is None:
        edits = _text_edits([(e.start, e.end, e.new_text) for e in planned], index, fmt)
    return types.CodeAction(title=title, kind=FIX_ALL_KIND, edit=workspace_edit(doc.uri, doc.version, edits, client))


def _range_json(r: types.Range) -> dict:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }
