import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as mock from './vscode-mock';
import { resolveServer, missingServerMessage, SETUP_BUTTON, ResolveEnv } from '../src/serverPath';
import { showServerProblem } from '../src/problems';

beforeEach(() => mock.reset());

function env(existing: string[], over: Partial<ResolveEnv> = {}): ResolveEnv {
  return {
    setting: undefined, workspaceFolders: ['/ws'], envPath: '/usr/local/bin:/usr/bin', home: '/home/me', platform: 'linux',
    isExecutable: (f) => existing.includes(f), ...over,
  };
}

test('default: found on PATH', () => {
  const r = resolveServer(env(['/usr/bin/tonecheck', '/ws/.venv/bin/tonecheck']));
  assert.deepEqual(r, { ok: true, command: '/usr/bin/tonecheck', tried: ['/usr/local/bin/tonecheck', '/usr/bin/tonecheck'] });
});

test('default: not on PATH -> ${workspaceFolder}/.venv/bin/tonecheck', () => {
  const r = resolveServer(env(['/ws/.venv/bin/tonecheck'], { setting: '' }));
  assert.equal(r.ok && r.command, '/ws/.venv/bin/tonecheck');
});

test('second workspace folder and venv/ are tried too', () => {
  const r = resolveServer(env(['/other/venv/bin/tonecheck'], { workspaceFolders: ['/ws', '/other'] }));
  assert.equal(r.ok && r.command, '/other/venv/bin/tonecheck');
});

test('absolute path setting: used as is, no fallback', () => {
  assert.deepEqual(resolveServer(env(['/opt/tc/bin/tonecheck'], { setting: '/opt/tc/bin/tonecheck' })),
    { ok: true, command: '/opt/tc/bin/tonecheck', tried: ['/opt/tc/bin/tonecheck'] });
  const missing = resolveServer(env(['/usr/bin/tonecheck'], { setting: '/opt/nope/tonecheck' }));
  assert.deepEqual(missing, { ok: false, setting: '/opt/nope/tonecheck', tried: ['/opt/nope/tonecheck'] });
});

test('relative, ~ and ${workspaceFolder} paths', () => {
  const rel = resolveServer(env(['/ws/tools/tonecheck'], { setting: 'tools/tonecheck' }));
  assert.equal(rel.ok && rel.command, '/ws/tools/tonecheck');
  const home = resolveServer(env(['/home/me/.local/bin/tonecheck'], { setting: '~/.local/bin/tonecheck' }));
  assert.equal(home.ok && home.command, '/home/me/.local/bin/tonecheck');
  const wf = resolveServer(env(['/b/.venv/bin/tonecheck'], { setting: '${workspaceFolder}/.venv/bin/tonecheck', workspaceFolders: ['/a', '/b'] }));
  assert.equal(wf.ok && wf.command, '/b/.venv/bin/tonecheck');
  const none = resolveServer(env([], { setting: '${workspaceFolder}/.venv/bin/tonecheck', workspaceFolders: [] }));
  assert.equal(none.ok, false);
});

test('a bare custom name is looked up on PATH only', () => {
  const r = resolveServer(env(['/ws/.venv/bin/tonecheck'], { setting: 'tonecheck-dev' }));
  assert.deepEqual(r, { ok: false, setting: 'tonecheck-dev', tried: ['/usr/local/bin/tonecheck-dev', '/usr/bin/tonecheck-dev'] });
});

test('windows: PATHEXT and .venv\\Scripts', () => {
  const r = resolveServer(env(['C:\\ws\\.venv\\Scripts\\tonecheck.exe'], { platform: 'win32', envPath: 'C:\\bin', workspaceFolders: ['C:\\ws'], pathExt: '.EXE' }));
  assert.equal(r.ok && r.command, 'C:\\ws\\.venv\\Scripts\\tonecheck.exe');
});

test('the missing-server message says what to do', () => {
  const m = missingServerMessage({ setting: 'tonecheck', tried: [] });
  assert.match(m, /"tonecheck" was not found on PATH or in the workspace's \.venv/);
  assert.match(m, /tonecheck\.path/);
  assert.match(missingServerMessage({ setting: '/opt/x', tried: ['/opt/x'] }), /at "\/opt\/x" \(setting tonecheck\.path\)/);
});

test('the error offers "Set-up instructions" first, and it opens them', async () => {
  const done: string[] = [];
  const actions = { openSetup: () => { done.push('setup'); }, openSettings: () => { done.push('settings'); }, showOutput: () => { done.push('output'); } };
  mock.state.answer = SETUP_BUTTON;
  assert.equal(await showServerProblem('Tonecheck: not found', actions), 'Set-up instructions');
  assert.equal(mock.calls[0].kind, 'error');
  assert.equal(mock.calls[0].items[0], 'Set-up instructions');
  assert.deepEqual(done, ['setup']);
  mock.state.answer = undefined; // dismissed: nothing else happens (no retry loop)
  await showServerProblem('Tonecheck: not found', actions);
  assert.deepEqual(done, ['setup']);
});
