// Tonecheck for VS Code: a thin client of the language server `tonecheck lsp`.
// The server does the checking, the quick fixes and the rewrites; this file starts it, passes the settings,
// and adds the pre-send check, the rewrite diff and the status bar item.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { Counts, countFindings, parseCounts, plural } from './findings';
import { runPresend } from './presend';
import { PresendResult } from './presendLogic';
import { RewriteProvider, REWRITE_SCHEME, parseRewrite } from './rewrite';
import { documentSelector } from './selector';
import { showServerProblem } from './problems';
import { SERVER_ARGS, missingServerMessage, resolveServer } from './serverPath';
import { SECTION, ServerSettings, didChangeConfigurationSettings, toServerSettings } from './settings';
import { statusView } from './statusText';

/** Server commands (workspace/executeCommand). */
export const SERVER_COMMANDS = {
  check: 'tonecheck.check',
  rewrite: 'tonecheck.rewrite',
  recordOverride: 'tonecheck.recordOverride',
} as const;

/** Client commands. Their ids differ from the server's, which the language client registers itself. */
export const COMMANDS = {
  presend: 'tonecheck.presend',
  rewriteDraft: 'tonecheck.rewriteDraft',
  checkNow: 'tonecheck.checkNow',
  restart: 'tonecheck.restartServer',
  showOutput: 'tonecheck.showOutput',
} as const;

const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 3 * 60_000;

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function currentSettings(scope?: vscode.Uri): ServerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  return toServerSettings((key) => cfg.get(key));
}

class Tonecheck implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly output = vscode.window.createOutputChannel('Tonecheck', { log: true });
  private readonly status = vscode.window.createStatusBarItem('tonecheck.status', vscode.StatusBarAlignment.Left, 100);
  private readonly rewrites = new RewriteProvider();
  private readonly selector = documentSelector();
  private restarts: number[] = [];
  private stopped = true;
  private lastMissing = '';
  /** Settles when the latest (re)start attempt is over. */
  private ready: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.status.name = 'Tonecheck';
    this.status.command = COMMANDS.presend;
  }

  log(line: string): void {
    this.output.info(line);
  }

  register(): void {
    const c = this.context.subscriptions;
    c.push(this, this.output, this.status, this.rewrites);
    c.push(vscode.workspace.registerTextDocumentContentProvider(REWRITE_SCHEME, this.rewrites));
    c.push(vscode.commands.registerCommand(COMMANDS.presend, (uri?: vscode.Uri) => this.presend(uri)));
    c.push(vscode.commands.registerCommand(COMMANDS.rewriteDraft, (uri?: vscode.Uri) => this.rewriteDraft(uri)));
    c.push(vscode.commands.registerCommand(COMMANDS.checkNow, (uri?: vscode.Uri) => this.checkNow(uri)));
    c.push(vscode.commands.registerCommand(COMMANDS.restart, () => this.restart()));
    c.push(vscode.commands.registerCommand(COMMANDS.showOutput, () => this.output.show(true)));
    c.push(vscode.languages.onDidChangeDiagnostics(() => this.updateStatus()));
    c.push(vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()));
    c.push(vscode.workspace.onDidChangeConfiguration((e) => this.onConfigChange(e)));
    c.push(vscode.workspace.onDidChangeWorkspaceFolders(() => { if (!this.client) void this.launch(); }));
  }

  /** Starts the server without blocking the caller; commands wait for `ready`. */
  launch(): Promise<void> {
    this.ready = this.start();
    return this.ready;
  }

  // --- server lifecycle -----------------------------------------------------------------------

  async start(): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const r = resolveServer({
      setting: cfg.get<string>('path'),
      workspaceFolders: folders,
      envPath: process.env.PATH,
      pathExt: process.env.PATHEXT,
      home: os.homedir(),
      isExecutable,
    });
    if (!r.ok) {
      this.stopped = true;
      this.updateStatus();
      this.log(`server not found; tried: ${r.tried.join(', ') || '(nothing)'}`);
      const message = missingServerMessage(r);
      if (message !== this.lastMissing) {
        this.lastMissing = message; // once per distinct problem: no pop-up storm on every config change
        void this.showProblem(message);
      }
      return;
    }
    this.lastMissing = '';
    this.log(`starting ${r.command} ${SERVER_ARGS.join(' ')}`);
    // No `transport`: TransportKind.stdio would append `--stdio`; stdin/stdout are used either way.
    const serverOptions: ServerOptions = { command: r.command, args: [...SERVER_ARGS], options: { env: process.env } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: this.selector,
      diagnosticCollectionName: 'tonecheck',
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => currentSettings(),
      initializationFailedHandler: (error) => {
        this.log(`initialize failed: ${error}`);
        void this.showProblem(`Tonecheck: the language server failed to start: ${error instanceof Error ? error.message : error}`);
        return false;
      },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          const now = Date.now();
          this.restarts = [...this.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
          if (this.restarts.length <= MAX_RESTARTS) {
            this.log(`server exited; restarting (${this.restarts.length}/${MAX_RESTARTS})`);
            return { action: CloseAction.Restart, handled: true };
          }
          this.stopped = true;
          this.updateStatus();
          void this.showProblem(
            `Tonecheck: the language server stopped ${MAX_RESTARTS + 1} times in 3 minutes and was not restarted. `
            + 'See Output › Tonecheck; "Tonecheck: Restart server" tries again.',
          );
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        workspace: {
          // Answer workspace/configuration for our section with the same mapped object as initializationOptions.
          configuration: async (params, token, next) => {
            const res = await next(params, token);
            if (!Array.isArray(res)) return res;
            return res.map((value, i) => {
              const item = params.items[i];
              return item?.section === SECTION
                ? currentSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : value;
            });
          },
        },
      },
    };
    const client = new LanguageClient('tonecheck', 'Tonecheck', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      this.stopped = e.newState === State.Stopped;
      this.updateStatus();
    });
    this.stopped = false;
    this.updateStatus();
    try {
      await client.start();
      this.log('server started');
    } catch (err) {
      this.stopped = true;
      this.updateStatus();
      this.log(`could not start the server: ${err}`);
      void this.showProblem(`Tonecheck: could not start "${r.command} ${SERVER_ARGS.join(' ')}": ${err instanceof Error ? err.message : err}`);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      if (client.isRunning()) await client.stop(5000);
    } catch (err) {
      this.log(`stop: ${err}`);
    }
    await client.dispose().catch(() => undefined);
  }

  restart(): Promise<void> {
    this.restarts = [];
    this.lastMissing = '';
    // Commands issued meanwhile wait for the new server.
    this.ready = this.stop().then(() => this.start());
    return this.ready;
  }

  private async onConfigChange(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!e.affectsConfiguration(SECTION)) return;
    if (e.affectsConfiguration(`${SECTION}.path`)) {
      await this.restart();
      return;
    }
    if (this.client?.isRunning()) {
      const settings = currentSettings();
      this.log(`settings changed: ${JSON.stringify(settings)}`);
      await this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: didChangeConfigurationSettings(settings),
      });
    }
    this.updateStatus();
  }

  private async showProblem(message: string): Promise<void> {
    await showServerProblem(message, {
      openSetup: () => this.openSetup(),
      openSettings: () => vscode.commands.executeCommand('workbench.action.openSettings', 'tonecheck.path'),
      showOutput: () => this.output.show(true),
    });
  }

  /** Opens the bundled README, which has the set-up steps (works offline). vsce stores it as readme.md. */
  async openSetup(): Promise<void> {
    const base = this.context.extensionUri;
    const name = ['README.md', 'readme.md'].find((n) => fs.existsSync(vscode.Uri.joinPath(base, n).fsPath)) ?? 'README.md';
    const readme = vscode.Uri.joinPath(base, name);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', readme);
    } catch {
      await vscode.window.showTextDocument(readme);
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private async runningWhenReady(): Promise<LanguageClient | undefined> {
    await this.ready;
    return this.running();
  }

  private running(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  private targetDocument(uri?: vscode.Uri): vscode.TextDocument | undefined {
    if (uri instanceof vscode.Uri) {
      const source = RewriteProvider.sourceOf(uri) ?? uri;
      return vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString());
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return undefined;
    const source = RewriteProvider.sourceOf(doc.uri);
    return source ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString()) : doc;
  }

  private async serverCommand(command: string, args: unknown[]): Promise<unknown> {
    const client = await this.runningWhenReady();
    if (!client) throw new Error('the language server is not running');
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  private async checkViaServer(uri: vscode.Uri): Promise<Counts | undefined> {
    try {
      const counts = parseCounts(await this.serverCommand(SERVER_COMMANDS.check, [uri.toString()]));
      if (!counts) this.log('tonecheck.check returned no counts');
      return counts;
    } catch (err) {
      this.log(`tonecheck.check failed: ${err}`);
      return undefined;
    }
  }

  private async serverMissing(): Promise<boolean> {
    if (await this.runningWhenReady()) return false;
    void this.showProblem('Tonecheck: the language server is not running, so the draft cannot be checked.');
    return true;
  }

  // --- commands -------------------------------------------------------------------------------

  async presend(uri?: vscode.Uri): Promise<PresendResult | undefined> {
    const doc = this.targetDocument(uri);
    if (!doc) {
      void vscode.window.showInformationMessage('Tonecheck: open the draft you want to check first.');
      return undefined;
    }
    if (await this.serverMissing()) return undefined;
    const result = await runPresend({
      check: (u) => this.checkViaServer(u),
      recordOverride: async (u, rules) => {
        await this.serverCommand(SERVER_COMMANDS.recordOverride, [{ uri: u.toString(), rules }]);
      },
      failOn: () => currentSettings(doc.uri).failOn,
      log: (line) => this.log(line),
    }, doc);
    this.updateStatus();
    return result;
  }

  async checkNow(uri?: vscode.Uri): Promise<Counts | undefined> {
    const doc = this.targetDocument(uri);
    if (!doc) {
      void vscode.window.showInformationMessage('Tonecheck: open the draft you want to check first.');
      return undefined;
    }
    if (await this.serverMissing()) return undefined;
    const counts = await this.checkViaServer(doc.uri);
    if (counts) {
      void vscode.window.setStatusBarMessage(
        `Tonecheck: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.infos, 'suggestion')}`,
        5000,
      );
    } else {
      void vscode.window.showWarningMessage('Tonecheck: the check did not complete; see Output › Tonecheck.');
    }
    return counts;
  }

  async rewriteDraft(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const doc = this.targetDocument(uri);
    if (!doc) {
      void vscode.window.showInformationMessage('Tonecheck: open the draft you want to rewrite first.');
      return undefined;
    }
    if (await this.serverMissing()) return undefined;
    const version = doc.version;
    let text: string | undefined;
    try {
      text = parseRewrite(await this.serverCommand(SERVER_COMMANDS.rewrite, [doc.uri.toString()]));
    } catch (err) {
      this.log(`tonecheck.rewrite failed: ${err}`);
    }
    if (text === undefined) {
      void vscode.window.showWarningMessage('Tonecheck: the rewrite failed; see Output › Tonecheck.');
      return undefined;
    }
    if (text === doc.getText()) {
      void vscode.window.showInformationMessage('Tonecheck: nothing to rewrite — the draft already reads well.');
      return undefined;
    }
    const revised = this.rewrites.set(doc.uri, text);
    const name = revised.path.slice(1);
    await vscode.commands.executeCommand('vscode.diff', doc.uri, revised, `${name} ↔ revised by tonecheck`, { preview: true });
    void vscode.window.showInformationMessage('Tonecheck: the revised draft is on the right.', 'Replace draft').then(async (choice) => {
      if (choice !== 'Replace draft') return;
      if (doc.version !== version) {
        void vscode.window.showWarningMessage('Tonecheck: the draft changed since the rewrite; run "Tonecheck: Rewrite draft" again.');
        return;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      await vscode.workspace.applyEdit(edit);
    });
    return revised;
  }

  // --- status bar -----------------------------------------------------------------------------

  updateStatus(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || vscode.languages.match(this.selector, doc) === 0) {
      this.status.hide();
      return;
    }
    const view = statusView(
      countFindings(vscode.languages.getDiagnostics(doc.uri)),
      this.stopped ? 'stopped' : this.client?.state === State.Starting ? 'starting' : 'running',
    );
    this.status.text = view.text;
    this.status.tooltip = view.tooltip;
    this.status.accessibilityInformation = { label: view.tooltip, role: 'button' };
    this.status.backgroundColor = view.level ? new vscode.ThemeColor(`statusBarItem.${view.level}Background`) : undefined;
    this.status.show();
  }

  dispose(): void {
    void this.stop();
  }
}

let instance: Tonecheck | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ presend: (uri?: vscode.Uri) => Promise<PresendResult | undefined> }> {
  instance = new Tonecheck(context);
  instance.register();
  void instance.launch(); // activation does not wait for the server (it may load models first)
  const api = instance;
  return { presend: (uri) => api.presend(uri) };
}

export async function deactivate(): Promise<void> {
  await instance?.stop();
  instance = undefined;
}
