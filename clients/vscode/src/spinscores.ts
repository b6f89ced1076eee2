// The `unspun.spinScores` report of the language server (the spin score of a document and of each of its
// paragraphs), checked and turned into the rows of the "Show Spin Scores by Paragraph" picker. Nothing here
// touches VS Code, so the unit tests run it under plain Node.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ParagraphScore {
  range: Range;
  spinScore: number;
  spun: boolean;
}

export interface SpinReport {
  version: number | null;
  spinScore: number;
  spun: boolean;
  threshold: number;
  words: number;
  paragraphs: ParagraphScore[];
}

export interface ParagraphPick {
  label: string;
  description: string;
  detail: string;
  range: Range;
}

const isNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

function isPosition(x: unknown): x is Position {
  const p = x as Position | null;
  return typeof p === "object" && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

function isRange(x: unknown): x is Range {
  const r = x as Range | null;
  return typeof r === "object" && r !== null && isPosition(r.start) && isPosition(r.end);
}

/** Whether `x` has the shape of the server's report (an older server answers nothing or an error instead). */
export function isSpinReport(x: unknown): x is SpinReport {
  const r = x as SpinReport | null;
  return (
    typeof r === "object" &&
    r !== null &&
    isNumber(r.spinScore) &&
    typeof r.spun === "boolean" &&
    isNumber(r.threshold) &&
    isNumber(r.words) &&
    Array.isArray(r.paragraphs) &&
    r.paragraphs.every((p) => typeof p === "object" && p !== null && isRange(p.range) && isNumber(p.spinScore) && typeof p.spun === "boolean")
  );
}

/** The picker's title: the document's score against the threshold. */
export function reportTitle(report: SpinReport): string {
  const verdict = report.spun ? "looks machine-spun" : "does not look machine-spun";
  return `unspun: spin score ${report.spinScore.toFixed(1)} per 100 words (threshold ${report.threshold}): this text ${verdict}`;
}

/** One row per paragraph, the highest score first (then in document order); `lineText(n)` gives line n's text,
 * of which the row shows the start. Paragraphs without evidence (score 0) are left out unless `all`. */
export function paragraphPicks(report: SpinReport, lineText: (line: number) => string, all = false, width = 80): ParagraphPick[] {
  const rows = report.paragraphs
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => all || p.spinScore > 0)
    .sort((a, b) => b.p.spinScore - a.p.spinScore || a.i - b.i);
  return rows.map(({ p }) => {
    const first = lineText(p.range.start.line).slice(p.range.start.character).trim();
    const detail = first.length > width ? `${first.slice(0, width - 1).trimEnd()}\u2026` : first;
    const lines = p.range.end.line > p.range.start.line ? `lines ${p.range.start.line + 1}-${p.range.end.line + 1}` : `line ${p.range.start.line + 1}`;
    return {
      label: `${p.spun ? "$(warning)" : "$(eye)"} ${p.spinScore.toFixed(1)} per 100 words`,
      description: p.spun ? `${lines}, looks machine-spun` : lines,
      detail,
      range: p.range,
    };
  });
}
