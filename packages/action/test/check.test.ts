import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { ValidateFunction } from 'ajv';
import { checkDirectory } from '@aigate/core/node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub, errorBody } from './support/fake-github.js';
import {
  checkRunHandlers,
  cleanup,
  copyExample,
  failWith,
  HEAD_SHA,
  OWNER,
  patchChanging,
  PR_NUMBER,
  pullFilesHandler,
  pullRequestPayload,
  REPO,
  runAction,
  TOKEN,
  type PrFile,
  type RunResult,
} from './support/harness.js';
import { sarifValidator } from '../../core/src/testing/sarif.js';

type Json = Record<string, unknown>;
interface Annotation {
  path: string;
  start_line: number;
  annotation_level: string;
}

let validateSarif: ValidateFunction;
beforeAll(() => {
  validateSarif = sarifValidator();
});

const dirs: string[] = [];
const servers: FakeGitHub[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    await s.close();
    // Every request the action made, and every answer the fake gave, matched GitHub's OpenAPI description.
    expect(s.violations).toEqual([]);
  }
  for (const d of dirs.splice(0)) cleanup(d);
});

function workspace(): string {
  const { dir, workspace } = copyExample();
  dirs.push(dir);
  return workspace;
}

async function github(setup: (gh: FakeGitHub) => void = () => {}): Promise<FakeGitHub> {
  const gh = new FakeGitHub(undefined, TOKEN);
  const cr = checkRunHandlers(gh);
  gh.on('checks/create', cr.create).on('checks/update', cr.update);
  setup(gh);
  await gh.start();
  servers.push(gh);
  return gh;
}

function read(ws: string, path: string): string {
  return readFileSync(nodePath.join(ws, path), 'utf8');
}

/** The PR of most tests: a version bump in prod (line 4), its test counterpart, a touched faq-bot file and a deleted file. */
function prFiles(ws: string): PrFile[] {
  return [
    { filename: 'deploy/prod/green.yml', status: 'modified', patch: patchChanging(read(ws, 'deploy/prod/green.yml'), [4]) },
    { filename: 'deploy/test/blue.yml', status: 'modified', patch: patchChanging(read(ws, 'deploy/test/blue.yml'), [4]) },
    { filename: 'faq-bot/prod/deployment.yml', status: 'modified', patch: patchChanging(read(ws, 'faq-bot/prod/deployment.yml'), [1]) },
    { filename: 'deploy/staging/old-blue.yml', status: 'removed', patch: '@@ -1,3 +0,0 @@\n-name: old-blue\n-endpoint_name: support-chat-staging\n-model: azureml:support-chat-model:5' },
  ];
}

/** What the core finds in a workspace: the action must report exactly this, whatever the example holds. */
async function expected(ws: string): Promise<{ errors: number; warnings: number; infos: number; total: number; suppressed: number; withFile: number; title: string }> {
  const res = await checkDirectory(ws);
  const n = (sev: string): number => res.findings.filter((f) => f.severity === sev).length;
  const e = n('error');
  const w = n('warning');
  const i = n('info');
  const plural = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;
  return { errors: e, warnings: w, infos: i, total: res.findings.length, suppressed: res.suppressed.length, withFile: res.findings.filter((f) => f.location.file !== '.' && f.location.file !== '').length, title: `${plural(e, 'error')}, ${plural(w, 'warning')}, ${i} info` };
}

const byLevel = (r: RunResult, level: string): RunResult['annotations'] => r.annotations.filter((a) => a.level === level);
const patches = (gh: FakeGitHub): Json[] => gh.calls('checks/update').map((e) => e.body as Json);
const annotationsOf = (body: Json): Annotation[] => ((body.output as Json).annotations as Annotation[] | undefined) ?? [];

function expectWithinStepBudget(r: RunResult): void {
  for (const level of ['error', 'warning', 'notice']) expect(byLevel(r, level).length).toBeLessThanOrEqual(10);
}

describe('check on a pull request', () => {
  it('annotates, ranks changed lines first, publishes a check run, writes the summary, SARIF and outputs', async () => {
    const ws = workspace();
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler(prFiles(ws))));
    const want = await expected(ws);
    expect(want.errors).toBeGreaterThan(0);
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });

    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // errors, fail-on: error
    expectWithinStepBudget(r);

    // Errors first, and among them the one on a line this PR changed.
    const errors = byLevel(r, 'error');
    expect(errors).toHaveLength(Math.min(10, want.errors));
    expect(errors[0]!.props.title).toBe('aigate: promotion/prod-version-tested (changed line)');
    // Then the error in a file the PR touches (faq-bot), before the ones elsewhere.
    expect(errors[1]!.props.file).toBe('faq-bot/prod/deployment.yml');
    expect(errors[0]!.props).toMatchObject({ file: 'deploy/prod/green.yml', line: '4', endLine: '4', col: '8' });
    expect(errors[0]!.message).toMatch(/runs model support-chat-model:8.*\n\nRule promotion\/prod-version-tested: https:\/\/\S+prod-version-tested\.md$/s);
    expect(byLevel(r, 'warning')).toHaveLength(Math.min(10, want.warnings));
    expect(byLevel(r, 'notice')).toHaveLength(Math.min(9, want.infos)); // nothing to say: the change set is complete and the check run was made
    // The deleted file is in the change set but gets no annotation.
    expect(r.annotations.some((a) => a.props.file?.includes('old-blue') || a.message.includes('old-blue'))).toBe(false);

    // The files API, paginated with 100 a page.
    const listed = gh.calls('pulls/list-files');
    expect(listed).toHaveLength(1);
    expect(listed[0]!.path).toBe(`/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files`);
    expect(listed[0]!.query.get('per_page')).toBe('100');

    // The check run: created on the PR head, then completed with every finding as an annotation.
    const created = gh.calls('checks/create');
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toMatchObject({ name: 'aigate', head_sha: HEAD_SHA, status: 'in_progress', output: { title: want.title } });
    const updates = patches(gh);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const sent = annotationsOf(updates[0]!);
    expect(sent).toHaveLength(want.withFile);
    expect(sent[0]).toMatchObject({ path: 'deploy/prod/green.yml', start_line: 4, end_line: 4, annotation_level: 'failure', title: 'aigate: promotion/prod-version-tested' });
    expect(new Set(sent.map((a) => a.annotation_level))).toEqual(new Set(['failure', 'warning']));
    expect(((updates[0]!.output as Json).summary as string).length).toBeLessThan(65_535);

    // The job summary: verdict, counts, this PR first, links to lines and docs.
    const s = r.summary;
    expect(s.startsWith(`## aigate: ✖ ${want.title}`)).toBe(true);
    expect(s).toContain('🔴 **Failing**');
    expect(s).toContain(`[pull request #${PR_NUMBER}](https://github.com/${OWNER}/${REPO}/pull/${PR_NUMBER})`);
    expect(s).toContain(`| ❌ Errors | ${want.errors} | 1 | 1 |`);
    expect(s.indexOf('### 🔀 In this pull request')).toBeGreaterThan(0);
    expect(s.indexOf('### 🔀 In this pull request')).toBeLessThan(s.indexOf('### Elsewhere in the repository'));
    expect(s).toContain(`[line 4](https://github.com/${OWNER}/${REPO}/blob/${HEAD_SHA}/deploy/prod/green.yml#L4)`);
    expect(s).toMatch(/\[`promotion\/prod-version-tested`\]\(https:\/\/\S+\/promotion\/prod-version-tested\.md\)/);
    expect(s).toContain('#### Environment `prod`');
    expect(s).toContain('🔀 changed line');
    expect(s).toContain(`Check run \`aigate\` has ${want.withFile} annotations.`);
    expect(s).not.toContain('old-blue');

    // SARIF for upload-sarif: valid, one run, rules with docs, a fingerprint on every result.
    const sarif = JSON.parse(readFileSync(nodePath.join(ws, 'aigate.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string>; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>; tool: { driver: { rules: Array<{ id: string; helpUri: string }> } } }> };
    expect(validateSarif(sarif) ? [] : validateSarif.errors).toEqual([]);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results).toHaveLength(want.total + want.suppressed);
    for (const res of sarif.runs[0]!.results) expect(Object.values(res.partialFingerprints)[0]).toMatch(/^[0-9a-f]{20}$/);
    const ids = sarif.runs[0]!.tool.driver.rules.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of sarif.runs[0]!.tool.driver.rules) expect(rule.helpUri).toMatch(/^https:\/\//);

    // Outputs.
    expect(r.outputs).toEqual({
      errors: String(want.errors),
      warnings: String(want.warnings),
      infos: String(want.infos),
      findings: String(want.total),
      'sarif-file': nodePath.join(ws, 'aigate.sarif'),
      'check-run-id': String((created[0]!.responseBody as Json).id),
      conclusion: 'failure',
    });

    // A new push to the PR: the same findings keep the same fingerprints.
    const again = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('synchronize'), inputs: { 'fail-on': 'never', 'sarif-file': 'out/second.sarif' } });
    expect(again.code).toBe(0);
    expect(patches(gh).at(-1)).toMatchObject({ conclusion: 'success' });
    const second = JSON.parse(readFileSync(nodePath.join(ws, 'out/second.sarif'), 'utf8')) as typeof sarif;
    expect(second.runs[0]!.results.map((x) => x.partialFingerprints)).toEqual(sarif.runs[0]!.results.map((x) => x.partialFingerprints));
    expect(again.summary).toContain('🟢 **Passing**');
  });

  it('checks a subfolder given as `path`, with paths relative to the repository', async () => {
    const { dir, workspace: inner } = copyExample();
    dirs.push(dir);
    // The repository is the parent; the example sits in services/chat.
    const repoRoot = nodePath.join(dir, 'monorepo');
    execFileSync('mkdir', ['-p', nodePath.join(repoRoot, 'services')]);
    execFileSync('mv', [inner, nodePath.join(repoRoot, 'services', 'chat')]);
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler([{ filename: 'services/chat/deploy/prod/green.yml', status: 'modified', patch: patchChanging(read(nodePath.join(repoRoot, 'services/chat'), 'deploy/prod/green.yml'), [4]) }])));
    const r = await runAction({ workspace: repoRoot, api: gh, payload: pullRequestPayload('opened'), inputs: { path: 'services/chat' } });
    expect(r.code).toBe(1);
    expect(byLevel(r, 'error')[0]!.props).toMatchObject({ file: 'services/chat/deploy/prod/green.yml', line: '4', title: 'aigate: promotion/prod-version-tested (changed line)' });
    expect(annotationsOf(patches(gh)[0]!).every((a) => a.path.startsWith('services/chat/'))).toBe(true);
    const sarif = readFileSync(nodePath.join(repoRoot, 'aigate.sarif'), 'utf8');
    expect(sarif).toContain('"uri": "services/chat/deploy/prod/green.yml"');
  });
});

describe('check degrades without write access', () => {
  it('on a fork PR: no check run is attempted, a notice says why, annotations and summary still come', async () => {
    const ws = workspace();
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler(prFiles(ws))));
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened', { fork: true }) });
    expect(r.code).toBe(1);
    expect(gh.calls('checks/create')).toHaveLength(0);
    const notices = byLevel(r, 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toMatch(/comes from a fork.*annotations and the job summary only/s);
    expect(byLevel(r, 'error')).toHaveLength(Math.min(10, (await expected(ws)).errors));
    expect(r.summary).toContain('No check run: This pull request comes from a fork');
    expect(r.outputs['check-run-id']).toBe('');
  });

  it('on 403 from check-run creation (read-only token): a notice, no crash, the same verdict', async () => {
    const ws = workspace();
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler(prFiles(ws))).on('checks/create', failWith(403, 'Resource not accessible by integration')));
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });
    expect(r.code).toBe(1);
    expect(gh.calls('checks/create')).toHaveLength(1); // a permission error is not retried
    expect(gh.calls('checks/update')).toHaveLength(0);
    expect(byLevel(r, 'notice')[0]!.message).toMatch(/may not write checks \(POST \/repos\/contoso\/contoso-chat\/check-runs: 403 Resource not accessible by integration\)/);
    const want = await expected(ws);
    expect(byLevel(r, 'error')).toHaveLength(Math.min(10, want.errors));
    expect(r.summary).toContain('No check run: The token may not write checks');
    expect(r.outputs.errors).toBe(String(want.errors));
  });

  it('on 401 everywhere: the change set is unknown and said to be, findings still reported and counted', async () => {
    const ws = workspace();
    const gh = await github((g) => g.on('pulls/list-files', failWith(401, 'Bad credentials')).on('checks/create', failWith(401, 'Bad credentials')));
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });
    expect(r.code).toBe(1);
    const notice = byLevel(r, 'notice')[0]!.message;
    expect(notice).toMatch(/change set of this pull request is incomplete.*401 Bad credentials.*not in the local repository/s);
    expect(notice).toMatch(/The token was refused/);
    expect(r.summary).toContain('**The change set is incomplete**');
    expect(byLevel(r, 'error').map((a) => a.props.title)).not.toContain('aigate: promotion/prod-version-tested (changed line)');
    expect(r.outputs.findings).toBe(String((await expected(ws)).total));
  });

  it('on 404 from the files API: incomplete change set; on 422 from a PATCH: the check run is still closed with its verdict', async () => {
    const ws = workspace();
    const gh = await github((g) => {
      const cr = checkRunHandlers(g);
      g.on('pulls/list-files', failWith(404, 'Not Found'));
      g.on('checks/update', (req, ctx) => (ctx.count === 1 ? { status: 422, body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest/checks/runs#update-a-check-run', errors: ['annotation out of range'] } } : cr.update(req, ctx)));
    });
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });
    expect(r.code).toBe(1);
    const n = (await expected(ws)).withFile;
    expect(n).toBeLessThanOrEqual(50);
    const updates = patches(gh);
    expect(updates).toHaveLength(2);
    expect(annotationsOf(updates[0]!)).toHaveLength(n);
    expect(updates[1]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(annotationsOf(updates[1]!)).toHaveLength(0);
    expect(((updates[1]!.output as Json).summary as string)).toMatch(new RegExp(`Only 0 of ${n} annotations reached this check run \\(PATCH .* 422 Validation Failed\\)`));
    const notice = byLevel(r, 'notice')[0]!.message;
    expect(notice).toMatch(/404 Not Found/);
    expect(notice).toContain(`got 0 of ${n} annotations`);
  });

  it('on 500: retries, then reports the lint result in annotations and summary without a check run', async () => {
    const ws = workspace();
    const gh = await github((g) =>
      g
        .on('pulls/list-files', (req, ctx) => (ctx.count === 1 ? { status: 502, body: errorBody(502, 'Server Error'), headers: { 'retry-after': '0' } } : pullFilesHandler(prFiles(ws))(req, ctx)))
        .on('checks/create', failWith(500, 'Internal Server Error', { 'retry-after': '0' })),
    );
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });
    expect(r.code).toBe(1);
    expect(gh.calls('pulls/list-files')).toHaveLength(2); // one retry, then the listing
    expect(gh.calls('checks/create')).toHaveLength(4); // the first try and three retries
    expect(r.stdout).toMatch(/aigate: POST \/repos\/contoso\/contoso-chat\/check-runs answered 500; retrying in 0 s \(retry 3\)\./);
    expect(byLevel(r, 'notice')[0]!.message).toMatch(/The check run could not be created \(POST \S+: 500 Internal Server Error \(after 4 attempts\)\)/);
    expect(byLevel(r, 'error')[0]!.props.title).toBe('aigate: promotion/prod-version-tested (changed line)');
    expect(r.summary).toContain('### 🔀 In this pull request');
  });

  it('on a secondary rate limit: waits for retry-after once and goes on', async () => {
    const ws = workspace();
    const gh = await github((g) => {
      const cr = checkRunHandlers(g);
      g.on('pulls/list-files', pullFilesHandler(prFiles(ws)));
      g.on('checks/create', (req, ctx) =>
        ctx.count === 1 ? { status: 403, body: errorBody(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'), headers: { 'retry-after': '1' } } : cr.create(req, ctx),
      );
    });
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });
    expect(r.code).toBe(1);
    expect(gh.calls('checks/create').map((e) => e.status)).toEqual([403, 201]);
    expect(r.stdout).toContain('answered 403; retrying in 1 s (retry 1).');
    expect(patches(gh)).toHaveLength(1);
    expect(byLevel(r, 'notice')).toHaveLength(0);
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();
}

/** Make the workspace a repository whose base commit runs version 7 in prod; the working tree bumps it to 8 (line 4). */
function withBaseCommit(ws: string): string {
  const green = read(ws, 'deploy/prod/green.yml');
  writeFileSync(nodePath.join(ws, 'deploy/prod/green.yml'), green.replace('versions/8', 'versions/7'));
  git(ws, 'init', '-q', '-b', 'main');
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', 'base');
  writeFileSync(nodePath.join(ws, 'deploy/prod/green.yml'), green);
  return git(ws, 'rev-parse', 'HEAD');
}

function payloadWithBase(base: string, changes: { changedFiles?: number } = {}): Json {
  const p = pullRequestPayload('synchronize', changes) as Json & { pull_request: { base: Json } };
  p.pull_request.base.sha = base;
  return p;
}

describe('change sets GitHub does not give whole', () => {
  it('a file without a patch gets its changed lines from git diff against the base commit', async () => {
    const ws = workspace();
    const base = withBaseCommit(ws);
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler([{ filename: 'deploy/prod/green.yml', status: 'modified' }])));
    const r = await runAction({ workspace: ws, api: gh, payload: payloadWithBase(base) });
    expect(byLevel(r, 'error')[0]!.props.title).toBe('aigate: promotion/prod-version-tested (changed line)');
    expect(byLevel(r, 'notice')).toHaveLength(0);
    expect(r.summary).toContain('Changed files and lines come from the pull request files API and git diff against the base commit.');
  });

  it('a file without a patch and no base commit: the change set is marked incomplete', async () => {
    const ws = workspace();
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler([{ filename: 'deploy/prod/green.yml', status: 'modified' }])));
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });
    expect(byLevel(r, 'notice')[0]!.message).toMatch(/GitHub gave no diff for 1 file.*git could not give it/s);
    expect(byLevel(r, 'error')[0]!.props.title).toBe('aigate: promotion/prod-version-tested');
  });

  function bigPr(ws: string): PrFile[] {
    const real = prFiles(ws).slice(0, 1);
    const filler = Array.from({ length: 3499 }, (_, i): PrFile => ({ filename: `generated/data-${String(i).padStart(4, '0')}.txt`, status: 'added', patch: '@@ -0,0 +1 @@\n+x' }));
    // GitHub's order is not the test's concern: put the real file last, beyond the 3,000 cap.
    return [...filler, ...real];
  }

  it('a PR over 3,000 files: the listing stops at the cap, and with no base commit the change set is incomplete', async () => {
    const ws = workspace();
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler(bigPr(ws))));
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened', { changedFiles: 3500 }) });
    const calls = gh.calls('pulls/list-files');
    expect(calls).toHaveLength(30);
    expect(calls.map((c) => c.query.get('page') ?? '1')).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
    expect(byLevel(r, 'notice')[0]!.message).toMatch(/GitHub lists at most 3,000 files of a pull request, and this one changes 3,500\..*not in the local repository/s);
    expect(r.summary).toContain('**The change set is incomplete**');
    // The one real file was past the cap: nothing is known to be on a changed line.
    expect(byLevel(r, 'error').some((a) => a.props.title!.includes('changed line'))).toBe(false);
    expect(r.code).toBe(1);
  });

  it('a PR over 3,000 files with the base commit at hand: git diff fills the change set', async () => {
    const ws = workspace();
    const base = withBaseCommit(ws);
    const gh = await github((g) => g.on('pulls/list-files', pullFilesHandler(bigPr(ws))));
    const r = await runAction({ workspace: ws, api: gh, payload: payloadWithBase(base, { changedFiles: 3500 }) });
    expect(byLevel(r, 'notice')).toHaveLength(0);
    expect(byLevel(r, 'error')[0]!.props.title).toBe('aigate: promotion/prod-version-tested (changed line)');
    expect(r.summary).not.toContain('incomplete');
  });
});

describe('policy problems and inputs', () => {
  it('a broken aigate.yaml is an error annotation on that file and fails the step whatever fail-on says', async () => {
    const ws = workspace();
    writeFileSync(nodePath.join(ws, 'aigate.yaml'), 'version: 1\nenvironments:\n  - name: dev\n    protected: sometimes\n  - [broken\n');
    const r = await runAction({ workspace: ws, inputs: { 'fail-on': 'never', 'check-run': 'false' } });
    expect(r.code).toBe(1);
    const first = byLevel(r, 'error')[0]!;
    expect(first.props).toMatchObject({ file: 'aigate.yaml', title: 'aigate: aigate/policy-error' });
    expect(r.summary).toMatch(/🔴 \*\*Failing\*\*: aigate\.yaml has \d+ errors? \(see the aigate\/policy-error findings\)/);
    expect(r.outputs.conclusion).toBe('failure');
  });

  it('a missing aigate.yaml: a note by default, an error with require-policy', async () => {
    const ws = workspace();
    rmSync(nodePath.join(ws, 'aigate.yaml'));
    const relaxed = await runAction({ workspace: ws, inputs: { 'fail-on': 'never', 'check-run': 'false' } });
    expect(relaxed.code).toBe(0);
    expect(relaxed.summary).toContain('No aigate.yaml in');
    const strict = await runAction({ workspace: ws, inputs: { 'fail-on': 'never', 'require-policy': 'true', 'check-run': 'false' } });
    expect(strict.code).toBe(1);
    expect(byLevel(strict, 'error')[0]!.message).toMatch(/^No policy file: aigate\.yaml does not exist/);
  });

  it('the policy input: a policy file elsewhere in the workspace replaces aigate.yaml; a missing one fails the step', async () => {
    const ws = workspace();
    const policy = readFileSync(nodePath.join(ws, 'aigate.yaml'), 'utf8');
    mkdirSync(nodePath.join(ws, 'governance'));
    writeFileSync(nodePath.join(ws, 'governance', 'team.yaml'), policy.replace('rules:\n', 'rules:\n  promotion/prod-version-tested: off\n'));
    const flagged = (r: Awaited<ReturnType<typeof runAction>>): boolean => r.annotations.some((a) => a.props.title?.includes('promotion/prod-version-tested'));
    const own = await runAction({ workspace: ws, inputs: { 'fail-on': 'never', 'check-run': 'false' } });
    expect(flagged(own)).toBe(true);
    const team = await runAction({ workspace: ws, inputs: { 'fail-on': 'never', 'check-run': 'false', policy: 'governance/team.yaml' } });
    expect(team.code).toBe(0);
    expect(flagged(team)).toBe(false);
    expect(team.summary).toContain('Policy read from governance/team.yaml.');
    // Checking a subfolder with a policy beside it: paths stay relative to the repository.
    const sub = await runAction({ workspace: ws, inputs: { 'fail-on': 'never', 'check-run': 'false', path: 'deploy', policy: 'governance/missing.yaml' } });
    expect(sub.code).toBe(1);
    // No line to point at: the annotation names the file in its message.
    expect(byLevel(sub, 'error')[0]).toMatchObject({ props: { title: 'aigate: aigate/policy-error' } });
    expect(byLevel(sub, 'error')[0]!.message).toMatch(/^governance\/missing\.yaml:1: The policy file does not exist/);
    expect(sub.summary).toMatch(/governance\/missing\.yaml has 1 error/);
    const outside = await runAction({ workspace: ws, inputs: { policy: '../team.yaml' } });
    expect(outside.code).toBe(1);
    expect(outside.annotations[0]!.message).toMatch(/input 'policy' \(\.\.\/team\.yaml\) is outside the workspace/);
    const gate = await runAction({ workspace: ws, inputs: { command: 'gate', policy: 'governance/team.yaml' } });
    expect(gate.code).toBe(1);
    expect(gate.annotations[0]!.message).toMatch(/input 'policy' is for `check`/);
  });

  it('a push (no pull request): no files API, one list of findings', async () => {
    const ws = workspace();
    const gh = await github();
    const r = await runAction({ workspace: ws, api: gh, eventName: 'push', inputs: { 'fail-on': 'warning' } });
    expect(r.code).toBe(1);
    expect(gh.calls('pulls/list-files')).toHaveLength(0);
    expect(gh.calls('checks/create')[0]!.body).toMatchObject({ head_sha: HEAD_SHA });
    expect(r.summary).toContain(`### Findings (${(await expected(ws)).total})`);
    expect(r.summary).not.toContain('In this pull request');
  });

  it('a bad input is an error annotation and exit code 1', async () => {
    const ws = workspace();
    const r = await runAction({ workspace: ws, inputs: { 'fail-on': 'sometimes' } });
    expect(r.code).toBe(1);
    expect(r.annotations).toEqual([{ level: 'error', props: { title: 'aigate: invalid input' }, message: "input 'fail-on' takes one of error, warning, info, never, not 'sometimes'" }]);
    const outside = await runAction({ workspace: ws, inputs: { path: '../elsewhere' } });
    expect(outside.annotations[0]!.message).toMatch(/outside the workspace/);
  });

  it('an unreadable event payload is a notice, not a crash', async () => {
    const ws = workspace();
    const r = await runAction({ workspace: ws, payload: { pull_request: { number: 'seven' } }, inputs: { 'check-run': 'false' } });
    expect(r.code).toBe(1);
    expect(byLevel(r, 'notice')[0]!.message).toMatch(/event payload could not be used/);
  });
});

