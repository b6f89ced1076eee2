import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  CHECK_MARK,
  checkInstalled,
  checkLine,
  discoverServer,
  interpretReport,
  DiscoveryInput,
  expandPath,
  findOnPath,
  pipInstallArgs,
  pipInstallCommand,
  RunResult,
  serverArgs,
  shellQuote,
} from "../../src/discovery";

function input(over: Partial<DiscoveryInput> & { files?: string[] } = {}): DiscoveryInput {
  const files = new Set(over.files ?? ["/usr/bin/python3", "/usr/bin/python"]);
  return {
    home: "/home/ada",
    env: { PATH: "/opt/bin:/usr/bin", HOME: "/home/ada", VENV: "/srv/venv" },
    platform: "linux",
    workspaceFolder: "/home/ana/paper",
    isExecutable: (f) => files.has(f),
    ...over,
  };
}

describe("discoverServer", () => {
  it("uses unspun.server.path first, running `serve`", () => {
    const d = discoverServer(input({ serverPath: "~/bin/unspun", interpreter: "/usr/bin/python3", files: ["/home/ada/bin/unspun", "/usr/bin/python3"] }));
    assert.deepEqual(d, { ok: true, server: { command: "/home/ada/bin/unspun", args: ["serve"], python: false, source: "unspun.server.path" } });
  });

  it("looks a bare server.path name up on PATH", () => {
    const d = discoverServer(input({ serverPath: "unspun", files: ["/opt/bin/unspun"] }));
    assert.equal(d.ok && d.server.command, "/opt/bin/unspun");
  });

  it("reports a server.path that is not executable, without falling back", () => {
    const d = discoverServer(input({ serverPath: "/nope/unspun" }));
    assert.equal(d.ok, false);
    assert.equal(!d.ok && d.source, "unspun.server.path");
    assert.match(!d.ok ? d.message : "", /not an executable file/);
  });

  it("uses unspun.interpreter next, with -m unspun serve", () => {
    const d = discoverServer(input({ interpreter: "${workspaceFolder}/.venv/bin/python", pythonExtensionInterpreter: "/usr/bin/python", files: ["/home/ana/paper/.venv/bin/python", "/usr/bin/python"] }));
    assert.deepEqual(d, { ok: true, server: { command: "/home/ana/paper/.venv/bin/python", args: ["-m", "unspun", "serve"], python: true, source: "unspun.interpreter" } });
  });

  it("expands environment variables in unspun.interpreter", () => {
    const d = discoverServer(input({ interpreter: "$VENV/bin/python3", files: ["/srv/venv/bin/python3"] }));
    assert.equal(d.ok && d.server.command, "/srv/venv/bin/python3");
  });

  it("reports an unspun.interpreter that does not exist", () => {
    const d = discoverServer(input({ interpreter: "/missing/python" }));
    assert.equal(!d.ok && d.source, "unspun.interpreter");
  });

  it("then the Python extension's interpreter", () => {
    const d = discoverServer(input({ pythonExtensionInterpreter: "/envs/a/bin/python", files: ["/envs/a/bin/python", "/usr/bin/python3"] }));
    assert.equal(d.ok && d.server.source, "Python extension");
    assert.equal(d.ok && d.server.command, "/envs/a/bin/python");
  });

  it("skips a Python extension interpreter that is gone", () => {
    const d = discoverServer(input({ pythonExtensionInterpreter: "/envs/gone/bin/python" }));
    assert.equal(d.ok && d.server.source, "PATH");
  });

  it("falls back to python3 on PATH, in PATH order", () => {
    const d = discoverServer(input({ files: ["/opt/bin/python3", "/usr/bin/python3"] }));
    assert.deepEqual(d, { ok: true, server: { command: "/opt/bin/python3", args: ["-m", "unspun", "serve"], python: true, source: "PATH" } });
  });

  it("takes python when there is no python3", () => {
    const d = discoverServer(input({ files: ["/usr/bin/python"] }));
    assert.equal(d.ok && d.server.command, "/usr/bin/python");
  });

  it("says so when there is no interpreter at all", () => {
    const d = discoverServer(input({ files: [] }));
    assert.equal(d.ok, false);
    assert.match(!d.ok ? d.message : "", /No Python interpreter/);
  });

  it("ignores blank settings", () => {
    const d = discoverServer(input({ serverPath: "  ", interpreter: "" }));
    assert.equal(d.ok && d.server.source, "PATH");
  });

  it("uses python.exe and PATHEXT on Windows", () => {
    const files = new Set(["C:\\Python312\\python.EXE"]);
    const d = discoverServer({
      home: "C:\\Users\\ada",
      env: { PATH: "C:\\Windows;C:\\Python312", PATHEXT: ".EXE;.CMD" },
      platform: "win32",
      isExecutable: (f) => files.has(f.replace(/\//g, "\\")),
    });
    assert.equal(d.ok && d.server.source, "PATH");
  });
});

describe("expandPath and findOnPath", () => {
  const base = { home: "/home/ada", env: { A: "/a", HOME: "/home/ada" }, workspaceFolder: "/ws" };
  it("expands ~, ${userHome}, ${env:A}, $A and ${A}", () => {
    assert.equal(expandPath("~/x", base), "/home/ada/x");
    assert.equal(expandPath("${userHome}/x", base), "/home/ada/x");
    assert.equal(expandPath("${env:A}/x", base), "/a/x");
    assert.equal(expandPath("$A/x", base), "/a/x");
    assert.equal(expandPath("${A}/x", base), "/a/x");
  });
  it("keeps unknown variables and resolves relative paths against the workspace", () => {
    assert.equal(expandPath("$NOPE/x", base), "/ws/$NOPE/x");
    assert.equal(expandPath(".venv/bin/python", base), "/ws/.venv/bin/python");
    assert.equal(expandPath("python3", base), "python3");
  });
  it("finds the first executable on PATH", () => {
    const files = new Set(["/b/python3"]);
    assert.equal(findOnPath("python3", { env: { PATH: "/a:/b" }, platform: "linux", isExecutable: (f) => files.has(f) }), "/b/python3");
    assert.equal(findOnPath("python3", { env: {}, platform: "linux", isExecutable: () => true }), undefined);
  });
});

describe("server arguments", () => {
  it("adds the log level after the discovered arguments", () => {
    assert.deepEqual(serverArgs({ command: "/usr/bin/python3", args: ["-m", "unspun", "serve"], python: true, source: "PATH" }, "debug"), [
      "-m", "unspun", "serve", "--log-level", "debug",
    ]);
    assert.deepEqual(serverArgs({ command: "/bin/unspun", args: ["serve"], python: false, source: "unspun.server.path" }, "info"), [
      "serve", "--log-level", "info",
    ]);
  });
});

describe("checkInstalled", () => {
  const runner = (r: Partial<RunResult>) => async (command: string, args: string[]): Promise<RunResult> => {
    assert.deepEqual(args, ["-m", "unspun", "--version"]);
    return { code: 0, stdout: "", stderr: "", ...r };
  };
  it("reads the version", async () => {
    assert.deepEqual(await checkInstalled("/py", runner({ stdout: "unspun 0.1.0\n" })), { ok: true, version: "0.1.0" });
  });
  it("recognises a missing package", async () => {
    const r = await checkInstalled("/py", runner({ code: 1, stderr: "/py: No module named unspun\n" }));
    assert.equal(!r.ok && r.reason, "not-installed");
  });
  it("tells a broken installation from a missing one", async () => {
    const r = await checkInstalled("/py", runner({ code: 1, stderr: "Traceback...\nModuleNotFoundError: No module named 'pygls'\n" }));
    assert.equal(!r.ok && r.reason, "broken");
  });
  it("reports an interpreter that cannot run", async () => {
    const r = await checkInstalled("/py", runner({ code: null, error: "spawn /py ENOENT" }));
    assert.equal(!r.ok && r.reason, "cannot-run");
  });
});

describe("pipInstallCommand", () => {
  it("gives the exact command for the interpreter", () => {
    assert.equal(pipInstallCommand("/usr/bin/python3", "linux"), "/usr/bin/python3 -m pip install --upgrade unspun");
  });
  it("quotes paths with spaces", () => {
    assert.equal(pipInstallCommand("/home/a b/py", "linux"), "'/home/a b/py' -m pip install --upgrade unspun");
    assert.equal(pipInstallCommand("C:\\Program Files\\Python\\python.exe", "win32"), '& "C:\\Program Files\\Python\\python.exe" -m pip install --upgrade unspun');
    assert.equal(shellQuote("it's", "linux"), `'it'\\''s'`);
  });
});

describe("the bundled launcher", () => {
  const launcher = "/ext/bundled/tool/unspun_server.py";
  const report = (over: Record<string, unknown>) =>
    JSON.stringify({ python: "3.11.7", missing: [], recommended: [], unspun: "0.1.0", error: null, ...over });
  const runner = (r: Partial<RunResult>) => async (command: string, args: string[]): Promise<RunResult> => {
    assert.deepEqual(args, [launcher, "--check"]);
    return { code: 0, stdout: "", stderr: "", ...r };
  };

  it("runs the server through the launcher with whatever interpreter is found", () => {
    const d = discoverServer(input({ launcher }));
    assert.deepEqual(d, { ok: true, server: { command: "/usr/bin/python3", args: [launcher, "serve"], python: true, source: "PATH" } });
    const e = discoverServer(input({ launcher, pythonExtensionInterpreter: "/srv/venv/bin/python", files: ["/srv/venv/bin/python"] }));
    assert.deepEqual(e.ok && e.server.args, [launcher, "serve"]);
    assert.equal(e.ok && e.server.source, "Python extension");
  });
  it("is ready when nothing required is missing, and passes on what is recommended", async () => {
    const r = await checkInstalled("/py", runner({ stdout: report({ recommended: ["rapidfuzz>=3.5"] }) + "\n" }), launcher);
    assert.deepEqual(r, { ok: true, version: "0.1.0", recommended: ["rapidfuzz>=3.5"] });
  });
  it("lists the compiled packages the interpreter lacks", async () => {
    const r = await checkInstalled("/py", runner({ stdout: report({ missing: ["numpy>=1.24"], details: ["numpy: No module named 'numpy'"] }) }), launcher);
    assert.deepEqual(r, { ok: false, reason: "missing", missing: ["numpy>=1.24"], recommended: [], detail: "numpy: No module named 'numpy'" });
  });
  it("tells an interpreter that is too old", async () => {
    const r = await checkInstalled("/py", runner({ stdout: report({ python: "3.8.10", error: "Python 3.10 or later is needed", unspun: null }) }), launcher);
    assert.equal(!r.ok && r.reason, "old-python");
    assert.match(!r.ok ? r.detail : "", /3\.8\.10/);
    const py2 = await checkInstalled("/py", runner({ code: 1, stderr: "  File \"x\", line 1\nSyntaxError: invalid syntax\n" }), launcher);
    assert.equal(!py2.ok && py2.reason, "old-python");
  });
  it("reports a launcher that prints no report", async () => {
    const r = await checkInstalled("/py", runner({ code: 1, stderr: "Fatal Python error: init_fs_encoding\n" }), launcher);
    assert.equal(!r.ok && r.reason, "broken");
  });
  it("reads the report the server's own process puts first on its standard error (--check-first)", () => {
    const line = CHECK_MARK + report({ recommended: ["pocketsphinx>=5.0"] });
    const parsed = checkLine(line);
    assert.ok(parsed);
    assert.deepEqual(interpretReport(parsed, ""), { ok: true, version: "0.1.0", recommended: ["pocketsphinx>=5.0"] });
    assert.equal(checkLine(report({})), undefined, "a report without the mark is not the check");
    assert.equal(checkLine("2026-12-08 00:00:00,000 INFO unspun: starting"), undefined);
    assert.equal(checkLine(CHECK_MARK + "{not json"), undefined);
    const missing = interpretReport(checkLine(CHECK_MARK + report({ missing: ["numpy>=1.24"], details: ["numpy: gone"] })), "");
    assert.deepEqual(missing, { ok: false, reason: "missing", missing: ["numpy>=1.24"], recommended: [], detail: "numpy: gone" });
    assert.equal(interpretReport(undefined, "SyntaxError: invalid syntax").ok, false);
    const none = interpretReport(undefined, "exit code 1");
    assert.equal(!none.ok && none.reason, "broken");
  });
  it("installs the packages into that interpreter, quoted for the shell", () => {
    assert.equal(
      pipInstallCommand("/srv/venv/bin/python", "linux", ["numpy>=1.24", "rapidfuzz>=3.5"]),
      "/srv/venv/bin/python -m pip install --upgrade 'numpy>=1.24' 'rapidfuzz>=3.5'",
    );
    assert.deepEqual(pipInstallArgs(["numpy>=1.24"]), ["-m", "pip", "install", "--upgrade", "numpy>=1.24"]);
  });
});
