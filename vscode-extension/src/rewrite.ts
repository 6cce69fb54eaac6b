// "Tonecheck: Rewrite draft": the server's revised draft in a read-only virtual document, shown as a diff.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const REWRITE_SCHEME = 'tonecheck-rewrite';

export class RewriteProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  /** The virtual URI for the rewrite of `source`: same file name (so same language), source in the query. */
  static uriFor(source: vscode.Uri): vscode.Uri {
    const base = path.posix.basename(source.path) || 'draft.txt';
    return vscode.Uri.from({ scheme: REWRITE_SCHEME, path: `/${base}`, query: source.toString() });
  }

  static sourceOf(uri: vscode.Uri): vscode.Uri | undefined {
    return uri.scheme === REWRITE_SCHEME && uri.query ? vscode.Uri.parse(uri.query) : undefined;
  }

  set(source: vscode.Uri, text: string): vscode.Uri {
    const uri = RewriteProvider.uriFor(source);
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** Validates the `tonecheck.rewrite` response. */
export function parseRewrite(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') {
    return (value as { text: string }).text;
  }
  return undefined;
}
