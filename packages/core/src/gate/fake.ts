import { GateApiError, type GateGitHub, type GhChangedFile, type GhCommit, type GhPage, type GhPermission, type GhPullRequest, type GhReview, type GhTeam, type GhTeamMembership, type GhTree, type GhUser } from './github.js';

export type FakeMethod = keyof Omit<GateGitHub, 'repository'>;

/**
 * An in-memory GitHub for the gate's tests (and the Action's): commits as file maps, one pull request
 * at a time, reviews, collaborators and teams. It pages lists exactly as the REST API does (100 per
 * page) and records every call. `failures` makes chosen calls fail, to prove the gate fails closed.
 */
export class InMemoryGateGitHub implements GateGitHub {
  readonly repository: string;
  readonly calls: Array<{ method: FakeMethod; args: unknown[] }> = [];
  readonly commits = new Map<string, Map<string, string>>();
  pullRequests = new Map<number, { pr: GhPullRequest; reviews: GhReview[]; commits: GhCommit[]; files?: GhChangedFile[] }>();
  /** login (lower case) -> permission; a user not listed has `none`, as on GitHub. */
  permissions = new Map<string, GhPermission>();
  /** `org/slug` (lower case) -> login (lower case) -> membership state. */
  teams = new Map<string, Map<string, GhTeamMembership['state']>>();
  /** Teams the token cannot see (`org/slug`, lower case): getTeam answers 404, as with a GITHUB_TOKEN. */
  hiddenTeams = new Set<string>();
  /** Calls that fail: the method, and optionally from which call of it on (1-based) or a predicate on the arguments. */
  failures: Array<{ method: FakeMethod; fromCall?: number; when?: (args: unknown[]) => boolean; error: GateApiError }> = [];
  pageSize = 100;
  private nextReviewId = 1;
  private clock = Date.parse('2025-05-01T09:00:00Z');

  constructor(repository = 'contoso/support-chat') {
    this.repository = repository;
  }

  /** Store a commit's files and return its sha (content-addressed, so equal trees give equal shas unless `salt` differs). */
  commit(files: Record<string, string>, salt = ''): string {
    let text = salt;
    for (const k of Object.keys(files).sort()) text += `${k}\0${files[k]}\0`;
    const sha = fakeSha(text);
    this.commits.set(sha, new Map(Object.entries(files)));
    return sha;
  }

  /** Open a pull request between two stored commits; the changed files are computed from them unless given. */
  openPullRequest(args: { number?: number; author: GhUser; base: string; head: string; commits?: GhCommit[]; files?: GhChangedFile[] }): GhPullRequest {
    const number = args.number ?? 1;
    const commits = args.commits ?? [{ sha: args.head, author: args.author, committer: args.author }];
    const pr: GhPullRequest = { number, state: 'open', user: args.author, head: { sha: args.head, ref: 'promote' }, base: { sha: args.base, ref: 'main' }, commits: commits.length, changed_files: 0 };
    const entry = { pr, reviews: [] as GhReview[], commits, files: args.files };
    this.pullRequests.set(number, entry);
    pr.changed_files = this.changedFiles(number).length;
    return pr;
  }

  /** Push a new head commit to the pull request (older approvals stay on the older commit). */
  push(number: number, head: string, author?: GhUser): void {
    const e = this.entry(number);
    e.pr.head.sha = head;
    const a = author ?? e.pr.user!;
    e.commits.push({ sha: head, author: a, committer: a });
    e.pr.commits = e.commits.length;
    e.pr.changed_files = this.changedFiles(number).length;
  }

  /** Submit a review; by default on the current head. */
  review(number: number, user: GhUser, state: GhReview['state'], commit?: string): GhReview {
    const e = this.entry(number);
    this.clock += 60_000;
    const r: GhReview = { id: this.nextReviewId++, user, state, commit_id: commit ?? e.pr.head.sha, submitted_at: new Date(this.clock).toISOString(), html_url: `https://github.com/${this.repository}/pull/${number}#pullrequestreview-${this.nextReviewId}` };
    e.reviews.push(r);
    return r;
  }

  /** Dismiss a review, as a maintainer does: its state becomes DISMISSED. */
  dismiss(number: number, reviewId: number): void {
    const r = this.entry(number).reviews.find((x) => x.id === reviewId);
    if (r) r.state = 'DISMISSED';
  }

  setPermission(login: string, role_name: string): void {
    const legacy = role_name === 'maintain' ? 'write' : role_name === 'triage' ? 'read' : ['admin', 'write', 'read', 'none'].includes(role_name) ? role_name : 'write';
    this.permissions.set(login.toLowerCase(), { permission: legacy, role_name });
  }

  setPermissionRaw(login: string, p: GhPermission): void {
    this.permissions.set(login.toLowerCase(), p);
  }

  addTeamMember(team: string, login: string, state: 'active' | 'pending' = 'active'): void {
    const key = team.toLowerCase();
    if (!this.teams.has(key)) this.teams.set(key, new Map());
    this.teams.get(key)!.set(login.toLowerCase(), state);
  }

  private entry(number: number): { pr: GhPullRequest; reviews: GhReview[]; commits: GhCommit[]; files?: GhChangedFile[] } {
    const e = this.pullRequests.get(number);
    if (!e) throw new GateApiError('Not Found', { status: 404 });
    return e;
  }

  private changedFiles(number: number): GhChangedFile[] {
    const e = this.entry(number);
    if (e.files) return e.files;
    const base = this.commits.get(e.pr.base.sha) ?? new Map<string, string>();
    const head = this.commits.get(e.pr.head.sha) ?? new Map<string, string>();
    const out: GhChangedFile[] = [];
    for (const [p, t] of head) {
      if (!base.has(p)) out.push({ filename: p, status: 'added' });
      else if (base.get(p) !== t) out.push({ filename: p, status: 'modified' });
    }
    for (const p of base.keys()) if (!head.has(p)) out.push({ filename: p, status: 'removed' });
    return out.sort((a, b) => a.filename.localeCompare(b.filename));
  }

  private record(method: FakeMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    const n = this.calls.filter((c) => c.method === method).length;
    for (const f of this.failures) {
      if (f.method !== method) continue;
      if (f.fromCall !== undefined && n < f.fromCall) continue;
      if (f.when && !f.when(args)) continue;
      throw f.error;
    }
  }

  private page<T>(items: T[], page: number): GhPage<T> {
    const start = (page - 1) * this.pageSize;
    return { items: items.slice(start, start + this.pageSize), hasNextPage: start + this.pageSize < items.length };
  }

  async getPullRequest(number: number): Promise<GhPullRequest> {
    this.record('getPullRequest', [number]);
    return structuredClone(this.entry(number).pr);
  }

  async listReviews(number: number, page: number): Promise<GhPage<GhReview>> {
    this.record('listReviews', [number, page]);
    return structuredClone(this.page(this.entry(number).reviews, page));
  }

  async listPullRequestCommits(number: number, page: number): Promise<GhPage<GhCommit>> {
    this.record('listPullRequestCommits', [number, page]);
    // GitHub lists at most 250 commits of a pull request.
    return structuredClone(this.page(this.entry(number).commits.slice(0, 250), page));
  }

  async listPullRequestFiles(number: number, page: number): Promise<GhPage<GhChangedFile>> {
    this.record('listPullRequestFiles', [number, page]);
    return structuredClone(this.page(this.changedFiles(number).slice(0, 3000), page));
  }

  async getCollaboratorPermission(login: string): Promise<GhPermission> {
    this.record('getCollaboratorPermission', [login]);
    return { ...(this.permissions.get(login.toLowerCase()) ?? { permission: 'none', role_name: 'none' }) };
  }

  async getTeam(org: string, slug: string): Promise<GhTeam> {
    this.record('getTeam', [org, slug]);
    const key = `${org}/${slug}`.toLowerCase();
    if (!this.teams.has(key) || this.hiddenTeams.has(key)) throw new GateApiError('Not Found', { status: 404 });
    return { id: [...this.teams.keys()].indexOf(key) + 1, slug };
  }

  async getTeamMembership(org: string, slug: string, login: string): Promise<GhTeamMembership | null> {
    this.record('getTeamMembership', [org, slug, login]);
    const key = `${org}/${slug}`.toLowerCase();
    if (this.hiddenTeams.has(key)) throw new GateApiError('Not Found', { status: 404 });
    const state = this.teams.get(key)?.get(login.toLowerCase());
    return state ? { state, role: 'member' } : null;
  }

  async getTree(sha: string): Promise<GhTree> {
    this.record('getTree', [sha]);
    const files = this.commits.get(sha);
    if (!files) throw new GateApiError('Not Found', { status: 404 });
    return { files: [...files.entries()].map(([path, text]) => ({ path, size: new TextEncoder().encode(text).length })), truncated: false };
  }

  async getFileText(path: string, ref: string): Promise<string | null> {
    this.record('getFileText', [path, ref]);
    const files = this.commits.get(ref);
    if (!files) throw new GateApiError('No commit found for the ref', { status: 404 });
    return files.get(path) ?? null;
  }
}

/** A GitHub user for tests. */
export function ghUser(login: string, id: number, type: 'User' | 'Bot' = 'User'): GhUser {
  return { login, id, type };
}

/** A 40-hex-digit id derived from text (FNV-1a in five lanes): stable, and distinct for distinct trees in practice. */
function fakeSha(text: string): string {
  let out = '';
  for (let lane = 0; lane < 5; lane++) {
    let h = (0x811c9dc5 ^ (lane * 0x9e3779b1)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}
