import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusView } from '../src/statusText';
import { countFindings, parseCounts } from '../src/findings';
import * as mock from './vscode-mock';
import { diag } from './helpers';

test('errors and warnings: "$(error) 2 $(warning) 1 tonecheck", error background', () => {
  const v = statusView({ errors: 2, warnings: 1, infos: 0 });
  assert.equal(v.text, '$(error) 2 $(warning) 1 tonecheck');
  assert.equal(v.level, 'error');
  assert.match(v.tooltip, /2 errors, 1 warning, 0 suggestions\. Click for the pre-send check/);
});

test('errors without warnings still show the warning count', () => {
  assert.equal(statusView({ errors: 1, warnings: 0, infos: 0 }).text, '$(error) 1 $(warning) 0 tonecheck');
});

test('warnings only, infos only, clean', () => {
  assert.deepEqual(statusView({ errors: 0, warnings: 3, infos: 0 }).text, '$(warning) 3 tonecheck');
  assert.equal(statusView({ errors: 0, warnings: 3, infos: 0 }).level, 'warning');
  assert.equal(statusView({ errors: 0, warnings: 0, infos: 2 }).text, '$(info) 2 tonecheck');
  assert.equal(statusView({ errors: 0, warnings: 0, infos: 2 }).level, undefined);
  assert.equal(statusView({ errors: 0, warnings: 0, infos: 0 }).text, '$(check) tonecheck');
});

test('server states', () => {
  assert.equal(statusView(undefined, 'stopped').text, '$(circle-slash) tonecheck');
  assert.equal(statusView({ errors: 1, warnings: 0, infos: 0 }, 'starting').text, '$(sync~spin) tonecheck');
});

test('counts come from tonecheck diagnostics only', () => {
  const d = [
    diag('a', mock.DiagnosticSeverity.Error),
    diag('b', mock.DiagnosticSeverity.Warning),
    diag('c', mock.DiagnosticSeverity.Information),
    diag('d', mock.DiagnosticSeverity.Hint),
    diag('e', mock.DiagnosticSeverity.Error, 'x', 0, 'eslint'),
  ];
  assert.deepEqual(countFindings(d), { errors: 1, warnings: 1, infos: 2 });
});

test('parseCounts validates the tonecheck.check response', () => {
  assert.deepEqual(parseCounts({ errors: 2, warnings: 1, infos: 0 }), { errors: 2, warnings: 1, infos: 0 });
  assert.deepEqual(parseCounts({ errors: 0, warnings: 1, infos: 0, blocking: 1, failOn: 'warning' }),
    { errors: 0, warnings: 1, infos: 0, failOn: 'warning' });
  assert.equal(parseCounts({ errors: 0, warnings: 1, infos: 0, failOn: 'fatal' })?.failOn, undefined);
  assert.equal(parseCounts(null), undefined);
  assert.equal(parseCounts({ errors: 1 }), undefined);
  assert.equal(parseCounts({ errors: -1, warnings: 0, infos: 0 }), undefined);
});
