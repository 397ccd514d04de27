import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { checkTexts, type Finding } from '@aigate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planStepAnnotations, stepAnnotation } from '../src/check/annotations.js';
import { addPullFiles, emptyChangeSet } from '../src/check/changes.js';
import { addedLines, parseGitDiff, unquoteGitPath } from '../src/check/diff.js';
import { rankFindings } from '../src/check/rank.js';
import { renderSummary, type SummaryInput } from '../src/check/summary.js';
import { GitHubClient, parseLink } from '../src/github/client.js';
import { GitHubApiError } from '../src/github/errors.js';
import { pullRequestFromPayload } from '../src/runner/context.js';
import { annotationCommand, getInput, setOutputs } from '../src/runner/io.js';
import { parseAnnotations, parseOutputs } from './support/harness.js';

describe('diffs', () => {
  it('reads the added and changed lines of a patch, new-side numbering', () => {
    const patch = ['@@ -1,4 +1,5 @@', ' a', '-b', '+B', '+B2', ' c', ' d', '@@ -20,3 +21,2 @@ context', ' x', '-y', ' z', '\\ No newline at end of file'].join('\n');
    expect([...addedLines(patch)]).toEqual([2, 3]);
    expect([...addedLines('@@ -0,0 +1,3 @@\n+a\n+b\n+c')]).toEqual([1, 2, 3]);
    expect(addedLines('@@ -1,2 +0,0 @@\n-a\n-b').size).toBe(0);
    expect(addedLines('not a patch').size).toBe(0);
  });

  it('parses git diff output: modified, added, removed, renamed, quoted paths', () => {
    const text = [
      'diff --git a/deploy/prod/green.yml b/deploy/prod/green.yml',
      'index 1111111..2222222 100644',
      '--- a/deploy/prod/green.yml',
      '+++ b/deploy/prod/green.yml',
      '@@ -4 +4 @@ endpoint_name: x',
      '-model: a:7',
      '+model: a:8',
      'diff --git a/new.yml b/new.yml',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new.yml',
      '@@ -0,0 +1,2 @@',
      '+a: 1',
      '+b: 2',
      'diff --git a/gone.yml b/gone.yml',
      'deleted file mode 100644',
      '--- a/gone.yml',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-a: 1',
      'diff --git a/old name.yml b/new name.yml',
      'similarity index 90%',
      'rename from old name.yml',
      'rename to new name.yml',
      '--- a/old name.yml',
      '+++ b/new name.yml',
      '@@ -2 +2 @@',
      '-x',
      '+y',
      'diff --git "a/caf\\303\\251.yml" "b/caf\\303\\251.yml"',
      '--- "a/caf\\303\\251.yml"',
      '+++ "b/caf\\303\\251.yml"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
    ].join('\n');
    const files = parseGitDiff(text).map((f) => ({ ...f, lines: [...f.lines] }));
    expect(files).toEqual([
      { path: 'deploy/prod/green.yml', status: 'modified', lines: [4] },
      { path: 'new.yml', status: 'added', lines: [1, 2] },
      { path: 'gone.yml', status: 'removed', lines: [] },
      { path: 'new name.yml', previousPath: 'old name.yml', status: 'renamed', lines: [2] },
      { path: 'café.yml', status: 'modified', lines: [1] },
    ]);
    expect(unquoteGitPath('"a\\tb\\"c"')).toBe('a\tb"c');
  });
});

describe('runner I/O', () => {
  it('reads inputs as the runner passes them', () => {
    expect(getInput({ 'INPUT_FAIL-ON': '  warning ' }, 'fail-on')).toBe('warning');
    expect(getInput({ INPUT_CHECK_NAME: 'x' }, 'check name')).toBe('x');
    expect(getInput({ INPUT_PATH: '   ' }, 'path')).toBeUndefined();
  });

  it('writes outputs with heredoc delimiters that no value can end early', () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'aigate-out-'));
    try {
      const file = nodePath.join(dir, 'out');
      const tricky = 'line 1\nghadelimiter_x\nEOF\n';
      setOutputs({ GITHUB_OUTPUT: file }, { a: 1, text: tricky });
      expect(parseOutputs(readFileSync(file, 'utf8'))).toEqual({ a: '1', text: tricky });
      expect(setOutputs({}, { a: 1 })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escapes annotations so text from files cannot start another command', () => {
    const cmd = annotationCommand('warning', 'bad\n::error::injected 100%', { file: 'a,b:c.yml', line: 3, title: 'x' });
    expect(cmd.split('\n')).toHaveLength(1);
    expect(parseAnnotations(cmd)).toEqual([{ level: 'warning', props: { file: 'a,b:c.yml', line: '3', title: 'x' }, message: 'bad\n::error::injected 100%' }]);
  });

  it('reads the pull request from a payload; a deleted head repository counts as a fork', () => {
    const sha = 'a'.repeat(40);
    const base = { pull_request: { number: 3, head: { sha, repo: { full_name: 'o/r', fork: false } }, base: { sha, repo: { full_name: 'o/r' } }, changed_files: 2 } };
    expect(pullRequestFromPayload(base)).toEqual({ number: 3, headSha: sha, baseSha: sha, fromFork: false, changedFiles: 2 });
    expect(pullRequestFromPayload({ ...base, pull_request: { ...base.pull_request, head: { sha, repo: null } } })).toMatchObject({ fromFork: true });
    expect(pullRequestFromPayload({ pull_request: { number: 3, head: { sha: 'nope' }, base: {} } })).toMatch(/no head and base commit/);
    expect(pullRequestFromPayload({ ref: 'refs/heads/main' })).toBeUndefined();
  });
});

const header = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
function manyFindings(n: number): Finding[] {
  const files: Record<string, string> = { 'aigate.yaml': 'version: 1\nenvironments:\n  - name: dev\n    files: ["dev/**"]\n  - name: prod\n    files: ["prod/**"]\n' };
  for (let i = 0; i < n; i++) files[`prod/d${i}.yml`] = `${header}name: d${i}\nendpoint_name: e${i}\nmodel: azureml:m${i}@latest\ninstance_count: 1\n`;
  return checkTexts(files).findings;
}

describe('ranking, budget and summary', () => {
  const findings = manyFindings(40);

  it('ranks by severity, then changed line, then rule; keeps 10 per level and a notice slot when asked', () => {
    const changes = emptyChangeSet();
    addPullFiles(changes, [{ filename: 'prod/d7.yml', status: 'modified', patch: '@@ -4 +4 @@\n-model: x\n+model: azureml:m7@latest' }]);
    const ranked = rankFindings(findings, changes);
    expect(ranked[0]!.finding.severity).toBe('error');
    expect(ranked[0]).toMatchObject({ touch: 'line', finding: { location: { file: 'prod/d7.yml' } } });
    const plan = planStepAnnotations(ranked, 1);
    const count = (s: string): number => plan.chosen.filter((r) => r.finding.severity === s).length;
    expect(count('error')).toBe(10);
    expect(plan.omitted.error).toBe(ranked.filter((r) => r.finding.severity === 'error').length - 10);
    expect(stepAnnotation(ranked[0]!, () => true)).toMatch(/^::error file=prod\/d7\.yml,line=4,.*title=aigate%3A versioning\/model-pinned \(changed line\)::/);
    expect(stepAnnotation(ranked[0]!, () => false)).toMatch(/^::error title=[^:]+::prod\/d7\.yml:4: /);
  });

  it('trims the summary by whole file sections, keeps the best, and says what it left out', () => {
    const ranked = rankFindings(findings, undefined);
    const input: SummaryInput = { ranked, suppressed: [], notes: ['a note'], filesChecked: 41, failOn: 'error', verdict: { failing: true, reason: 'errors' }, delivery: [] };
    const full = renderSummary(input, { max: 1e9, measure: (t) => t.length, what: 'x' });
    const limit = Math.floor(full.length / 3);
    const cut = renderSummary(input, { max: limit, measure: (t) => t.length, what: 'the test limit' });
    expect(cut.length).toBeLessThanOrEqual(limit);
    expect(cut).toMatch(/_✂️ \d+ findings \(.*\) in \d+ files left out of this summary to stay within the test limit\./);
    // Whole sections: every file heading kept still has all its findings.
    const kept = [...cut.matchAll(/^\*\*`(prod\/d\d+\.yml)`\*\*$/gm)].map((m) => m[1]!);
    expect(kept.length).toBeGreaterThan(0);
    for (const file of kept) {
      const section = cut.slice(cut.indexOf(`**\`${file}\`**`)).split('\n\n**')[0]!;
      expect(section.match(/^- /gm)?.length).toBe(findings.filter((f) => f.location.file === file).length);
    }
    expect(cut).toContain('a note');
  });
});

describe('the GitHub client', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ url: string; auth?: string }> = [];
  let reply: (url: string) => { status: number; headers?: Record<string, string>; body: unknown } = () => ({ status: 200, body: [] });
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      const r = reply(req.url ?? '');
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(JSON.stringify(r.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('parses Link headers', () => {
    expect(parseLink('<https://x/a?page=2>; rel="next", <https://x/a?page=5>; rel="last"')).toEqual({ next: 'https://x/a?page=2', last: 'https://x/a?page=5' });
    expect(parseLink(null)).toEqual({});
  });

  it('keeps to a base path, and never follows a next link to another origin', async () => {
    seen.length = 0;
    reply = () => ({ status: 200, headers: { link: '<https://elsewhere.example/api/v3/x?page=2>; rel="next"' }, body: [1] });
    const client = new GitHubClient({ baseUrl: base, token: 't', userAgent: 'test' });
    const err = await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: 'o', repo: 'r', pull_number: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect((err as GitHubApiError).message).toMatch(/leaves the API/);
    expect(seen.map((s) => s.url)).toEqual(['/api/v3/repos/o/r/pulls/1/files?per_page=100']);
  });

  it('does not wait beyond its retry budget: a long retry-after fails at once as rate-limited', async () => {
    seen.length = 0;
    reply = () => ({ status: 429, headers: { 'retry-after': '3600' }, body: { message: 'API rate limit exceeded' } });
    const waits: number[] = [];
    const client = new GitHubClient({ baseUrl: base, token: 't', userAgent: 'test', retryBudgetMs: 10_000, sleep: async (ms) => void waits.push(ms) });
    const err = (await client.request('GET /rate_limit').catch((e: unknown) => e)) as GitHubApiError;
    expect(err.kind).toBe('rate-limited');
    expect(waits).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('retries 5xx with backoff within the budget, then reports a server error', async () => {
    seen.length = 0;
    reply = () => ({ status: 503, body: { message: 'Service Unavailable' } });
    const waits: number[] = [];
    const client = new GitHubClient({ baseUrl: base, token: 't', userAgent: 'test', maxRetries: 2, sleep: async (ms) => void waits.push(ms) });
    const err = (await client.request('GET /rate_limit').catch((e: unknown) => e)) as GitHubApiError;
    expect(err).toMatchObject({ kind: 'server', status: 503, attempts: 3 });
    expect(waits).toEqual([1000, 2000]);
    expect(seen.every((s) => s.auth === 'Bearer t')).toBe(true);
  });
});
