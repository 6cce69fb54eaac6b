// A small stand-in for the `vscode` module: just what the extension's logic modules use.
export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }
export enum TextEditorRevealType { Default = 0, InCenter = 1, InCenterIfOutsideViewport = 2, AtTop = 3 }

export class Position { constructor(public line: number, public character: number) {} }
export class Range { constructor(public start: Position, public end: Position) {} }
export class Selection extends Range { constructor(public anchor: Position, public active: Position) { super(anchor, active); } }
export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(public range: Range, public message: string, public severity: DiagnosticSeverity = DiagnosticSeverity.Error) {}
}

export class Uri {
  private constructor(public scheme: string, public path: string, public query = '') {}
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/[^/]*)?([^?]*)(?:\?(.*))?$/i.exec(s);
    if (!m) throw new Error(`bad uri ${s}`);
    return new Uri(m[1], m[2], m[3] ?? '');
  }
  static file(p: string): Uri { return new Uri('file', p); }
  static from(c: { scheme: string; path?: string; query?: string }): Uri { return new Uri(c.scheme, c.path ?? '', c.query ?? ''); }
  static joinPath(base: Uri, ...parts: string[]): Uri { return new Uri(base.scheme, [base.path, ...parts].join('/')); }
  get fsPath(): string { return this.path; }
  toString(): string { return `${this.scheme}:${this.scheme === 'file' ? '//' : ''}${this.path}${this.query ? `?${this.query}` : ''}`; }
}

export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (l: (e: T) => void) => { this.listeners.push(l); return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } }; };
  fire(e: T): void { for (const l of [...this.listeners]) l(e); }
  dispose(): void { this.listeners = []; }
}

export type Call = { kind: 'info' | 'warning' | 'error'; message: string; options?: { modal?: boolean; detail?: string }; items: string[] };

export const calls: Call[] = [];
export const state: {
  activeTextEditor: any;
  diagnostics: Map<string, Diagnostic[]>;
  /** What the user picks in the next message; a function gets the call. */
  answer: string | undefined | ((c: Call) => string | undefined);
  shown: unknown[];
} = { activeTextEditor: undefined, diagnostics: new Map(), answer: undefined, shown: [] };

const diagEvents = new EventEmitter<{ uris: Uri[] }>();

export function reset(): void {
  calls.length = 0;
  state.activeTextEditor = undefined;
  state.diagnostics = new Map();
  state.answer = undefined;
  state.shown = [];
}

/** Publishes diagnostics for a uri, as the language client would. */
export function publish(uri: Uri, diags: Diagnostic[]): void {
  state.diagnostics.set(uri.toString(), diags);
  diagEvents.fire({ uris: [uri] });
}

function record(kind: Call['kind'], message: string, rest: unknown[]): string | undefined {
  let options: Call['options'];
  if (rest.length && rest[0] && typeof rest[0] === 'object') options = rest.shift() as Call['options'];
  const call: Call = { kind, message, options, items: rest as string[] };
  calls.push(call);
  const a = state.answer;
  return typeof a === 'function' ? a(call) : a;
}

export const window = {
  get activeTextEditor() { return state.activeTextEditor; },
  async showInformationMessage(message: string, ...rest: unknown[]) { return record('info', message, rest); },
  async showWarningMessage(message: string, ...rest: unknown[]) { return record('warning', message, rest); },
  async showErrorMessage(message: string, ...rest: unknown[]) { return record('error', message, rest); },
  async showTextDocument(doc: unknown) {
    state.shown.push(doc);
    const editor = { document: doc, selection: undefined as unknown, revealed: undefined as unknown, revealRange(r: unknown) { editor.revealed = r; } };
    state.activeTextEditor = editor;
    return editor;
  },
};

export const languages = {
  getDiagnostics(uri: Uri) { return state.diagnostics.get(uri.toString()) ?? []; },
  onDidChangeDiagnostics: diagEvents.event,
};
