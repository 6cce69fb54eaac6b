// The pre-send decision. Pure: given counts, the ranked findings and the fail threshold, says what
// to show and which button is the default (VS Code makes the first item of a modal the primary,
// focused button, so Enter picks it).
import { Counts, FindingLike, Severity, describeFinding, plural, rankFindings, ruleId } from './findings';
import type { FailOn } from './settings';

export type PresendResult = 'blocked' | 'send' | 'clean';

export const GO_BACK = 'Go back and fix';
export const SEND_ANYWAY = 'Send anyway';
export const SEND = 'Send';

/** At most this many findings are listed in the modal. */
export const TOP_FINDINGS = 5;

export type PresendPlan =
  | { kind: 'clean'; message: string }
  | {
      kind: 'blocking' | 'warnings';
      message: string;
      detail: string;
      /** Buttons in order; buttons[0] is the default. Dismissing the modal (Escape, Cancel) means 'blocked'. */
      buttons: string[];
      /** Rule ids of the findings that block sending (for tonecheck.recordOverride). */
      blockingRules: string[];
    };

const RANK: Record<FailOn, number> = { error: Severity.Error, warning: Severity.Warning, info: Severity.Information };

/** Does a finding of this severity block sending under `failOn`? (Hints never do.) */
export function blocks(severity: number, failOn: FailOn): boolean {
  return severity <= RANK[failOn] && severity !== Severity.Hint;
}

function countsLine(c: Counts): string {
  const parts = [];
  if (c.errors) parts.push(plural(c.errors, 'error'));
  if (c.warnings) parts.push(plural(c.warnings, 'warning'));
  if (c.infos) parts.push(plural(c.infos, 'suggestion'));
  return parts.join(', ');
}

export function planPresend(counts: Counts, findings: readonly FindingLike[], failOn: FailOn = 'error'): PresendPlan {
  const ranked = rankFindings(findings);
  const blocking = ranked.filter((d) => blocks(d.severity, failOn));
  const nBlocking = (failOn === 'error' ? counts.errors
    : failOn === 'warning' ? counts.errors + counts.warnings
      : counts.errors + counts.warnings + counts.infos) || blocking.length;
  const top = ranked.slice(0, TOP_FINDINGS).map(describeFinding);
  const more = ranked.length - top.length;
  if (more > 0) top.push(`… and ${more} more (see the Problems panel).`);
  const detail = top.join('\n');

  if (nBlocking > 0) {
    return {
      kind: 'blocking',
      message: `Tonecheck: don't send yet — ${countsLine(counts) || plural(nBlocking, 'finding')}.`,
      detail: `${detail}\n\nFix them first. Sending anyway is recorded (without the text) so the rules can be tuned.`.trim(),
      buttons: [GO_BACK, SEND_ANYWAY],
      blockingRules: [...new Set(blocking.map(ruleId).filter(Boolean))],
    };
  }
  if (counts.warnings > 0) {
    return {
      kind: 'warnings',
      message: `Tonecheck: no errors, but ${countsLine(counts)}.`,
      detail,
      buttons: [SEND, GO_BACK],
      blockingRules: [],
    };
  }
  const note = counts.infos ? ` (${plural(counts.infos, 'suggestion')} left, none blocking)` : '';
  return { kind: 'clean', message: `Tonecheck: Ready to send${note}.` };
}

/** What the user's choice means. `undefined` = dismissed (Escape or Cancel). */
export function outcome(plan: PresendPlan, choice: string | undefined): PresendResult {
  if (plan.kind === 'clean') return 'clean';
  if (plan.kind === 'blocking') return choice === SEND_ANYWAY ? 'send' : 'blocked';
  return choice === SEND ? 'send' : 'blocked';
}
