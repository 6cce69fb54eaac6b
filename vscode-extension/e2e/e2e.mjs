// End-to-end check of the packaged tonecheck extension in code-server, driven by playwright-core in
// Debian's chromium. Started by scripts/e2e-vscode.sh, which sets up code-server and the workspace.
//
// For a Romanian and an English draft: the language server's diagnostics show up (squiggles, Problems
// panel, status bar), a quick fix is applied, and the pre-send check shows its modal with "Go back and fix"
// as the default button. Also: "Send anyway" is recorded, and "Rewrite draft" opens a diff.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const BASE = process.env.CS_URL ?? 'http://127.0.0.1:8765';
const FOLDER = process.env.WS_FOLDER;
const SHOTS = process.env.SHOTS_DIR;
const LOGS = process.env.CS_LOGS_DIR; // code-server's logs folder (the extension's log is under it)
const FIRST_DIAG_TIMEOUT = Number(process.env.E2E_FIRST_DIAG_TIMEOUT_MS ?? 180_000); // cold server: models load
if (!FOLDER || !SHOTS) throw new Error('WS_FOLDER and SHOTS_DIR must be set');
fs.mkdirSync(SHOTS, { recursive: true });

const t0 = Date.now();
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
log(`started ${new Date(t0).toISOString()}`);
let failures = 0;
const check = (cond, what) => { log(`${cond ? 'PASS' : 'FAIL'} ${what}`); if (!cond) failures++; return cond; };

const DRAFTS = [
  {
    lang: 'ro',
    file: 'ro-draft.txt',
    flagged: 'pauză', // breakup-word (error)
    rule: 'breakup-word',
    fix: /încheiem colaborarea|încheierea colaborării/,
  },
  {
    lang: 'en',
    file: 'en-draft.txt',
    flagged: 'take a break',
    rule: 'breakup-word',
    fix: /end our collaboration|end of our collaboration/,
  },
];

/** 1-based line and column of the first occurrence of `needle` in a fixture. */
function positionOf(file, needle) {
  const text = fs.readFileSync(path.join(FOLDER, file), 'utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const col = lines[i].indexOf(needle);
    if (col >= 0) return { line: i + 1, column: col + 1 };
  }
  throw new Error(`"${needle}" not in ${file}`);
}

/** The extension's log (Output › Tonecheck), written by code-server's extension host. */
function extensionLog() {
  if (!LOGS) return '';
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Tonecheck.log') found.push(p);
    }
  };
  try { walk(LOGS); } catch { return ''; }
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

async function waitForLog(re, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (re.test(extensionLog())) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
const shot = async (name) => { await page.screenshot({ path: path.join(SHOTS, name) }); log(`screenshot ${name}`); };

const editorLines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
/** The visible text of the active editor (Monaco renders spaces as no-break spaces). */
const editorText = async () => (await editorLines.innerText()).replace(/\u00a0/g, ' ');
const problemRows = page.locator('.markers-panel .monaco-list-row');
const statusItem = page.locator('.statusbar-item', { hasText: 'tonecheck' }).first();

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input[type=text]');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function openFile(file) {
  // Quick Open is independent of the Explorer's state.
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input[type=text]');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: file }).waitFor({ timeout: 15_000 });
  await editorLines.waitFor({ timeout: 15_000 });
}

async function goTo({ line, column }) {
  await editorLines.click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input[type=text]').waitFor({ timeout: 10_000 });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
}

async function rowsWith(text) {
  return problemRows.filter({ hasText: text }).count();
}

async function until(fn, timeout, step = 250) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await page.waitForTimeout(step);
  }
}

async function presendDialog() {
  await runCommand('Tonecheck: Pre-send check');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  const buttons = await dialog.locator('.dialog-buttons .monaco-button').evaluateAll((els) =>
    els.map((e) => ({ label: (e.textContent ?? '').trim(), primary: !e.classList.contains('secondary') })));
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  return { dialog, text: await dialog.innerText(), buttons, focused };
}

try {
  await page.goto(`${BASE}/?folder=${encodeURIComponent(FOLDER)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: DRAFTS[0].file }).waitFor({ timeout: 60_000 });
  log('workbench loaded');

  for (const [n, d] of DRAFTS.entries()) {
    const tag = `${String(n * 4 + 1).padStart(2, '0')}`;
    await openFile(d.file);
    log(`${d.lang}: ${d.file} open`);

    // Diagnostics from the server: squiggles in the editor and rows in the Problems panel.
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: n === 0 ? FIRST_DIAG_TIMEOUT : 60_000 });
    const squiggles = await page.locator('.editor-group-container.active .monaco-editor .squiggly-error').count();
    check(squiggles >= 2, `${d.lang}: error squiggles shown (${squiggles})`);
    await page.keyboard.press('Control+Shift+M');
    await problemRows.filter({ hasText: d.rule }).first().waitFor({ timeout: 15_000 });
    check(await rowsWith(d.rule) >= 1, `${d.lang}: Problems panel lists ${d.rule}`);
    check(await rowsWith('blame') >= 1, `${d.lang}: Problems panel lists blame`);
    // The status bar updates on the diagnostics event; give it a moment on a slow machine.
    let statusLabel = '';
    for (let waited = 0; waited <= 10_000; waited += 250) {
      statusLabel = (await statusItem.getAttribute('aria-label')) ?? (await statusItem.innerText());
      if (/[1-9]\d* errors?/.test(statusLabel)) break;
      await page.waitForTimeout(250);
    }
    check(/[1-9]\d* errors?/.test(statusLabel), `${d.lang}: status bar counts: ${JSON.stringify(statusLabel)}`);
    await shot(`${tag}-${d.lang}-diagnostics.png`);

    // Quick fix on the flagged words: Ctrl+. and the server's replacement.
    const rows = page.locator('.action-widget .monaco-list-row');
    for (let attempt = 1; ; attempt++) {
      await goTo(positionOf(d.file, d.flagged));
      await page.keyboard.press('Control+.');
      const shown = await rows.first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (shown) break;
      log(`${d.lang}: no code actions yet (attempt ${attempt})`);
      await page.keyboard.press('Escape');
      if (attempt === 6) throw new Error('no code actions offered on the flagged words');
      await page.waitForTimeout(2_000);
    }
    const titles = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    log(`${d.lang}: code actions: ${JSON.stringify(titles)}`);
    check(titles.some((t) => d.fix.test(t)), `${d.lang}: a quick fix offers the replacement`);
    // Move the focus to that row with the keyboard (a mouse click is swallowed by an overlay).
    let focusedTitle = '';
    for (let i = 0; i < titles.length + 2; i++) {
      focusedTitle = (await page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '')).replace(/\s+/g, ' ');
      if (d.fix.test(focusedTitle)) break;
      await page.keyboard.press('ArrowDown');
    }
    await shot(`${String(n * 4 + 2).padStart(2, '0')}-${d.lang}-quick-fix.png`);
    await page.keyboard.press('Enter');
    const fixed = await until(async () => d.fix.test(await editorText()), 10_000);
    check(fixed, `${d.lang}: quick fix applied (${JSON.stringify(focusedTitle)})`);
    const text = await editorText();
    check(text.includes('Sincer') || text.includes('Honestly'), `${d.lang}: the rest of the sentence is kept`);
    check(!text.includes(d.flagged), `${d.lang}: "${d.flagged}" is gone from the draft`);
    const cleared = await until(async () => (await rowsWith(d.rule)) === 0, 20_000);
    check(cleared, `${d.lang}: the ${d.rule} finding is gone after the fix`);

    // Pre-send check: errors remain (blame), so the modal blocks with "Go back and fix" as default.
    const first = await presendDialog();
    log(`${d.lang}: pre-send dialog ${JSON.stringify(first.text.slice(0, 200))}, buttons ${JSON.stringify(first.buttons)}, focused ${JSON.stringify(first.focused)}`);
    check(/don't send yet/.test(first.text) && /blame/.test(first.text), `${d.lang}: pre-send modal summarises the errors`);
    const primary = first.buttons.filter((b) => b.primary).map((b) => b.label);
    check(primary.length === 1 && primary[0] === 'Go back and fix', `${d.lang}: "Go back and fix" is the primary button (${JSON.stringify(primary)})`);
    check(first.buttons.some((b) => b.label === 'Send anyway' && !b.primary), `${d.lang}: "Send anyway" is offered as a secondary button`);
    check(first.focused === 'Go back and fix', `${d.lang}: "Go back and fix" has the focus (Enter goes back)`);
    await shot(`${String(n * 4 + 3).padStart(2, '0')}-${d.lang}-presend.png`);
    if (n === 0) {
      await page.keyboard.press('Enter');
      await first.dialog.waitFor({ state: 'detached', timeout: 10_000 });
      check(await waitForLog(/pre-send: blocking, choice "Go back and fix" -> blocked/), `${d.lang}: Enter = go back (result 'blocked')`);
      const selection = page.locator('.statusbar-item', { hasText: /selected/ }).first();
      const selected = await selection.waitFor({ timeout: 5_000 }).then(() => selection.innerText(), () => '');
      check(/Ln 3, Col \d+ \(\d+ selected\)/.test(selected), `${d.lang}: going back selects the finding (${JSON.stringify(selected)})`);
    } else {
      await first.dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Send anyway' }).click();
      await first.dialog.waitFor({ state: 'detached', timeout: 10_000 });
      check(await waitForLog(/pre-send: blocking, choice "Send anyway" -> send/), `${d.lang}: "Send anyway" sends (result 'send')`);
      check(!/recordOverride failed/.test(extensionLog()), `${d.lang}: tonecheck.recordOverride succeeded`);
      if (process.env.TONECHECK_STATE_DIR) {
        const file = path.join(process.env.TONECHECK_STATE_DIR, 'overrides.jsonl');
        const recorded = await until(async () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim(), 5_000);
        const entries = recorded ? recorded.split('\n').map((l) => JSON.parse(l)) : [];
        log(`${d.lang}: overrides.jsonl: ${JSON.stringify(entries)}`);
        check(entries.length === 1 && entries[0].rules?.includes('blame'), `${d.lang}: the override is recorded with its rule ids`);
        check(!/never paid|Mark/.test(recorded || ''), `${d.lang}: the override holds no message text`);
      }
    }

    // Rewrite draft: the revised text as a diff.
    await runCommand('Tonecheck: Rewrite draft');
    const diff = page.locator('.monaco-diff-editor').first();
    const opened = await diff.waitFor({ timeout: 60_000 }).then(() => true, () => false);
    check(opened, `${d.lang}: "Rewrite draft" opens a diff`);
    if (opened) {
      await page.locator('.tab.active', { hasText: 'revised by tonecheck' }).waitFor({ timeout: 10_000 }).catch(() => {});
      await page.waitForTimeout(500);
      await shot(`${String(n * 4 + 4).padStart(2, '0')}-${d.lang}-rewrite-diff.png`);
    }
    // Leave the notification toasts and the diff behind for the next draft.
    await page.keyboard.press('Escape');
  }

  // Settings reach the server: disabling `blame` (in the workspace's .vscode/settings.json) clears it.
  const SETTINGS = path.join(FOLDER, '.vscode', 'settings.json');
  if (fs.existsSync(SETTINGS)) {
    const settings = JSON.parse(fs.readFileSync(SETTINGS, 'utf8'));
    await page.keyboard.press('Escape');
    check(await rowsWith('blame') >= 1, 'settings: blame findings before');
    fs.writeFileSync(SETTINGS, JSON.stringify({ ...settings, 'tonecheck.disabledRules': ['blame'] }, null, 2));
    const gone = await until(async () => (await rowsWith('blame')) === 0, 20_000);
    check(gone, 'settings: tonecheck.disabledRules ["blame"] clears the blame findings (didChangeConfiguration)');

    // A missing server: one clear error with "Set-up instructions", which opens the README; no restart loop.
    fs.writeFileSync(SETTINGS, JSON.stringify({ ...settings, 'tonecheck.path': '/nonexistent/tonecheck' }, null, 2));
    const toast = page.locator('.notification-toast', { hasText: 'was not found' }).first();
    const shown = await toast.waitFor({ timeout: 20_000 }).then(() => true, () => false);
    check(shown, 'missing server: an error notification says the server was not found');
    if (shown) {
      const toastText = (await toast.innerText()).replace(/\s+/g, ' ');
      log(`missing server: ${JSON.stringify(toastText.slice(0, 300))}`);
      check(/Set-up instructions/.test(toastText), 'missing server: the notification offers "Set-up instructions"');
      await page.waitForTimeout(600); // the toast fades in
      await shot('09-missing-server.png');
      await toast.locator('.monaco-button', { hasText: 'Set-up instructions' }).click();
      // The README preview is a webview: look for its set-up section in every frame.
      const inPreview = await until(async () => {
        for (const f of page.frames()) {
          if (await f.locator('h2', { hasText: 'Set-up' }).count().catch(() => 0)) return true;
        }
        return false;
      }, 15_000);
      check(inPreview, 'missing server: "Set-up instructions" opens the README with the set-up steps');
      await page.waitForTimeout(2_000);
      const notFound = (extensionLog().match(/server not found/g) ?? []).length;
      check(notFound === 1, `missing server: reported once, no restart loop (${notFound} time(s) in the log)`);
      await shot('10-setup-instructions.png');
    }
  }
} catch (e) {
  failures++;
  log(`ERROR ${e.stack ?? e.message}`);
  await page.screenshot({ path: path.join(SHOTS, 'error.png') }).catch(() => {});
} finally {
  await browser.close();
}
log(failures ? `E2E FAILED (${failures} check(s))` : 'E2E OK');
process.exit(failures ? 1 : 0);
