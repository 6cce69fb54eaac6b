// Counting and ranking findings. Pure: severities use VS Code's numbering (Error=0 ... Hint=3)
// without importing `vscode`.

export const SOURCE = 'tonecheck';

export const Severity = { Error: 0, Warning: 1, Information: 2, Hint: 3 } as const;

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  /** The fail threshold in force on the server (settings over the workspace's .tonecheck.toml), if it says. */
  failOn?: 'error' | 'warning' | 'info';
}

/** The parts of a vscode.Diagnostic the extension reads. */
export interface FindingLike {
  message: string;
  severity: number;
  source?: string;
  code?: string | number | { value: string | number; target?: unknown };
  range: { start: { line: number; character: number } };
}

export function isTonecheck(d: { source?: string }): boolean {
  return d.source === SOURCE;
}

export function ruleId(d: FindingLike): string {
  const c = d.code;
  if (c === undefined || c === null) return '';
  return typeof c === 'object' ? String(c.value) : String(c);
}

export function countFindings(diags: readonly FindingLike[]): Counts {
  const counts: Counts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diags) {
    if (!isTonecheck(d)) continue;
    if (d.severity === Severity.Error) counts.errors++;
    else if (d.severity === Severity.Warning) counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

export function sameCounts(a: Counts, b: Counts): boolean {
  return a.errors === b.errors && a.warnings === b.warnings && a.infos === b.infos;
}

/** Validates the `tonecheck.check` response; undefined when it is not a counts object. */
export function parseCounts(value: unknown): Counts | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? Math.floor(x) : undefined);
  const errors = n(v.errors), warnings = n(v.warnings), infos = n(v.infos);
  if (errors === undefined || warnings === undefined || infos === undefined) return undefined;
  const counts: Counts = { errors, warnings, infos };
  if (v.failOn === 'error' || v.failOn === 'warning' || v.failOn === 'info') counts.failOn = v.failOn;
  return counts;
}

const SEVERITY_NAME = ['error', 'warning', 'info', 'hint'];

/** Tonecheck findings, most severe first, then in document order. */
export function rankFindings<T extends FindingLike>(diags: readonly T[]): T[] {
  return diags
    .filter(isTonecheck)
    .slice()
    .sort((a, b) => a.severity - b.severity
      || a.range.start.line - b.range.start.line
      || a.range.start.character - b.range.start.character);
}

/** One line per finding: `Line 3 · blame (error): Blaming the client ...`. */
export function describeFinding(d: FindingLike): string {
  const rule = ruleId(d);
  const sev = SEVERITY_NAME[d.severity] ?? 'info';
  return `Line ${d.range.start.line + 1} · ${rule ? `${rule} (${sev})` : sev}: ${d.message.split('\n')[0]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
