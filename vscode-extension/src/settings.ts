// Settings -> the object the server gets as initializationOptions and in
// workspace/didChangeConfiguration. Pure: no `vscode` import, so it is unit-testable.

export type Language = 'auto' | 'ro' | 'en';
export type FailOn = 'error' | 'warning' | 'info';
export type CheckOn = 'edit' | 'save' | 'command';

/** What the server receives (section `tonecheck`). */
export interface ServerSettings {
  language: Language;
  disabledRules: string[];
  failOn: FailOn;
  model: boolean;
  grammar: boolean;
  languageToolUrl: string;
  checkOn: CheckOn;
}

export const SECTION = 'tonecheck';

export const DEFAULTS: Readonly<ServerSettings> = Object.freeze({
  language: 'auto',
  disabledRules: [],
  failOn: 'error',
  model: true,
  grammar: true,
  languageToolUrl: '',
  checkOn: 'edit',
});

const LANGUAGES: readonly Language[] = ['auto', 'ro', 'en'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info'];
const CHECK_ON: readonly CheckOn[] = ['edit', 'save', 'command'];

/** Reads one key of the `tonecheck` section (like WorkspaceConfiguration.get). */
export type Getter = (key: string) => unknown;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/**
 * Maps the user's settings to the server's settings object. Unknown or mistyped values fall back to the
 * defaults (the settings UI validates enums, but settings.json can hold anything); rule ids are trimmed,
 * de-duplicated and empty ones dropped.
 */
export function toServerSettings(get: Getter): ServerSettings {
  const rules = get('disabledRules');
  const disabledRules = Array.isArray(rules)
    ? [...new Set(rules.filter((r): r is string => typeof r === 'string').map((r) => r.trim()).filter(Boolean))]
    : [];
  const url = get('languageToolUrl');
  return {
    language: oneOf(get('language'), LANGUAGES, DEFAULTS.language),
    disabledRules,
    failOn: oneOf(get('failOn'), FAIL_ON, DEFAULTS.failOn),
    model: bool(get('model'), DEFAULTS.model),
    grammar: bool(get('grammar'), DEFAULTS.grammar),
    languageToolUrl: typeof url === 'string' ? url.trim() : DEFAULTS.languageToolUrl,
    checkOn: oneOf(get('checkOn'), CHECK_ON, DEFAULTS.checkOn),
  };
}

/** The `settings` payload of workspace/didChangeConfiguration: the object under its section name. */
export function didChangeConfigurationSettings(settings: ServerSettings): { [SECTION]: ServerSettings } {
  return { [SECTION]: settings };
}

/** Setting keys whose change needs a server restart rather than a didChangeConfiguration. */
export const RESTART_KEYS = ['path'] as const;
