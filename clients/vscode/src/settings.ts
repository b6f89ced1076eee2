// The `unspun` settings section: which keys the server reads, and how VS Code's values are turned into what
// the server expects. No `vscode` import here, so the unit tests can load it in plain Node.

/** Keys of the server's `unspun` section (docs/language-server.md, "Settings"). */
export const SERVER_KEYS = [
  "kinds",
  "minConfidence",
  "severity",
  "lowConfidence",
  "spinThreshold",
  "substitutions",
  "spinNote",
  "lexicons",
  "lexiconFolders",
  "builtinLexicons",
  "languageModel",
  "openVocabulary",
  "allow",
  "languages",
  "fileExtensions",
  "fixAllOnSave",
  "debounceMs",
  "maxDiagnostics",
  "maxDocumentSize",
  "logLevel",
] as const;

export type ServerKey = (typeof SERVER_KEYS)[number];

/** Keys of the same section that only the extension reads (where and how to start the server). */
export const CLIENT_KEYS = ["server", "interpreter", "trace"] as const;

/** Settings that change how the server is started, or which documents it is given: changing them restarts it. */
export const RESTART_KEYS = ["server", "interpreter", "languages", "fileExtensions"] as const;

export const DEFAULT_LANGUAGES = [
  "plaintext", "text", "markdown", "gfm", "mdx", "quarto", "latex", "tex", "bibtex", "restructuredtext",
  "rst", "asciidoc", "org", "html", "typst", "git-commit", "gitcommit",
];

export const DEFAULT_FILE_EXTENSIONS = [
  ".adoc", ".asciidoc", ".bib", ".htm", ".html", ".markdown", ".md", ".org", ".rst", ".tex", ".text", ".txt",
];

/** Languages the extension always hands to the server (the server still decides by `unspun.languages`). */
export const BASE_LANGUAGES = ["plaintext", "markdown", "latex", "restructuredtext", "html", "git-commit"];

/**
 * The server's part of the section: only the server's keys, values copied as they are (the server validates
 * them and reports bad ones by name). `undefined` and `null` mean "not set" and are left out.
 */
export function toServerSettings(section: unknown, logLevel?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (section && typeof section === "object") {
    const raw = section as Record<string, unknown>;
    for (const key of SERVER_KEYS) {
      const value = raw[key];
      if (value !== undefined && value !== null && !(key === "logLevel" && value === "")) {
        out[key] = cloneJson(value);
      }
    }
  }
  if (logLevel && out.logLevel === undefined) {
    out.logLevel = logLevel;
  }
  return out;
}

function cloneJson(value: unknown): unknown {
  // VS Code hands out frozen proxies for object settings; the protocol layer wants plain data.
  return JSON.parse(JSON.stringify(value));
}

/** VS Code's LogLevel (Off 0, Trace 1, Debug 2, Info 3, Warning 4, Error 5) -> the server's `--log-level`. */
export function serverLogLevel(level: number): "debug" | "info" | "warning" | "error" {
  if (level === 1 || level === 2) {
    return "debug";
  }
  if (level === 4) {
    return "warning";
  }
  if (level === 5 || level === 0) {
    return "error";
  }
  return "info";
}

/**
 * The server's log level when `unspun.logLevel` is empty: debug while `unspun.trace.server` traces messages,
 * else the output channel's level (Developer: Set Log Level...).
 */
export function effectiveLogLevel(trace: string | undefined, channelLevel: number): "debug" | "info" | "warning" | "error" {
  if (trace === "messages" || trace === "verbose") {
    return "debug";
  }
  return serverLogLevel(channelLevel);
}

/** `unspun.trace.server` if set, else verbose protocol tracing when the output channel's level is Trace. */
export function traceSetting(explicit: string | undefined, level: number): "off" | "messages" | "verbose" {
  if (explicit === "messages" || explicit === "verbose") {
    return explicit;
  }
  return level === 1 ? "verbose" : "off";
}

export interface DocumentFilterLike {
  scheme?: string;
  language?: string;
  pattern?: string;
}

/**
 * Which documents the client sends to the server: the base prose languages, the languages of
 * `unspun.languages` and files with the endings of `unspun.fileExtensions`, on disk or untitled.
 * A `"*"` language sends every document.
 */
export function documentSelector(languages: unknown, fileExtensions: unknown): DocumentFilterLike[] {
  const langs = stringList(languages, DEFAULT_LANGUAGES);
  const exts = stringList(fileExtensions, DEFAULT_FILE_EXTENSIONS);
  const schemes = ["file", "untitled"];
  if (langs.includes("*")) {
    return schemes.map((scheme) => ({ scheme }));
  }
  const out: DocumentFilterLike[] = [];
  const seen = new Set<string>();
  for (const lang of [...BASE_LANGUAGES, ...langs]) {
    const id = lang.toLowerCase();
    if (!id || seen.has(id)) {
      continue;
    }
    seen.add(id);
    for (const scheme of schemes) {
      out.push({ scheme, language: id });
    }
  }
  const endings = [...new Set(exts.map((e) => e.trim().replace(/^\*?\.?/, "")).filter((e) => /^[\w.+-]+$/.test(e)))];
  if (endings.length > 0) {
    const glob = endings.length === 1 ? `**/*.${endings[0]}` : `**/*.{${endings.join(",")}}`;
    out.push({ scheme: "file", pattern: glob });
  }
  return out;
}

function stringList(value: unknown, fallback: string[]): string[] {
  if (!Array.isArray(value)) {
    return fallback;
  }
  return value.filter((v): v is string => typeof v === "string");
}

// -- the count and the spin score, for the status bar ----------------------------------------------------

export interface DiagnosticLike {
  source?: string;
  code?: unknown;
  message: string;
  data?: unknown;
  /** VS Code's DiagnosticSeverity: Error 0, Warning 1, Information 2, Hint 3 */
  severity?: number;
}

/** Codes of the server's document-level notes (spun text, too many findings, too large a document). */
export const NOTE_CODES = new Set(["spin-score", "too-many-findings", "document-too-large"]);

const HINT = 3;

export function codeOf(d: { code?: unknown }): string | undefined {
  const c = d.code;
  if (typeof c === "string" || typeof c === "number") {
    return String(c);
  }
  if (c && typeof c === "object" && "value" in c) {
    return String((c as { value: unknown }).value);
  }
  return undefined;
}

/** Whether a diagnostic is one of the server's document-level notes (shown as a code lens, not a squiggle). */
export function isNote(d: DiagnosticLike): boolean {
  return d.source === "unspun" && NOTE_CODES.has(codeOf(d) ?? "");
}

/** A document-level note of the server, as the extension keeps it. */
export interface DocumentNote {
  message: string;
  /** the line it belongs to (the first line with text) */
  line: number;
  /** likely substitutions per 100 words, when the note gives it */
  spinScore?: number;
  /** the note says the text looks machine-spun */
  spun: boolean;
  /** how many findings the document has (more than are listed, past `unspun.maxDiagnostics`) */
  findings?: number;
}

export function noteOf(d: DiagnosticLike, line: number): DocumentNote {
  const data = (d.data ?? {}) as { spinScore?: unknown; findings?: unknown };
  const m = /machine-spun: ([\d.]+) likely substitutions/.exec(d.message);
  return {
    message: d.message,
    line,
    spinScore: typeof data.spinScore === "number" ? data.spinScore : m ? Number(m[1]) : undefined,
    spun: !!m,
    findings: typeof data.findings === "number" ? data.findings : undefined,
  };
}

export interface SpinSummary {
  /** likely substitutions per 100 words, when known */
  score: number | undefined;
  /** the text looks machine-spun */
  spun: boolean;
  /** findings listed in the Problems panel (every severity but Hint): the count the status bar shows */
  problems: number;
  /** findings shown as hints only (faint, not in the Problems panel) */
  hints: number;
  /** findings fix-all applies */
  safe: number;
  /** all the document's findings, when more than are listed (`unspun.maxDiagnostics`) */
  total?: number;
}

/** The count and spin score of one document, from its unspun diagnostics (the notes left out) and its note. */
export function spinSummary(diagnostics: readonly DiagnosticLike[], note?: DocumentNote, hoverScore?: number): SpinSummary {
  let problems = 0;
  let hints = 0;
  let safe = 0;
  for (const d of diagnostics) {
    if (d.source !== "unspun" || isNote(d)) {
      continue;
    }
    if (d.severity === HINT) {
      hints++;
    } else {
      problems++;
    }
    if ((d.data as { safe?: unknown } | undefined)?.safe === true) {
      safe++;
    }
  }
  let score = note?.spinScore ?? hoverScore;
  if (score === undefined && problems + hints === 0) {
    score = 0;
  }
  const total = note?.findings !== undefined && note.findings > problems + hints ? note.findings : undefined;
  return { score, spun: note?.spun ?? false, problems, hints, safe, total };
}

/** The spin score as the server's hover states it ("Spin score 4.1 likely substitutions per 100 words"). */
export function spinScoreFromHover(text: string): number | undefined {
  const m = /[Ss]pin score ([\d.]+) likely substitutions per 100 words/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function statusText(summary: SpinSummary): string {
  const score = summary.score === undefined ? "" : ` ${summary.score.toFixed(1)}`;
  const icon = summary.spun ? "$(warning)" : summary.problems + summary.hints > 0 ? "$(eye)" : "$(check)";
  return `${icon} spin${score} \u00b7 ${plural(summary.problems, "finding", "findings")}`;
}

export function statusTooltip(summary: SpinSummary, threshold: number): string {
  const lines: string[] = [];
  const listed = `${plural(summary.problems, "finding", "findings")} in the Problems panel`;
  lines.push(
    summary.safe > 0
      ? `unspun: ${listed}; fix-all (\u201cunspun: Fix All Safe Findings\u201d) changes ${summary.safe} of them.`
      : `unspun: ${listed}; none is safe to fix without review.`,
  );
  if (summary.hints > 0) {
    lines.push(`${plural(summary.hints, "weak suggestion", "weak suggestions")} shown as hints only (dotted, not in the Problems panel).`);
  }
  if (summary.total !== undefined) {
    lines.push(`The document has ${summary.total} findings; the first ones are listed (setting unspun.maxDiagnostics).`);
  }
  lines.push(
    summary.score === undefined
      ? "Spin score not known yet."
      : `Spin score ${summary.score.toFixed(1)} likely substitutions per 100 words (threshold ${threshold}): ` +
          (summary.spun ? "this text looks machine-spun." : "this text does not look machine-spun."),
  );
  return lines.join("\n");
}
