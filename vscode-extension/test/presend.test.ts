import { test, beforeEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as mock from './vscode-mock';
import { diag, doc } from './helpers';
import { GO_BACK, SEND, SEND_ANYWAY, TOP_FINDINGS, outcome, planPresend, blocks } from '../src/presendLogic';
import { runPresend, PresendDeps } from '../src/presend';
import { countFindings } from '../src/findings';

const E = mock.DiagnosticSeverity.Error, W = mock.DiagnosticSeverity.Warning, I = mock.DiagnosticSeverity.Information;

beforeEach(() => mock.reset());

test('the vscode import resolves to the mock', () => {
  assert.equal((vscode as unknown as typeof mock).state, mock.state);
});

describe('planPresend (pure decision)', () => {
  test('errors block: "Go back and fix" is the first (default) button, "Send anyway" second', () => {
    const f = [diag('You never paid on time.', E, 'blame', 2), diag('Thank the client.', W, 'missing-thanks', 0)];
    const plan = planPresend(countFindings(f), f);
    assert.ok(plan.kind === 'blocking');
    assert.deepEqual(plan.buttons, [GO_BACK, SEND_ANYWAY]);
    assert.equal(plan.buttons[0], 'Go back and fix');
    assert.match(plan.message, /1 error, 1 warning/);
    // most severe first, with line numbers and rule ids
    assert.match(plan.detail, /^Line 3 · blame \(error\): You never paid on time\.\nLine 1 · missing-thanks \(warning\)/);
    assert.deepEqual(plan.blockingRules, ['blame']);
  });

  test('warnings only: "Send" is the default, going back still offered', () => {
    const f = [diag('Thank the client.', W, 'missing-thanks')];
    const plan = planPresend(countFindings(f), f);
    assert.ok(plan.kind === 'warnings');
    assert.deepEqual(plan.buttons, [SEND, GO_BACK]);
    assert.match(plan.message, /no errors, but 1 warning/);
  });

  test('clean, and infos alone do not block', () => {
    assert.deepEqual(planPresend({ errors: 0, warnings: 0, infos: 0 }, []), { kind: 'clean', message: 'Tonecheck: Ready to send.' });
    const f = [diag('Consider a warmer closing.', I, 'style')];
    const plan = planPresend(countFindings(f), f);
    assert.equal(plan.kind, 'clean');
    assert.match(plan.message, /Ready to send \(1 suggestion left/);
  });

  test('failOn lowers the blocking threshold', () => {
    const f = [diag('Thank the client.', W, 'missing-thanks'), diag('Style.', I, 'style', 1)];
    const c = countFindings(f);
    const w = planPresend(c, f, 'warning');
    assert.ok(w.kind === 'blocking');
    assert.deepEqual(w.blockingRules, ['missing-thanks']);
    const i = planPresend(c, f, 'info');
    assert.ok(i.kind === 'blocking');
    assert.deepEqual(i.blockingRules, ['missing-thanks', 'style']);
    assert.equal(blocks(mock.DiagnosticSeverity.Hint, 'info'), false);
  });

  test('lists at most the top findings and says how many more', () => {
    const f = Array.from({ length: TOP_FINDINGS + 3 }, (_, n) => diag(`finding ${n}`, E, `r${n}`, n));
    const plan = planPresend(countFindings(f), f);
    assert.ok(plan.kind !== 'clean');
    const lines = plan.detail.split('\n').filter((l) => l.startsWith('Line '));
    assert.equal(lines.length, TOP_FINDINGS);
    assert.match(plan.detail, /… and 3 more/);
  });

  test('other sources are ignored', () => {
    const f = [diag('Unknown word', E, 'cSpell', 0, 'cSpell')];
    assert.equal(planPresend(countFindings(f), f).kind, 'clean');
  });

  test('outcome: only the deliberate choice sends', () => {
    const f = [diag('x', E)];
    const blocking = planPresend(countFindings(f), f);
    assert.equal(outcome(blocking, undefined), 'blocked');
    assert.equal(outcome(blocking, GO_BACK), 'blocked');
    assert.equal(outcome(blocking, SEND_ANYWAY), 'send');
    const g = [diag('x', W)];
    const warn = planPresend(countFindings(g), g);
    assert.equal(outcome(warn, SEND), 'send');
    assert.equal(outcome(warn, undefined), 'blocked');
  });
});

describe('runPresend (with the vscode mock)', () => {
  function deps(over: Partial<PresendDeps> = {}) {
    const log = { checks: 0, overrides: [] as unknown[] };
    const d: PresendDeps = {
      check: async () => { log.checks++; return countFindings(mock.languages.getDiagnostics(draft.uri)); },
      recordOverride: async (uri, rules) => { log.overrides.push({ uri: uri.toString(), rules }); },
      failOn: () => 'error',
      ...over,
    };
    return { d, log };
  }
  const draft = doc();

  test('errors: a modal warning whose first button is "Go back and fix"; Enter (the default) blocks', async () => {
    mock.state.diagnostics.set(draft.uri.toString(), [diag('You never paid.', E, 'blame', 2)]);
    mock.state.answer = (c) => c.items[0]; // pressing Enter picks the primary (first) button
    const { d, log } = deps();
    const result = await runPresend(d, draft as any);
    assert.equal(result, 'blocked');
    assert.equal(log.checks, 1);
    assert.equal(mock.calls.length, 1);
    const call = mock.calls[0];
    assert.equal(call.kind, 'warning');
    assert.equal(call.options?.modal, true);
    assert.deepEqual(call.items, ['Go back and fix', 'Send anyway']);
    assert.match(call.options?.detail ?? '', /Line 3 · blame \(error\)/);
    assert.deepEqual(log.overrides, []);
    // going back puts the cursor on the finding
    assert.equal(mock.state.shown.length, 1);
    assert.equal(mock.state.activeTextEditor.selection.start.line, 2);
  });

  test('errors: "Send anyway" sends and records the override (rules only, no text)', async () => {
    mock.state.diagnostics.set(draft.uri.toString(), [diag('You never paid.', E, 'blame'), diag('No thanks.', W, 'missing-thanks', 1)]);
    mock.state.answer = SEND_ANYWAY;
    const { d, log } = deps();
    assert.equal(await runPresend(d, draft as any), 'send');
    assert.deepEqual(log.overrides, [{ uri: 'file:///drafts/msg.txt', rules: ['blame'] }]);
  });

  test('errors: dismissing the modal blocks', async () => {
    mock.state.diagnostics.set(draft.uri.toString(), [diag('You never paid.', E)]);
    const { d, log } = deps();
    assert.equal(await runPresend(d, draft as any), 'blocked');
    assert.deepEqual(log.overrides, []);
  });

  test('warnings only: modal with "Send" as the default', async () => {
    mock.state.diagnostics.set(draft.uri.toString(), [diag('No thanks.', W, 'missing-thanks')]);
    mock.state.answer = (c) => c.items[0];
    const { d, log } = deps();
    assert.equal(await runPresend(d, draft as any), 'send');
    assert.deepEqual(mock.calls[0].items, ['Send', 'Go back and fix']);
    assert.equal(mock.calls[0].options?.modal, true);
    assert.deepEqual(log.overrides, []);
  });

  test('clean: an information message "Ready to send", no modal', async () => {
    const { d } = deps();
    assert.equal(await runPresend(d, draft as any), 'clean');
    assert.equal(mock.calls[0].kind, 'info');
    assert.match(mock.calls[0].message, /Ready to send/);
    assert.equal(mock.calls[0].options, undefined);
  });

  test('waits for the diagnostics of the re-check before deciding', async () => {
    // Stale: nothing published yet; the server's check says 1 error, published a moment later.
    const { d } = deps({
      check: async (uri) => {
        setTimeout(() => mock.publish(uri as any, [diag('You never paid.', E)]), 30);
        return { errors: 1, warnings: 0, infos: 0 };
      },
    });
    assert.equal(await runPresend(d, draft as any), 'blocked');
    assert.equal(mock.calls[0].kind, 'warning');
  });

  test('the fail threshold the server reports (from .tonecheck.toml) wins over the setting', async () => {
    mock.state.diagnostics.set(draft.uri.toString(), [diag('No thanks.', W, 'missing-thanks')]);
    mock.state.answer = (c) => c.items[0];
    const { d } = deps({ check: async () => ({ errors: 0, warnings: 1, infos: 0, failOn: 'warning' }) });
    assert.equal(await runPresend(d, draft as any), 'blocked');
    assert.deepEqual(mock.calls[0].items, ['Go back and fix', 'Send anyway']);
  });

  test('a failed re-check falls back to the published diagnostics', async () => {
    mock.state.diagnostics.set(draft.uri.toString(), [diag('No thanks.', W, 'missing-thanks')]);
    mock.state.answer = SEND;
    const { d } = deps({ check: async () => { throw new Error('server gone'); } });
    assert.equal(await runPresend(d, draft as any), 'send');
  });

  test('no document: a hint, no result', async () => {
    const { d } = deps();
    assert.equal(await runPresend(d), undefined);
    assert.match(mock.calls[0].message, /open the draft/);
  });
});
