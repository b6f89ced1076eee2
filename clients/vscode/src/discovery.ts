// How the server is found and started. No `vscode` import: the extension passes in what it knows (settings,
// the Python extension's interpreter, the environment) and a way to run a process, so the unit tests can
// drive every branch.

import * as path from "path";

export type ServerSource = "unspun.server.path" | "unspun.interpreter" | "Python extension" | "PATH";

export interface DiscoveryInput {
  /** `unspun.server.path` */
  serverPath?: string;
  /** `unspun.interpreter` */
  interpreter?: string;
  /** the Python extension's active interpreter for the workspace, when that extension is installed */
  pythonExtensionInterpreter?: string;
  workspaceFolder?: string;
  home: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** does this file exist and may it be executed? */
  isExecutable: (file: string) => boolean;
  /** the script that runs unspun from the libraries the extension ships (bundled/tool/unspun_server.py) */
  launcher?: string;
}

export interface ServerCommand {
  /** the executable: `unspun` itself, or a Python interpreter */
  command: string;
  /** `serve`, `LAUNCHER serve` or `-m unspun serve`; every start adds `--log-level LEVEL` (and the client `--stdio`) */
  args: string[];
  /** true when `command` is a Python interpreter that must be able to import unspun */
  python: boolean;
  source: ServerSource;
}

export type Discovery = { ok: true; server: ServerCommand } | { ok: false; source: ServerSource; message: string };

/** Expands `~`, `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and `$NAME` / `${NAME}`. */
export function expandPath(value: string, input: Pick<DiscoveryInput, "home" | "env" | "workspaceFolder">): string {
  let s = value.trim();
  s = s.replace(/\$\{workspaceFolder\}/g, () => input.workspaceFolder ?? "");
  s = s.replace(/\$\{userHome\}/g, () => input.home);
  s = s.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => input.env[name] ?? "");
  s = s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a?: string, b?: string) => {
    const name = (a ?? b) as string;
    const v = input.env[name];
    return v === undefined ? m : v;
  });
  if (s === "~" || s.startsWith("~/") || s.startsWith("~\\")) {
    s = input.home + s.slice(1);
  }
  if (s && !path.isAbsolute(s) && /[\\/]/.test(s) && input.workspaceFolder) {
    // a relative path with a directory part is taken relative to the workspace folder
    s = path.join(input.workspaceFolder, s);
  }
  return s;
}

/** The first `name` on PATH (with PATHEXT endings on Windows), or undefined. */
export function findOnPath(
  name: string,
  input: Pick<DiscoveryInput, "env" | "platform" | "isExecutable">,
): string | undefined {
  const sep = input.platform === "win32" ? ";" : ":";
  const dirs = (input.env.PATH ?? input.env.Path ?? "").split(sep).filter(Boolean);
  const exts = input.platform === "win32" ? (input.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (input.isExecutable(file)) {
        return file;
      }
    }
  }
  return undefined;
}

/** A command name (no directory part) is looked up on PATH; a path is taken as it is. */
function locate(value: string, input: DiscoveryInput): string | undefined {
  if (/[\\/]/.test(value)) {
    return input.isExecutable(value) ? value : undefined;
  }
  return findOnPath(value, input);
}

/**
 * Where the server comes from, in order: `unspun.server.path`; else a Python interpreter running
 * `-m unspun serve`: `unspun.interpreter`, else the Python extension's active interpreter, else `python3`
 * (`python` on Windows) on PATH.
 */
export function discoverServer(input: DiscoveryInput): Discovery {
  const serverPath = input.serverPath?.trim() ? expandPath(input.serverPath, input) : "";
  if (serverPath) {
    const found = locate(serverPath, input);
    if (!found) {
      return {
        ok: false,
        source: "unspun.server.path",
        message: `The setting unspun.server.path names "${serverPath}", which is not an executable file.`,
      };
    }
    return { ok: true, server: { command: found, args: ["serve"], python: false, source: "unspun.server.path" } };
  }
  const interpreter = input.interpreter?.trim() ? expandPath(input.interpreter, input) : "";
  if (interpreter) {
    const found = locate(interpreter, input);
    if (!found) {
      return {
        ok: false,
        source: "unspun.interpreter",
        message: `The setting unspun.interpreter names "${interpreter}", which is not an executable file.`,
      };
    }
    return { ok: true, server: pythonServer(found, "unspun.interpreter", input.launcher) };
  }
  const fromExtension = input.pythonExtensionInterpreter?.trim();
  if (fromExtension && input.isExecutable(fromExtension)) {
    return { ok: true, server: pythonServer(fromExtension, "Python extension", input.launcher) };
  }
  const names = input.platform === "win32" ? ["python", "py"] : ["python3", "python"];
  for (const name of names) {
    const found = findOnPath(name, input);
    if (found) {
      return { ok: true, server: pythonServer(found, "PATH", input.launcher) };
    }
  }
  return {
    ok: false,
    source: "PATH",
    message:
      "No Python interpreter was found (python3 on PATH). Install Python 3.10 or later, or set unspun.interpreter or unspun.server.path.",
  };
}

function pythonServer(python: string, source: ServerSource, launcher?: string): ServerCommand {
  const args = launcher ? [launcher, "serve"] : ["-m", "unspun", "serve"];
  return { command: python, args, python: true, source };
}

/** The full argument list for a start (vscode-languageclient appends `--stdio`). */
export function serverArgs(server: ServerCommand, logLevel: string): string[] {
  return [...server.args, "--log-level", logLevel];
}

// -- is unspun installed for that interpreter? ------------------------------------------------------------

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** set when the process could not be started at all */
  error?: string;
}

export type Runner = (command: string, args: string[]) => Promise<RunResult>;

export type InstallCheck =
  | { ok: true; version: string; recommended?: string[] }
  | { ok: false; reason: "not-installed" | "broken" | "cannot-run" | "old-python"; detail: string }
  | { ok: false; reason: "missing"; detail: string; missing: string[]; recommended: string[] };

/** What `unspun_server.py --check` prints. */
export interface LauncherReport {
  python?: string;
  missing?: string[];
  recommended?: string[];
  unspun?: string | null;
  error?: string | null;
  details?: string[];
}

/**
 * Can this interpreter run unspun? With the bundled `launcher`: asks it (`--check`) which compiled packages
 * the interpreter lacks; without: asks the interpreter for `unspun --version`.
 */
export async function checkInstalled(python: string, run: Runner, launcher?: string): Promise<InstallCheck> {
  if (launcher) {
    return checkWithLauncher(python, run, launcher);
  }
  const r = await run(python, ["-m", "unspun", "--version"]);
  if (r.error) {
    return { ok: false, reason: "cannot-run", detail: r.error };
  }
  const out = `${r.stdout}\n${r.stderr}`;
  const m = /^unspun (\S+)/m.exec(out);
  if (r.code === 0 && m) {
    return { ok: true, version: m[1] };
  }
  if (/No module named unspun\b|No module named '?unspun'?/.test(out)) {
    return { ok: false, reason: "not-installed", detail: out.trim() };
  }
  return { ok: false, reason: "broken", detail: out.trim() || `exit code ${r.code}` };
}

async function checkWithLauncher(python: string, run: Runner, launcher: string): Promise<InstallCheck> {
  const r = await run(python, [launcher, "--check"]);
  if (r.error) {
    return { ok: false, reason: "cannot-run", detail: r.error };
  }
  let report: LauncherReport | undefined;
  for (const line of r.stdout.split(/\r?\n/).reverse()) {
    report = parseReport(line);
    if (report) {
      break;
    }
  }
  return interpretReport(report, `${r.stdout}\n${r.stderr}`.trim() || `exit code ${r.code}`);
}

/** How the launcher's `--check-first` marks its report on the server's standard error. */
export const CHECK_MARK = "unspun-check: ";

/** The report on a line of the server's standard error (`--check-first`), or undefined. */
export function checkLine(line: string): LauncherReport | undefined {
  return line.startsWith(CHECK_MARK) ? parseReport(line.slice(CHECK_MARK.length)) : undefined;
}

function parseReport(line: string): LauncherReport | undefined {
  if (!line.trim().startsWith("{")) {
    return undefined;
  }
  try {
    return JSON.parse(line) as LauncherReport;
  } catch {
    return undefined;
  }
}

/**
 * What a launcher's report says of the interpreter; `output` (what it printed, or its exit code) stands in
 * for a report it never gave.
 */
export function interpretReport(report: LauncherReport | undefined, output: string): InstallCheck {
  if (!report) {
    // Python 2, or an interpreter that failed before printing anything
    if (/SyntaxError|Python 2\./.test(output)) {
      return { ok: false, reason: "old-python", detail: output };
    }
    return { ok: false, reason: "broken", detail: output };
  }
  if (report.error && /Python \d+\.\d+ or later/.test(report.error)) {
    return { ok: false, reason: "old-python", detail: `${report.error} (this is Python ${report.python ?? "?"})` };
  }
  if (report.missing && report.missing.length > 0) {
    return {
      ok: false,
      reason: "missing",
      missing: report.missing,
      recommended: report.recommended ?? [],
      detail: (report.details ?? []).join("\n"),
    };
  }
  if (report.error || !report.unspun) {
    return { ok: false, reason: "broken", detail: report.error ?? "unspun cannot be imported" };
  }
  return { ok: true, version: report.unspun, recommended: report.recommended ?? [] };
}

/** Quotes an argument for the user's shell when it needs it. */
export function shellQuote(arg: string, platform: NodeJS.Platform): string {
  if (/^[\w@%+=:,./\\-]+$/.test(arg)) {
    return arg;
  }
  if (platform === "win32") {
    return `"${arg.replace(/"/g, '""')}"`;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The arguments for the interpreter that install these packages into it. */
export function pipInstallArgs(specs: readonly string[]): string[] {
  return ["-m", "pip", "install", "--upgrade", ...specs];
}

/** The exact command that installs these packages for this interpreter, for a shell. */
export function pipInstallCommand(python: string, platform: NodeJS.Platform, specs: string | readonly string[] = "unspun"): string {
  const exe = shellQuote(python, platform);
  const list = (typeof specs === "string" ? [specs] : specs).map((s) => shellQuote(s, platform));
  return `${platform === "win32" && /\s/.test(python) ? "& " : ""}${exe} -m pip install --upgrade ${list.join(" ")}`;
}
