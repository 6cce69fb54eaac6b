// Where is `tonecheck`? Pure apart from the injected `isExecutable`, so it is unit-testable.
import * as path from 'node:path';

export const DEFAULT_COMMAND = 'tonecheck';
export const SERVER_ARGS = ['lsp'];

export type Resolution =
  | { ok: true; command: string; tried: string[] }
  | { ok: false; setting: string; tried: string[] };

export interface ResolveEnv {
  /** The `tonecheck.path` setting (may be empty, a bare name, or a path; `~` and `${workspaceFolder}` are expanded). */
  setting: string | undefined;
  /** File-system paths of the workspace folders, first one first. */
  workspaceFolders: readonly string[];
  /** The PATH environment variable. */
  envPath: string | undefined;
  home?: string;
  platform?: NodeJS.Platform;
  /** Windows: PATHEXT. */
  pathExt?: string;
  isExecutable: (file: string) => boolean;
}

function expand(value: string, folder: string | undefined, home: string | undefined, p: typeof path.posix): string | undefined {
  let v = value;
  if (v.includes('${workspaceFolder}')) {
    if (!folder) return undefined;
    v = v.split('${workspaceFolder}').join(folder);
  }
  if (home && (v === '~' || v.startsWith('~/'))) v = p.join(home, v.slice(1));
  return v;
}

/** The workspace's virtual environments, for when `tonecheck` is not on PATH. */
export function venvCandidates(folder: string, platform: NodeJS.Platform = process.platform): string[] {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return platform === 'win32'
    ? [p.join(folder, '.venv', 'Scripts', 'tonecheck.exe'), p.join(folder, 'venv', 'Scripts', 'tonecheck.exe')]
    : [p.join(folder, '.venv', 'bin', 'tonecheck'), p.join(folder, 'venv', 'bin', 'tonecheck')];
}

/**
 * Resolves the server executable:
 * 1. a setting that contains a path separator (or `~`/`${workspaceFolder}`) is a path: absolute, or relative to
 *    each workspace folder; it must exist;
 * 2. a bare name (default `tonecheck`) is looked up on PATH;
 * 3. then `${workspaceFolder}/.venv/bin/tonecheck` (and `venv/`) in each workspace folder.
 */
export function resolveServer(env: ResolveEnv): Resolution {
  const platform = env.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const setting = (env.setting ?? '').trim() || DEFAULT_COMMAND;
  const tried: string[] = [];
  const found = (file: string): boolean => {
    if (!tried.includes(file)) tried.push(file);
    return env.isExecutable(file);
  };
  const folders = env.workspaceFolders;

  const isPath = setting.includes('/') || (platform === 'win32' && setting.includes('\\'))
    || setting.startsWith('~') || setting.includes('${workspaceFolder}');
  if (isPath) {
    if (setting.includes('${workspaceFolder}')) {
      for (const folder of folders) {
        const candidate = p.resolve(folder, expand(setting, folder, env.home, p)!);
        if (found(candidate)) return { ok: true, command: candidate, tried };
      }
      return { ok: false, setting, tried };
    }
    const expanded = expand(setting, undefined, env.home, p)!;
    const candidates = p.isAbsolute(expanded) ? [expanded] : folders.map((f) => p.resolve(f, expanded));
    for (const candidate of candidates) {
      if (found(candidate)) return { ok: true, command: candidate, tried };
    }
    return { ok: false, setting, tried };
  }

  const exts = platform === 'win32' ? ['', ...(env.pathExt ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)] : [''];
  for (const dir of (env.envPath ?? '').split(p.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = p.join(dir, setting + ext);
      if (found(candidate)) return { ok: true, command: candidate, tried };
    }
  }
  if (setting === DEFAULT_COMMAND) {
    for (const folder of folders) {
      for (const candidate of venvCandidates(folder, platform)) {
        if (found(candidate)) return { ok: true, command: candidate, tried };
      }
    }
  }
  return { ok: false, setting, tried };
}

export const SETUP_BUTTON = 'Set-up instructions';
export const SETTINGS_BUTTON = 'Open settings';

/** The error shown when the server cannot be found. */
export function missingServerMessage(r: { setting: string; tried: readonly string[] }): string {
  const isDefault = r.setting === DEFAULT_COMMAND;
  const where = isDefault
    ? 'on PATH or in the workspace\'s .venv'
    : `at "${r.setting}" (setting tonecheck.path)`;
  return `Tonecheck: the language server "tonecheck" was not found ${where}. `
    + 'Install it (bash scripts/setup.sh in the tonecheck repository creates .venv/bin/tonecheck) '
    + 'or set "tonecheck.path" to the executable. Checks are off until then.';
}
