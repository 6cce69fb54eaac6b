// Status bar text from counts. Pure.
import { Counts, plural } from './findings';

export interface StatusView {
  text: string;
  tooltip: string;
  /** 'error' | 'warning' | undefined: which status bar background to use. */
  level: 'error' | 'warning' | undefined;
}

export function statusView(counts: Counts | undefined, state: 'running' | 'starting' | 'stopped' = 'running'): StatusView {
  if (state === 'stopped') {
    return { text: '$(circle-slash) tonecheck', tooltip: 'Tonecheck: the language server is not running. Click for details.', level: undefined };
  }
  if (state === 'starting' || !counts) {
    return { text: '$(sync~spin) tonecheck', tooltip: 'Tonecheck: checking…', level: undefined };
  }
  const { errors, warnings, infos } = counts;
  if (errors + warnings + infos === 0) {
    return { text: '$(check) tonecheck', tooltip: 'Tonecheck: no findings. Click for the pre-send check.', level: undefined };
  }
  const parts: string[] = [];
  if (errors) parts.push(`$(error) ${errors}`);
  if (warnings || errors) parts.push(`$(warning) ${warnings}`);
  if (infos) parts.push(`$(info) ${infos}`);
  parts.push('tonecheck');
  const summary = [plural(errors, 'error'), plural(warnings, 'warning'), plural(infos, 'suggestion')].join(', ');
  return {
    text: parts.join(' '),
    tooltip: `Tonecheck: ${summary}. Click for the pre-send check.`,
    level: errors ? 'error' : warnings ? 'warning' : undefined,
  };
}
