import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub, errorBody } from './support/fake-github.js';
import { grant, installGateApi, join, newState, promotionRepo, pullRequestEvent, reviewEvent, type Account, type GateState, type PromotionRepo } from './support/gate-github.js';
import { cleanup, OWNER, REPO, runAction, TOKEN, type RunResult } from './support/harness.js';

type Json = Record<string, unknown>;

const SAM: Account = { login: 'sam-dev', id: 2001 }; // the author
const DANA: Account = { login: 'dana-release', id: 2002 }; // named prod approver
const MAYA: Account = { login: 'maya-ml', id: 2003 }; // active member of contoso/ml-release
const LI: Account = { login: 'li-ml', id: 2004 }; // active member, maintain role
const OMAR: Account = { login: 'omar-ops', id: 2005 }; // write access, in no team
const PAT: Account = { login: 'pat-new', id: 2006 }; // invited to contoso/ml-release, not yet accepted
const NUMBER = 7;
const PROMOTION = 'prod ← support-chat-model:7 (blue on support-chat-prod)';

let repo: PromotionRepo;
beforeAll(() => {
  repo = promotionRepo();
});
afterAll(() => cleanup(repo.dir));

const servers: FakeGitHub[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    await s.close();
    // Every request the action made, and every answer the fake gave, matched GitHub's OpenAPI description.
    expect(s.violations).toEqual([]);
  }
});

/** The pull request at its head, with its two commits by the author, and the people of the policy. */
function state(): GateState {
  const s = newState({
    number: NUMBER,
    author: SAM,
    base: repo.base,
    head: repo.head,
    commits: [
      { sha: repo.first, author: SAM, committer: SAM },
      { sha: repo.head, author: SAM, committer: SAM },
    ],
    files: repo.files,
  });
  grant(s, SAM, 'write');
  grant(s, DANA, 'admin');
  grant(s, MAYA, 'write');
  grant(s, LI, 'maintain');
  grant(s, OMAR, 'write');
  grant(s, PAT, 'write');
  join(s, 'contoso/ml-release', MAYA);
  join(s, 'contoso/ml-release', LI);
  join(s, 'contoso/ml-release', PAT, 'pending');
  join(s, 'contoso/ml-platform', DANA);
  join(s, 'contoso/ml-quality', MAYA);
  return s;
}

/** The pull request at its head, approved there by two active members of the approver team. */
function approvedState(): GateState {
  const s = state();
  s.reviews.push({ user: MAYA, state: 'APPROVED', commit: repo.head }, { user: LI, state: 'APPROVED', commit: repo.head });
  return s;
}

async function github(s: GateState): Promise<FakeGitHub> {
  const gh = new FakeGitHub(undefined, TOKEN);
  installGateApi(gh, s);
  await gh.start();
  servers.push(gh);
  return gh;
}

function gate(gh: FakeGitHub, eventName: string, payload: Json, inputs: Record<string, string> = {}): Promise<RunResult> {
  return runAction({ workspace: repo.workspace, api: gh, eventName, payload, inputs: { command: 'gate', ...inputs } });
}

/** The check run this run wrote: created in progress on the head, completed with the verdict. */
function checkRun(gh: FakeGitHub, from: number): { created: Json; completed: Json } {
  const created = gh.calls('checks/create').slice(from);
  const updated = gh.calls('checks/update').slice(from);
  expect(created).toHaveLength(1);
  expect(updated).toHaveLength(1);
  expect(created[0]!.body).toMatchObject({ name: 'aigate gate', head_sha: repo.head, status: 'in_progress', external_id: `aigate-gate:${NUMBER}:${repo.head}` });
  expect(updated[0]!.path).toBe(`/repos/${OWNER}/${REPO}/check-runs/${(created[0]!.responseBody as Json).id as number}`);
  return { created: created[0]!.body as Json, completed: updated[0]!.body as Json };
}

function expectRed(r: RunResult, completed: Json, missing: number): string {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  expect(r.outputs).toMatchObject({ conclusion: 'failure', promotions: '1', missing: String(missing) });
  expect(completed).toMatchObject({ status: 'completed', conclusion: 'failure' });
  const output = completed.output as { title: string; summary: string };
  expect(output.title).toBe(`Promotion gate: ${missing} thing${missing === 1 ? '' : 's'} missing`);
  expect(output.summary.length).toBeLessThan(65_535);
  // The job summary carries the same dossier as the check run.
  expect(r.summary.startsWith(output.summary)).toBe(true);
  expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.props.title)).toEqual(['aigate gate']);
  return output.summary;
}

describe('gate on a pull request that promotes a model version to prod', () => {
  it('stays red until enough valid approvals of the head commit arrive, then turns green', async () => {
    const s = state();
    s.head = repo.first;
    s.commits = s.commits.slice(0, 1);
    s.files = repo.files.filter((f) => f.filename !== 'README.md');
    const gh = await github(s);

    // 1. Opened: order and evidence are in place, no approval yet.
    let r = await gate(gh, 'pull_request', pullRequestEvent('opened', s));
    let runs = gh.calls('checks/create').length;
    expect(runs).toBe(1);
    {
      const created = gh.calls('checks/create')[0]!.body as Json;
      expect(created).toMatchObject({ name: 'aigate gate', head_sha: repo.first, status: 'in_progress' });
      const completed = gh.calls('checks/update')[0]!.body as Json;
      const summary = expectRed(r, completed, 1);
      expect(summary).toContain(`### Promotion 1 of 1: ${PROMOTION}`);
      expect(summary).toMatch(/\| Order \| ✅ support-chat-model:7 runs in test on the base branch/);
      expect(summary).toMatch(/\| Evidence \| ✅ support-chat quality: evaluation\/support-chat-model\/7\.json meets all 4 thresholds/);
      expect(summary).toContain('- approvals, prod approvers: 0 of 2 approvals on');
      expect(summary).toContain('No approving review yet.');
      expect(summary).toContain('policy `aigate.yaml` read from the base commit');
      expect(r.stdout).toContain(`Promotion 1 of 1: ${PROMOTION}`);
    }

    // 2. The author approves their own pull request: it does not count.
    s.reviews.push({ user: SAM, state: 'APPROVED', commit: repo.first });
    r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    {
      const created = gh.calls('checks/create')[runs]!.body as Json;
      expect(created.head_sha).toBe(repo.first);
      const summary = expectRed(r, gh.calls('checks/update')[runs]!.body as Json, 1);
      expect(summary).toMatch(/\| sam-dev \| APPROVED \| `[0-9a-f]{7}` \| [^|]+ \| ❌ does not count \| the author of the pull request cannot approve it \|/);
      runs++;
    }

    // 3. Dana approves the first commit; then the author pushes a second one: the approval is stale.
    s.reviews.push({ user: DANA, state: 'APPROVED', commit: repo.first });
    s.head = repo.head;
    s.commits = state().commits;
    s.files = repo.files;
    r = await gate(gh, 'pull_request', pullRequestEvent('synchronize', s));
    {
      const { completed } = checkRun(gh, runs);
      const summary = expectRed(r, completed, 1);
      expect(summary).toContain(`| dana-release | APPROVED | \`${repo.first.slice(0, 7)}\``);
      expect(summary).toContain(`approved commit ${repo.first.slice(0, 7)}, not the current head ${repo.head.slice(0, 7)}; approve again`);
      expect(summary).toContain(`0 of 2 approvals on ${repo.head.slice(0, 7)}`);
      runs++;
    }

    // 4. Approvals of the head by someone in no approver team, and by a pending member: none counts.
    s.reviews.push({ user: OMAR, state: 'APPROVED', commit: repo.head }, { user: PAT, state: 'APPROVED', commit: repo.head });
    r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    {
      const { completed } = checkRun(gh, runs);
      const summary = expectRed(r, completed, 1);
      expect(summary).toMatch(/\| omar-ops \| APPROVED \|.*❌ does not count \| not among the prod approvers \|/);
      expect(summary).toMatch(/\| pat-new \| APPROVED \|.*❌ does not count \| membership of contoso\/ml-release is pending, not active \|/);
      expect(summary).toContain(`0 of 2 approvals on ${repo.head.slice(0, 7)}`);
      runs++;
    }

    // 5. Two active members of the approver team, with write access, approve the head: green.
    s.reviews.push({ user: MAYA, state: 'COMMENTED', commit: repo.head }, { user: MAYA, state: 'APPROVED', commit: repo.head }, { user: LI, state: 'APPROVED', commit: repo.head });
    r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    {
      const { completed } = checkRun(gh, runs);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.outputs).toEqual({ conclusion: 'success', promotions: '1', missing: '0', 'check-run-id': String(((gh.calls('checks/create')[runs]!.responseBody as Json).id as number)) });
      expect(completed).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'Promotion gate passed: 1 promotion in order, with evidence and approvals' } });
      const summary = (completed.output as { summary: string }).summary;
      expect(summary.startsWith('## ✅ Promotion gate passed')).toBe(true);
      expect(summary).not.toContain('### Still missing');
      expect(summary).toContain(`#### ✅ prod approvers: 2 of 2 approvals on ${repo.head.slice(0, 7)}`);
      expect(summary).toMatch(/\| maya-ml \| APPROVED \|.*✅ counts \| active member of contoso\/ml-release \|/);
      expect(summary).toMatch(/\| li-ml \| APPROVED \|.*✅ counts \| active member of contoso\/ml-release \|/);
      expect(r.summary.startsWith(summary)).toBe(true);
      expect(r.summary).toContain(`Check run \`aigate gate\` on ${repo.head.slice(0, 7)}: success.`);
      expect(r.annotations.filter((a) => a.level === 'error')).toEqual([]);
    }

    // No file was read through the API: trees and contents come from the local clone.
    const operations = new Set(gh.exchanges.map((e) => e.operationId));
    expect([...operations].sort()).toEqual(['checks/create', 'checks/update', 'pulls/get', 'pulls/list-commits', 'pulls/list-files', 'pulls/list-reviews', 'repos/get-collaborator-permission-level', 'teams/get-by-name', 'teams/get-membership-for-user-in-org']);
  });

  it('fails closed with the Members: read permission named when the token cannot read team membership (403)', async () => {
    const s = approvedState();
    s.fail = (op) => (op === 'teams/get-membership-for-user-in-org' ? { status: 403, body: errorBody(403, 'Resource not accessible by integration') } : undefined);
    const gh = await github(s);
    const r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    const { completed } = checkRun(gh, 0);
    const summary = expectRed(r, completed, Number(r.outputs.missing));
    expect(summary).toContain("reading maya-ml's membership of team contoso/ml-release failed (HTTP 403): the token cannot read team membership of contoso/ml-release: give the workflow a GitHub App token with the organization permission Members: read");
    expect(summary).toMatch(/\| maya-ml \| APPROVED \|.*❌ does not count \| membership of contoso\/ml-release could not be read \|/);
    expect(r.annotations.find((a) => a.level === 'error')!.message).toContain('Members: read');
  });

  it('reads reviews on every page: calls grow with pages of reviews, not with files; a 500 mid-way fails closed', async () => {
    // 148 comments by others, then the two approvals on the second page.
    const s = approvedState();
    const chatter = Array.from({ length: 148 }, (_, i) => ({ user: { login: `reader-${i}`, id: 10_000 + i }, state: 'COMMENTED' as const, commit: repo.head }));
    s.reviews = [...chatter, ...s.reviews];
    const gh = await github(s);
    let r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs.conclusion).toBe('success');
    const reviewPages = gh.calls('pulls/list-reviews').map((e) => `${e.query.get('per_page')}:${e.query.get('page')}`);
    expect(reviewPages).toEqual(['100:1', '100:2']);
    const count = (): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const e of gh.exchanges) out[e.operationId!] = (out[e.operationId!] ?? 0) + 1;
      return out;
    };
    // One pull request, one page each of files and commits, two of reviews, one team, and per approver
    // one permission and one membership: nothing per repository file.
    expect(count()).toEqual({ 'pulls/get': 1, 'pulls/list-files': 1, 'pulls/list-reviews': 2, 'pulls/list-commits': 1, 'teams/get-by-name': 1, 'repos/get-collaborator-permission-level': 2, 'teams/get-membership-for-user-in-org': 2, 'checks/create': 1, 'checks/update': 1 });
    expect(repo.fileCount).toBeGreaterThan(gh.exchanges.length);

    // A hundred more reviews: one more page, one more request.
    s.reviews = [...Array.from({ length: 100 }, (_, i) => ({ user: { login: `late-reader-${i}`, id: 20_000 + i }, state: 'COMMENTED' as const, commit: repo.head })), ...s.reviews];
    gh.exchanges.length = 0;
    r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    expect(r.code).toBe(0);
    expect(count()).toMatchObject({ 'pulls/list-reviews': 3 });
    expect(gh.exchanges).toHaveLength(13);

    // GitHub fails on the second page, on every retry: red, never green by default.
    s.fail = (op, req) => (op === 'pulls/list-reviews' && req.query.get('page') === '2' ? { status: 500, body: errorBody(500, 'Server Error'), headers: { 'retry-after': '0' } } : undefined);
    gh.exchanges.length = 0;
    r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    expect(gh.calls('pulls/list-reviews').filter((e) => e.query.get('page') === '2')).toHaveLength(4); // the first try and three retries
    const { completed } = checkRun(gh, gh.calls('checks/create').length - 1);
    const summary = expectRed(r, completed, Number(r.outputs.missing));
    expect(summary).toMatch(/listing the reviews of pull request #7 failed \(HTTP 500: GET \/repos\/contoso\/contoso-chat\/pulls\/7\/reviews: 500 Server Error \(after 4 attempts\)\); re-run the check, the gate never passes what it could not check/);
    expect(r.stdout).toMatch(/answered 500; retrying in 0 s \(retry 3\)/);
  });

  it('turns the step red when the check run cannot be written (403), with a notice, even on a passing verdict', async () => {
    const s = approvedState();
    s.fail = (op) => (op === 'checks/create' ? { status: 403, body: errorBody(403, 'Resource not accessible by integration') } : undefined);
    const gh = await github(s);
    const r = await gate(gh, 'pull_request_review', reviewEvent('submitted', s, s.reviews.at(-1)!));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ conclusion: 'failure', promotions: '1', missing: '0', 'check-run-id': '' });
    expect(gh.calls('checks/update')).toHaveLength(0);
    const notice = r.annotations.find((a) => a.level === 'notice');
    expect(notice?.props.title).toBe('aigate gate: no check run');
    expect(notice?.message).toContain('The check run `aigate gate` could not be written. The token may not write checks (POST /repos/contoso/contoso-chat/check-runs: 403 Resource not accessible by integration): give the workflow `permissions: checks: write`.');
    expect(r.summary.startsWith('## ✅ Promotion gate passed')).toBe(true);
    expect(r.summary).toContain('This step fails so that the missing check is not taken for a pass.');
  });

  it('judges the pull request as the API has it, and fails closed on other events and on commits missing from the clone', async () => {
    // The event names another base (whose policy wants one prod approval) and an older head: the API's pull request decides.
    const s = approvedState();
    s.reviews = s.reviews.filter((x) => x.user.login === MAYA.login);
    const gh = await github(s);
    let r = await gate(gh, 'pull_request', pullRequestEvent('synchronize', s, { base: repo.lax, head: repo.first }));
    const { completed } = checkRun(gh, 0);
    const summary = expectRed(r, completed, 1);
    expect(summary).toContain(`head \`${repo.head.slice(0, 7)}\` · base \`${repo.base.slice(0, 7)}\``);
    expect(summary).toContain(`#### ❌ prod approvers: 1 of 2 approvals on ${repo.head.slice(0, 7)}`);
    expect(summary).toContain(`this run was started for commit ${repo.first.slice(0, 7)}; the pull request's head is now ${repo.head.slice(0, 7)}, the commit judged here`);

    // A head the clone does not have (here on pull_request_target, as for a fork): red, saying how to fetch it; no reviews are read.
    const missing = 'c0ffee'.padEnd(40, '0');
    s.head = missing;
    gh.exchanges.length = 0;
    r = await gate(gh, 'pull_request_target', pullRequestEvent('synchronize', s));
    expect(r.code).toBe(1);
    expect(gh.calls('checks/create')[0]!.body).toMatchObject({ head_sha: missing });
    const text = ((gh.calls('checks/update')[0]!.body as Json).output as { summary: string }).summary;
    expect(text).toContain(`- the local clone lacks the head commit c0ffee0 (fetch it with: git fetch --no-tags origin +refs/pull/${NUMBER}/head); the gate reads the files of both commits with git: check out with actions/checkout and fetch-depth: 0`);
    expect(text).toContain('policy not read');
    expect(text).toContain('The gate stopped before it could read the change');
    expect(gh.calls('pulls/list-reviews')).toHaveLength(0);

    // Not a pull request event: a clear error, and no API call.
    gh.exchanges.length = 0;
    r = await gate(gh, 'push', { ref: 'refs/heads/main', after: repo.head, repository: { full_name: `${OWNER}/${REPO}` } });
    expect(r.code).toBe(1);
    expect(r.annotations).toEqual([{ level: 'error', props: { title: 'aigate gate' }, message: expect.stringContaining("the promotion gate judges pull requests, and this run was started by a 'push' event: run it `on: pull_request`") }]);
    expect(r.outputs.conclusion).toBe('failure');
    expect(gh.exchanges).toEqual([]);
  });
});
