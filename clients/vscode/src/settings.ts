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
export function toServerSettings(section: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!section || typeof section !== "object") {
    return out;
  }
  const raw = section as Record<string, unknown>;
  for (const key of SERVER_KEYS) {
    const value = raw[key];
    if (value !== undefined && value !== null) {
      out[key] = cloneJson(value);
    }
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

// -- the spin score, for the status bar -----------------------------------------------------------------

export interface DiagnosticLike {
  source?: string;
  code?: unknown;
  message: string;
  data?: unknown;
}

export interface SpinSummary {
  /** likely substitutions per 100 words, when known */
  score: number | undefined;
  /** the server's note says the text looks machine-spun */
  spun: boolean;
  /** findings in the document (not counting the document-level note) */
  findings: number;
}

const NOTE_CODES = new Set(["spin-score", "too-many-findings"]);

function codeOf(d: DiagnosticLike): string | undefined {
  const c = d.code;
  if (typeof c === "string" || typeof c === "number") {
    return String(c);
  }
  if (c && typeof c === "object" && "value" in c) {
    return String((c as { value: unknown }).value);
  }
  return undefined;
}

/** Reads the spin score from unspun's diagnostics of one document. */
export function spinSummary(diagnostics: readonly DiagnosticLike[]): SpinSummary {
  let score: number | undefined;
  let spun = false;
  let findings = 0;
  for (const d of diagnostics) {
    if (d.source !== "unspun") {
      continue;
    }
    const code = codeOf(d);
    if (code && NOTE_CODES.has(code)) {
      const data = d.data as { spinScore?: unknown; findings?: unknown } | undefined;
      if (data && typeof data.spinScore === "number") {
        score = data.spinScore;
      }
      const m = /machine-spun: ([\d.]+) likely substitutions/.exec(d.message);
      if (m) {
        spun = true;
        score ??= Number(m[1]);
      }
      if (data && typeof data.findings === "number") {
        findings = Math.max(findings, data.findings);
      }
    }
  }
  const listed = diagnostics.filter((d) => d.source === "unspun" && !NOTE_CODES.has(codeOf(d) ?? "")).length;
  findings = Math.max(findings, listed);
  if (score === undefined && findings === 0) {
    score = 0;
  }
  return { score, spun, findings };
}

/** The spin score as the server's hover states it ("Spin score 4.1 likely substitutions per 100 words"). */
export function spinScoreFromHover(text: string): number | undefined {
  const m = /Spin score ([\d.]+) likely substitutions per 100 words/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export function statusText(summary: SpinSummary): string {
  const score = summary.score === undefined ? "" : ` ${summary.score.toFixed(1)}`;
  if (summary.spun) {
    return `$(warning) spin${score}`;
  }
  if (summary.findings > 0) {
    return `$(eye) spin${score}`;
  }
  return `$(check) spin${score}`;
}

export function statusTooltip(summary: SpinSummary, threshold: number): string {
  const n = summary.findings;
  const findings = n === 1 ? "1 finding" : `${n} findings`;
  const score =
    summary.score === undefined
      ? "Spin score not known yet"
      : `Spin score ${summary.score.toFixed(1)} likely substitutions per 100 words (threshold ${threshold})`;
  const verdict = summary.spun ? "this text looks machine-spun" : "this text does not look machine-spun";
  return `unspun: ${score}: ${verdict}. ${findings}.`;
}
