// The unspun extension: starts the unspun language server and adds what an editor extension can add on top of
// it: settings, commands, an output channel and a status bar item with the document's spin score.

import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  StreamInfo,
  Trace,
  TransportKind,
  DidChangeConfigurationNotification,
} from "vscode-languageclient/node";

import {
  checkInstalled,
  checkLine,
  discoverServer,
  InstallCheck,
  interpretReport,
  pipInstallArgs,
  pipInstallCommand,
  RunResult,
  ServerCommand,
  serverArgs,
} from "./discovery";
import {
  DocumentNote,
  documentSelector,
  effectiveLogLevel,
  isNote,
  noteOf,
  RESTART_KEYS,
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
  /** the server's document-level note of each document (spun text, limits), shown as a code lens */
  private readonly notes = new Map<string, DocumentNote>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  /** an error notification of ours may still be showing (hidden once the server runs again) */
  private problemShowing = false;

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
      vscode.workspace.onDidCloseTextDocument((doc) => this.forgetNote(doc.uri)),
      this.lensesChanged,
      vscode.languages.registerCodeLensProvider([{ scheme: "file" }, { scheme: "untitled" }], {
        onDidChangeCodeLenses: this.lensesChanged.event,
        provideCodeLenses: (doc) => this.codeLenses(doc),
      }),
      vscode.commands.registerCommand("unspun.moveCursor", (uri: string, line: number, character: number) =>
        this.moveCursor(uri, line, character),
      ),
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
    const launcher = this.launcher();
    const discovery = discoverServer({
      serverPath: config.get<string>("server.path"),
      interpreter: config.get<string>("interpreter"),
      pythonExtensionInterpreter: await this.pythonExtensionInterpreter(),
      workspaceFolder: folder,
      home: os.homedir(),
      env: process.env,
      platform: process.platform,
      isExecutable,
      launcher,
    });
    if (!discovery.ok) {
      this.output.error(discovery.message);
      this.showStatusError(discovery.message);
      void this.offerFix(discovery.message, undefined, []);
      return;
    }
    const server = discovery.server;
    this.output.info(`server: ${server.command} ${server.args.join(" ")} (from ${server.source})`);
    let started: CheckedServer | undefined;
    if (server.python) {
      // With the bundled launcher the server's own process answers what the interpreter lacks, first thing on
      // its standard error, and goes on to serve: one interpreter start on the way to the first diagnostics.
      if (launcher) {
        started = await CheckedServer.start(server, this.logLevel(), folder);
      }
      const check = started ? started.check : await checkInstalled(server.command, run, launcher);
      if (!check.ok) {
        const python = `the Python interpreter ${server.command} (${server.source})`;
        const message =
          check.reason === "missing"
            ? `unspun needs ${check.missing.map(packageName).join(" and ")} in ${python}.`
            : check.reason === "not-installed"
              ? `unspun is not installed for ${python}.`
              : check.reason === "old-python"
                ? `unspun needs Python 3.10 or later; ${python} is older: ${lastLine(check.detail)}`
                : check.reason === "cannot-run"
                  ? `${capitalise(python)} cannot be run: ${check.detail}`
                  : `unspun cannot be started with ${python}: ${lastLine(check.detail)}`;
        this.output.error(message);
        if (check.detail) {
          this.output.error(check.detail);
        }
        this.showStatusError(message);
        const install =
          check.reason === "missing" ? [...check.missing, ...check.recommended] : check.reason === "not-installed" ? ["unspun"] : [];
        void this.offerFix(message, server, install);
        return;
      }
      this.output.info(`unspun ${check.version} runs with ${server.command}${launcher ? " (bundled with the extension)" : ""}`);
      if (check.recommended && check.recommended.length > 0) {
        this.output.info(
          `optional for ${server.command}: ${check.recommended.join(", ")} (faster fuzzy matching; the language model ` +
            `that confirms findings). Install: ${pipInstallCommand(server.command, process.platform, check.recommended)}`,
        );
      }
    }
    await this.startClient(server, folder, started);
  }

  /** The bundled launcher (bundled/tool/unspun_server.py), when the extension ships one. */
  private launcher(): string | undefined {
    const file = this.context.asAbsolutePath(path.join("bundled", "tool", "unspun_server.py"));
    return fs.existsSync(file) ? file : undefined;
  }

  private async startClient(server: ServerCommand, folder: string | undefined, started?: CheckedServer): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    // vscode-languageclient copies the server's stderr into the output channel with `append`: filter it.
    const output = this.output;
    const stderr = new StderrFilter((level, line) => {
      const log = { debug: output.debug, info: output.info, warning: output.warn, error: output.error }[level];
      log.call(output, line);
    });
    let serverOptions: ServerOptions;
    /** the process the client talks to, when this extension started it (the client only knows its streams) */
    let live: CheckedServer | undefined;
    if (started) {
      // the process started (and checked) already serves the first start; a restart starts another the same way
      let first: CheckedServer | undefined = started;
      serverOptions = async (): Promise<StreamInfo> => {
        const proc = first ?? (await CheckedServer.start(server, this.logLevel(), folder));
        first = undefined;
        live = proc;
        if (!proc.check.ok || !proc.streams) {
          throw new Error(`the unspun server did not start: ${proc.check.ok ? "no process" : proc.check.detail}`);
        }
        proc.forward((text) => stderr.push(text));
        return proc.streams;
      };
    } else {
      serverOptions = {
        command: server.command,
        args: serverArgs(server, this.logLevel()),
        transport: TransportKind.stdio,
        options: { cwd: folder, env: { ...process.env, PYTHONUNBUFFERED: "1" } },
      };
    }
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
      initializationOptions: { [SECTION]: toServerSettings(config, this.logLevel()) },
      markdown: { isTrusted: false, supportHtml: false },
      middleware: {
        workspace: {
          // The server reads only its own keys: leave out the extension's (interpreter, server.path, trace).
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, i) =>
              params.items[i]?.section === SECTION ? toServerSettings(value, this.logLevel()) : value,
            );
          },
        },
        // The document-level note (spun text, limits) is a code lens and part of the status bar item, not a
        // diagnostic: as one it underlined a whole line and joined the hover of the first finding.
        // (pushed, or pulled: VS Code asks for them when the server offers both)
        handleDiagnostics: (uri, diagnostics, next) => next(uri, this.takeNote(uri, diagnostics)),
        provideDiagnostics: async (document, previousResultId, token, next) => {
          const report = await next(document, previousResultId, token);
          if (report && report.kind === "full") {
            const uri = document instanceof vscode.Uri ? document : document.uri;
            return { ...report, items: this.takeNote(uri, report.items) };
          }
          return report;
        },
        // After a quick fix the cursor goes to the end of the replacement (VS Code leaves it where it was,
        // which is now inside the new words).
        provideCodeActions: async (document, range, context, token, next) => {
          const actions = await next(document, range, context, token);
          for (const action of actions ?? []) {
            if (!(action instanceof vscode.CodeAction) || action.command || !action.edit) {
              continue;
            }
            if (!action.kind || !vscode.CodeActionKind.QuickFix.contains(action.kind)) {
              continue;
            }
            const edits = action.edit.get(document.uri);
            if (edits.length !== 1) {
              continue;
            }
            const end = endOfInsert(edits[0].range.start, edits[0].newText);
            action.command = {
              title: "",
              command: "unspun.moveCursor",
              arguments: [document.uri.toString(), end.line, end.character],
            };
          }
          return actions;
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
      if (e.newState === State.Stopped && live) {
        // the client asked the server to exit; one that has not within a few seconds is ended
        const ended = live;
        live = undefined;
        setTimeout(() => ended.kill(), 3000).unref();
      }
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
      if (this.problemShowing) {
        // the problem it told of is solved: VS Code has no way to close one notification, so hide the toasts
        // (they stay in the notification centre)
        this.problemShowing = false;
        void vscode.commands.executeCommand("notifications.hideToasts");
      }
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
    this.output.info(`log level: ${vscode.LogLevel[level]}; the server logs at ${this.logLevel()}`);
    const client = this.client;
    if (client?.isRunning()) {
      await this.applyTrace(client);
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }
  }

  /** The server's log level: `unspun.logLevel`, else debug while tracing, else the output channel's level. */
  private logLevel(): string {
    const config = vscode.workspace.getConfiguration(SECTION);
    const explicit = config.get<string>("logLevel");
    return explicit || effectiveLogLevel(config.get<string>("trace.server"), this.output.logLevel);
  }

  // -- the document-level note: a code lens on its line --------------------------------------------------------

  private codeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const note = this.notes.get(doc.uri.toString());
    if (!note || !this.client) {
      return [];
    }
    const line = Math.min(note.line, Math.max(doc.lineCount - 1, 0));
    const range = new vscode.Range(line, 0, line, 0);
    const lenses = [
      new vscode.CodeLens(range, {
        title: `${note.spun ? "$(warning) " : ""}unspun: ${note.message}`,
        tooltip: "Show the spin score of each paragraph",
        command: "unspun.showSpinScores",
      }),
    ];
    const safe = vscode.languages
      .getDiagnostics(doc.uri)
      .filter((d) => d.source === "unspun" && (d as { data?: { safe?: unknown } }).data?.safe === true).length;
    if (safe > 0) {
      lenses.push(
        new vscode.CodeLens(range, {
          title: "Fix all safe findings",
          tooltip: "Replace every finding that is safe to fix without review (one undo restores them all)",
          command: "unspun.fixAll",
          arguments: [{ uri: doc.uri.toString() }],
        }),
      );
    }
    return lenses;
  }

  /** Keeps the document-level note of a document's diagnostics (for the code lens and the status bar) and
   * returns the others. */
  private takeNote(uri: vscode.Uri, diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
    const notes = diagnostics.filter((d) => isNote(d));
    const key = uri.toString();
    const before = this.notes.get(key)?.message;
    if (notes.length > 0) {
      this.notes.set(key, noteOf(notes[0], notes[0].range.start.line));
    } else {
      this.notes.delete(key);
    }
    if (this.notes.get(key)?.message !== before) {
      this.lensesChanged.fire();
    }
    return notes.length > 0 ? diagnostics.filter((d) => !isNote(d)) : diagnostics;
  }

  private forgetNote(uri: vscode.Uri): void {
    if (this.notes.delete(uri.toString())) {
      this.lensesChanged.fire();
    }
  }

  private moveCursor(uri: string, line: number, character: number): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.toString() !== uri) {
      return;
    }
    const pos = editor.document.validatePosition(new vscode.Position(line, character));
    editor.selection = new vscode.Selection(pos, pos);
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

  /**
   * The error notification, with short buttons (long ones are cut off): Install (into the interpreter in use,
   * when packages are missing), Select Interpreter (with the Python extension), Settings, Output.
   */
  private async offerFix(message: string, server: ServerCommand | undefined, install: string[]): Promise<void> {
    const actions: string[] = [];
    const canInstall = !!server?.python && install.length > 0;
    if (canInstall) {
      actions.push("Install");
    }
    if (vscode.extensions.getExtension(PYTHON_EXTENSION)) {
      actions.push("Select Interpreter");
    }
    actions.push("Settings", "Output");
    const command = canInstall && server ? pipInstallCommand(server.command, process.platform, install) : undefined;
    const text = command ? `${message} Install: ${command}` : message;
    this.problemShowing = true;
    const pick = await vscode.window.showErrorMessage(`unspun: ${text}`, ...actions);
    this.problemShowing = false;
    if (pick === "Install" && server && command) {
      await this.install(server.command, install, command);
    } else if (pick === "Select Interpreter") {
      await vscode.commands.executeCommand("python.setInterpreter");
    } else if (pick === "Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "@ext:unspun.unspun interpreter");
    } else if (pick === "Output") {
      this.output.show(true);
    }
  }

  /** Installs packages into the interpreter in use (pip, as a child process), then restarts the server. */
  private async install(python: string, specs: string[], command: string): Promise<void> {
    this.output.info(`installing: ${command}`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `unspun: installing ${specs.map(packageName).join(", ")}` },
      async () => {
        const first = await run(python, pipInstallArgs(specs), 600_000);
        if (first.code === 0 || !/No module named pip/.test(`${first.stdout}${first.stderr}`)) {
          return first;
        }
        // a virtual environment made without pip: Python carries a copy to install (no index needed)
        this.output.info(`no pip for ${python}: python -m ensurepip --upgrade`);
        const pip = await run(python, ["-m", "ensurepip", "--upgrade"], 120_000);
        return pip.code === 0 ? run(python, pipInstallArgs(specs), 600_000) : first;
      },
    );
    for (const line of `${result.stdout}\n${result.stderr}`.split(/\r?\n/).filter((l) => l.trim())) {
      this.output.info(`pip: ${line}`);
    }
    if (result.code === 0) {
      await this.restart();
      return;
    }
    const why = result.error ?? lastLine(`${result.stdout}\n${result.stderr}`.trim());
    const offline = /No matching distribution|Could not find a version|NewConnectionError|Temporary failure in name resolution|No module named pip/.test(
      `${result.stdout}${result.stderr}${result.error ?? ""}`,
    );
    const hint = offline
      ? " pip could not get the packages (no pip, or no package index): install them for this interpreter yourself, or choose an interpreter that has them."
      : "";
    const pick = await vscode.window.showErrorMessage(`unspun: the installation failed: ${why}.${hint}`, "Copy Command", "Output");
    if (pick === "Copy Command") {
      await vscode.env.clipboard.writeText(command);
    } else if (pick === "Output") {
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
    const diagnostics = vscode.languages
      .getDiagnostics(doc.uri)
      .filter((d) => d.source === "unspun")
      .map((d) => ({ source: d.source, code: d.code, message: d.message, severity: d.severity, data: (d as { data?: unknown }).data, range: d.range }));
    const note = this.notes.get(doc.uri.toString());
    let hoverScore: number | undefined;
    if (note?.spinScore === undefined && diagnostics.length > 0) {
      // The document-level note is only there for spun texts: the hover of a finding states the score.
      hoverScore = await this.hoverScore(client, doc, diagnostics[0].range.start);
    }
    const summary = spinSummary(diagnostics, note, hoverScore);
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

function run(command: string, args: string[], timeout = 20000): Promise<RunResult> {
  return new Promise((resolve) => {
    childProcess.execFile(
      command,
      args,
      { timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PYTHONIOENCODING: "utf-8" } },
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

/** Where text inserted at `start` ends. */
function endOfInsert(start: vscode.Position, text: string): vscode.Position {
  const lines = text.split(/\r\n|\r|\n/);
  const last = lines[lines.length - 1];
  return lines.length === 1 ? start.translate(0, last.length) : new vscode.Position(start.line + lines.length - 1, last.length);
}

/** "numpy>=1.24" -> "numpy" */
function packageName(spec: string): string {
  return spec.split(/[<>=!~ ;[]/)[0];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines[lines.length - 1] ?? text;
}

/**
 * A server process started through the bundled launcher with `--check-first`: the launcher reports what the
 * interpreter lacks as the first line of its standard error (see `checkLine`) and then serves over stdio, or
 * exits when the interpreter cannot run unspun. The client talks to it through `streams`; its standard error
 * after the report goes where `forward` says (kept until then).
 */
class CheckedServer {
  private sink: ((text: string) => void) | undefined;
  private held: string[] = [];

  private constructor(
    readonly check: InstallCheck,
    private readonly proc: childProcess.ChildProcess | undefined,
  ) {}

  get streams(): StreamInfo | undefined {
    return this.proc?.stdout && this.proc.stdin ? { reader: this.proc.stdout, writer: this.proc.stdin } : undefined;
  }

  forward(sink: (text: string) => void): void {
    this.sink = sink;
    for (const text of this.held.splice(0)) {
      sink(text);
    }
  }

  private pass(text: string): void {
    if (this.sink) {
      this.sink(text);
    } else {
      this.held.push(text);
    }
  }

  static start(server: ServerCommand, logLevel: string, cwd: string | undefined): Promise<CheckedServer> {
    const [launcher, ...rest] = serverArgs(server, logLevel);
    return new Promise((resolve) => {
      let proc: childProcess.ChildProcess;
      try {
        proc = childProcess.spawn(server.command, [launcher, "--check-first", ...rest, "--stdio"], {
          cwd,
          env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" },
          stdio: ["pipe", "pipe", "pipe"],
        });
      } catch (err) {
        resolve(new CheckedServer({ ok: false, reason: "cannot-run", detail: String(err) }, undefined));
        return;
      }
      let settled: CheckedServer | undefined;
      let pending = "";
      let before = "";
      let failed: InstallCheck | undefined;
      const settle = (result: CheckedServer) => {
        if (!settled) {
          settled = result;
          resolve(result);
        }
      };
      proc.stderr?.on("data", (chunk: Buffer | string) => {
        const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
        if (settled) {
          settled.pass(text);
          return;
        }
        pending += text;
        let newline: number;
        while (!settled && (newline = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, newline).replace(/\r$/, "");
          pending = pending.slice(newline + 1);
          const report = checkLine(line);
          if (!report) {
            before += line + "\n";
            continue;
          }
          const check = interpretReport(report, before.trim());
          if (check.ok) {
            const result = new CheckedServer(check, proc);
            if (before) {
              result.pass(before);
            }
            if (pending) {
              result.pass(pending);
            }
            settle(result);
          } else {
            failed = check; // the launcher exits: settled then, with whatever else it said
          }
        }
      });
      proc.on("error", (err) => settle(new CheckedServer({ ok: false, reason: "cannot-run", detail: err.message }, undefined)));
      proc.on("exit", (code) => {
        const output = `${before}${pending}`.trim() || `exit code ${code}`;
        settle(new CheckedServer(failed ?? interpretReport(undefined, output), undefined));
      });
    });
  }

  /** Ends the process if it is still running (the client asked it to exit; it may not have). */
  kill(): void {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill();
    }
  }
}
