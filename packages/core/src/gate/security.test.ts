/**
 * The gate's security properties, each a scenario that must stay red. They run the whole evaluator
 * against the in-memory GitHub: reviews, commits, permissions and teams as the REST API returns them.
 */
import { describe, expect, it } from 'vitest';
import { evaluatePullRequest } from './evaluate.js';
import { InMemoryGateGitHub, ghUser } from './fake.js';
import { baseFiles, deployment, evidence, PEOPLE, POLICY, promoteProd, seedPeople } from './fixture.js';
import { GateApiError } from './github.js';
import type { GateVerdict } from './types.js';

interface Scenario {
  gh: InMemoryGateGitHub;
  base: string;
  head: string;
  run(): Promise<GateVerdict>;
}

function scenario(baseTree = baseFiles(), headTree = promoteProd(baseTree)): Scenario {
  const gh = new InMemoryGateGitHub();
  seedPeople(gh);
  const base = gh.commit(baseTree);
  const head = gh.commit(headTree);
  gh.openPullRequest({ author: PEOPLE.author, base, head });
  return { gh, base, head, run: () => evaluatePullRequest(gh, { pullNumber: 1 }) };
}

function prodApprovals(v: GateVerdict): GateVerdict['requirements'][number] {
  return v.requirements.find((r) => r.requirement.id === 'environment:prod')!;
}

function reasonOf(v: GateVerdict, login: string): string | undefined {
  return prodApprovals(v).approvals.find((a) => a.login === login)?.reason;
}

describe('the gate passes only a complete promotion', () => {
  it('is green with order, evidence and two valid approvals on the head commit', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    const v = await s.run();
    expect(v.missing).toEqual([]);
    expect(v.conclusion).toBe('success');
    expect(prodApprovals(v).approvals.map((a) => `${a.login} ${a.counted} ${a.reason}`)).toEqual(['dana true named approver', 'erin true active member of contoso/ml-release']);
    expect(v.title).toBe('Promotion gate passed: 1 promotion in order, with evidence and approvals');
  });

  it('is green with no promotion and no policy change, and says so', async () => {
    const base = baseFiles();
    const s = scenario(base, { ...base, 'README.md': 'how to run the evaluation' });
    const v = await s.run();
    expect(v).toMatchObject({ conclusion: 'success', title: 'Promotion gate passed: no promotion in this pull request', missing: [], requirements: [] });
  });

  it('is red with one approval of two', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.missing).toEqual([`approvals, prod approvers: 1 of 2 approvals on ${s.head.slice(0, 7)}`]);
  });

  it('keeps an approval when the reviewer only comments afterwards', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'COMMENTED');
    expect((await s.run()).conclusion).toBe('success');
  });
});

describe('security: each scenario stays red', () => {
  it('the author approves their own pull request', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.author, 'APPROVED'); // alex is an active member of contoso/ml-release
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'alex')).toBe('the author of the pull request cannot approve it');
  });

  it('a reviewer who wrote a commit of the pull request approves it', async () => {
    const s = scenario();
    const extra = s.gh.commit({ ...promoteProd(), 'notes.txt': 'frank was here' });
    s.gh.push(1, extra, PEOPLE.frank);
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.frank, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'frank')).toBe(`wrote or committed commit ${extra.slice(0, 7)} of this pull request, so cannot approve it`);
  });

  it('an approval made on an older commit', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    const newer = s.gh.commit({ ...promoteProd(), 'deploy/prod/blue.yml': deployment('prod', 7, { instanceCount: 4 }) });
    s.gh.push(1, newer);
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'erin')).toBe(`approved commit ${s.head.slice(0, 7)}, not the current head ${newer.slice(0, 7)}; approve again`);
  });

  it('approve, then request changes', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'CHANGES_REQUESTED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'erin')).toMatch(/^requested changes after approving/);
  });

  it('a dismissed review', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    const r = s.gh.review(1, PEOPLE.erin, 'APPROVED');
    s.gh.dismiss(1, r.id);
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'erin')).toBe('the latest review was dismissed');
  });

  it('a bot approval', async () => {
    const s = scenario();
    s.gh.addTeamMember('contoso/ml-release', PEOPLE.bot.login);
    s.gh.setPermission(PEOPLE.bot.login, 'write');
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.bot, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, PEOPLE.bot.login)).toBe('a bot account; only people approve promotions');
    // A `[bot]` login is refused even if its type says User.
    const s2 = scenario();
    const disguised = ghUser('deploy[bot]', 901, 'User');
    s2.gh.addTeamMember('contoso/ml-release', disguised.login);
    s2.gh.setPermission(disguised.login, 'write');
    s2.gh.review(1, PEOPLE.dana, 'APPROVED');
    s2.gh.review(1, disguised, 'APPROVED');
    expect((await s2.run()).conclusion).toBe('failure');
  });

  it('an approver without write access', async () => {
    const s = scenario();
    s.gh.addTeamMember('contoso/ml-release', 'mallory'); // read role
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.mallory, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'mallory')).toBe('has the read role, without write access to contoso/support-chat');
    // triage maps to read; a custom role counts only when the policy names it and it grants write.
    s.gh.setPermission('mallory', 'triage');
    expect(reasonOf(await s.run(), 'mallory')).toBe('has the triage role, without write access to contoso/support-chat');
    s.gh.setPermissionRaw('mallory', { permission: 'write', role_name: 'release-manager' });
    expect(reasonOf(await s.run(), 'mallory')).toBe('has the release-manager role, without write access to contoso/support-chat');
  });

  it('a custom role named in approval_roles counts when it grants write', async () => {
    const policy = `${POLICY}approval_roles: [release-manager]\n`;
    const s = scenario({ ...baseFiles(), 'aigate.yaml': policy }, promoteProd({ ...baseFiles(), 'aigate.yaml': policy }));
    s.gh.addTeamMember('contoso/ml-release', 'mallory');
    s.gh.setPermissionRaw('mallory', { permission: 'write', role_name: 'release-manager' });
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.mallory, 'APPROVED');
    expect((await s.run()).conclusion).toBe('success');
    // ...but not when its base permission is read.
    s.gh.setPermissionRaw('mallory', { permission: 'read', role_name: 'release-manager' });
    expect((await s.run()).conclusion).toBe('failure');
  });

  it('a team member whose membership is pending', async () => {
    const s = scenario();
    s.gh.addTeamMember('contoso/ml-release', 'quinn', 'pending');
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.quinn, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'quinn')).toBe('membership of contoso/ml-release is pending, not active');
  });

  it('a pull request that adds its author to the approvers in aigate.yaml', async () => {
    const base = baseFiles();
    const widened = POLICY.replace('users: [dana]', 'users: [dana, alex, quinn]').replace('required: 2', 'required: 1');
    const s = scenario(base, { ...promoteProd(base), 'aigate.yaml': widened });
    s.gh.review(1, PEOPLE.author, 'APPROVED');
    s.gh.review(1, PEOPLE.quinn, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    // The base policy decides: prod still needs two approvals from dana or the team; quinn is not among them.
    expect(prodApprovals(v).requirement).toMatchObject({ users: ['dana'], required: 2 });
    expect(reasonOf(v, 'quinn')).toBe('not among the prod approvers');
    const owners = v.requirements.find((r) => r.requirement.id === 'policy-owners')!;
    expect(owners.state).toBe('fail');
    expect(owners.requirement.users).toEqual(['olga']);
  });

  it('a pull request that lowers a threshold in the same change as the promotion', async () => {
    const base = { ...baseFiles(), 'evaluation/support-chat-model/7.json': evidence(7, { groundedness: 3.5, p95_latency_ms: 900 }) };
    const s = scenario(base, { ...promoteProd(base), 'aigate.yaml': POLICY.replace('at_least: 4.0', 'at_least: 3.0') });
    for (const p of [PEOPLE.dana, PEOPLE.erin, PEOPLE.olga]) s.gh.review(1, p, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.promotions[0]!.evidence.state).toBe('fail'); // the base threshold (4.0) still applies
    const owners = v.requirements.find((r) => r.requirement.kind === 'evidence-owners')!;
    expect(owners.state).toBe('fail');
    expect(owners.requirement.reasons.join()).toMatch(/changes the thresholds or evidence settings of quality gate 'support-chat quality'/);
    // Even with passing evidence, the evidence owners must approve the lowered threshold.
    const s2 = scenario(baseFiles(), { ...promoteProd(), 'aigate.yaml': POLICY.replace('at_least: 4.0', 'at_least: 3.0') });
    for (const p of [PEOPLE.dana, PEOPLE.erin, PEOPLE.olga]) s2.gh.review(1, p, 'APPROVED');
    const v2 = await s2.run();
    expect(v2.conclusion).toBe('failure');
    s2.gh.review(1, PEOPLE.quinn, 'APPROVED');
    expect((await s2.run()).conclusion).toBe('success');
  });

  it('evidence for another version', async () => {
    const base = { ...baseFiles(), 'deploy/test/blue.yml': deployment('test', 8), 'deploy/dev/blue.yml': deployment('dev', 8), 'evaluation/support-chat-model/8.json': evidence(7) };
    const s = scenario(base, { ...base, 'deploy/prod/blue.yml': deployment('prod', 8) });
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.promotions[0]!.order.state).toBe('pass');
    expect(v.missing).toEqual(['evidence, prod (blue on support-chat-prod): support-chat quality: the evidence evaluation/support-chat-model/8.json is for version 7 of support-chat-model, but the promotion brings version 8']);
  });

  it('a token without the team-read permission', async () => {
    const s = scenario();
    s.gh.hiddenTeams.add('contoso/ml-release');
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.problems.map((p) => p.message)).toContain(
      'reading team contoso/ml-release failed (HTTP 404): the token cannot read team membership of contoso/ml-release: give the workflow a GitHub App token with the organization permission Members: read (the default GITHUB_TOKEN cannot read teams), and check that the team exists',
    );
    // A forbidden answer is just as red.
    const s2 = scenario();
    s2.gh.failures.push({ method: 'getTeamMembership', error: new GateApiError('Resource not accessible by integration', { status: 403 }) });
    s2.gh.review(1, PEOPLE.dana, 'APPROVED');
    s2.gh.review(1, PEOPLE.erin, 'APPROVED');
    const v2 = await s2.run();
    expect(v2.conclusion).toBe('failure');
    expect(v2.problems[0]!.message).toMatch(/^reading erin's membership of team contoso\/ml-release failed \(HTTP 403\): the token cannot read team membership of contoso\/ml-release: give the workflow a GitHub App token with the organization permission Members: read/);
  });

  it('the API failing midway', async () => {
    for (const [method, fromCall] of [
      ['getCollaboratorPermission', 2],
      ['listReviews', 1],
      ['listPullRequestCommits', 1],
      ['getFileText', 5],
      ['getTree', 1],
      ['listPullRequestFiles', 1],
      ['getPullRequest', 1],
    ] as const) {
      const s = scenario();
      s.gh.review(1, PEOPLE.dana, 'APPROVED');
      s.gh.review(1, PEOPLE.erin, 'APPROVED');
      s.gh.failures.push({ method, fromCall, error: new GateApiError('Bad Gateway', { status: 502 }) });
      const v = await s.run();
      expect(v.conclusion, method).toBe('failure');
      expect(v.problems.map((p) => p.message).join('\n'), method).toMatch(/failed \(HTTP 502: Bad Gateway\); re-run the check, the gate never passes what it could not check/);
    }
  });

  it('a rate limit', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    s.gh.failures.push({ method: 'getCollaboratorPermission', error: new GateApiError('API rate limit exceeded', { status: 403, rateLimited: true, resetAt: '2025-05-01T10:00:00Z' }) });
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.problems[0]!.message).toBe("GitHub's rate limit stopped the gate while reading the repository permission of dana (it resets at 2025-05-01T10:00:00Z): re-run the check after that; the gate never passes what it could not check");
  });

  it('more than 100 reviews, with the latest state on page 2', async () => {
    const s = scenario();
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    for (let i = 0; i < 120; i++) s.gh.review(1, ghUser(`watcher-${i}`, 5000 + i), 'COMMENTED');
    s.gh.review(1, PEOPLE.erin, 'CHANGES_REQUESTED'); // review 123: on page 2
    const v = await s.run();
    expect(s.gh.calls.filter((c) => c.method === 'listReviews').map((c) => c.args[1])).toEqual([1, 2]);
    expect(v.conclusion).toBe('failure');
    expect(reasonOf(v, 'erin')).toMatch(/^requested changes after approving/);
    // And an approval on page 2 counts.
    const s2 = scenario();
    s2.gh.review(1, PEOPLE.dana, 'APPROVED');
    for (let i = 0; i < 120; i++) s2.gh.review(1, ghUser(`watcher-${i}`, 5000 + i), 'COMMENTED');
    s2.gh.review(1, PEOPLE.erin, 'APPROVED');
    expect((await s2.run()).conclusion).toBe('success');
  });

  it('a commit whose author is not linked to a GitHub account', async () => {
    const s = scenario();
    const extra = s.gh.commit({ ...promoteProd(), 'notes.txt': 'anonymous' });
    s.gh.push(1, extra);
    s.gh.pullRequests.get(1)!.commits[1]!.author = null;
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.problems[0]!.message).toMatch(new RegExp(`^commit ${extra.slice(0, 7)} \\(author\\) of pull request #1 is not linked to a GitHub account`));
  });

  it('more commits than GitHub lists', async () => {
    const s = scenario();
    const pr = s.gh.pullRequests.get(1)!;
    for (let i = 0; i < 260; i++) pr.commits.push({ sha: `${i}`.padStart(40, '0'), author: PEOPLE.author, committer: PEOPLE.author });
    pr.pr.commits = pr.commits.length;
    s.gh.review(1, PEOPLE.dana, 'APPROVED');
    s.gh.review(1, PEOPLE.erin, 'APPROVED');
    const v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.problems[0]!.message).toMatch(/has 261 commits, but GitHub lists only 250/);
  });

  it('a policy change approved by the policy owners passes; the policy comes from the base commit', async () => {
    const base = baseFiles();
    const s = scenario(base, { ...base, 'aigate.yaml': `${POLICY}# clarified\n` });
    let v = await s.run();
    expect(v.conclusion).toBe('failure');
    expect(v.missing).toEqual([`approvals, policy owners: 0 of 1 approval on ${s.head.slice(0, 7)}`]);
    // The policy is fetched at the base commit, never at the head.
    expect(s.gh.calls.filter((c) => c.method === 'getFileText' && c.args[0] === 'aigate.yaml').map((c) => c.args[1])).toEqual([s.base, s.head]);
    s.gh.review(1, PEOPLE.olga, 'APPROVED');
    v = await s.run();
    expect(v.conclusion).toBe('success');
  });

  it('needs a repository admin or maintainer for a policy change when no policy owners are named', async () => {
    const policy = POLICY.replace('policy_owners:\n  users: [olga]\n', '');
    const base = { ...baseFiles(), 'aigate.yaml': policy };
    const s = scenario(base, { ...base, 'aigate.yaml': `${policy}# edit\n` });
    s.gh.review(1, PEOPLE.erin, 'APPROVED'); // write role: not enough
    let v = await s.run();
    expect(v.conclusion).toBe('failure');
    s.gh.setPermission('erin', 'maintain');
    v = await s.run();
    expect(v.conclusion).toBe('success');
    expect(v.requirements[0]!.approvals[0]!.reason).toBe('repository maintain');
  });
});
