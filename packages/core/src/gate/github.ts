/**
 * The few GitHub REST calls the promotion gate makes, as an interface: the Action implements it over
 * HTTP, tests use the in-memory fake. Field names follow the REST payloads so an implementation can
 * pass the JSON through. Every method throws a {@link GateApiError} on any failure (HTTP status other
 * than the documented success, network error, rate limit); the gate turns those into a red verdict.
 */

/** A GitHub account as the REST API returns it (`user`, `author`, `committer`). */
export interface GhUser {
  login: string;
  id: number;
  /** `User`, `Bot` or `Organization`. */
  type: string;
}

/** `GET /repos/{owner}/{repo}/pulls/{number}` (the fields the gate reads). */
export interface GhPullRequest {
  number: number;
  state: string;
  draft?: boolean;
  user: GhUser | null;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
  /** Number of commits on the pull request. */
  commits: number;
  /** Number of changed files. */
  changed_files: number;
}

export type GhReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

/** `GET /repos/{owner}/{repo}/pulls/{number}/reviews`: one review, in chronological order. */
export interface GhReview {
  id: number;
  user: GhUser | null;
  state: GhReviewState | string;
  /** The commit the review was made on. */
  commit_id: string | null;
  submitted_at?: string | null;
  html_url?: string;
}

/** `GET /repos/{owner}/{repo}/pulls/{number}/commits`: the GitHub accounts linked to a commit (null when its email is linked to none). */
export interface GhCommit {
  sha: string;
  author: GhUser | null;
  committer: GhUser | null;
}

/** `GET /repos/{owner}/{repo}/pulls/{number}/files`. */
export interface GhChangedFile {
  filename: string;
  /** `added`, `removed`, `modified`, `renamed`, `copied`, `changed` or `unchanged`. */
  status: string;
  previous_filename?: string;
}

/** `GET /repos/{owner}/{repo}/collaborators/{username}/permission`. */
export interface GhPermission {
  /** Legacy base permission: `admin`, `write`, `read` or `none` (maintain shows as write, triage as read). */
  permission: string;
  /** The assigned role, including custom roles: `admin`, `maintain`, `write`, `triage`, `read` or a custom name. */
  role_name: string;
}

/** `GET /orgs/{org}/teams/{team_slug}`. */
export interface GhTeam {
  id: number;
  slug: string;
  name?: string;
}

/** `GET /orgs/{org}/teams/{team_slug}/memberships/{username}` (includes child teams; active or pending). */
export interface GhTeamMembership {
  state: 'active' | 'pending' | string;
  role?: string;
}

/** `GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1`: blobs only. */
export interface GhTree {
  files: Array<{ path: string; size?: number }>;
  /** True when GitHub cut the listing short (very large trees). */
  truncated: boolean;
}

/** One page of a list endpoint, read with `per_page=100&page=N`. */
export interface GhPage<T> {
  items: T[];
  /** True when the response's Link header names a next page. */
  hasNextPage: boolean;
}

/** The GitHub calls the gate needs, bound to one repository. */
export interface GateGitHub {
  /** `owner/name`, for messages. */
  readonly repository: string;
  getPullRequest(number: number): Promise<GhPullRequest>;
  /** One page (1-based, 100 per page) of the pull request's reviews, oldest first. */
  listReviews(number: number, page: number): Promise<GhPage<GhReview>>;
  /** One page of the pull request's commits (GitHub lists at most 250). */
  listPullRequestCommits(number: number, page: number): Promise<GhPage<GhCommit>>;
  /** One page of the pull request's changed files (GitHub lists at most 3000). */
  listPullRequestFiles(number: number, page: number): Promise<GhPage<GhChangedFile>>;
  getCollaboratorPermission(login: string): Promise<GhPermission>;
  /** Throws (403/404) when the token cannot see the team. */
  getTeam(org: string, slug: string): Promise<GhTeam>;
  /** null when the user is not a member (404 after {@link getTeam} succeeded). */
  getTeamMembership(org: string, slug: string, login: string): Promise<GhTeamMembership | null>;
  getTree(sha: string): Promise<GhTree>;
  /** A file's text at a commit (`GET /contents/{path}?ref=`); null when there is no such file. */
  getFileText(path: string, ref: string): Promise<string | null>;
}

/** A failed GitHub call. The gate fails closed on every one of them. */
export class GateApiError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** HTTP status, when there was a response. */
      status?: number;
      /** True when the primary or secondary rate limit was hit (403/429 with rate-limit headers). */
      rateLimited?: boolean;
      /** When the rate limit resets (ISO time), from `x-ratelimit-reset` or `retry-after`. */
      resetAt?: string;
    } = {},
  ) {
    super(message);
    this.name = 'GateApiError';
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** Reads every page of a list endpoint. Stops at `maxPages` and says so rather than truncating silently. */
export async function readAllPages<T>(fetchPage: (page: number) => Promise<GhPage<T>>, maxPages = 100): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const p = await fetchPage(page);
    items.push(...p.items);
    if (!p.hasNextPage) return { items, complete: true };
  }
  return { items, complete: false };
}

/**
 * A {@link GateApiError} from an HTTP response, for implementations of {@link GateGitHub}: 429, and 403
 * with `x-ratelimit-remaining: 0` or `retry-after`, are rate limits (with the reset time).
 */
export function gateApiErrorFromResponse(status: number, header: (name: string) => string | null | undefined, message: string, now: Date = new Date()): GateApiError {
  const remaining = header('x-ratelimit-remaining');
  const retryAfter = header('retry-after');
  const rateLimited = status === 429 || (status === 403 && (remaining === '0' || !!retryAfter));
  let resetAt: string | undefined;
  if (rateLimited) {
    const reset = Number(header('x-ratelimit-reset'));
    if (retryAfter && Number.isFinite(Number(retryAfter))) resetAt = new Date(now.getTime() + Number(retryAfter) * 1000).toISOString();
    else if (Number.isFinite(reset) && reset > 0) resetAt = new Date(reset * 1000).toISOString();
  }
  return new GateApiError(message || `HTTP ${status}`, { status, rateLimited, resetAt });
}
