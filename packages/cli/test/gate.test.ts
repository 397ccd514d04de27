import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseFiles, deployment, evidence, POLICY } from '../../core/src/gate/fixture.js';

const BIN = fileURLToPath(new URL('../bin/aigate.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/contoso-chat', import.meta.url));
const GIT_ENV = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };

function run(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } }).trim();
}

function write(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
}

function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

let dir: string;
function repo(files: Record<string, string>): { root: string; base: string } {
  const root = mkdtempSync(path.join(dir, 'repo-'));
  git(root, 'init', '-q', '-b', 'main');
  write(root, files);
  return { root, base: commitAll(root, 'base') };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aigate-gate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aigate gate', () => {
  it('shows a promotion between two commits and exits 0 when order and evidence are complete', () => {
    const { root, base } = repo(baseFiles());
    write(root, { 'deploy/prod/blue.yml': deployment('prod', 7) });
    const head = commitAll(root, 'promote 7 to prod');
    const r = run(['gate', '--base', base, '--head', head], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`aigate gate: ${base} (${base.slice(0, 7)}) → ${head} (${head.slice(0, 7)})`);
    expect(r.stdout).toContain('Promotion 1 of 1: prod ← support-chat-model:7 (blue on support-chat-prod)');
    expect(r.stdout).toContain('  change    model support-chat-model:6 → support-chat-model:7 (deploy/prod/blue.yml:4)');
    expect(r.stdout).toContain('  order     ok: support-chat-model:7 runs in test on the base branch (deploy/test/blue.yml:4)');
    expect(r.stdout).toContain('  approvals prod approvers: 2 needed (checked by the action on the pull request)');
    const json = JSON.parse(run(['gate', '--base', base, '--head', head, '--format', 'json'], root).stdout) as { mode: string; localPass: boolean; promotions: Array<{ order: { state: string }; evidence: { state: string; results: Array<{ metrics: Array<{ metric: string; state: string }> }> } }> };
    expect(json.mode).toBe('local');
    expect(json.localPass).toBe(true);
    expect(json.promotions[0]!.evidence.results[0]!.metrics.map((m) => `${m.metric} ${m.state}`)).toEqual(['groundedness pass', 'p95_latency_ms pass']);
    const md = run(['gate', '--base', base, '--head', head, '-f', 'markdown'], root);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## ✅ Order and evidence complete for 1 promotion/);
  });

  it('exits 1 when the order or the evidence is missing', () => {
    const files = baseFiles();
    delete files['evaluation/support-chat-model/7.json'];
    const { root } = repo(files);
    write(root, { 'deploy/prod/blue.yml': deployment('prod', 7), 'deploy/test/blue.yml': deployment('test', 8) });
    commitAll(root, 'promote');
    const r = run(['gate', '--base', 'main~1', '--head', 'main'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  - order, test (blue on support-chat-test): support-chat-model:8 does not run in dev on the base branch (dev runs support-chat-model:7): promote it to dev first, in a pull request of its own');
    expect(r.stdout).toContain('the evaluation evidence evaluation/support-chat-model/7.json for support-chat-model:7 is missing at head');
  });

  it('compares with the working tree when --head is omitted, untracked files included', () => {
    const { root, base } = repo(baseFiles());
    write(root, { 'deploy/prod/green.yml': deployment('prod', 7, { name: 'green', instanceCount: 2 }) });
    const r = run(['gate', '--base', base], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('→ working tree');
    expect(r.stdout).toContain('Promotion 1 of 1: prod ← support-chat-model:7 (green on support-chat-prod)');
    expect(r.stdout).toContain('  change    new deployment running support-chat-model:7 (deploy/prod/green.yml:2)');
  });

  it('reads the policy from the base: a lowered threshold in the change does not help', () => {
    const files = { ...baseFiles(), 'evaluation/support-chat-model/7.json': evidence(7, { groundedness: 3.5, p95_latency_ms: 900 }) };
    const { root, base } = repo(files);
    write(root, { 'deploy/prod/blue.yml': deployment('prod', 7), 'aigate.yaml': POLICY.replace('at_least: 4.0', 'at_least: 3.0') });
    const r = run(['gate', '--base', base], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('MISSING: groundedness is 3.5, below the minimum 4');
    expect(r.stdout).toContain("needs the evidence owners: the pull request changes the thresholds or evidence settings of quality gate 'support-chat quality' in aigate.yaml");
    expect(r.stdout).toContain('Policy change (aigate.yaml): needs policy owners');
  });

  it('plans only what the change itself does when the base branch moved on', () => {
    const { root } = repo(baseFiles());
    git(root, 'checkout', '-q', '-b', 'feature');
    write(root, { 'deploy/prod/blue.yml': deployment('prod', 7) });
    commitAll(root, 'promote 7');
    git(root, 'checkout', '-q', 'main');
    write(root, { 'deploy/dev/blue.yml': deployment('dev', 9) });
    commitAll(root, 'dev moves on');
    const r = run(['gate', '--base', 'main', '--head', 'feature'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Promotion 1 of 1: prod ← support-chat-model:7');
    expect(r.stdout).not.toContain('dev ←');
  });

  it('finds the policy folder inside a larger repository', () => {
    const nested = Object.fromEntries(Object.entries(baseFiles()).map(([k, v]) => [`services/chat/${k}`, v]));
    const { root, base } = repo({ ...nested, 'README.md': 'monorepo' });
    write(root, { 'services/chat/deploy/prod/blue.yml': deployment('prod', 7) });
    const r = run(['gate', '--base', base], path.join(root, 'services/chat'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Promotion 1 of 1: prod ← support-chat-model:7');
    const fromTop = run(['gate', '--base', base, '--root', 'services/chat'], root);
    expect(fromTop.stdout).toBe(r.stdout);
  });

  it('exits 0 with no promotion', () => {
    const { root, base } = repo(baseFiles());
    write(root, { 'docs/notes.md': 'no deployment change' });
    const r = run(['gate', '--base', base], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No promotion in this change.');
  });

  it('exits 2 on usage errors', () => {
    const { root } = repo(baseFiles());
    const noBase = run(['gate'], root);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toContain('aigate gate needs --base <revision>');
    const badRef = run(['gate', '--base', 'no-such-branch'], root);
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain('--base no-such-branch: no such commit');
    expect(run(['gate', '--base', 'main', '--head', '--format'], root).code).toBe(2);
    expect(run(['gate', '--base', 'main', '-f', 'sarif'], root).stderr).toContain("unknown format 'sarif'; use one of text, json, markdown");
    const notGit = mkdtempSync(path.join(dir, 'plain-'));
    const r = run(['gate', '--base', 'main'], notGit);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not in a git repository/);
    expect(run(['gate', '--help'], root).stdout).toContain('Usage: aigate gate --base <revision>');
  });

  it('walks through the example repository as its README says', () => {
    const root = path.join(mkdtempSync(path.join(dir, 'example-')), 'contoso-chat');
    cpSync(EXAMPLE, root, { recursive: true });
    git(root, 'init', '-q', '-b', 'main');
    commitAll(root, 'base');
    const blue = path.join(root, 'deploy/prod/blue.yml');
    writeFileSync(blue, readFileSync(blue, 'utf8').replace('support-chat-model/versions/6', 'support-chat-model/versions/7'));
    commitAll(root, 'promote support-chat-model 7 to prod');
    const r = run(['gate', '--base', 'HEAD~1', '--head', 'HEAD'], root);
    expect(r.code, r.stdout).toBe(0);
    for (const line of [
      'Promotion 1 of 1: prod ← support-chat-model:7 (blue on support-chat-prod)',
      '  order     ok: support-chat-model:7 runs in test on the base branch (deploy/test/blue.yml:4)',
      '  evidence  ok: support-chat quality: evaluation/support-chat-model/7.json meets all 4 thresholds',
      '            ok: groundedness is 4.52 (needs ≥ 4)',
      '  approvals prod approvers: 2 needed (checked by the action on the pull request)',
    ]) expect(r.stdout).toContain(line);
    // Version 8 goes nowhere: dev follows @latest, and its evaluation misses the groundedness threshold.
    const test = path.join(root, 'deploy/test/blue.yml');
    writeFileSync(test, readFileSync(test, 'utf8').replace('support-chat-model/versions/7', 'support-chat-model/versions/8'));
    const bad = run(['gate', '--base', 'HEAD'], root);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('does not run in dev on the base branch (dev runs azureml:support-chat-model@latest)');
    expect(bad.stdout).toContain('groundedness is 3.86, below the minimum 4');
  });
});
