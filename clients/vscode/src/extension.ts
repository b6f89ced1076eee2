// The unspun extension: starts the unspun language server and adds what an editor extension can add on top of
// it: settings, commands, an output channel and a status bar item with the document's spin score.

import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  Trace,
  TransportKind,
  DidChangeConfigurationNotification,
} from "vscode-languageclient/node";

import {
  checkInstalled,
  discoverServer,
  pipInstallCommand,
  RunResult,
  ServerCommand,
  serverArgs,
} from "./discovery";
import {
  documentSelector,
  RESTART_KEYS,
  serverLogLevel,
  spinScoreFromHover,
  spinSummary,
  statusText,
  statusTooltip,
  toServerSettings,
  traceSetting,
} from "./settings";
import { isSpinReport, paragraphPicks, ParagraphPick, reportTitle } from "./spinscores";
import { StderrFilter } from "./stderr";

const SECTION = "unspun";
const PYTHON_EXTENSION = "ms-python.python";

let state: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  state = new Controller(context);
  await state.start();
}

export async function deactivate(): Promise<void> {
  await state?.stop();
  state = undefined;
}

class Controller {
  private readonly output: vscode.LogOutputChannel;
  private readonly status: vscode.StatusBarItem;
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private pythonListener: vscode.Disposable | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel("unspun", { log: true });
    this.status = vscode.window.createStatusBarItem("unspun.status", vscode.StatusBarAlignment.Right, 100);
    this.status.name = "unspun";
    this.status.command = "workbench.actions.view.problems";
    context.subscriptions.push(
      this.output,
      this.status,
      vscode.commands.registerCommand("unspun.restart", () => this.restart()),
      vscode.commands.registerCommand("unspun.showOutput", () => this.output.show(true)),
      vscode.commands.registerCommand("unspun.showSpinScores", () => this.showSpinScores()),
      vscode.workspace.onDidChangeConfiguration((e) => this.configurationChanged(e)),
      this.output.onDidChangeLogLevel((level) => this.logLevelChanged(level)),
      vscode.languages.onDidChangeDiagnostics(() => this.scheduleStatus()),
      vscode.window.onDidChangeActiveTextEditor(() => this.scheduleStatus()),
      { dispose: () => this.pythonListener?.dispose() },
    );
    // `unspun.fixAll` is one of the server's commands: vscode-languageclient registers it while the server
    // runs (see the executeCommand middleware, which fills in the active document).
  }

  async start(): Promise<void> {
    if (this.starting) {
      return this.starting;
    }
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        if (client.isRunning()) {
          await client.stop(5000);
        }
      } catch (err) {
        this.output.warn(`stopping the server: ${String(err)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  async restart(): Promise<void> {
    this.output.info("restarting the server");
    await this.starting?.catch(() => undefined);
    await this.stop();
    await this.start();
  }

  private async doStart(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const config = vscode.workspace.getConfiguration(SECTION);
    const discovery = discoverServer({
      serverPath: config.get<string>("server.path"),
      interpreter: config.get<string>("interpreter"),
      pythonExtensionInterpreter: await this.pythonExtensionInterpreter(),
      workspaceFolder: folder,
      home: os.homedir(),
      env: process.env,
      platform: process.platform,
      isExecutable,
    });
    if (!discovery.ok) {
      this.output.error(discovery.message);
      this.showStatusError(discovery.message);
      void this.offerFix(discovery.message, undefined);
      return;
    }
    const server = discovery.server;
    this.output.info(`server: ${server.command} ${server.args.join(" ")} (from ${server.source})`);
    if (server.python) {
      const check = await checkInstalled(server.command, run);
      if (!check.ok) {
        const message =
          check.reason === "not-installed"
            ? `unspun is not installed for the Python interpreter ${server.command} (${server.source}).`
            : check.reason === "cannot-run"
              ? `The Python interpreter ${server.command} (${server.source}) cannot be run: ${check.detail}`
              : `unspun cannot be started with ${server.command} (${server.source}): ${lastLine(check.detail)}`;
        this.output.error(message);
        if (check.detail) {
          this.output.error(check.detail);
        }
        this.showStatusError(message);
        void this.offerFix(message, server);
        return;
      }
      this.output.info(`unspun ${check.version} found for ${server.command}`);
    }
    await this.startClient(server, folder);
  }

  private async startClient(server: ServerCommand, folder: string | undefined): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const serverOptions: ServerOptions = {
      command: server.command,
      args: serverArgs(server, serverLogLevel(this.output.logLevel)),
      transport: TransportKind.stdio,
      options: { cwd: folder, env: { ...process.env, PYTHONUNBUFFERED: "1" } },
    };
    // vscode-languageclient copies the server's stderr into the output channel with `append`: filter it.
    const output = this.output;
    const stderr = new StderrFilter((level, line) => {
      const log = { debug: output.debug, info: output.info, warning: output.warn, error: output.error }[level];
      log.call(output, line);
    });
    const channel = new Proxy(output, {
      get(target, prop) {
        if (prop === "append") {
          return (text: string) => stderr.push(text);
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(config.get("languages"), config.get("fileExtensions")) as LanguageClientOptions["documentSelector"],
      outputChannel: channel,
      traceOutputChannel: this.output,
      revealOutputChannelOn: 4 /* RevealOutputChannelOn.Never */,
      initializationOptions: { [SECTION]: toServerSettings(config) },
      markdown: { isTrusted: false, supportHtml: false },
      middleware: {
        workspace: {
          // The server reads only its own keys: leave out the extension's (interpreter, server.path, trace).
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, i) => (params.items[i]?.section === SECTION ? toServerSettings(value) : value));
          },
        },
        executeCommand: async (command, args, next) => {
          if (command === "unspun.fixAll" && !(args[0] && typeof args[0] === "object" && "uri" in args[0])) {
            const editor = vscode.window.activeTextEditor;
            if (!editor) {
              void vscode.window.showInformationMessage("unspun: open a document to fix.");
              return undefined;
            }
            args = [{ uri: editor.document.uri.toString() }];
          }
          return next(command, args);
        },
      },
    };
    const client = new LanguageClient("unspun", "unspun", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped && this.client === client) {
        this.showStatusError("The unspun server stopped. Run \u201cunspun: Restart Server\u201d or see the output.");
      }
      if (e.newState === State.Running) {
        this.scheduleStatus();
      }
    });
    try {
      await client.start();
      await this.applyTrace(client);
      this.output.info("server started");
    } catch (err) {
      const message = `The unspun server could not be started: ${String(err)}`;
      this.output.error(message);
      this.showStatusError(message);
      void vscode.window.showErrorMessage(message, "Show Output").then((pick) => {
        if (pick) {
          this.output.show(true);
        }
      });
    }
    this.scheduleStatus();
  }

  private async applyTrace(client: LanguageClient): Promise<void> {
    const explicit = vscode.workspace.getConfiguration(SECTION).get<string>("trace.server");
    const trace = traceSetting(explicit, this.output.logLevel);
    await client.setTrace(trace === "verbose" ? Trace.Verbose : trace === "messages" ? Trace.Messages : Trace.Off);
  }

  private async configurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!e.affectsConfiguration(SECTION)) {
      return;
    }
    if (RESTART_KEYS.some((key) => e.affectsConfiguration(`${SECTION}.${key}`))) {
      await this.restart();
      return;
    }
    const client = this.client;
    if (client?.isRunning()) {
      if (e.affectsConfiguration(`${SECTION}.trace`)) {
        await this.applyTrace(client);
      }
      // The server asks for the section again (workspace/configuration) and re-checks every open document.
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }
    this.scheduleStatus();
  }

  private async logLevelChanged(level: vscode.LogLevel): Promise<void> {
    this.output.info(`log level: ${vscode.LogLevel[level]}; the server logs at ${serverLogLevel(level)} after a restart`);
    if (this.client?.isRunning()) {
      await this.applyTrace(this.client);
    }
  }

  // -- the Python extension ---------------------------------------------------------------------------------

  private async pythonExtensionInterpreter(): Promise<string | undefined> {
    const ext = vscode.extensions.getExtension(PYTHON_EXTENSION);
    if (!ext) {
      return undefined;
    }
    try {
      const api = (ext.isActive ? ext.exports : await ext.activate()) as PythonExtensionApi | undefined;
      const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!this.pythonListener && api?.environments?.onDidChangeActiveEnvironmentPath) {
        this.pythonListener = api.environments.onDidChangeActiveEnvironmentPath(() => {
          const config = vscode.workspace.getConfiguration(SECTION);
          if (!config.get<string>("interpreter") && !config.get<string>("server.path")) {
            void this.restart();
          }
        });
      }
      const envPath = api?.environments?.getActiveEnvironmentPath(resource);
      if (envPath) {
        const env = await api?.environments?.resolveEnvironment(envPath);
        const exe = env?.executable?.uri?.fsPath ?? (envPath.path && isExecutable(envPath.path) ? envPath.path : undefined);
        if (exe) {
          return exe;
        }
      }
      const details = api?.settings?.getExecutionDetails?.(resource);
      return details?.execCommand?.[0];
    } catch (err) {
      this.output.warn(`could not ask the Python extension for its interpreter: ${String(err)}`);
      return undefined;
    }
  }

  // -- telling the user ---------------------------------------------------------------------------------------

  private async offerFix(message: string, server: ServerCommand | undefined): Promise<void> {
    const actions: string[] = [];
    let install: string | undefined;
    if (server?.python) {
      install = pipInstallCommand(server.command, process.platform);
      actions.push("Install in Terminal", "Copy Command");
    }
    const hasPython = !!vscode.extensions.getExtension(PYTHON_EXTENSION);
    if (hasPython) {
      actions.push("Select Interpreter");
    }
    actions.push("Open Settings", "Show Output");
    const text = install ? `${message} Install it with: ${install}` : message;
    const pick = await vscode.window.showErrorMessage(`unspun: ${text}`, ...actions);
    if (pick === "Install in Terminal" && install) {
      const terminal = vscode.window.createTerminal({ name: "unspun: install" });
      terminal.show();
      terminal.sendText(install);
      this.output.info(`after "${install}" finishes, run "unspun: Restart Server"`);
    } else if (pick === "Copy Command" && install) {
      await vscode.env.clipboard.writeText(install);
    } else if (pick === "Select Interpreter") {
      await vscode.commands.executeCommand("python.setInterpreter");
    } else if (pick === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "@ext:unspun.unspun interpreter");
    } else if (pick === "Show Output") {
      this.output.show(true);
    }
  }

  private showStatusError(message: string): void {
    this.status.text = "$(error) unspun";
    this.status.tooltip = message;
    this.status.command = "unspun.showOutput";
    this.status.show();
  }

  // -- the status bar: spin score of the active document ------------------------------------------------------

  private scheduleStatus(): void {
    if (this.statusTimer) {
      clearTimeout(this.statusTimer);
    }
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      void this.updateStatus();
    }, 150);
  }

  private async updateStatus(): Promise<void> {
    const client = this.client;
    if (!client) {
      return; // an error is showing, or nothing started yet
    }
    const editor = vscode.window.activeTextEditor;
    const selector = client.clientOptions.documentSelector;
    if (!editor || !selector || !client.isRunning() || vscode.languages.match(selector as vscode.DocumentSelector, editor.document) === 0) {
      this.status.hide();
      return;
    }
    const doc = editor.document;
    const diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === "unspun");
    const summary = spinSummary(
      diagnostics.map((d) => ({ source: d.source, code: d.code, message: d.message, data: (d as { data?: unknown }).data })),
    );
    if (summary.score === undefined) {
      // The document-level note is only there for spun texts: the hover of a finding states the score.
      const finding = diagnostics.find((d) => {
        const code = typeof d.code === "object" ? d.code.value : d.code;
        return code !== "spin-score" && code !== "too-many-findings";
      });
      if (finding) {
        summary.score = await this.hoverScore(client, doc, finding.range.start);
      }
    }
    if (this.client !== client || vscode.window.activeTextEditor?.document !== doc) {
      return;
    }
    const threshold = vscode.workspace.getConfiguration(SECTION, doc.uri).get<number>("spinThreshold") ?? 2.5;
    this.status.text = statusText(summary);
    this.status.tooltip = statusTooltip(summary, threshold);
    this.status.command = "workbench.actions.view.problems";
    this.status.show();
  }

  // -- spin scores by paragraph --------------------------------------------------------------------------------

  private async showSpinScores(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const client = this.client;
    if (!editor) {
      void vscode.window.showInformationMessage("unspun: open a document to see its spin scores.");
      return;
    }
    if (!client || !client.isRunning()) {
      void vscode.window.showInformationMessage("unspun: the server is not running; see \u201cunspun: Show Output\u201d.");
      return;
    }
    const doc = editor.document;
    const selector = client.clientOptions.documentSelector;
    if (!selector || vscode.languages.match(selector as vscode.DocumentSelector, doc) === 0) {
      void vscode.window.showInformationMessage(`unspun does not check ${doc.languageId} documents (see unspun.languages).`);
      return;
    }
    let report: unknown;
    try {
      report = await client.sendRequest("workspace/executeCommand", {
        command: "unspun.spinScores",
        arguments: [{ uri: client.code2ProtocolConverter.asUri(doc.uri) }],
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`unspun: could not get the spin scores: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!isSpinReport(report)) {
      void vscode.window.showInformationMessage("unspun: no spin scores for this document (it may not be checked).");
      return;
    }
    const picks = paragraphPicks(report, (n) => (n < doc.lineCount ? doc.lineAt(n).text : ""));
    if (picks.length === 0) {
      void vscode.window.showInformationMessage(`${reportTitle(report)}. No paragraph shows any sign of spinning.`);
      return;
    }
    const chosen = await vscode.window.showQuickPick<ParagraphPick>(picks, {
      title: reportTitle(report),
      placeHolder: "Go to a paragraph (highest spin score first)",
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!chosen || doc.isClosed) {
      return;
    }
    const range = client.protocol2CodeConverter.asRange(chosen.range);
    const target = await vscode.window.showTextDocument(doc, { viewColumn: editor.viewColumn, preserveFocus: false });
    target.selection = new vscode.Selection(range.start, range.start);
    target.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async hoverScore(client: LanguageClient, doc: vscode.TextDocument, pos: vscode.Position): Promise<number | undefined> {
    try {
      const hover = await client.sendRequest<{ contents?: unknown } | null>("textDocument/hover", {
        textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri) },
        position: { line: pos.line, character: pos.character },
      });
      const contents = hover?.contents as { value?: string } | string | undefined;
      const text = typeof contents === "string" ? contents : contents?.value ?? "";
      return spinScoreFromHover(text);
    } catch {
      return undefined;
    }
  }
}

// -- helpers -----------------------------------------------------------------------------------------------------

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(env: { id: string; path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] };
  };
}

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    childProcess.execFile(
      command,
      args,
      { timeout: 20000, env: { ...process.env, PYTHONIOENCODING: "utf-8" } },
      (error, stdout, stderr) => {
        const spawnFailed = error && typeof (error as NodeJS.ErrnoException).code === "string";
        resolve({
          code: error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : null) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          error: spawnFailed ? error.message : undefined,
        });
      },
    );
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines[lines.length - 1] ?? text;
}
