import { mkdirSync, mkdtempSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodeAction, CodeLens, CompletionItem, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { applyEdits, codes, copyExample, editsFor, removeDir, TestClient } from './client.js';

const GREEN = 'deploy/prod/green.yml';
const TEST_BLUE = 'deploy/test/blue.yml';
const POLICY = 'aigate.yaml';
const VERSION_TESTED = 'promotion/prod-version-tested';

const has = (rule: string) => (p: PublishDiagnosticsParams): boolean => p.diagnostics.some((d) => d.code === rule);
const lacks = (rule: string) => (p: PublishDiagnosticsParams): boolean => !p.diagnostics.some((d) => d.code === rule);

let clients: TestClient[] = [];
let dirs: string[] = [];

function start(options: Partial<ConstructorParameters<typeof TestClient>[0]> = {}): TestClient {
  const root = options.root ?? copyExample();
  dirs.push(root);
  const c = new TestClient({ root, ...options });
  clients.push(c);
  return c;
}

/** Open a file, wait for a finding of `rule` in it, and ask for the code actions on that finding. */
async function actionsOn(c: TestClient, rel: string, rule: string): Promise<{ uri: string; actions: CodeAction[] }> {
  const uri = await c.open(rel);
  const p = await c.waitForDiagnostics(uri, has(rule));
  const diag = p.diagnostics.find((d) => d.code === rule)!;
  const actions = (await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } })) as CodeAction[];
  return { uri, actions };
}

afterEach(() => {
  for (const c of clients) if (c.child.exitCode === null) c.kill();
  for (const d of dirs) removeDir(d);
  clients = [];
  dirs = [];
});

describe('push diagnostics (a client without pull support)', () => {
  it('indexes the workspace and publishes cross-file findings for files that are not open, with related locations', async () => {
    const c = start();
    const init = await c.initialize();
    expect((init.capabilities as Record<string, unknown>).diagnosticProvider).toBeUndefined();
    const p = await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    const d = p.diagnostics.find((x) => x.code === VERSION_TESTED)!;
    expect(d.source).toBe('aigate');
    expect(d.severity).toBe(1);
    expect(d.codeDescription?.href).toMatch(/promotion\/prod-version-tested\.md$/);
    expect(d.range.start).toEqual({ line: 3, character: 7 });
    expect(d.relatedInformation?.[0]?.location.uri).toBe(c.uri(TEST_BLUE));
    expect(d.relatedInformation?.[0]?.location.range.start.line).toBe(3);
    // Other cross-file findings of the example arrive too.
    const faq = await c.waitForDiagnostics(c.uri('faq-bot/prod/deployment.yml'), has('sharing/shared-endpoint-governance'));
    expect(codes(faq.diagnostics)).toEqual(['sharing/endpoint-single-workload', 'sharing/shared-endpoint-governance']);
    expect(await c.shutdown()).toBe(0);
  });

  it('updates the findings of another file when a file it depends on changes', async () => {
    const c = start();
    await c.initialize();
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    const uri = await c.open(TEST_BLUE);
    const text = c.readFile(TEST_BLUE);
    // test now runs version 8, as prod's green does: the finding on green goes.
    await c.change(uri, text.replace('/versions/7', '/versions/8'));
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    // and back: it returns.
    await c.change(uri, text);
    const back = await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED), false);
    expect(back.diagnostics.find((d) => d.code === VERSION_TESTED)!.relatedInformation![0]!.location.uri).toBe(uri);
    await c.shutdown();
  });

  it('applies a quick fix: the edited text no longer has the finding', async () => {
    const c = start();
    await c.initialize();
    const { uri, actions } = await actionsOn(c, 'deploy/prod/endpoint.yml', 'environments/governance-parity');
    const fix = actions.find((a) => a.title.startsWith('Set auth_mode'))!;
    expect(fix.kind).toBe('quickfix');
    expect(fix.diagnostics?.[0]?.code).toBe('environments/governance-parity');
    const fixed = applyEdits(c.texts.get(uri)!, editsFor(fix.edit!, uri));
    expect(fixed).toContain('auth_mode: aml_token');
    const version = await c.change(uri, fixed);
    const after = await c.waitForDiagnostics(uri, (x) => x.version === version, false);
    expect(codes(after.diagnostics)).not.toContain('environments/governance-parity');
    await c.shutdown();
  });

  it('writes a suppression with a placeholder reason that counts only once replaced', async () => {
    const c = start();
    await c.initialize();
    const { uri, actions } = await actionsOn(c, GREEN, VERSION_TESTED);
    const suppress = actions.find((a) => a.title.startsWith('Suppress'))!;
    expect(suppress.title).toBe(`Suppress ${VERSION_TESTED} here, with a reason`);
    const withPlaceholder = applyEdits(c.texts.get(uri)!, editsFor(suppress.edit!, uri));
    const lines = withPlaceholder.split('\n');
    expect(lines[3]).toBe(`# aigate-ignore ${VERSION_TESTED} -- <why this is accepted>`);
    expect(lines[4]).toMatch(/^model: /);
    let version = await c.change(uri, withPlaceholder);
    // The placeholder is no reason: the comment is reported and the finding stays.
    const pending = await c.waitForDiagnostics(uri, (x) => x.version === version, false);
    expect(codes(pending.diagnostics)).toEqual(['aigate/invalid-suppression', VERSION_TESTED]);
    expect(pending.diagnostics.find((d) => d.code === 'aigate/invalid-suppression')!.message).toMatch(/placeholder/);
    version = await c.change(uri, withPlaceholder.replace('<why this is accepted>', 'canary of version 8, evaluated offline on the golden set'));
    const done = await c.waitForDiagnostics(uri, (x) => x.version === version, false);
    expect(codes(done.diagnostics)).toEqual([]);
    await c.shutdown();
  });

  it('indents the suppression like the node and keeps it out of block scalars', async () => {
    const c = start();
    await c.initialize();
    const { uri, actions } = await actionsOn(c, '.github/workflows/hotfix.yml', 'promotion/no-direct-full-cutover');
    const suppress = actions.find((a) => a.title.startsWith('Suppress promotion/no-direct-full-cutover'))!;
    const edits = editsFor(suppress.edit!, uri);
    const original = c.texts.get(uri)!.split('\n');
    const target = original[edits[0]!.range.start.line]!;
    const indent = /^\s*/.exec(target)![0];
    expect(edits[0]!.newText).toBe(`${indent}# aigate-ignore promotion/no-direct-full-cutover -- <why this is accepted>\n`);
    const version = await c.change(uri, applyEdits(c.texts.get(uri)!, edits).replace('<why this is accepted>', 'hotfix path, approved by the release board'));
    const done = await c.waitForDiagnostics(uri, (x) => x.version === version, false);
    expect(codes(done.diagnostics)).not.toContain('promotion/no-direct-full-cutover');
    expect(codes(done.diagnostics)).not.toContain('aigate/invalid-suppression');
    await c.shutdown();
  });

  it('selects the placeholder with a snippet edit when the client supports it', async () => {
    const c = start({ snippetEdits: true });
    await c.initialize();
    const { actions } = await actionsOn(c, GREEN, VERSION_TESTED);
    const suppress = actions.find((a) => a.title.startsWith('Suppress'))!;
    const dc = suppress.edit!.documentChanges![0] as { textDocument: { version: number }; edits: Array<{ snippet: { kind: string; value: string } }> };
    expect(dc.textDocument.version).toBe(1);
    expect(dc.edits[0]!.snippet).toEqual({ kind: 'snippet', value: `# aigate-ignore ${VERSION_TESTED} -- \${1:<why this is accepted>}\n` });
    await c.shutdown();
  });

  it('answers hover on a finding with the rule reason and docs, and on a model reference with where it runs', async () => {
    const c = start();
    await c.initialize();
    const uri = await c.open(GREEN);
    await c.waitForDiagnostics(uri, has(VERSION_TESTED));
    const hover = (await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 20 } })) as Hover;
    const md = (hover.contents as { kind: string; value: string }).value;
    expect((hover.contents as { kind: string }).kind).toBe('markdown');
    expect(md).toContain('Use quality gates to promote trained');
    expect(md).toMatch(/\[Documentation of promotion\/prod-version-tested\]\(https:\/\/[^)]+prod-version-tested\.md\)/);
    expect(md).toContain('**Model `support-chat-model`** version `8`');
    expect(md).toMatch(/\| dev \| @latest \| `blue` on `support-chat-dev`/);
    expect(md).toMatch(/\| test \| 7 \|/);
    expect(md).toMatch(/\| prod \| 6 \|/);
    expect(md).toMatch(/\| prod \| \*\*8\*\* \| `green` on `support-chat-prod` \(deploy\/prod\/green.yml\) ← this one \|/);
    expect(md).toContain('Retirement:');
    expect(hover.range!.start).toEqual({ line: 3, character: 7 });
    // Nothing to say on a plain key.
    expect(await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } })).toBeNull();
    await c.shutdown();
  });

  it('shows a code lens per deployment with the version in each environment of the chain', async () => {
    const c = start();
    await c.initialize();
    const uri = await c.open(GREEN);
    await c.waitForDiagnostics(uri, has(VERSION_TESTED));
    const lenses = (await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    expect(lenses).toHaveLength(1);
    expect(lenses[0]!.command!.title).toBe('support-chat-model: dev @latest → test 7 → [prod] 6, 8');
    expect(lenses[0]!.range.start.line).toBe(1);
    await c.shutdown();
  });

  it('re-evaluates everything when aigate.yaml changes, open or on disk', async () => {
    const c = start();
    await c.initialize();
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    const uri = await c.open(POLICY);
    const policy = c.texts.get(uri)!;
    await c.change(uri, `${policy}\nrules:\n  promotion/prod-version-tested: off\n`.replace('\nrules:\n  monitoring/prod-monitoring: error\n', '\n'));
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    // A policy mistake is a finding on the policy itself.
    let version = await c.change(uri, policy.replace('version: 1', 'version: 1\nenvironmnts: []'));
    const bad = await c.waitForDiagnostics(uri, (p) => p.version === version && has('aigate/policy-error')(p), false);
    expect(bad.diagnostics[0]!.message).toMatch(/unknown key 'environmnts'/);
    version = await c.change(uri, policy);
    await c.waitForDiagnostics(uri, (p) => p.version === version && lacks('aigate/policy-error')(p), false);
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    await c.close(uri);
    // On disk, with no editor involved.
    writeFileSync(path.join(c.options.root, POLICY), policy.replace('rules:\n  monitoring/prod-monitoring: error', 'rules:\n  promotion/prod-version-tested: off'));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    await c.shutdown();
  });

  it('follows files created, deleted and renamed on disk', async () => {
    const c = start();
    await c.initialize();
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    const root = c.options.root;
    // Deleting test's deployment leaves prod with nothing to compare: the finding goes.
    const testBlue = path.join(root, TEST_BLUE);
    const moved = path.join(root, 'deploy/test/blue-renamed.yml');
    renameSync(testBlue, moved);
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri(TEST_BLUE), type: 3 }] });
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    // Created under a new name (the other half of a rename): the finding is back, pointing at the new file.
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('deploy/test/blue-renamed.yml'), type: 1 }] });
    const back = await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED), false);
    expect(back.diagnostics.find((d) => d.code === VERSION_TESTED)!.relatedInformation![0]!.location.uri).toBe(c.uri('deploy/test/blue-renamed.yml'));
    // A new file with a problem of its own gets diagnostics without being opened.
    mkdirSync(path.join(root, 'deploy/prod'), { recursive: true });
    const rel = 'deploy/prod/red.yml';
    writeFileSync(path.join(root, rel), c.readFile(GREEN).replace('name: green', 'name: red').replace(/^model: .*$/m, 'model: azureml:support-chat-model@latest'));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri(rel), type: 1 }] });
    const red = await c.waitForDiagnostics(c.uri(rel), (p) => p.diagnostics.length > 0);
    expect(codes(red.diagnostics)).toContain('versioning/model-pinned');
    unlinkSync(path.join(root, rel));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri(rel), type: 3 }] });
    await c.waitForDiagnostics(c.uri(rel), (p) => p.diagnostics.length === 0, false);
    await c.shutdown();
  });

  it('survives binary, huge and broken documents and keeps answering', async () => {
    const c = start();
    await c.initialize();
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    const bin = await c.open('deploy/dev/binary.yml', 'abc\u0000\u0001\u0002'.repeat(100));
    const huge = await c.open('deploy/dev/huge.yml', `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n${'x: 1\n'.repeat(300_000)}`);
    const broken = await c.open('deploy/dev/broken.yml', '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: [unclosed\n  model: {{{\n\t- :\n');
    const nested = await c.open('deploy/dev/nested.yml', `endpoint_name: ${'['.repeat(5000)}`);
    expect(codes((await c.waitForDiagnostics(bin, (p) => p.diagnostics.length > 0)).diagnostics)).toEqual(['aigate/unreadable-file']);
    expect((await c.waitForDiagnostics(huge, (p) => p.diagnostics.length > 0)).diagnostics[0]!.message).toMatch(/over the 1024 KiB limit/);
    expect(codes((await c.waitForDiagnostics(broken, (p) => p.diagnostics.length > 0)).diagnostics)).toContain('aigate/parse-error');
    expect(codes((await c.waitForDiagnostics(nested, (p) => p.diagnostics.length > 0)).diagnostics)).toContain('aigate/parse-error');
    // A later request still answers, with the rest of the workspace intact.
    const uri = await c.open(GREEN);
    const lenses = (await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    expect(lenses).toHaveLength(1);
    // Requests about things that do not exist answer empty, not with an error.
    expect(await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 0, character: 0 } })).toBeNull();
    expect(await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: c.uri('nope.yml') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } })).toEqual([]);
    expect(await c.shutdown()).toBe(0);
  });

  it('ends a burst of 50 edits with diagnostics for the last version only', async () => {
    const c = start({ debounceMs: 20 });
    await c.initialize();
    const uri = await c.open(GREEN);
    await c.waitForDiagnostics(uri, has(VERSION_TESTED));
    const base = c.texts.get(uri)!;
    let last = 0;
    for (let i = 1; i <= 50; i++) last = await c.change(uri, `${'# edit\n'.repeat(i)}${base}`);
    const final = await c.waitForDiagnostics(uri, (p) => p.version === last, false);
    // The finding moved down by the 50 inserted lines: diagnostics are for the last text.
    expect(final.diagnostics.find((d) => d.code === VERSION_TESTED)!.range.start.line).toBe(53);
    // Nothing older is published after it: a round trip later, the last publish is still for the last version.
    await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    const mine = c.publishes.filter((p) => p.uri === uri);
    expect(mine[mine.length - 1]!.version).toBe(last);
    const versions = mine.map((p) => p.version ?? 0);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    await c.shutdown();
  });

  it('reads settings per resource and drops them when the configuration changes', async () => {
    const c = start({ settings: { minimumSeverity: 'error' } });
    await c.initialize();
    const endpoint = c.uri('deploy/prod/endpoint.yml');
    // With errors only, prod's endpoint (a warning) shows nothing while green's error shows.
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    const uri = await c.open('deploy/prod/endpoint.yml');
    expect(uri).toBe(endpoint);
    await c.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0);
    expect(c.configRequests.some((r) => r.section === 'aigate' && r.scopeUri === uri)).toBe(true);
    c.settings = { minimumSeverity: 'info' };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(uri, has('environments/governance-parity'), false);
    c.settings = { enable: false };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(c.uri(GREEN), (p) => p.diagnostics.length === 0, false);
    await c.shutdown();
  });
});

describe('aigate.policyPath', () => {
  /** The example with its policy moved out of the folder, and a root aigate.yaml that turns prod-version-tested off. */
  function movedPolicy(): { root: string; outside: string; policy: string } {
    const root = copyExample();
    const policy = readFileSync(path.join(root, POLICY), 'utf8');
    const outside = mkdtempSync(path.join(tmpdir(), 'aigate-policy-'));
    dirs.push(outside);
    writeFileSync(path.join(outside, 'team.yaml'), policy);
    writeFileSync(path.join(root, POLICY), policy.replace('rules:\n', `rules:\n  ${VERSION_TESTED}: off\n`));
    return { root, outside: path.join(outside, 'team.yaml'), policy };
  }

  it('reads the policy from a file outside the folder, follows edits to it, and reports its mistakes in it', async () => {
    const { root, outside, policy } = movedPolicy();
    const c = start({ root, settings: { policyPath: outside } });
    await c.initialize();
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    expect(c.logs.join('\n')).toContain(`reads its policy from ${outside}`);
    // The file lies outside the workspace: the server asks the client to watch it.
    const watch = c.registrations.find((r) => JSON.stringify(r.registerOptions).includes('team.yaml'));
    expect(watch?.method).toBe('workspace/didChangeWatchedFiles');
    const uri = pathToFileURL(outside).href;
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: policy } });
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: policy.replace('rules:\n', `rules:\n  ${VERSION_TESTED}: off\n`) }] });
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: policy.replace('version: 1', 'version: 1\nenvironmnts: []') }] });
    const bad = await c.waitForDiagnostics(uri, (p) => p.version === 3 && has('aigate/policy-error')(p), false);
    expect(bad.diagnostics[0]!.message).toMatch(/unknown key 'environmnts'/);
    // Completion works in it as in aigate.yaml.
    const items = (await c.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } })) as CompletionItem[];
    expect(items.map((i) => i.label)).toContain('$schema');
    // Closed, the disk's text counts again; a change on disk is followed.
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text: policy.replace('rules:\n', `rules:\n  ${VERSION_TESTED}: off\n`) }] });
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED), false);
    writeFileSync(outside, policy.replace('rules:\n', `rules:\n  ${VERSION_TESTED}: off\n`));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    await c.shutdown();
  });

  it('follows a change of the setting, back to the folder own aigate.yaml and to a path relative to the folder', async () => {
    const { root, outside, policy } = movedPolicy();
    const c = start({ root, settings: { policyPath: outside } });
    await c.initialize();
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    c.settings = {};
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(c.uri(GREEN), lacks(VERSION_TESTED), false);
    mkdirSync(path.join(root, 'governance'));
    writeFileSync(path.join(root, 'governance', 'policy.yml'), policy);
    c.settings = { policyPath: 'governance/policy.yml' };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED), false);
    await c.shutdown();
  });

  it('reports a policy file that does not exist, at its path, instead of checking with conventions', async () => {
    const c = start({ init: { policyPath: 'governance/missing.yaml' } });
    await c.initialize();
    const missing = c.uri('governance/missing.yaml');
    const p = await c.waitForDiagnostics(missing, has('aigate/policy-error'));
    expect(p.diagnostics[0]!.message).toMatch(/missing\.yaml \(set by the aigate\.policyPath setting\) does not exist/);
    expect(p.diagnostics[0]!.severity).toBe(1);
    // Creating it is followed.
    mkdirSync(path.join(c.options.root, 'governance'));
    writeFileSync(path.join(c.options.root, 'governance', 'missing.yaml'), c.readFile(POLICY));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: missing, type: 1 }] });
    await c.waitForDiagnostics(missing, (d) => d.diagnostics.length === 0, false);
    await c.shutdown();
  });
});

describe('pull diagnostics (a client that pulls)', () => {
  it('declares pull support and answers document and workspace pulls with result ids', async () => {
    const c = start({ pull: true });
    const init = await c.initialize();
    expect((init.capabilities as Record<string, unknown>).diagnosticProvider).toEqual({ identifier: 'aigate', interFileDependencies: true, workspaceDiagnostics: true });
    const uri = await c.open(GREEN);
    const report = await c.pull(uri);
    expect(report.kind).toBe('full');
    expect(codes(report.items!)).toEqual([VERSION_TESTED]);
    expect(report.items![0]!.relatedInformation![0]!.location.uri).toBe(c.uri(TEST_BLUE));
    expect(await c.pull(uri, report.resultId)).toEqual({ kind: 'unchanged', resultId: report.resultId });
    // Workspace pull: every file with findings, open or not.
    const ws = (await c.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: Array<{ uri: string; kind: string; items?: unknown[]; version: number | null }> };
    const uris = ws.items.map((i) => i.uri);
    expect(uris).toContain(c.uri('faq-bot/prod/deployment.yml'));
    expect(uris).toContain(c.uri('.github/workflows/hotfix.yml'));
    expect(ws.items.find((i) => i.uri === uri)!.version).toBe(1);
    expect(ws.items.find((i) => i.uri === c.uri('faq-bot/prod/deployment.yml'))!.version).toBeNull();
    // Nothing is pushed to a pulling client.
    expect(c.publishes).toEqual([]);
    await c.shutdown();
  });

  it('asks the client to pull again when another file changes findings elsewhere', async () => {
    const c = start({ pull: true });
    await c.initialize();
    const green = await c.open(GREEN);
    const first = await c.pull(green);
    expect(codes(first.items!)).toEqual([VERSION_TESTED]);
    const uri = await c.open(TEST_BLUE);
    await c.pull(uri);
    const refreshed = c.nextRefresh();
    await c.change(uri, c.texts.get(uri)!.replace('/versions/7', '/versions/8'));
    await refreshed;
    const after = await c.pull(green, first.resultId);
    expect(after.kind).toBe('full');
    expect(after.items).toEqual([]);
    await c.shutdown();
  });

  it('pulls diagnostics of the current text after a burst of edits', async () => {
    const c = start({ pull: true, debounceMs: 20 });
    await c.initialize();
    const uri = await c.open(GREEN);
    const base = c.texts.get(uri)!;
    const pulls: Array<Promise<{ items?: Array<{ range: { start: { line: number } } }> }>> = [];
    for (let i = 1; i <= 50; i++) {
      await c.change(uri, `${'# edit\n'.repeat(i)}${base}`);
      if (i % 10 === 0) pulls.push(c.pull(uri));
    }
    const last = await pulls[pulls.length - 1]!;
    expect(last.items![0]!.range.start.line).toBe(53);
    await c.shutdown();
  });
});

describe('aigate.yaml', () => {
  it('completes keys, environment names, rule ids and severities', async () => {
    const c = start();
    await c.initialize();
    const uri = await c.open(POLICY);
    const base = c.texts.get(uri)!;
    const complete = async (text: string, line: number, character: number): Promise<CompletionItem[]> => {
      await c.change(uri, text);
      return (await c.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as CompletionItem[];
    };
    const lines = base.split('\n');
    const rulesLine = lines.indexOf('rules:');
    // A rule id under rules:
    let text = [...lines.slice(0, rulesLine + 1), '  promotion/', ...lines.slice(rulesLine + 1)].join('\n');
    let items = await complete(text, rulesLine + 1, 12);
    const labels = items.map((i) => i.label);
    expect(labels).toContain('promotion/prod-version-tested');
    expect(labels).not.toContain('monitoring/prod-monitoring'); // already set
    const item = items.find((i) => i.label === 'promotion/prod-version-tested')!;
    expect((item.textEdit as { range: { start: { character: number } } }).range.start.character).toBe(2);
    // A severity as the value of a rule.
    text = [...lines.slice(0, rulesLine + 1), '  promotion/prod-version-tested: ', ...lines.slice(rulesLine + 1)].join('\n');
    items = await complete(text, rulesLine + 1, 33);
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['error', 'warning', 'info', 'off']));
    // Environment names in a suppression.
    const supLine = lines.findIndex((l) => l.includes('expires: 2027-06-30'));
    text = [...lines.slice(0, supLine + 1), '    environments: [', ...lines.slice(supLine + 1)].join('\n');
    items = await complete(text, supLine + 1, 19);
    expect(items.map((i) => i.label)).toEqual(['sandbox', 'dev', 'test', 'prod']);
    // Keys of an environment entry, without the ones it has.
    const envLine = lines.indexOf('  - name: dev');
    text = [...lines.slice(0, envLine + 3), '    ', ...lines.slice(envLine + 3)].join('\n');
    items = await complete(text, envLine + 3, 4);
    expect(items.map((i) => i.label).sort()).toEqual(['approvers', 'protected', 'tier']);
    await c.shutdown();
  });
});

describe('the bundle', () => {
  it('starts from the single-file bundle and answers', async () => {
    const bundlePath = new URL('../scripts/bundle.mjs', import.meta.url).href;
    const { bundle } = (await import(bundlePath)) as { bundle: (out: string) => Promise<void> };
    const root = copyExample();
    dirs.push(root);
    const out = path.join(root, '..', `aigate-bundle-${process.pid}-${Date.now()}`, 'server.bundle.js');
    dirs.push(path.dirname(out));
    await bundle(out);
    const c = start({ root, server: out });
    await c.initialize();
    await c.waitForDiagnostics(c.uri(GREEN), has(VERSION_TESTED));
    expect(await c.shutdown()).toBe(0);
  });
});
