// End-to-end test in a real VS Code: code-server serves the workbench, headless Chromium (driven by
// playwright-core) uses it like a person would. The packaged .vsix is installed into a throw-away
// extensions folder of a fresh profile, and nothing is configured: the extension runs the server it ships with
// `python3` on PATH (which needs numpy). UNSPUN_PYTHON (default: python3 on PATH) is the interpreter the test
// runs the same shipped code with, to know what the editor must show.
//
//   node out/test/e2e/run.js --code-server PATH --vsix PATH [--artifacts DIR] [--docs-image PATH]
//
// Prints "e2e: N passed, N failed" and exits non-zero if any step failed.

import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Browser, chromium, Page } from "playwright-core";

const here = path.resolve(__dirname, "..", "..", ".."); // clients/vscode
const repo = path.resolve(here, "..", "..");

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : process.env[`UNSPUN_E2E_${name.toUpperCase().replace(/-/g, "_")}`];
  if (v) {
    return path.resolve(v);
  }
  if (fallback === undefined) {
    throw new Error(`--${name} is required`);
  }
  return fallback;
}

const codeServer = arg("code-server");
const vsix = arg("vsix", path.join(here, "unspun.vsix"));
const artifacts = arg("artifacts", path.join(repo, "test-artifacts", "vscode"));
const docsImage = arg("docs-image", "");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const python = resolvePython(process.env.UNSPUN_PYTHON || "python3");
/** The shipped launcher inside the installed extension (set once the .vsix is installed). */
let launcher = "";
const example = fs.readFileSync(path.join(repo, "examples", "spun-news.txt"), "utf8");

const TIMEOUT = 60_000;

function resolvePython(name: string): string {
  // The absolute path of the interpreter (venv paths stay as they are: that is what activates the venv).
  return execFileSync(name, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeout = TIMEOUT): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) {
        return v as T;
      }
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ""}`);
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}

// -- the sandbox --------------------------------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "unspun-e2e-"));
const dirs = {
  config: path.join(tmp, "xdg-config"),
  data: path.join(tmp, "xdg-data"),
  cache: path.join(tmp, "xdg-cache"),
  tmp: path.join(tmp, "tmp"),
  userData: path.join(tmp, "user-data"),
  extensions: path.join(tmp, "extensions"),
  workspace: path.join(tmp, "workspace"),
  browser: path.join(tmp, "browser"),
  home: path.join(tmp, "home"),
};
for (const d of Object.values(dirs)) {
  fs.mkdirSync(d, { recursive: true });
}
const env: NodeJS.ProcessEnv = {
  ...process.env,
  XDG_CONFIG_HOME: dirs.config,
  XDG_DATA_HOME: dirs.data,
  XDG_CACHE_HOME: dirs.cache,
  TMPDIR: dirs.tmp,
  HOME: dirs.home,
  // VS Code's server hands extensions the environment of a login shell, whose start-up files set their own
  // PATH (/etc/profile's, a pyenv shim first...): the extension would find another python3 than this PATH's.
  // It skips that when started from its command line, which this says.
  VSCODE_CLI: "1",
  VSCODE_PROXY_URI: "",
};
delete env.VSCODE_IPC_HOOK_CLI;

const wsSettings = path.join(dirs.workspace, ".vscode", "settings.json");
const baseWorkspaceSettings = {
  "editor.codeActionsOnSave": { "source.fixAll.unspun": "explicit" },
};
writeJson(wsSettings, baseWorkspaceSettings);
fs.writeFileSync(path.join(dirs.workspace, "spun-news.txt"), example);
fs.writeFileSync(path.join(dirs.workspace, "second-copy.md"), example);
writeJson(path.join(dirs.userData, "User", "settings.json"), {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "files.autoSave": "off",
  "editor.wordWrap": "on",
  "editor.minimap.enabled": false,
  "editor.hover.delay": 200,
  "editor.fontSize": 15,
  "chat.commandCenter.enabled": false,
  "workbench.colorTheme": "Default Light Modern",
  "window.menuBarVisibility": "compact",
});

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let serverLog = "";

function cleanup(): void {
  try {
    browser?.close().catch(() => undefined);
  } catch {
    /* closing anyway */
  }
  if (server && server.exitCode === null && server.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      server.kill("SIGTERM");
    }
  }
}

process.on("exit", cleanup);
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

// -- steps ----------------------------------------------------------------------------------------------------

type Step = { name: string; run: () => Promise<void> };
const steps: Step[] = [];
const step = (name: string, run: () => Promise<void>) => steps.push({ name, run });

let page: Page;
let url = "";

async function shot(name: string): Promise<string> {
  const file = path.join(artifacts, name);
  await page.screenshot({ path: file });
  return file;
}

async function quickOpen(text: string, pick?: string): Promise<void> {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: 15_000 });
  await input.fill(text);
  if (pick) {
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: pick }).first();
    await row.waitFor({ state: "visible", timeout: 15_000 });
    await row.click();
  } else {
    await page.waitForTimeout(500);
    await input.press("Enter");
  }
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10_000 });
}

async function openFile(name: string): Promise<void> {
  await quickOpen(name, name);
  await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ timeout: 20_000 });
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: 20_000 });
}

async function focusEditor(): Promise<void> {
  // low in the editor: the top line may hold a code lens, which is a link
  const editor = page.locator(".editor-group-container.active .monaco-editor").first();
  await editor.waitFor({ state: "visible" });
  const box = await editor.boundingBox();
  if (!box) {
    throw new Error("no editor to focus");
  }
  await page.mouse.click(box.x + 120, box.y + box.height - 15);
}

const count = (selector: string) => page.locator(`.editor-group-container.active .monaco-editor ${selector}`).count();

step("install the .vsix into a fresh extensions folder", async () => {
  const out = execFileSync(
    codeServer,
    ["--extensions-dir", dirs.extensions, "--user-data-dir", dirs.userData, "--install-extension", vsix, "--force"],
    { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 },
  );
  if (!/successfully installed/i.test(out)) {
    throw new Error(`install output: ${out}`);
  }
  const installed = fs.readdirSync(dirs.extensions).filter((d) => d.startsWith("unspun.unspun-"));
  if (installed.length !== 1) {
    throw new Error(`expected the extension in ${dirs.extensions}, found ${fs.readdirSync(dirs.extensions).join(", ")}`);
  }
  launcher = path.join(dirs.extensions, installed[0], "bundled", "tool", "unspun_server.py");
  // the server's Python code and pure-Python libraries come with it
  for (const part of ["libs/unspun/lsp/server.py", "libs/pygls", "libs/lsprotocol", "libs/unspun/data/lexicons"]) {
    if (!fs.existsSync(path.join(dirs.extensions, installed[0], "bundled", part))) {
      throw new Error(`the .vsix lacks bundled/${part}`);
    }
  }
});

step("start code-server and open the workspace in Chromium", async () => {
  const port = await freePort();
  server = spawn(
    codeServer,
    [
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--user-data-dir", dirs.userData,
      "--extensions-dir", dirs.extensions,
      dirs.workspace,
    ],
    { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout?.on("data", (b) => (serverLog += String(b)));
  server.stderr?.on("data", (b) => (serverLog += String(b)));
  url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`;
  await waitFor("code-server to listen", async () => {
    if (server?.exitCode !== null) {
      throw new Error(`code-server exited: ${serverLog}`);
    }
    const r = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    return r?.ok;
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: { ...env, HOME: dirs.browser } as Record<string, string>,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 680 } });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(url);
  await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
  await page.locator(".explorer-folders-view, .explorer-viewlet").first().waitFor({ timeout: 60_000 });
});

/** What `unspun check --format json` says of the example document (the editor must show the same). */
function exampleReport(): { spin_score: number; paragraphs: { line: number; spin_score: number }[] } {
  let json: string;
  try {
    json = execFileSync(python, [launcher, "check", "--format", "json", "-"], {
      env, input: example, encoding: "utf8", stdio: ["pipe", "pipe", "ignore"],
    });
  } catch (err) {
    const failed = err as { status?: number; stdout?: string };
    if (failed.status !== 1 || !failed.stdout) throw err; // exit code 1 means "findings", as expected here
    json = failed.stdout;
  }
  return JSON.parse(json).files[0];
}

/** When the extension host activated the extension (from its log), as a time stamp. */
function activationTime(): number | undefined {
  const logs = path.join(dirs.userData, "logs");
  for (const started of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
    const file = path.join(logs, started, "exthost1", "remoteexthost.log");
    if (!fs.existsSync(file)) {
      continue;
    }
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) .*_doActivateExtension unspun\.unspun/m.exec(fs.readFileSync(file, "utf8"));
    if (m) {
      return new Date(`${m[1]}T${m[2]}`).getTime(); // the log's local time, as Date reads it
    }
  }
  return undefined;
}

/** The sum of the counts the workbench's own problems item shows (errors, warnings, infos). */
async function problemsCount(): Promise<number> {
  const item = page.locator("#status\\.problems").first();
  const text = `${(await item.getAttribute("aria-label")) ?? ""}`;
  const numbers = (text.match(/\d+/g) ?? []).map(Number);
  if (numbers.length === 0 && /no problems/i.test(text)) {
    return 0;
  }
  if (numbers.length === 0) {
    throw new Error(`cannot read the problems item: "${text}"`);
  }
  return numbers.reduce((a, b) => a + b, 0);
}

/** The status bar item of unspun ("spin 8.8 · 12 findings"). */
async function unspunStatus(): Promise<string | undefined> {
  const t = await page.locator(".statusbar-item", { hasText: /spin \d+\.\d/ }).first().textContent({ timeout: 1000 });
  return t?.trim();
}

step("open a spun document with nothing configured: squiggles, one count, hover text, the spin note as a code lens", async () => {
  await openFile("spun-news.txt");
  const opened = Date.now(); // the file's text is on screen
  await waitFor("warning squiggles", async () => (await count(".squiggly-warning")) >= 1, 90_000);
  const squiggled = Date.now();
  // from the moment the extension starts (VS Code activates it for the first plain-text file) to the first
  // squiggle: finding Python, checking it, starting the server, its first analysis (a fresh profile: nothing
  // cached by an earlier start)
  const activated = activationTime();
  const sinceActivation = activated === undefined ? NaN : (squiggled - activated) / 1000;
  const sinceText = (squiggled - opened) / 1000;
  console.log(`  first squiggles ${sinceActivation.toFixed(1)} s after the extension was activated by the file's opening (${sinceText.toFixed(1)} s after its text showed)`);
  fs.writeFileSync(path.join(artifacts, "first-squiggles.txt"), `activation to first squiggles: ${sinceActivation.toFixed(2)} s\ntext shown to first squiggles: ${sinceText.toFixed(2)} s\n`);
  await waitFor("warning squiggles", async () => (await count(".squiggly-warning")) >= 3, 90_000);
  await waitFor("information squiggles", async () => (await count(".squiggly-info")) >= 3);
  // the score the command line gives for the same text is what the status bar must show
  const score = exampleReport().spin_score.toFixed(1);
  const expected = `spin ${score}`;
  const statusText = await waitFor(`"${expected}" in the status bar`, async () => {
    const t = await unspunStatus();
    return t && t.includes(expected) ? t : undefined;
  });
  console.log(`  status bar: ${statusText}`);
  // one count: the status bar says what the Problems panel lists (only unspun reports anything here)
  const counts = await waitFor("the status bar's count to equal the Problems count", async () => {
    const mine = /(\d+) findings?/.exec((await unspunStatus()) ?? "");
    const theirs = await problemsCount();
    return mine && Number(mine[1]) === theirs && theirs > 0 ? theirs : undefined;
  });
  console.log(`  ${counts} findings in the status bar and in the Problems count`);
  // the document-level note is a code lens above the first line, not a diagnostic underlining it
  const lens = page.locator(".editor-group-container.active .contentWidgets .codelens-decoration, .editor-group-container.active .codelens-decoration").first();
  await lens.waitFor({ state: "visible", timeout: 20_000 });
  const wanted = [`This text looks machine-spun: ${score} likely substitutions per 100 words`, "Fix all safe findings"];
  let lensText = "";
  // (VS Code redraws code lenses a moment after they change: the score of a first, lexicon-only analysis
  // may still show)
  await waitFor(`the code lens to read ${JSON.stringify(wanted)}`, async () => {
    lensText = (await lens.innerText()).replace(/\s+/g, " ");
    return wanted.every((part) => lensText.includes(part));
  }, 20_000).catch(() => {
    throw new Error(`the code lens reads: ${lensText}`);
  });

  // hover over the last tortured phrase ("a second information convention", line 3)
  await focusEditor();
  const squiggles = page.locator(".editor-group-container.active .monaco-editor .squiggly-warning");
  const box = await waitFor("the squiggles' boxes", async () => {
    const boxes = (await Promise.all((await squiggles.all()).map((l) => l.boundingBox()))).filter((b) => b !== null);
    boxes.sort((a, b) => b.y - a.y || b.x - a.x);
    return boxes[0] ?? undefined;
  });
  await page.mouse.move(box.x + 3, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  const hover = page.locator(".monaco-hover:not(.hidden)").filter({ hasText: "news conference" }).first();
  await hover.waitFor({ state: "visible", timeout: 20_000 });
  const text = (await hover.innerText()).replace(/\s+/g, " ");
  for (const expected of [
    "\u201cinformation convention\u201d \u2192 \u201cnews conference\u201d (tortured phrase)",
    "why this is a tortured phrase",
    "is a known tortured phrase, a garbled \u201cnews conference\u201d",
    "Fix-all replaces it",
    `${score} likely substitutions per 100 words`,
    "this text looks machine-spun",
  ]) {
    if (!text.includes(expected)) {
      throw new Error(`hover lacks "${expected}": ${text}`);
    }
  }
  for (const unwanted of ["log10", "This text looks machine-spun:"]) {
    if (text.includes(unwanted)) {
      throw new Error(`hover has "${unwanted}" (plain words; the document's note is not stacked onto it): ${text}`);
    }
  }
  await page.waitForTimeout(300);
  const file = await shot("01-squiggles-and-hover.png");
  if (docsImage) {
    fs.mkdirSync(path.dirname(docsImage), { recursive: true });
    fs.copyFileSync(file, docsImage);
  }
  console.log(`  screenshot: ${file}`);
  await page.mouse.move(5, 500);
  await page.keyboard.press("Escape");
});

step("the command \u201cunspun: Show Spin Scores by Paragraph\u201d lists the paragraphs and goes to the one picked", async () => {
  // the paragraphs' scores the command line gives for the same text, highest first
  const file = exampleReport();
  const ranked = file.paragraphs.filter((p) => p.spin_score > 0).sort((a, b) => b.spin_score - a.spin_score || a.line - b.line);
  if (ranked.length < 2) {
    throw new Error(`the example should have two paragraphs with evidence: ${JSON.stringify(file.paragraphs)}`);
  }
  await focusEditor();
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: 15_000 });
  await input.fill(">unspun: Show Spin Scores");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "Show Spin Scores by Paragraph" }).first().waitFor({ timeout: 15_000 });
  await input.press("Enter");
  const title = page.locator(".quick-input-widget .quick-input-title", { hasText: "spin score" });
  await title.waitFor({ state: "visible", timeout: 20_000 });
  const rows = page.locator(".quick-input-widget .quick-input-list .monaco-list-row");
  const labels = await waitFor("the paragraphs' rows", async () => {
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, " "));
    return texts.length >= ranked.length ? texts : undefined;
  });
  ranked.forEach((p, i) => {
    const expected = `${p.spin_score.toFixed(1)} per 100 words`;
    const where = `line ${p.line + 1}`;
    if (!labels[i].includes(expected) || !labels[i].includes(where)) {
      throw new Error(`row ${i + 1} should read "${expected}" on ${where}: ${labels.join(" | ")}`);
    }
  });
  await shot("01b-spin-scores-by-paragraph.png");
  // the second row: its paragraph's first line gets the cursor
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10_000 });
  const cursor = `Ln ${ranked[1].line + 1}, Col 1`;
  await waitFor(`"${cursor}" in the status bar`, async () => (await page.locator(".statusbar-item", { hasText: cursor }).count()) > 0);
  console.log(`  picked the paragraph at line ${ranked[1].line + 1}; the cursor is there`);
});

step("apply a quick fix (line 1: \u201cmentioned\u201d -> \u201csaid\u201d, not one fix-all takes)", async () => {
  await focusEditor();
  await quickOpen(":1:78");
  await page.waitForTimeout(500);
  await page.keyboard.press("Control+.");
  const item = page.locator(".action-widget .monaco-list-row", { hasText: /Replace .mentioned. with .said./ }).first();
  await item.waitFor({ state: "visible", timeout: 20_000 });
  await shot("02-quick-fix-menu.png");
  // choose it with the keyboard (the menu blocks pointer events around itself while it opens)
  const wanted = /Replace .mentioned. with .said./;
  const focusedRow = page.locator(".action-widget .monaco-list-row.focused").first();
  let focused = "";
  for (let i = 0; i < 8; i++) {
    focused = await focusedRow.innerText().catch(() => "");
    if (wanted.test(focused)) {
      break;
    }
    await page.keyboard.press("ArrowDown");
  }
  if (!wanted.test(focused)) {
    throw new Error(`the focused action is "${focused}"`);
  }
  await page.keyboard.press("Enter");
  await page.locator(".tab.dirty").first().waitFor({ timeout: 10_000 });
  // the cursor goes to the end of the replacement, not inside it
  const column = example.split("\n")[0].indexOf("mentioned") + "said".length + 1;
  const cursor = `Ln 1, Col ${column}`;
  await waitFor(`"${cursor}" in the status bar`, async () => (await page.locator(".statusbar-item", { hasText: cursor }).count()) > 0, 10_000);
  const disk = fs.readFileSync(path.join(dirs.workspace, "spun-news.txt"), "utf8");
  if (disk !== example) {
    throw new Error("the file changed on disk before saving");
  }
});

step("save with fix-all on save: the file on disk has every safe fix and the quick fix", async () => {
  const file = path.join(dirs.workspace, "spun-news.txt");
  // what the command line's fix gives for the text after the quick fix
  const afterQuickFix = example.replace("Secretary-Common mentioned", "Secretary-Common said");
  const scratch = path.join(dirs.tmp, "expected.txt");
  fs.writeFileSync(scratch, afterQuickFix);
  try {
    execFileSync(python, [launcher, "fix", scratch], { env, stdio: "ignore" });
  } catch (err) {
    if ((err as { status?: number }).status !== 1) {
      throw err; // 1 means "findings": the ones that are not safe to fix stay
    }
  }
  const expected = fs.readFileSync(scratch, "utf8");
  if (!expected.includes("Secretary-General said") || expected.includes("information convention")) {
    throw new Error(`unexpected command-line fix: ${expected}`);
  }
  await focusEditor();
  await page.keyboard.press("Control+S");
  const saved = await waitFor("the fixed file on disk", () => {
    const t = fs.readFileSync(file, "utf8");
    return t !== example ? t : undefined;
  });
  await waitFor("the editor to be saved", async () => (await page.locator(".tab.dirty").count()) === 0, 15_000);
  // give a second save-participant round a chance to misbehave, then read again
  await page.waitForTimeout(500);
  const final = fs.readFileSync(file, "utf8");
  if (final !== expected) {
    throw new Error(`file on disk differs from the expected fix\n--- expected\n${expected}\n--- got\n${final}\n--- first read\n${saved}`);
  }
  await waitFor("fewer squiggles", async () => (await count(".squiggly-warning")) === 0, 20_000);
  await shot("03-after-fix-all-on-save.png");
});

/** The text of the extension's output channel (its log file). */
function outputChannel(): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (/unspun/i.test(e.name) && e.name.endsWith(".log")) {
        found.push(fs.readFileSync(p, "utf8"));
      }
    }
  };
  walk(path.join(dirs.userData, "logs"));
  return found.join("\n");
}

step("type, hover, ask for fixes and save: the output channel shows no traceback and no error", async () => {
  if (!/server started/.test(outputChannel())) {
    throw new Error("the output channel's log file was not found (or the server never started)");
  }
  await focusEditor();
  await quickOpen(":2:1");
  const squiggles = page.locator(".editor-group-container.active .monaco-editor .squiggly-info");
  for (let round = 0; round < 4; round++) {
    // typing: every key changes the document while the last analysis, hovers and code actions are under way
    await page.keyboard.type(" the minister mentioned it at an information convention", { delay: 15 });
    const boxes = (await Promise.all((await squiggles.all()).slice(0, 3).map((l) => l.boundingBox()))).filter((b) => b !== null);
    for (const b of boxes) {
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 2 });
    }
    // the cursor is at the end of the phrase just typed (the hovers moved the mouse only): fixes for it
    await page.keyboard.press("Control+.");
    const menu = page.locator(".action-widget").first();
    await menu.waitFor({ state: "visible", timeout: 10_000 });
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden", timeout: 10_000 });
    await quickOpen(":2:1");
    await page.keyboard.press("Control+S");
  }
  await waitFor("the editor to be saved", async () => (await page.locator(".tab.dirty").count()) === 0, 15_000);
  // (fix-all on save restored the typed phrases) a last one, left as typed
  await page.keyboard.type(" an information convention", { delay: 15 });
  await waitFor("a squiggle on the typed phrase", async () => (await count(".squiggly-warning")) >= 1, 20_000);
  await page.keyboard.press("Control+S");
  await waitFor("the editor to be saved", async () => (await page.locator(".tab.dirty").count()) === 0, 15_000);
  await page.mouse.move(5, 500);
  await page.waitForTimeout(1000); // what the server logs after the last save reaches the channel
  const log = outputChannel();
  const bad = log.split("\n").filter((line) => /\[error\]|Traceback|never retrieved|Cancel notification/.test(line));
  if (bad.length > 0) {
    throw new Error(`the output channel shows:\n${bad.slice(0, 20).join("\n")}`);
  }
});

step("change a setting: unspun.severity makes tortured phrases errors", async () => {
  await openFile("second-copy.md");
  await waitFor("warning squiggles in the second document", async () => (await count(".squiggly-warning")) >= 3, 60_000);
  if ((await count(".squiggly-error")) !== 0) {
    throw new Error("error squiggles before the setting changed");
  }
  writeJson(wsSettings, {
    ...baseWorkspaceSettings,
    "unspun.severity": { fingerprint: "error", substitution: "information", article: "information" },
  });
  await waitFor("error squiggles after the setting changed", async () => (await count(".squiggly-error")) >= 3, 60_000);
  await shot("04-setting-severity-error.png");
  writeJson(wsSettings, { ...baseWorkspaceSettings, "unspun.kinds": ["article"] });
  await waitFor(
    "no squiggles with unspun.kinds = [\"article\"]",
    async () => (await count(".squiggly-error")) + (await count(".squiggly-warning")) === 0,
    60_000,
  );
  await shot("05-setting-kinds-article.png");
});

step("an interpreter without numpy: a notification with short buttons and the exact pip command; gone once fixed", async () => {
  const bare = path.join(tmp, "bare-venv");
  execFileSync(python, ["-m", "venv", "--without-pip", bare], { env, stdio: "ignore" });
  const barePython = path.join(bare, "bin", "python");
  writeJson(wsSettings, { ...baseWorkspaceSettings, "unspun.interpreter": barePython });
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "unspun needs numpy" }).first();
  await toast.waitFor({ state: "visible", timeout: 60_000 });
  const text = (await toast.innerText()).replace(/\s+/g, " ");
  for (const part of [`unspun needs numpy in the Python interpreter ${barePython}`, `${barePython} -m pip install --upgrade 'numpy>=1.24'`]) {
    if (!text.includes(part)) {
      throw new Error(`notification lacks "${part}": ${text}`);
    }
  }
  await page.waitForTimeout(600); // let the toast finish fading in
  // every button reads in full
  const buttons = toast.locator(".monaco-button");
  const labels = (await buttons.allInnerTexts()).map((t) => t.trim());
  for (const wanted of ["Install", "Settings", "Output"]) {
    if (!labels.includes(wanted)) {
      throw new Error(`the notification's buttons are ${JSON.stringify(labels)}; "${wanted}" is missing`);
    }
  }
  for (const b of await buttons.all()) {
    const cut = await b.evaluate((el) => {
      const label = (el.querySelector(".monaco-button-label, span") as HTMLElement | null) ?? (el as HTMLElement);
      return label.scrollWidth > label.clientWidth + 1 || (el as HTMLElement).scrollWidth > (el as HTMLElement).clientWidth + 1;
    });
    if (cut) {
      throw new Error(`a notification button is cut off: ${await b.innerText()}`);
    }
  }
  await shot("06-numpy-missing-notification.png");
  if (process.env.UNSPUN_E2E_INSTALL === "1") {
    // (needs the package index) the Install button: pip for the bare interpreter (made without pip: ensurepip
    // first), then the server starts with it
    await toast.locator(".monaco-button", { hasText: "Install" }).first().click();
    await waitFor("squiggles with the interpreter numpy was installed into", async () => (await count(".squiggly-warning")) >= 3, 600_000);
    const log = outputChannel();
    if (!log.includes(`runs with ${barePython}`)) {
      throw new Error(`the server does not run with ${barePython}:\n${log.split("\n").slice(-15).join("\n")}`);
    }
    console.log(`  Install put numpy into ${barePython}; the server runs with it`);
  }
  // and back: the server starts again with the interpreter on PATH, and the notification goes
  writeJson(wsSettings, baseWorkspaceSettings);
  await waitFor("squiggles again", async () => (await count(".squiggly-warning")) >= 3, 60_000);
  await waitFor("the notification to go", async () => (await page.locator(".notifications-toasts .notification-toast", { hasText: "unspun needs numpy" }).count()) === 0, 20_000);
});

step("the command \u201cunspun: Fix All Safe Findings\u201d fixes the active document", async () => {
  await focusEditor();
  if ((await page.locator(".tab.dirty").count()) !== 0) {
    throw new Error("a document is already modified");
  }
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: 15_000 });
  await input.fill(">unspun: Fix All");
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "Fix All Safe Findings" }).first();
  await row.waitFor({ state: "visible", timeout: 15_000 });
  await input.press("Enter");
  await page.locator(".tab.dirty", { hasText: "second-copy.md" }).first().waitFor({ timeout: 20_000 });
  await waitFor("the fixed phrases to lose their squiggles", async () => (await count(".squiggly-warning")) === 0, 20_000);
  const disk = fs.readFileSync(path.join(dirs.workspace, "second-copy.md"), "utf8");
  if (disk !== example) {
    throw new Error("the command saved the file");
  }
  await shot("07-fix-all-command.png");
});

// -- optional: keystroke latency in a long spun document ------------------------------------------------------------

const latencyWords = Number(process.env.UNSPUN_E2E_LATENCY_WORDS || 0);
/** `unspun.maxDiagnostics` for the long document (default: the extension's) */
const latencyCap = Number(process.env.UNSPUN_E2E_LATENCY_MAX_DIAGNOSTICS || 0);

if (latencyWords > 0) {
  // (written before code-server starts, so that Quick Open knows it) the example's paragraphs, numbered so that
  // none repeats word for word, up to the size asked for
  const paragraphs = example.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const parts: string[] = [];
  let words = 0;
  for (let i = 0; words < latencyWords; i++) {
    const p = `Item ${i + 1}. ${paragraphs[i % paragraphs.length]}`;
    parts.push(p);
    words += p.split(/\s+/).length;
  }
  fs.writeFileSync(path.join(dirs.workspace, "long-spun.txt"), "Notes on the meeting.\n\n" + parts.join("\n\n") + "\n");
  step(`measure: a tortured phrase inserted into a ${latencyWords.toLocaleString("en")}-word spun document, and single keystrokes, to the squiggle`, async () => {
    if (latencyCap > 0) {
      writeJson(wsSettings, { ...baseWorkspaceSettings, "unspun.maxDiagnostics": latencyCap });
    }
    await openFile("long-spun.txt");
    await waitFor("squiggles in the long document", async () => (await count(".squiggly-warning")) >= 1, 300_000);
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("End"); // end of "Notes on the meeting."
    const top = page.locator(".editor-group-container.active .monaco-editor .view-overlays > div").first();
    await top.waitFor();
    const onFirstLine = async () => {
      // a squiggle on the first line: the first line's overlay holds it
      const first = page.locator(".editor-group-container.active .monaco-editor .view-overlays > div").first();
      return (await first.locator(".squiggly-warning").count()) > 0;
    };
    if (await onFirstLine()) {
      throw new Error("the first line has a squiggle before anything was typed");
    }
    const pasted: number[] = [];
    const keys: number[] = [];
    for (let round = 0; round < 5; round++) {
      pasted.push(await untilSquiggle(true, () => page.keyboard.insertText(" An information convention"))); // one edit (as a paste)
      // one key that breaks the phrase ("conventionx"), one that restores it: the squiggle goes, and comes back
      keys.push(await untilSquiggle(false, () => page.keyboard.press("x")));
      keys.push(await untilSquiggle(true, () => page.keyboard.press("Backspace")));
      for (let k = 0; k < " An information convention".length; k++) {
        await page.keyboard.press("Backspace");
      }
      await waitFor("the squiggle to go", async () => !(await onFirstLine()), 60_000);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const show = (xs: number[]) => [...xs].sort((a, b) => a - b).map((t) => `${t.toFixed(0)} ms`).join(", ");
    if (latencyCap > 0) {
      writeJson(wsSettings, baseWorkspaceSettings);
    }
    const words = `${latencyWords} words${latencyCap > 0 ? ` (maxDiagnostics ${latencyCap})` : ""}`;
    const lines = [
      `${words}: edit to squiggle ${show(pasted)} (median ${median(pasted).toFixed(0)} ms)`,
      `${words}: keystroke to squiggle change ${show(keys)} (median ${median(keys).toFixed(0)} ms, max ${Math.max(...keys).toFixed(0)} ms)`,
    ];
    for (const line of lines) {
      console.log(`  ${line}`);
      fs.appendFileSync(path.join(artifacts, "keystroke-latency.txt"), line + "\n");
    }
  });
}

/** Milliseconds from the input `act` makes (its first key or input event in the page, else the moment before it)
 * to the first line of the editor having (`want`) or losing a squiggle: timed in the page, with a mutation
 * observer on the editor's overlays, so the test's own polling does not count. */
async function untilSquiggle(want: boolean, act: () => Promise<void>): Promise<number> {
  await page.evaluate((wanted: boolean) => {
    const w = window as unknown as { unspunLatency?: Promise<number> };
    w.unspunLatency = new Promise<number>((resolve, reject) => {
      const root = document.querySelector(".editor-group-container.active .monaco-editor .view-overlays");
      if (!root) {
        reject(new Error("no editor overlays"));
        return;
      }
      let t0 = performance.now();
      let seen = false;
      const onInput = (e: Event) => {
        if (!seen) {
          seen = true;
          t0 = e.timeStamp;
        }
      };
      for (const type of ["keydown", "beforeinput", "input"]) {
        document.addEventListener(type, onInput, true);
      }
      const has = () => root.firstElementChild?.querySelector(".squiggly-warning") != null;
      const done = (value?: number, error?: Error) => {
        observer.disconnect();
        clearTimeout(timer);
        for (const type of ["keydown", "beforeinput", "input"]) {
          document.removeEventListener(type, onInput, true);
        }
        error ? reject(error) : resolve(value as number);
      };
      const observer = new MutationObserver(() => {
        if (seen && has() === wanted) {
          done(performance.now() - t0);
        }
      });
      observer.observe(root, { childList: true, subtree: true, attributes: true });
      const timer = setTimeout(() => done(undefined, new Error("no squiggle change within 60 s")), 60_000);
    });
  }, want);
  await act();
  return await page.evaluate(() => (window as unknown as { unspunLatency: Promise<number> }).unspunLatency);
}

// -- run ----------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const f of fs.readdirSync(artifacts)) {
    if (f.endsWith(".png") || f.endsWith(".log")) {
      fs.rmSync(path.join(artifacts, f));
    }
  }
  console.log(`e2e: code-server ${codeServer}\ne2e: vsix ${vsix}\ne2e: python ${python}\ne2e: sandbox ${tmp}`);
  let passed = 0;
  let failed = 0;
  const t0 = Date.now();
  for (const s of steps) {
    const t = Date.now();
    try {
      if (failed > 0) {
        throw new Error("skipped: an earlier step failed");
      }
      await s.run();
      passed++;
      console.log(`ok - ${s.name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed++;
      console.log(`not ok - ${s.name}: ${err instanceof Error ? err.message : String(err)}`);
      if (failed === 1) {
        await diagnose();
      }
    }
  }
  saveLogs(false);
  console.log(`e2e: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

async function diagnose(): Promise<void> {
  try {
    if (page) {
      await shot("failure.png");
      console.log(`  screenshot of the failure: ${path.join(artifacts, "failure.png")}`);
    }
  } catch {
    /* no page */
  }
  saveLogs(true);
}

/** Copies the extension's output channel (and on failure the extension host's logs) to the artefacts. */
function saveLogs(failure: boolean): void {
  fs.writeFileSync(path.join(artifacts, "code-server.log"), serverLog);
  const logs: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if ((failure ? /unspun|exthost/i : /unspun/i).test(e.name) && e.name.endsWith(".log")) {
        logs.push(p);
      }
    }
  };
  walk(path.join(dirs.userData, "logs"));
  for (const l of logs) {
    const text = fs.readFileSync(l, "utf8");
    fs.writeFileSync(path.join(artifacts, `${path.basename(path.dirname(l))}-${path.basename(l)}`), text);
    if (failure) {
      console.log(`--- ${l} (last lines)\n${text.split("\n").slice(-25).join("\n")}`);
    }
  }
}

main()
  .then((code) => {
    cleanup();
    if (code === 0 && !process.env.UNSPUN_E2E_KEEP) {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    process.exit(code);
  })
  .catch((err) => {
    console.error(err);
    cleanup();
    process.exit(1);
  });
