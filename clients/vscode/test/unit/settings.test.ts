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
  it("passes bad values through for the server to report by name", () => {
    assert.deepEqual(toServerSettings({ minConfidence: "high" }), { minConfidence: "high" });
  });
});

describe("log levels and tracing", () => {
  it("maps VS Code's log level to the server's", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(serverLogLevel), ["error", "debug", "debug", "info", "warning", "error"]);
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

describe("spin score", () => {
  const note = {
    source: "unspun",
    code: "spin-score",
    message: "This text looks machine-spun: 5.5 likely substitutions per 100 words (threshold 2.5)",
    data: { spinScore: 5.4637, findings: 12 },
  };
  const finding = { source: "unspun", code: "fingerprint/news", message: "Tortured phrase" };
  it("reads the note's data", () => {
    assert.deepEqual(spinSummary([note, finding, finding]), { score: 5.4637, spun: true, findings: 12 });
  });
  it("reads the note's text when it has no data", () => {
    assert.deepEqual(spinSummary([{ ...note, data: undefined, code: { value: "spin-score" } }, finding]), { score: 5.5, spun: true, findings: 1 });
  });
  it("knows no score for findings in a text that is not spun, and 0 for a clean one", () => {
    assert.deepEqual(spinSummary([finding, { source: "other", message: "x" }]), { score: undefined, spun: false, findings: 1 });
    assert.deepEqual(spinSummary([]), { score: 0, spun: false, findings: 0 });
  });
  it("reads the score from a hover", () => {
    assert.equal(spinScoreFromHover("...\n\nSpin score 1.2 likely substitutions per 100 words (threshold 2.5): this text does not look spun as a whole."), 1.2);
    assert.equal(spinScoreFromHover("nothing"), undefined);
  });
  it("renders the status bar item", () => {
    const spun = { score: 5.46, spun: true, findings: 12 };
    assert.equal(statusText(spun), "$(warning) spin 5.5");
    assert.equal(statusText({ score: 1, spun: false, findings: 2 }), "$(eye) spin 1.0");
    assert.equal(statusText({ score: 0, spun: false, findings: 0 }), "$(check) spin 0.0");
    assert.equal(statusTooltip(spun, 2.5), "unspun: Spin score 5.5 likely substitutions per 100 words (threshold 2.5): this text looks machine-spun. 12 findings.");
    assert.match(statusTooltip({ score: undefined, spun: false, findings: 1 }, 2.5), /not known yet.*1 finding\./);
  });
});
