import * as mock from './vscode-mock';

export function diag(
  message: string,
  severity: mock.DiagnosticSeverity = mock.DiagnosticSeverity.Warning,
  code = 'blame',
  line = 0,
  source = 'tonecheck',
): mock.Diagnostic {
  const d = new mock.Diagnostic(new mock.Range(new mock.Position(line, 0), new mock.Position(line, 4)), message, severity);
  d.source = source;
  d.code = code;
  return d;
}

export function doc(uri = 'file:///drafts/msg.txt'): { uri: mock.Uri; version: number } {
  return { uri: mock.Uri.parse(uri), version: 1 };
}
