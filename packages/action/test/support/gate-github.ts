import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as nodePath from 'node:path';
import { errorBody, type FakeGitHub, type FakeRequest, type FakeResponse, type Handler } from './fake-github.js';
import { checkRunHandlers, EXAMPLE, OWNER, pullFilesHandler, REPO, tempDir, type PrFile } from './harness.js';

/**
 * The GitHub the promotion gate talks to, on top of the OpenAPI-checked fake: one pull request with
 * its commits, changed files and reviews, collaborators' permissions, teams and memberships. Every
 * body starts from the documented example of its operation, so answers have GitHub's full shape.
 */

type Json = Record<string, unknown>;
const require = createRequire(import.meta.url);

export interface Account {
  login: string;
  id: number;
  type?: 'User' | 'Bot';
}

export interface ReviewSpec {
  user: Account;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commit: string;
}

export interface GateState {
  number: number;
  author: Account;
  head: string;
  base: string;
  headRef: string;
  baseRef: string;
  commits: Array<{ sha: string; author: Account | null; committer: Account | null }>;
  files: PrFile[];
  reviews: ReviewSpec[];
  /** login (lower case) -> the account and its repository role (`admin`, `maintain`, `write`, `triage`, `read` or custom); others have none. */
  roles: Map<string, { account: Account; role: string }>;
  /** `org/slug` -> login -> membership state. */
  teams: Map<string, Map<string, 'active' | 'pending'>>;
  /** An answer that replaces the normal one (an error), by operation id; undefined keeps the normal one. */
  fail?: (operationId: string, req: FakeRequest) => FakeResponse | undefined;
}

export function newState(args: { number: number; author: Account; base: string; head: string; commits?: GateState['commits']; files?: PrFile[] }): GateState {
  return {
    number: args.number,
    author: args.author,
    head: args.head,
    base: args.base,
    headRef: 'promote-support-chat-7',
    baseRef: 'main',
    commits: args.commits ?? [{ sha: args.head, author: args.author, committer: args.author }],
    files: args.files ?? [],
    reviews: [],
    roles: new Map(),
    teams: new Map(),
  };
}

/** Give an account a repository role. */
export function grant(state: GateState, account: Account, role: string): void {
  state.roles.set(account.login.toLowerCase(), { account, role });
}

/** Make an account a member of a team (`org/slug`). */
export function join(state: GateState, team: string, account: Account, membership: 'active' | 'pending' = 'active'): void {
  const key = team.toLowerCase();
  if (!state.teams.has(key)) state.teams.set(key, new Map());
  state.teams.get(key)!.set(account.login.toLowerCase(), membership);
}

/** A simple-user as the REST API and webhooks give it. */
export function userBody(example: Json, a: Account): Json {
  return {
    ...example,
    login: a.login,
    id: a.id,
    node_id: `U_${a.id}`,
    type: a.type ?? 'User',
    url: `https://api.github.com/users/${a.login}`,
    html_url: `https://github.com/${a.login}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${a.id}?v=4`,
  };
}

/** A page of a list, with `Link` headers as GitHub sends them. */
function paged(req: FakeRequest, baseUrl: string, items: readonly Json[]): FakeResponse {
  const perPage = Math.min(100, Number(req.query.get('per_page') ?? 30));
  const page = Number(req.query.get('page') ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string): string => `<${baseUrl}${req.path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  const res: FakeResponse = { status: 200, body: items.slice((page - 1) * perPage, page * perPage) };
  if (links.length) res.headers = { link: links.join(', ') };
  return res;
}

function legacyPermission(role: string): string {
  if (role === 'maintain') return 'write';
  if (role === 'triage') return 'read';
  if (['admin', 'write', 'read', 'none'].includes(role)) return role;
  return 'write'; // a custom role built on write
}

/** Register every operation the gate uses on the fake, answering from `state` (read at each request). */
export function installGateApi(fake: FakeGitHub, state: GateState): void {
  const api = fake.api;
  interface On {
    on(operationId: string, handler: Handler): On;
  }
  const gh: On = {
    on(operationId, handler) {
      fake.on(operationId, (req, ctx) => state.fail?.(operationId, req) ?? handler(req, ctx));
      return gh;
    },
  };
  const exampleUser = api.example('pull-request-review-items') as unknown as Json[];
  const baseUser = exampleUser[0]!.user as Json;
  const repoPath = `${OWNER}/${REPO}`;

  gh.on('pulls/get', () => {
    const pr = api.example('pull-request');
    const n = state.number;
    Object.assign(pr, {
      number: n,
      id: 900_000 + n,
      state: 'open',
      title: 'Promote support-chat-model 7 to prod',
      url: `https://api.github.com/repos/${repoPath}/pulls/${n}`,
      html_url: `https://github.com/${repoPath}/pull/${n}`,
      user: userBody(baseUser, state.author),
      commits: state.commits.length,
      changed_files: state.files.length,
      draft: false,
      requested_reviewers: [],
      requested_teams: [],
    });
    const head = pr.head as Json;
    const base = pr.base as Json;
    Object.assign(head, { sha: state.head, ref: state.headRef, label: `${OWNER}:${state.headRef}` });
    Object.assign(base, { sha: state.base, ref: state.baseRef, label: `${OWNER}:${state.baseRef}` });
    return { status: 200, body: pr };
  });

  gh.on('pulls/list-reviews', (req, { baseUrl }) => {
    const template = exampleUser[0]!;
    const items = state.reviews.map((r, i) => ({
      ...template,
      id: 5000 + i,
      node_id: `PRR_${5000 + i}`,
      user: userBody(baseUser, r.user),
      body: r.state === 'APPROVED' ? 'Looks right.' : '',
      state: r.state,
      commit_id: r.commit,
      submitted_at: new Date(Date.UTC(2025, 4, 1, 9, 0, i)).toISOString().replace('.000Z', 'Z'),
      html_url: `https://github.com/${repoPath}/pull/${state.number}#pullrequestreview-${5000 + i}`,
      pull_request_url: `https://api.github.com/repos/${repoPath}/pulls/${state.number}`,
      _links: { html: { href: `https://github.com/${repoPath}/pull/${state.number}#pullrequestreview-${5000 + i}` }, pull_request: { href: `https://api.github.com/repos/${repoPath}/pulls/${state.number}` } },
    }));
    return paged(req, baseUrl, items);
  });

  gh.on('pulls/list-commits', (req, { baseUrl }) => {
    const template = (api.example('commit-items') as unknown as Json[])[0]!;
    const items = state.commits.slice(0, 250).map((c) => {
      const commit = structuredClone(template.commit) as Json;
      const who = (a: Account | null): Json => ({ name: a?.login ?? 'Unlinked Person', email: a ? `${a.id}+${a.login}@users.noreply.github.com` : 'someone@example.com', date: '2025-05-01T08:00:00Z' });
      Object.assign(commit, { author: who(c.author), committer: who(c.committer), message: 'Promote support-chat-model 7 to prod', url: `https://api.github.com/repos/${repoPath}/git/commits/${c.sha}` });
      return {
        ...template,
        sha: c.sha,
        node_id: `C_${c.sha.slice(0, 12)}`,
        url: `https://api.github.com/repos/${repoPath}/commits/${c.sha}`,
        html_url: `https://github.com/${repoPath}/commit/${c.sha}`,
        comments_url: `https://api.github.com/repos/${repoPath}/commits/${c.sha}/comments`,
        commit,
        author: c.author ? userBody(baseUser, c.author) : null,
        committer: c.committer ? userBody(baseUser, c.committer) : null,
      };
    });
    return paged(req, baseUrl, items);
  });

  gh.on('pulls/list-files', (req, ctx) => pullFilesHandler(state.files)(req, ctx));

  gh.on('repos/get-collaborator-permission-level', (req) => {
    const login = decodeURIComponent(req.path.split('/')[5]!);
    const known = state.roles.get(login.toLowerCase());
    const role = known?.role ?? 'none';
    const account: Account = known?.account ?? { login, id: 999_999 };
    const body = api.example('repository-collaborator-permission-response-if-user-has-admin-permissions');
    Object.assign(body, { permission: legacyPermission(role), role_name: role, user: { ...userBody(baseUser, account), role_name: role } });
    return { status: 200, body };
  });

  gh.on('teams/get-by-name', (req) => {
    const [, , org, , slug] = req.path.split('/');
    const key = `${org}/${slug}`.toLowerCase();
    if (!state.teams.has(key)) return { status: 404, body: errorBody(404, 'Not Found') };
    const team = api.example('team-full');
    const id = [...state.teams.keys()].indexOf(key) + 1;
    Object.assign(team, { id, node_id: `T_${id}`, slug, name: slug, type: 'organization', url: `https://api.github.com/organizations/1/team/${id}`, html_url: `https://github.com/orgs/${org}/teams/${slug}` });
    // The documented example predates two required fields.
    team.organization = { ...(team.organization as Json), login: org, archived_at: null };
    return { status: 200, body: team };
  });

  gh.on('teams/get-membership-for-user-in-org', (req) => {
    const [, , org, , slug, , login] = req.path.split('/');
    const state_ = state.teams.get(`${org}/${slug}`.toLowerCase())?.get(decodeURIComponent(login!).toLowerCase());
    if (!state_) return { status: 404, body: errorBody(404, 'Not Found') };
    return { status: 200, body: { url: `https://api.github.com/organizations/1/team/1/memberships/${login}`, role: 'member', state: state_ } };
  });

  const cr = checkRunHandlers(fake);
  gh.on('checks/create', cr.create).on('checks/update', cr.update);
}

// ---- a git repository made from the example, with a promotion on a branch ----

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '2025-05-01T08:00:00Z', GIT_COMMITTER_DATE: '2025-05-01T08:00:00Z' };

export function git(cwd: string, args: string[], who = { name: 'Sam Dev', email: 'sam@example.com' }): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email } }).trim();
}

export interface PromotionRepo {
  dir: string;
  workspace: string;
  base: string;
  /** The first commit of the pull request: prod's blue deployment moves from version 6 to 7. */
  first: string;
  /** The second commit: a note in the README, on top of the first. */
  head: string;
  /** A commit beside the pull request whose policy asks for one prod approval instead of two (never the base). */
  lax: string;
  /** What the pull request changes, as the files API lists it. */
  files: PrFile[];
  /** Every file of the repository. */
  fileCount: number;
}

/**
 * The example repository in git: `main` is the example as it is; branch `promote` moves prod's `blue`
 * deployment to version 7 of the model (which runs in test and has passing evidence), then edits the
 * README. The working tree stays on `main`, as a gate workflow checks out the base.
 */
export function promotionRepo(): PromotionRepo {
  const dir = tempDir('gate');
  const workspace = nodePath.join(dir, 'repo');
  cpSync(EXAMPLE, workspace, { recursive: true });
  git(workspace, ['init', '-q', '-b', 'main']);
  git(workspace, ['add', '-A']);
  git(workspace, ['commit', '-q', '-m', 'contoso-chat as it runs today']);
  const base = git(workspace, ['rev-parse', 'HEAD']);
  git(workspace, ['checkout', '-q', '-b', 'promote']);
  const bluePath = nodePath.join(workspace, 'deploy/prod/blue.yml');
  const blue = readFileSync(bluePath, 'utf8');
  const promoted = blue.replace('support-chat-model/versions/6', 'support-chat-model/versions/7');
  if (promoted === blue) throw new Error('the example no longer runs version 6 in prod');
  writeFileSync(bluePath, promoted);
  git(workspace, ['commit', '-q', '-am', 'Promote support-chat-model 7 to prod']);
  const first = git(workspace, ['rev-parse', 'HEAD']);
  writeFileSync(nodePath.join(workspace, 'README.md'), `${readFileSync(nodePath.join(workspace, 'README.md'), 'utf8')}\nProd runs version 7 after this change.\n`);
  git(workspace, ['commit', '-q', '-am', 'Note the promotion in the README']);
  const head = git(workspace, ['rev-parse', 'HEAD']);
  git(workspace, ['checkout', '-q', '-b', 'lax', base]);
  const policyPath = nodePath.join(workspace, 'aigate.yaml');
  const policy = readFileSync(policyPath, 'utf8');
  const lowered = policy.replace('required: 2', 'required: 1');
  if (lowered === policy) throw new Error('the example policy no longer asks for two prod approvals');
  writeFileSync(policyPath, lowered);
  git(workspace, ['commit', '-q', '-am', 'One prod approval is enough']);
  const lax = git(workspace, ['rev-parse', 'HEAD']);
  git(workspace, ['checkout', '-q', 'main']);
  const files: PrFile[] = git(workspace, ['diff', '--name-status', '--no-renames', base, head])
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [status, filename] = line.split('\t') as [string, string];
      return { filename, status: status === 'A' ? 'added' : status === 'D' ? 'removed' : 'modified', patch: '@@ -1 +1 @@\n-before\n+after' };
    });
  const fileCount = git(workspace, ['ls-files']).split('\n').filter(Boolean).length;
  return { dir, workspace, base, first, head, lax, files, fileCount };
}

// ---- webhook payloads ----

interface Examples {
  name: string;
  examples: Json[];
}

function webhookExample(event: string, action: string): Json {
  const all = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as Examples[];
  const example = all.find((e) => e.name === event)?.examples.find((e) => e.action === action);
  if (!example) throw new Error(`no ${event}.${action} example`);
  return structuredClone(example);
}

function adaptPullRequest(pr: Json, state: { number: number; head: string; base: string; author: Account; headRef: string; baseRef: string }): void {
  const head = pr.head as Json & { repo: Json; user: Json };
  const base = pr.base as Json & { repo: Json; user: Json };
  pr.number = state.number;
  pr.html_url = `https://github.com/${OWNER}/${REPO}/pull/${state.number}`;
  pr.url = `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${state.number}`;
  pr.user = userBody(pr.user as Json, state.author);
  Object.assign(head, { sha: state.head, ref: state.headRef, label: `${OWNER}:${state.headRef}` });
  Object.assign(base, { sha: state.base, ref: state.baseRef, label: `${OWNER}:${state.baseRef}` });
  for (const side of [head, base]) side.repo = { ...side.repo, full_name: `${OWNER}/${REPO}`, name: REPO, fork: false };
}

/** A real `pull_request` webhook payload (`opened`, `synchronize`, `reopened`), adapted to the state's pull request. */
export function pullRequestEvent(action: 'opened' | 'synchronize' | 'reopened', state: GateState, as: { head?: string; base?: string } = {}): Json {
  const payload = webhookExample('pull_request', action);
  const head = as.head ?? state.head;
  payload.number = state.number;
  adaptPullRequest(payload.pull_request as Json, { ...state, head, base: as.base ?? state.base });
  if (action === 'synchronize') payload.after = head;
  (payload.repository as Json).full_name = `${OWNER}/${REPO}`;
  (payload.repository as Json).name = REPO;
  return payload;
}

/** A real `pull_request_review` webhook payload (`submitted`, `dismissed`) for one review. */
export function reviewEvent(action: 'submitted' | 'dismissed', state: GateState, review: ReviewSpec): Json {
  const payload = webhookExample('pull_request_review', action);
  adaptPullRequest(payload.pull_request as Json, state);
  const r = payload.review as Json;
  r.user = userBody(r.user as Json, review.user);
  r.state = review.state.toLowerCase();
  r.commit_id = review.commit;
  (payload.repository as Json).full_name = `${OWNER}/${REPO}`;
  (payload.repository as Json).name = REPO;
  return payload;
}
