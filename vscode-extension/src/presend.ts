// The pre-send check, wired to VS Code. The decision itself is in presendLogic.ts.
import * as vscode from 'vscode';
import { Counts, countFindings, isTonecheck, sameCounts } from './findings';
import { PresendResult, GO_BACK, outcome, planPresend } from './presendLogic';
import type { FailOn } from './settings';

export interface PresendDeps {
  /** Asks the server to re-check now (`tonecheck.check`); undefined when it could not. */
  check(uri: vscode.Uri): Promise<Counts | undefined>;
  /** Tells the server the user sent anyway (`tonecheck.recordOverride`). */
  recordOverride(uri: vscode.Uri, rules: string[]): Promise<void>;
  failOn(): FailOn;
  log?(line: string): void;
}

/** Resolves once the published diagnostics for `uri` match `want` (or after `timeoutMs`). */
export function waitForDiagnostics(uri: vscode.Uri, want: Counts, timeoutMs = 2000): Promise<void> {
  const current = () => countFindings(vscode.languages.getDiagnostics(uri));
  if (sameCounts(current(), want)) return Promise.resolve();
  return new Promise((resolve) => {
    let sub: vscode.Disposable | undefined;
    const done = () => { clearTimeout(timer); sub?.dispose(); resolve(); };
    const timer = setTimeout(done, timeoutMs);
    sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && sameCounts(current(), want)) done();
    });
  });
}

export async function runPresend(deps: PresendDeps, document?: vscode.TextDocument): Promise<PresendResult | undefined> {
  const doc = document ?? vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showInformationMessage('Tonecheck: open the draft you want to check first.');
    return undefined;
  }
  const fromServer = await deps.check(doc.uri).catch(() => undefined);
  if (fromServer) await waitForDiagnostics(doc.uri, fromServer);
  const findings = vscode.languages.getDiagnostics(doc.uri).filter(isTonecheck);
  const counts = countFindings(findings);
  // The server knows the fail threshold in force (the setting over the workspace's .tonecheck.toml).
  const plan = planPresend(counts, findings, fromServer?.failOn ?? deps.failOn());
  if (plan.kind === 'clean') {
    void vscode.window.showInformationMessage(plan.message);
    deps.log?.('pre-send: clean');
    return 'clean';
  }
  const choice = await vscode.window.showWarningMessage(plan.message, { modal: true, detail: plan.detail }, ...plan.buttons);
  const result = outcome(plan, choice);
  deps.log?.(`pre-send: ${plan.kind}, choice ${JSON.stringify(choice ?? null)} -> ${result}`);
  if (plan.kind === 'blocking' && result === 'send') {
    await deps.recordOverride(doc.uri, plan.blockingRules).catch((e) => deps.log?.(`recordOverride failed: ${e}`));
  }
  if (result === 'blocked' && choice === GO_BACK) await revealFirst(doc, findings);
  return result;
}

/** "Go back and fix": put the cursor on the most severe finding. */
async function revealFirst(doc: vscode.TextDocument, findings: readonly vscode.Diagnostic[]): Promise<void> {
  const first = findings.slice().sort((a, b) => a.severity - b.severity || a.range.start.line - b.range.start.line)[0];
  if (!first) return;
  const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false });
  editor.selection = new vscode.Selection(first.range.start, first.range.end);
  editor.revealRange(first.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
