/* global document -- functions passed to page.evaluate/waitForFunction run in the browser */
// The end-to-end scenarios, run in order against one code-server window on a copy of the example repository.
// Each is [name, async (ctx) => void] and throws on failure. ctx: { page, workspace, expectations, rules,
// timeout, findings, screenshot(name) }.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXPLAIN, POLICY_PATH, QUICK_FIX } from '../shared/expectations.mjs';
import {
  activePreview,
  activeTab,
  applyQuickFix,
  focusWorkbench,
  goToLine,
  openFile,
  runCommand,
  answerQuickPick,
  showProblems,
  statusItem,
  visibleEditorLines,
  toggleBooleanSetting,
  waitForProblems,
  waitForStatus,
  waitForStatusLabel,
  workbenchProblemCount,
} from './workbench.mjs';

const RUNNING_WITH_FINDINGS = /aigate: (\d+)$/;

const key = (e) => `${e.file}:${e.line} ${e.rule}`;

/** The number of findings the Problems scenario saw; later scenarios compare against it. */
function findingsSeen(ctx) {
  assert.ok(ctx.findings > 0, 'the Problems panel scenario did not pass, so there is no count to compare with');
  return ctx.findings;
}

/** @type {Array<[string, (ctx: any) => Promise<void>]>} */
export const SCENARIOS = [
  [
    'the extension activates on the example and its language server starts',
    async ({ page, timeout }) => {
      await waitForStatus(page, RUNNING_WITH_FINDINGS, timeout);
      const { label } = await statusItem(page);
      assert.match(label, /aigate language server: running/);
    },
  ],
  [
    'the Problems panel lists exactly the findings marked `# expect:` in the example',
    async (ctx) => {
      const { page, expectations, timeout } = ctx;
      const want = expectations.map((e) => ({ file: e.file, rule: e.ruleId, line: e.line + 1 }));
      const rows = await waitForProblems(page, { present: want }, timeout);
      assert.deepEqual(rows.map(key).sort(), want.map(key).sort());
      for (const r of rows) {
        assert.equal(r.source, 'aigate', `${key(r)} has source ${r.source}`);
        assert.ok(r.message.length > 20, `${key(r)} has no message`);
      }
      const approval = rows.find((r) => r.rule === QUICK_FIX.ruleId);
      assert.ok(approval?.error, `${QUICK_FIX.ruleId} is shown as an error`);
      assert.match(approval.message, /rollout-prod/);
      ctx.findings = rows.length;
    },
  ],
  [
    'the status item counts the findings the Problems panel shows',
    async (ctx) => {
      const { page, timeout } = ctx;
      const findings = findingsSeen(ctx);
      const text = await waitForStatus(page, new RegExp(`aigate: ${findings}$`), timeout);
      assert.match(text, new RegExp(`aigate: ${findings}$`));
      assert.equal(await workbenchProblemCount(page), findings);
      const { label } = await statusItem(page);
      assert.match(label, new RegExp(`${findings} findings in \\d+ files`));
    },
  ],
  [
    'deploy.yml shows a squiggle under rollout-prod, and its hover names the rule',
    async ({ page, expectations, timeout, screenshot }) => {
      const target = expectations.find((e) => e.file === QUICK_FIX.file && e.ruleId === QUICK_FIX.ruleId);
      assert.ok(target, `the example has no ${QUICK_FIX.ruleId} marker in ${QUICK_FIX.file}`);
      await focusWorkbench(page);
      await openFile(page, QUICK_FIX.file);
      // The cursor at the start of the line, so that no word highlight covers the squiggle in the picture.
      await goToLine(page, target.line + 1, 1);
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.locator('.squiggly-error').first().waitFor({ timeout });
      await showProblems(page);
      await screenshot('squiggles-and-problems.png');
      await goToLine(page, target.line + 1, 3);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: QUICK_FIX.ruleId }).first();
      await hover.waitFor({ timeout });
      assert.match((await hover.textContent()) ?? '', /rollout-prod/);
      await screenshot('hover.png', { readme: false });
      await page.keyboard.press('Escape');
      await hover.waitFor({ state: 'hidden' });
    },
  ],
  [
    'the quick fix adds `environment:` to rollout-prod and its finding goes away',
    async (ctx) => {
      const { page, expectations, timeout } = ctx;
      findingsSeen(ctx);
      const target = expectations.find((e) => e.file === QUICK_FIX.file && e.ruleId === QUICK_FIX.ruleId);
      await focusWorkbench(page);
      await openFile(page, QUICK_FIX.file);
      await goToLine(page, target.line + 1, 3);
      const offered = await applyQuickFix(page, QUICK_FIX.fixTitle);
      assert.ok(offered.some((t) => t === `Explain aigate rule ${QUICK_FIX.ruleId}`), `the menu offers the rule's explanation: ${offered.join(' | ')}`);
      await page.waitForFunction(
        (text) =>
          [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line')].some((l) => l.textContent.replace(/\u00a0/g, ' ').trim() === text),
        QUICK_FIX.inserted,
        { timeout },
      );
      const lines = await visibleEditorLines(page);
      const job = lines.findIndex((l) => l.trimStart().startsWith(`${QUICK_FIX.anchor}:`));
      assert.ok(job >= 0, `the editor shows no ${QUICK_FIX.anchor} job:\n${lines.join('\n')}`);
      assert.equal(lines[job + 1]?.trim(), QUICK_FIX.inserted, 'the fix goes on the line after the job id');
      assert.ok(lines[job + 1].search(/\S/) > lines[job].search(/\S/), 'the fix is indented inside the job');
      const others = expectations.filter((e) => e !== target).map((e) => ({ file: e.file, rule: e.ruleId }));
      const rows = await waitForProblems(page, { present: others, absent: [{ file: QUICK_FIX.file, rule: QUICK_FIX.ruleId }] }, timeout);
      assert.equal(rows.length, ctx.findings - 1);
      await waitForStatus(page, new RegExp(`aigate: ${ctx.findings - 1}$`), timeout);
      ctx.findings -= 1;
    },
  ],
  [
    'aigate: Explain Rule opens the documentation of the rule picked',
    async ({ page, timeout }) => {
      await focusWorkbench(page);
      await runCommand(page, 'aigate: Explain Rule');
      await answerQuickPick(page, EXPLAIN.ruleId, EXPLAIN.ruleId);
      const name = EXPLAIN.ruleId.split('/').pop();
      await activeTab(page, `Preview ${name}.md`).waitFor({ timeout });
      const preview = activePreview(page);
      await preview.locator('h1', { hasText: EXPLAIN.ruleId }).waitFor({ timeout });
      await preview.locator('h2', { hasText: EXPLAIN.heading }).waitFor({ timeout });
    },
  ],
  [
    'aigate: List Rules shows every rule',
    async ({ page, rules, timeout }) => {
      await focusWorkbench(page);
      await runCommand(page, 'aigate: List Rules');
      await activeTab(page, 'Preview rules.md').waitFor({ timeout });
      const preview = activePreview(page);
      await preview.locator('h1', { hasText: 'aigate rules' }).waitFor({ timeout });
      const listed = await preview.locator('td:first-child code').allTextContents();
      assert.deepEqual([...listed].sort(), [...rules].sort());
    },
  ],
  [
    'aigate: Show Output shows the extension log',
    async ({ page, timeout }) => {
      await focusWorkbench(page);
      await runCommand(page, 'aigate: Show Output');
      const output = page.locator('.part.panel .output-view .monaco-editor .view-lines').first();
      await output.filter({ hasText: 'aigate language server started' }).waitFor({ timeout });
    },
  ],
  [
    'aigate: Restart Language Server restarts it and the findings come back',
    async (ctx) => {
      const { page, timeout } = ctx;
      findingsSeen(ctx);
      await focusWorkbench(page);
      await runCommand(page, 'aigate: Restart Language Server');
      const output = page.locator('.part.panel .output-view .monaco-editor .view-lines').first();
      await page.waitForFunction(
        (selector) => (document.querySelector(selector)?.textContent?.replace(/\u00a0/g, ' ').match(/aigate language server started/g) ?? []).length >= 2,
        '.part.panel .output-view .monaco-editor .view-lines',
        { timeout },
      );
      assert.ok(await output.isVisible());
      await waitForStatus(page, new RegExp(`aigate: ${ctx.findings}$`), timeout);
    },
  ],
  [
    'turning aigate.enable off in Settings stops the server and clears its findings; on again brings them back',
    async (ctx) => {
      const { page, timeout } = ctx;
      findingsSeen(ctx);
      await focusWorkbench(page);
      assert.equal(await toggleBooleanSetting(page, 'aigate.enable'), false);
      await waitForStatusLabel(page, /language server: disabled/, timeout);
      assert.equal((await statusItem(page)).text, 'aigate');
      await page.waitForFunction(
        () => (document.querySelector('[id="status.problems"]')?.textContent?.match(/\d+/g) ?? ['1']).every((n) => n === '0'),
        null,
        { timeout },
      );
      assert.equal(await toggleBooleanSetting(page, 'aigate.enable'), true);
      await waitForStatus(page, new RegExp(`aigate: ${ctx.findings}$`), timeout);
    },
  ],
  [
    'aigate.policyPath in the folder settings makes the server read that policy; cleared, aigate.yaml counts again',
    async (ctx) => {
      const { page, workspace, expectations, timeout } = ctx;
      const findings = findingsSeen(ctx);
      const off = expectations.filter((e) => e.ruleId === POLICY_PATH.ruleOff).length;
      assert.ok(off > 0, `the example has no ${POLICY_PATH.ruleOff} finding to turn off`);
      // A team policy: the example's, with one rule turned off.
      const policy = readFileSync(join(workspace, 'aigate.yaml'), 'utf8').replace('rules:\n', `rules:\n  ${POLICY_PATH.ruleOff}: off\n`);
      mkdirSync(join(workspace, dirname(POLICY_PATH.file)), { recursive: true });
      writeFileSync(join(workspace, POLICY_PATH.file), policy);
      const settings = join(workspace, '.vscode', 'settings.json');
      mkdirSync(dirname(settings), { recursive: true });
      writeFileSync(settings, JSON.stringify({ 'aigate.policyPath': POLICY_PATH.file }, null, 2));
      await waitForStatus(page, new RegExp(`aigate: ${findings - off}$`), timeout);
      const rows = await waitForProblems(page, { absent: [{ file: 'deploy/prod/green.yml', rule: POLICY_PATH.ruleOff }] }, timeout);
      assert.equal(rows.length, findings - off);
      writeFileSync(settings, '{}\n');
      await waitForStatus(page, new RegExp(`aigate: ${findings}$`), timeout);
    },
  ],
];
