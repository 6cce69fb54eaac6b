import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, SECTION, didChangeConfigurationSettings, toServerSettings } from '../src/settings';
import { documentSelector } from '../src/selector';
import { parseRewrite } from '../src/rewrite';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props: Record<string, any> = pkg.contributes.configuration.properties;
const from = (o: Record<string, unknown>) => (key: string) => o[key];

test('defaults when nothing is set', () => {
  assert.deepEqual(toServerSettings(from({})), {
    language: 'auto', disabledRules: [], failOn: 'error', model: true, grammar: true, languageToolUrl: '', checkOn: 'edit',
  });
});

test('settings map to the server settings object (the initializationOptions)', () => {
  const s = toServerSettings(from({
    path: '/opt/tonecheck', language: 'ro', disabledRules: ['missing-handover', 'grammar:*'], failOn: 'warning',
    model: false, grammar: false, languageToolUrl: ' http://localhost:8081 ', checkOn: 'save',
  }));
  assert.deepEqual(s, {
    language: 'ro', disabledRules: ['missing-handover', 'grammar:*'], failOn: 'warning', model: false, grammar: false,
    languageToolUrl: 'http://localhost:8081', checkOn: 'save',
  });
  assert.ok(!('path' in s), 'the server path is the client\'s business');
  assert.deepEqual(Object.keys(s).sort(), Object.keys(DEFAULTS).sort());
});

test('bad values fall back to the defaults; rule ids are cleaned', () => {
  const s = toServerSettings(from({
    language: 'fr', disabledRules: [' blame ', 'blame', '', 3, 'missing-thanks'], failOn: 'fatal', model: 'yes', grammar: 0,
    languageToolUrl: 42, checkOn: 'always',
  }));
  assert.deepEqual(s, { ...DEFAULTS, disabledRules: ['blame', 'missing-thanks'] });
  assert.deepEqual(toServerSettings(from({ disabledRules: 'blame' })).disabledRules, []);
});

test('didChangeConfiguration carries the object under the section name', () => {
  const s = toServerSettings(from({ language: 'en' }));
  assert.deepEqual(didChangeConfigurationSettings(s), { tonecheck: s });
  assert.equal(SECTION, 'tonecheck');
});

test('package.json contributes every setting, documented, with the same defaults', () => {
  const keys = ['path', ...Object.keys(DEFAULTS)].map((k) => `tonecheck.${k}`).sort();
  assert.deepEqual(Object.keys(props).sort(), keys);
  for (const [key, p] of Object.entries(props)) {
    assert.ok((p.description ?? p.markdownDescription ?? '').length > 20, `${key} has a description`);
    if (key !== 'tonecheck.path') assert.deepEqual(p.default, (DEFAULTS as any)[key.slice('tonecheck.'.length)], `${key} default`);
    if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, `${key} enum descriptions`);
  }
  assert.equal(props['tonecheck.path'].default, 'tonecheck');
});

test('the README documents every setting and command', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  for (const key of Object.keys(props)) assert.ok(readme.includes(`\`${key}\``), `README mentions ${key}`);
  for (const c of pkg.contributes.commands) assert.ok(readme.includes(c.title), `README mentions ${c.title}`);
  assert.match(readme, /!\[[^\]]*\]\(images\/[\w.-]+\.png\)/, 'README has a screenshot');
});

test('commands in package.json', () => {
  const ids = pkg.contributes.commands.map((c: any) => c.command);
  for (const id of ['tonecheck.presend', 'tonecheck.rewriteDraft', 'tonecheck.checkNow']) assert.ok(ids.includes(id), id);
  // the language client registers the server's executeCommand ids itself: ours must not clash
  for (const id of ['tonecheck.check', 'tonecheck.rewrite', 'tonecheck.recordOverride']) assert.ok(!ids.includes(id), id);
  const titles = Object.fromEntries(pkg.contributes.commands.map((c: any) => [c.command, `${c.category}: ${c.title}`]));
  assert.equal(titles['tonecheck.presend'], 'Tonecheck: Pre-send check');
  assert.equal(titles['tonecheck.rewriteDraft'], 'Tonecheck: Rewrite draft');
  assert.equal(titles['tonecheck.checkNow'], 'Tonecheck: Check now');
});

test('document selector: plaintext, markdown, email, *.eml, *.txt; file and untitled', () => {
  const sel = documentSelector();
  for (const scheme of ['file', 'untitled']) {
    for (const language of ['plaintext', 'markdown', 'email']) assert.ok(sel.some((f) => f.scheme === scheme && f.language === language), `${scheme}/${language}`);
  }
  assert.ok(sel.some((f) => f.pattern === '**/*.eml' && f.scheme === 'file'));
  assert.ok(sel.some((f) => f.pattern === '**/*.txt' && f.scheme === 'file'));
  for (const l of ['plaintext', 'markdown', 'email']) assert.ok(pkg.activationEvents.includes(`onLanguage:${l}`));
});

test('parseRewrite', () => {
  assert.equal(parseRewrite({ text: 'Dear client,' }), 'Dear client,');
  assert.equal(parseRewrite({ text: 3 }), undefined);
  assert.equal(parseRewrite(null), undefined);
});
