// Language-server benchmark (not a test): a generated workspace of BENCH_FILES files (5,000 by default),
// the built server as a child process, a real LSP client over stdio. Reports cold index time
// (initialize -> diagnostics for the whole workspace), edit-to-diagnostics latency (p50/p95) for edits to
// one file and to aigate.yaml, for a pulling client and a pushing one, and the server's memory.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { generateWorkspace } from './generate.mjs';
import { bundle } from '../scripts/bundle.mjs';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');

const pkg = fileURLToPath(new URL('..', import.meta.url));
const repo = path.resolve(pkg, '../..');
const files = Number(process.env.BENCH_FILES ?? 5000);
const edits = Number(process.env.BENCH_EDITS ?? 60);
// The single-file bundle by default: it is what the VS Code extension runs (and it starts in half the time of
// dist/server.js, which loads its modules one by one). BENCH_SERVER=packages/lsp/dist/server.js measures that one.
const server = process.env.BENCH_SERVER ? path.resolve(process.env.BENCH_SERVER) : await bundle(path.join(pkg, 'dist', 'server.bundle.js'));
const ws = path.join(repo, '.tmp', 'lsp-bench-workspace');

rmSync(ws, { recursive: true, force: true });
const written = generateWorkspace(ws, files);
console.log(`workspace: ${written.length} files in ${path.relative(repo, ws)}; server: ${path.relative(repo, server)}`);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => `${x.toFixed(1)} ms`;
const rssOf = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const hwmOf = (pid) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function session(pull) {
  const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  const published = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    published.set(p.uri, p);
    for (const w of [...waiters]) {
      if (!w.pred(p)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(p);
    }
  });
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => {});
  conn.listen();
  const waitPublish = (uri, pred) => new Promise((resolve) => waiters.push({ pred: (p) => p.uri === uri && pred(p), resolve }));
  const rootUri = pathToFileURL(ws).href;
  const capabilities = { workspace: { workspaceEdit: { documentChanges: true }, diagnostics: { refreshSupport: true } }, textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } };
  if (pull) capabilities.textDocument.diagnostic = { dynamicRegistration: false };

  // Cold index: initialize -> diagnostics of the whole workspace.
  const t0 = performance.now();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'bench' }], capabilities });
  await conn.sendNotification('initialized', {});
  let cold;
  let withFindings;
  const uri = (rel) => pathToFileURL(path.join(ws, rel)).href;
  const lastGreen = uri(written.filter((f) => f.endsWith('deploy/prod/green.yml')).filter((_, i) => i % 10 === 0).pop());
  if (pull) {
    const report = await conn.sendRequest('workspace/diagnostic', { previousResultIds: [] });
    cold = performance.now() - t0;
    withFindings = report.items.filter((i) => i.items?.length).length;
  } else {
    // The analysis publishes every file with findings in one pass; the last service's finding closes it.
    await waitPublish(lastGreen, (p) => p.diagnostics.length > 0);
    cold = performance.now() - t0;
    withFindings = [...published.values()].filter((p) => p.diagnostics.length).length;
  }
  const rssCold = rssOf(child.pid);

  const versions = new Map();
  const open = async (rel) => {
    const text = readFileSync(path.join(ws, rel), 'utf8');
    versions.set(uri(rel), 1);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(rel), languageId: 'yaml', version: 1, text } });
    if (pull) await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: uri(rel) } });
    else await waitPublish(uri(rel), (p) => p.version === 1).catch(() => {});
    return text;
  };
  // Edit-to-diagnostics: a change, then (pull) the client's pull answered for it, or (push) the publish for that version.
  const edit = async (rel, text) => {
    const u = uri(rel);
    const version = versions.get(u) + 1;
    versions.set(u, version);
    const t = performance.now();
    const got = pull ? null : waitPublish(u, (p) => p.version === version);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: u, version }, contentChanges: [{ text }] });
    if (pull) await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: u } });
    else await got;
    return performance.now() - t;
  };

  const deployment = written.find((f) => f.endsWith('svc010/deploy/prod/blue.yml'));
  const depText = await open(deployment);
  const single = [];
  for (let i = 0; i < edits; i++) single.push(await edit(deployment, depText.replace(/instance_count: \d+/, `instance_count: ${3 + (i % 4)}`).replace(/# pad.*\n/g, '') + `# pad ${'x'.repeat(i)}\n`));

  const testBlue = written.find((f) => f.endsWith('svc020/deploy/test/blue.yml'));
  const testText = await open(testBlue);
  const cross = [];
  for (let i = 0; i < edits; i++) cross.push(await edit(testBlue, i % 2 ? testText : testText.replace(/versions\/(\d+)/, (_, v) => `versions/${Number(v) + 1}`)));

  const policyText = await open('aigate.yaml');
  const policy = [];
  const policyEdits = Math.max(10, Math.round(edits / 3));
  for (let i = 0; i < policyEdits; i++) policy.push(await edit('aigate.yaml', i % 2 ? policyText : policyText.replace('monitoring/prod-monitoring: error', 'monitoring/prod-monitoring: warning')));

  const rssEnd = rssOf(child.pid);
  const hwm = hwmOf(child.pid);
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  await new Promise((r) => child.on('exit', r));
  conn.dispose();
  return { cold, withFindings, single, cross, policy, rssCold, rssEnd, hwm };
}

for (const pull of [true, false]) {
  const r = await session(pull);
  console.log(`\n${pull ? 'pulling client (textDocument/diagnostic, workspace/diagnostic)' : 'pushing client (publishDiagnostics)'}`);
  console.log(`  cold index (initialize -> diagnostics for all, ${r.withFindings} files with findings): ${ms(r.cold)}`);
  console.log(`  edit one deployment:            p50 ${ms(pct(r.single, 50))}  p95 ${ms(pct(r.single, 95))}  (${r.single.length} edits)`);
  console.log(`  edit test (prod's finding moves): p50 ${ms(pct(r.cross, 50))}  p95 ${ms(pct(r.cross, 95))}  (${r.cross.length} edits)`);
  console.log(`  edit aigate.yaml:               p50 ${ms(pct(r.policy, 50))}  p95 ${ms(pct(r.policy, 95))}  (${r.policy.length} edits)`);
  console.log(`  server memory: RSS ${r.rssCold.toFixed(0)} MB after indexing, ${r.rssEnd.toFixed(0)} MB at the end, peak ${r.hwm.toFixed(0)} MB`);
}
