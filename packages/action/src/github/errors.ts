/** What went wrong with a GitHub API call, in the terms a caller acts on. */
export type ApiErrorKind =
  | 'unauthorized' // 401: the token is missing, expired or revoked
  | 'forbidden' // 403 without a rate limit: the token may not do this (a fork's read-only token)
  | 'not-found' // 404: no such resource, or no access to it
  | 'validation' // 422: the request was refused as invalid
  | 'rate-limited' // 403/429 with a rate limit, beyond the retry budget
  | 'server' // 5xx after the retries
  | 'network' // no HTTP answer (refused, reset, timed out)
  | 'invalid-response' // an answer that is not what the API describes
  | 'http'; // any other status

export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  constructor(
    message: string,
    readonly kind: ApiErrorKind,
    readonly method: string,
    /** The path requested (no host, no query), for messages. */
    readonly path: string,
    readonly status?: number,
    readonly documentationUrl?: string,
    /** How many attempts were made. */
    readonly attempts = 1,
  ) {
    super(message);
  }

  /** `POST /repos/o/r/check-runs: 403 Resource not accessible by integration` */
  describe(): string {
    return `${this.method} ${this.path}: ${this.status !== undefined ? `${this.status} ` : ''}${this.message}${this.attempts > 1 ? ` (after ${this.attempts} attempts)` : ''}`;
  }
}

export function kindOfStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 422) return 'validation';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'http';
}
