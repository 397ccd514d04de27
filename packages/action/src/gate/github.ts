import { GateApiError, type GateGitHub, type GhChangedFile, type GhCommit, type GhPage, type GhPermission, type GhPullRequest, type GhReview, type GhTeam, type GhTeamMembership, type GhTree, type GhUser, type TreeSource } from '@aigate/core';
import type { Repo } from '../github/api.js';
import { parseLink, type GitHubClient, type Params } from '../github/client.js';
import { GitHubApiError } from '../github/errors.js';

/**
 * The gate's view of GitHub for the Action. The split is deliberate:
 *
 * - pull request, reviews, commits, changed files, collaborator permission, teams and team
 *   membership come from the REST API through the action's client (100 items a page, retries,
 *   typed errors), because only GitHub knows them and they change while the pull request is open;
 * - file listings and file contents (`getTree`, `getFileText`) come from the local clone through git,
 *   so a gate run makes no API call per repository file. The commits are named by the API's pull
 *   request object (its base and head), and must be in the clone: the command checks that first.
 *
 * Every failure becomes a {@link GateApiError}, which the gate turns into a red verdict.
 */
export class ActionGateGitHub implements GateGitHub {
  readonly repository: string;
  private readonly pulls = new Map<number, Promise<GhPullRequest>>();

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: Repo,
    private readonly files: TreeSource,
  ) {
    this.repository = `${repo.owner}/${repo.repo}`;
  }

  /** The pull request, read once per run (the gate and the command share the answer, success or failure). */
  getPullRequest(number: number): Promise<GhPullRequest> {
    let p = this.pulls.get(number);
    if (!p) {
      p = this.get('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: number }).then((res) => toPullRequest(res.data, number));
      this.pulls.set(number, p);
    }
    return p;
  }

  listReviews(number: number, page: number): Promise<GhPage<GhReview>> {
    return this.page('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { pull_number: number }, page, toReview);
  }

  listPullRequestCommits(number: number, page: number): Promise<GhPage<GhCommit>> {
    return this.page('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { pull_number: number }, page, toCommit);
  }

  listPullRequestFiles(number: number, page: number): Promise<GhPage<GhChangedFile>> {
    return this.page('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { pull_number: number }, page, toChangedFile);
  }

  async getCollaboratorPermission(login: string): Promise<GhPermission> {
    const res = await this.get('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { username: login });
    const d = obj(res.data);
    if (!d || typeof d.permission !== 'string') throw invalid(`the permission of ${login}`);
    return { permission: d.permission, role_name: typeof d.role_name === 'string' ? d.role_name : d.permission };
  }

  async getTeam(org: string, slug: string): Promise<GhTeam> {
    const res = await this.get('GET /orgs/{org}/teams/{team_slug}', { org, team_slug: slug }, false);
    const d = obj(res.data);
    if (!d || typeof d.id !== 'number' || typeof d.slug !== 'string') throw invalid(`team ${org}/${slug}`);
    return { id: d.id, slug: d.slug, name: typeof d.name === 'string' ? d.name : undefined };
  }

  async getTeamMembership(org: string, slug: string, login: string): Promise<GhTeamMembership | null> {
    try {
      const res = await this.get('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: slug, username: login }, false);
      const d = obj(res.data);
      if (!d || typeof d.state !== 'string') throw invalid(`the membership of ${login} in ${org}/${slug}`);
      return { state: d.state, role: typeof d.role === 'string' ? d.role : undefined };
    } catch (err) {
      // The team was read first, so a 404 here means this user is not a member.
      if (err instanceof GateApiError && err.status === 404) return null;
      throw err;
    }
  }

  async getTree(sha: string): Promise<GhTree> {
    return { files: await this.files.listFiles(sha), truncated: false };
  }

  async getFileText(path: string, ref: string): Promise<string | null> {
    return (await this.files.readText(ref, path)) ?? null;
  }

  private async get(route: string, params: Params, inRepo = true): Promise<{ data: unknown; link: string | null }> {
    try {
      const res = await this.client.request<unknown>(route, inRepo ? { ...this.repo, ...params } : params);
      return { data: res.data, link: res.headers.get('link') };
    } catch (err) {
      throw toGateError(err);
    }
  }

  private async page<T>(route: string, params: Params, page: number, map: (raw: unknown) => T | undefined): Promise<GhPage<T>> {
    const res = await this.get(route, { ...params, per_page: 100, page });
    if (!Array.isArray(res.data)) throw invalid(`${route.split(' ')[1]} (not a list)`);
    const items: T[] = [];
    for (const raw of res.data) {
      const item = map(raw);
      if (item === undefined) throw invalid(`an entry of ${route.split(' ')[1]}`);
      items.push(item);
    }
    return { items, hasNextPage: parseLink(res.link).next !== undefined };
  }
}

/** A client error as the gate's error type: status and rate limit kept, the request named in the message. */
export function toGateError(err: unknown): GateApiError {
  if (err instanceof GateApiError) return err;
  if (err instanceof GitHubApiError) return new GateApiError(err.describe(), { status: err.status, rateLimited: err.kind === 'rate-limited' });
  return new GateApiError(err instanceof Error ? err.message : String(err));
}

function invalid(what: string): GateApiError {
  return new GateApiError(`GitHub answered with something the gate does not understand for ${what}`);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/** A GitHub account, or null (no account, or not one the gate can identify: it then trusts nothing from it). */
function toUser(v: unknown): GhUser | null {
  const u = obj(v);
  if (!u || typeof u.login !== 'string' || typeof u.id !== 'number') return null;
  return { login: u.login, id: u.id, type: typeof u.type === 'string' ? u.type : 'User' };
}

function toRef(v: unknown): { sha: string; ref: string } | undefined {
  const r = obj(v);
  if (!r || typeof r.sha !== 'string' || !SHA.test(r.sha)) return undefined;
  return { sha: r.sha, ref: typeof r.ref === 'string' ? r.ref : r.sha };
}

function toPullRequest(raw: unknown, number: number): GhPullRequest {
  const d = obj(raw);
  const head = toRef(d?.head);
  const base = toRef(d?.base);
  if (!d || !head || !base || typeof d.commits !== 'number' || typeof d.changed_files !== 'number') throw invalid(`pull request #${number}`);
  return {
    number: typeof d.number === 'number' ? d.number : number,
    state: typeof d.state === 'string' ? d.state : 'open',
    draft: d.draft === true,
    user: toUser(d.user),
    head,
    base,
    commits: d.commits,
    changed_files: d.changed_files,
  };
}

function toReview(raw: unknown): GhReview | undefined {
  const d = obj(raw);
  if (!d || typeof d.id !== 'number' || typeof d.state !== 'string') return undefined;
  return {
    id: d.id,
    user: toUser(d.user),
    state: d.state,
    commit_id: typeof d.commit_id === 'string' ? d.commit_id : null,
    submitted_at: typeof d.submitted_at === 'string' ? d.submitted_at : null,
    html_url: typeof d.html_url === 'string' ? d.html_url : undefined,
  };
}

function toCommit(raw: unknown): GhCommit | undefined {
  const d = obj(raw);
  if (!d || typeof d.sha !== 'string') return undefined;
  return { sha: d.sha, author: toUser(d.author), committer: toUser(d.committer) };
}

function toChangedFile(raw: unknown): GhChangedFile | undefined {
  const d = obj(raw);
  if (!d || typeof d.filename !== 'string' || !d.filename || typeof d.status !== 'string') return undefined;
  const out: GhChangedFile = { filename: d.filename, status: d.status };
  if (typeof d.previous_filename === 'string' && d.previous_filename) out.previous_filename = d.previous_filename;
  return out;
}
