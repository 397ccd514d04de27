// The scenarios, run inside VS Code's extension host by @vscode/test-electron (see ../run-test.ts).
// They mirror test/e2e/scenarios.mjs, through the VS Code API instead of the UI.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/commands.js';
import type { AigateApi } from '../../../src/extension.js';
import { ALL_RULES } from '@aigate/core';
import { DOC_SCHEME, INDEX_PATH, docPath, ruleIdOfCode } from '../../../src/rules.js';
import { DIAGNOSTIC_SOURCE, countFindings, totalFindings } from '../../../src/status.js';
import { EXPLAIN, QUICK_FIX, readExpectations } from '../../shared/expectations.mjs';

const EXTENSION_ID = 'aigate.aigate-vscode';
const WAIT_MS = 60_000;

function workspaceRoot(): string {
  const root = process.env.AIGATE_E2E_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'no workspace folder is open');
  return root;
}

/** Resolves when check() holds, re-checking on each of the given events; fails after WAIT_MS. */
function waitFor<T>(what: string, check: () => T | undefined | false, events: Array<vscode.Event<unknown>>): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = (): void => {
      clearTimeout(timer);
      subs.forEach((s) => s.dispose());
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${what}`));
    }, WAIT_MS);
    const test = (): void => {
      const value = check();
      if (value) {
        done();
        resolvePromise(value);
      }
    };
    for (const event of events) subs.push(event(test));
    test();
  });
}

function aigateDiagnostics(uri?: vscode.Uri): Array<[vscode.Uri, vscode.Diagnostic]> {
  const all: Array<[vscode.Uri, readonly vscode.Diagnostic[]]> = uri ? [[uri, vscode.languages.getDiagnostics(uri)]] : vscode.languages.getDiagnostics();
  return all.flatMap(([u, ds]) => ds.filter((d) => d.source === DIAGNOSTIC_SOURCE).map((d): [vscode.Uri, vscode.Diagnostic] => [u, d]));
}

let api: AigateApi;

function openTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}

const scenarios: Array<[string, () => Promise<void>]> = [
  [
    'the extension activates, starts its server and registers its commands',
    async () => {
      const ext = vscode.extensions.getExtension<AigateApi>(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not installed`);
      api = await ext.activate();
      await api.ready();
      assert.equal(api.state, 'running');
      const commands = new Set(await vscode.commands.getCommands(true));
      for (const id of Object.values(COMMANDS)) assert.ok(commands.has(id), `command ${id} is not registered`);
    },
  ],
  [
    'every `# expect:` finding of the example shows as a diagnostic',
    async () => {
      const root = workspaceRoot();
      const expected = readExpectations(root);
      assert.ok(expected.length > 0);
      const missing = (): string[] =>
        expected
          .filter((e) => {
            const uri = vscode.Uri.file(`${root}/${e.file}`);
            return !aigateDiagnostics(uri).some(([, d]) => ruleIdOfCode(d.code) === e.ruleId && d.range.start.line === e.line);
          })
          .map((e) => `${e.file}:${e.line + 1} ${e.ruleId}`);
      await waitFor('the expected findings', () => missing().length === 0, [vscode.languages.onDidChangeDiagnostics]).catch(() => {
        throw new Error(`missing findings:\n  ${missing().join('\n  ')}`);
      });
    },
  ],
  [
    'the status item counts the findings',
    async () => {
      const expected = readExpectations(workspaceRoot()).length;
      await waitFor('the counts', () => totalFindings(api.counts) === expected, [api.onDidChange]);
      assert.equal(totalFindings(countFindings(vscode.languages.getDiagnostics())), expected);
    },
  ],
  [
    'the quick fix adds `environment:` and the finding goes away',
    async () => {
      const uri = vscode.Uri.file(`${workspaceRoot()}/${QUICK_FIX.file}`);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const [, diagnostic] = await waitFor(
        `${QUICK_FIX.ruleId} in ${QUICK_FIX.file}`,
        () => aigateDiagnostics(uri).find(([, d]) => ruleIdOfCode(d.code) === QUICK_FIX.ruleId),
        [vscode.languages.onDidChangeDiagnostics],
      );
      assert.equal(doc.getText(diagnostic.range), QUICK_FIX.anchor);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
      const fix = actions.find((a) => QUICK_FIX.fixTitle.test(a.title));
      assert.ok(fix, `no quick fix among: ${actions.map((a) => a.title).join(' | ')}`);
      if (fix.edit) assert.ok(await vscode.workspace.applyEdit(fix.edit));
      if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
      assert.ok(doc.getText().includes(QUICK_FIX.inserted));
      await waitFor(`${QUICK_FIX.ruleId} to go`, () => !aigateDiagnostics(uri).some(([, d]) => ruleIdOfCode(d.code) === QUICK_FIX.ruleId), [
        vscode.languages.onDidChangeDiagnostics,
      ]);
    },
  ],
  [
    'Explain Rule opens the documentation of the rule',
    async () => {
      await vscode.commands.executeCommand(COMMANDS.explainRule, EXPLAIN.ruleId);
      const name = `Preview ${EXPLAIN.ruleId.split('/').pop()}.md`;
      assert.ok(openTabs().includes(name), `no tab "${name}" among: ${openTabs().join(' | ')}`);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: DOC_SCHEME, path: docPath(EXPLAIN.ruleId) }));
      assert.ok(doc.getText().startsWith(`# ${EXPLAIN.ruleId}`));
      assert.ok(doc.getText().includes(`## ${EXPLAIN.heading}`));
    },
  ],
  [
    'List Rules shows every rule',
    async () => {
      await vscode.commands.executeCommand(COMMANDS.listRules);
      assert.ok(openTabs().includes('Preview rules.md'), `no rule list among: ${openTabs().join(' | ')}`);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: DOC_SCHEME, path: INDEX_PATH }));
      for (const r of ALL_RULES) assert.ok(doc.getText().includes(`| \`${r.id}\` |`), `${r.id} is not listed`);
    },
  ],
  [
    'Restart Language Server restarts it and the findings come back',
    async () => {
      const before = totalFindings(api.counts);
      await vscode.commands.executeCommand(COMMANDS.restartServer);
      await api.ready();
      await waitFor('the findings after the restart', () => api.state === 'running' && totalFindings(api.counts) === before, [api.onDidChange]);
    },
  ],
  [
    'turning aigate.enable off stops the server and clears its findings; on again brings them back',
    async () => {
      const before = totalFindings(api.counts);
      const config = vscode.workspace.getConfiguration('aigate');
      await config.update('enable', false, vscode.ConfigurationTarget.Global);
      try {
        await waitFor('the server to stop', () => api.state === 'disabled' && aigateDiagnostics().length === 0, [api.onDidChange, vscode.languages.onDidChangeDiagnostics]);
      } finally {
        await config.update('enable', undefined, vscode.ConfigurationTarget.Global);
      }
      await waitFor('the findings to come back', () => api.state === 'running' && totalFindings(api.counts) === before, [api.onDidChange]);
    },
  ],
];

/** Entry point called by VS Code's test runner. */
export async function run(): Promise<void> {
  let passed = 0;
  const failures: string[] = [];
  for (const [name, scenario] of scenarios) {
    try {
      await scenario();
      passed++;
      console.log(`ok - ${name}`);
    } catch (e) {
      failures.push(name);
      console.log(`not ok - ${name}\n  ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  console.log(`${passed} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} scenario(s) failed: ${failures.join('; ')}`);
}
