import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import {
  BASE_LANGUAGES,
  CLIENT_KEYS,
  DEFAULT_FILE_EXTENSIONS,
  DEFAULT_LANGUAGES,
  documentSelector,
  SERVER_KEYS,
  effectiveLogLevel,
  isNote,
  noteOf,
  serverLogLevel,
  spinScoreFromHover,
  spinSummary,
  statusText,
  statusTooltip,
  toServerSettings,
  traceSetting,
} from "../../src/settings";

const root = path.resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const properties: Record<string, { type: string | string[]; default: unknown; markdownDescription?: string; description?: string }> =
  manifest.contributes.configuration.properties;
const docsPath = path.resolve(root, "..", "..", "docs", "language-server.md");

/** The settings table of docs/language-server.md: name -> default, as JSON-like values. */
function documentedSettings(): Map<string, unknown> {
  const text = fs.readFileSync(docsPath, "utf8");
  const section = text.slice(text.indexOf("## Settings"));
  const out = new Map<string, unknown>();
  for (const line of section.split("\n")) {
    const m = /^\| `(\w+)` \| [^|]+ \| (.+?) \| /.exec(line);
    if (!m) {
      continue;
    }
    const raw = m[2].replace(/`/g, "").trim();
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = m[1] === "fileExtensions" ? raw.split(/\s+/) : raw.split(/,\s*/);
    }
    out.set(m[1], value);
  }
  return out;
}

describe("contributed settings mirror the server's section", () => {
  const documented = documentedSettings();

  it("documents every server key the extension knows", () => {
    assert.ok(documented.size >= 17, `found ${documented.size} settings in the docs`);
    assert.deepEqual([...documented.keys()].sort(), [...SERVER_KEYS].sort());
  });

  it("contributes each server key with a description", () => {
    for (const key of documented.keys()) {
      const prop = properties[`unspun.${key}`];
      assert.ok(prop, `unspun.${key} is contributed`);
      assert.ok((prop.markdownDescription ?? prop.description ?? "").length > 10, `unspun.${key} has a description`);
    }
  });

  it("contributes the documented defaults (where the installed server does not say otherwise)", (t) => {
    const server = installedServerDefaults();
    for (const [key, value] of documented) {
      const mine = properties[`unspun.${key}`].default;
      if (server && !same(key, server[key], value)) {
        // the docs lag behind the server: the server's own default is checked in the next test
        t.diagnostic(`docs/language-server.md: default of ${key} differs from the installed server's`);
        continue;
      }
      assert.ok(same(key, mine, value), `default of unspun.${key}: ${JSON.stringify(mine)} vs documented ${JSON.stringify(value)}`);
    }
  });

  it("contributes nothing else but the extension's own keys", () => {
    const extra = Object.keys(properties)
      .map((k) => k.replace(/^unspun\./, ""))
      .filter((k) => !(SERVER_KEYS as readonly string[]).includes(k));
    assert.deepEqual(extra.sort(), ["interpreter", "server.path", "trace.server"]);
    for (const k of extra) {
      assert.ok((CLIENT_KEYS as readonly string[]).includes(k.split(".")[0]));
    }
  });

  it("activates on the languages always handed to the server", () => {
    const events: string[] = manifest.activationEvents;
    for (const lang of BASE_LANGUAGES) {
      assert.ok(events.includes(`onLanguage:${lang}`), `onLanguage:${lang}`);
    }
  });

  it("uses the same default lists in the manifest and in the code", () => {
    assert.deepEqual(properties["unspun.languages"].default, DEFAULT_LANGUAGES);
    assert.deepEqual(properties["unspun.fileExtensions"].default, DEFAULT_FILE_EXTENSIONS);
  });

  it("matches the defaults of the installed server, when Python can import it", (t) => {
    const server = installedServerDefaults();
    if (!server) {
      t.skip("unspun is not importable here");
      return;
    }
    assert.deepEqual(Object.keys(server).sort(), [...SERVER_KEYS].sort());
    for (const [key, value] of Object.entries(server)) {
      const mine = properties[`unspun.${key}`].default;
      assert.ok(same(key, mine, value), `default of unspun.${key}: ${JSON.stringify(mine)} vs server ${JSON.stringify(value)}`);
    }
  });
});

/** Lists whose order means nothing are compared as sets. */
function same(key: string, a: unknown, b: unknown): boolean {
  if ((key === "kinds" || key === "fileExtensions") && Array.isArray(a) && Array.isArray(b)) {
    return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  }
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

let serverDefaults: Record<string, unknown> | null | undefined;

/** The defaults of the server's settings, from the unspun package python3 (or UNSPUN_PYTHON) imports. */
function installedServerDefaults(): Record<string, unknown> | null {
  if (serverDefaults !== undefined) {
    return serverDefaults;
  }
  const python = process.env.UNSPUN_PYTHON || "python3";
  const code = [
    "import json",
    "from unspun.lsp.settings import Settings, _SCHEMA",
    "s = Settings()",
    "def j(v):",
    "    if isinstance(v, (frozenset, set)): return sorted(v)",
    "    if isinstance(v, tuple): return list(v)",
    "    if hasattr(v, 'items'): return dict(v)",
    "    return v",
    "print(json.dumps({k: j(getattr(s, f)) for k, (f, _) in _SCHEMA.items()}))",
  ].join("\n");
  try {
    const out = execFileSync(python, ["-c", code], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    serverDefaults = JSON.parse(out) as Record<string, unknown>;
  } catch {
    serverDefaults = null;
  }
  return serverDefaults;
}

describe("toServerSettings", () => {
  it("keeps the server's keys and drops the extension's", () => {
    const section = {
      minConfidence: 0.8,
      kinds: ["fingerprint"],
      severity: { fingerprint: "error" },
      interpreter: "/usr/bin/python3",
      server: { path: "" },
      trace: { server: "off" },
      has: () => true,
      get: () => undefined,
    };
    assert.deepEqual(toServerSettings(section), { minConfidence: 0.8, kinds: ["fingerprint"], severity: { fingerprint: "error" } });
  });
  it("leaves out unset values and copies objects", () => {
    const severity = Object.freeze({ fingerprint: "hint" });
    const out = toServerSettings({ lexicons: null, allow: undefined, severity });
    assert.deepEqual(out, { severity: { fingerprint: "hint" } });
    assert.notEqual(out.severity, severity);
    assert.deepEqual(toServerSettings(null), {});
    assert.deepEqual(toServerSettings("x"), {});
  });
  it("adds the server's log level unless unspun.logLevel sets one", () => {
    assert.deepEqual(toServerSettings({ logLevel: "" }, "info"), { logLevel: "info" });
    assert.deepEqual(toServerSettings({ logLevel: "warning" }, "debug"), { logLevel: "warning" });
    assert.deepEqual(toServerSettings({}), {});
  });
  it("passes bad values through for the server to report by name", () => {
    assert.deepEqual(toServerSettings({ minConfidence: "high" }), { minConfidence: "high" });
  });
});

describe("log levels and tracing", () => {
  it("maps VS Code's log level to the server's", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(serverLogLevel), ["error", "debug", "debug", "info", "warning", "error"]);
  });
  it("logs at debug while unspun.trace.server traces, else at the channel's level", () => {
    assert.equal(effectiveLogLevel("verbose", 3), "debug");
    assert.equal(effectiveLogLevel("messages", 4), "debug");
    assert.equal(effectiveLogLevel("off", 3), "info");
    assert.equal(effectiveLogLevel(undefined, 4), "warning");
  });
  it("traces messages when asked, or at Trace level", () => {
    assert.equal(traceSetting("off", 1), "verbose");
    assert.equal(traceSetting("off", 3), "off");
    assert.equal(traceSetting("messages", 3), "messages");
    assert.equal(traceSetting(undefined, 2), "off");
  });
});

describe("documentSelector", () => {
  it("covers the base languages, the configured ones and the file endings", () => {
    const sel = documentSelector(["markdown", "Typst"], [".md", ".txt"]);
    const langs = new Set(sel.filter((f) => f.language).map((f) => f.language));
    for (const l of ["plaintext", "markdown", "latex", "restructuredtext", "html", "git-commit", "typst"]) {
      assert.ok(langs.has(l), l);
    }
    assert.deepEqual(sel.filter((f) => f.pattern), [{ scheme: "file", pattern: "**/*.{md,txt}" }]);
    assert.ok(sel.some((f) => f.scheme === "untitled" && f.language === "plaintext"));
  });
  it("uses the defaults for values that are not lists, and skips odd endings", () => {
    const sel = documentSelector(undefined, ["rst", "*.tex", "a b", ""]);
    assert.ok(sel.some((f) => f.language === "bibtex"));
    assert.deepEqual(sel.filter((f) => f.pattern), [{ scheme: "file", pattern: "**/*.{rst,tex}" }]);
  });
  it("sends every document for \"*\"", () => {
    assert.deepEqual(documentSelector(["*"], []), [{ scheme: "file" }, { scheme: "untitled" }]);
  });
});

describe("count and spin score", () => {
  const note = {
    source: "unspun",
    code: "spin-score",
    message: "This text looks machine-spun: 5.5 likely substitutions per 100 words (threshold 2.5)",
    data: { spinScore: 5.4637, findings: 12 },
  };
  const warning = { source: "unspun", code: "fingerprint/news", message: "x", severity: 1, data: { safe: true } };
  const info = { source: "unspun", code: "substitution/news", message: "x", severity: 2, data: { safe: false } };
  const hint = { source: "unspun", code: "substitution/news", message: "x", severity: 3, data: { safe: false } };
  it("tells the notes from the findings", () => {
    assert.ok(isNote(note));
    assert.ok(isNote({ ...note, code: { value: "document-too-large" } }));
    assert.ok(!isNote(warning));
    assert.ok(!isNote({ ...note, source: "other" }));
  });
  it("reads the note's data, or its text", () => {
    assert.deepEqual(noteOf(note, 2), { message: note.message, line: 2, spinScore: 5.4637, spun: true, findings: 12 });
    assert.equal(noteOf({ ...note, data: undefined }, 0).spinScore, 5.5);
    const limit = noteOf({ source: "unspun", code: "too-many-findings", message: "Showing the first 1 of 3 findings", data: { spinScore: 1, findings: 3 } }, 0);
    assert.equal(limit.spun, false);
  });
  it("counts what the Problems panel lists: every finding but the hints", () => {
    const summary = spinSummary([warning, info, hint, hint, note, { source: "other", message: "y", severity: 1 }], noteOf(note, 0));
    assert.deepEqual(summary, { score: 5.4637, spun: true, problems: 2, hints: 2, safe: 1, total: 12 });
    assert.deepEqual(spinSummary([warning], undefined, 1.25), { score: 1.25, spun: false, problems: 1, hints: 0, safe: 1, total: undefined });
  });
  it("knows no score for findings in a text that is not spun, and 0 for a clean one", () => {
    assert.equal(spinSummary([info]).score, undefined);
    assert.deepEqual(spinSummary([]), { score: 0, spun: false, problems: 0, hints: 0, safe: 0, total: undefined });
  });
  it("reads the score from a hover", () => {
    assert.equal(spinScoreFromHover("...\n\nFlagged because this text looks machine-spun: spin score 1.2 likely substitutions per 100 words (threshold 2.5)."), 1.2);
    assert.equal(spinScoreFromHover("Spin score 3.0 likely substitutions per 100 words"), 3);
    assert.equal(spinScoreFromHover("nothing"), undefined);
  });
  it("renders the status bar item with the Problems panel's count", () => {
    const spun = { score: 5.46, spun: true, problems: 12, hints: 3, safe: 9 };
    assert.equal(statusText(spun), "$(warning) spin 5.5 \u00b7 12 findings");
    assert.equal(statusText({ score: 1, spun: false, problems: 1, hints: 0, safe: 0 }), "$(eye) spin 1.0 \u00b7 1 finding");
    assert.equal(statusText({ score: 0, spun: false, problems: 0, hints: 0, safe: 0 }), "$(check) spin 0.0 \u00b7 0 findings");
    const tip = statusTooltip(spun, 2.5);
    assert.match(tip, /^unspun: 12 findings in the Problems panel; fix-all .* changes 9 of them\./);
    assert.match(tip, /3 weak suggestions shown as hints only/);
    assert.match(tip, /Spin score 5\.5 likely substitutions per 100 words \(threshold 2\.5\): this text looks machine-spun\./);
    assert.match(statusTooltip({ score: undefined, spun: false, problems: 1, hints: 0, safe: 0 }, 2.5), /none is safe.*\nSpin score not known yet/s);
  });
});
