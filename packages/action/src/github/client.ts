import { GitHubApiError, kindOfStatus } from './errors.js';

export type Params = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ClientOptions {
  /** `GITHUB_API_URL`: `https://api.github.com`, or `https://HOST/api/v3` on GitHub Enterprise Server. */
  baseUrl: string;
  token?: string;
  userAgent: string;
  /** Retries after the first attempt, for 5xx, network errors and rate limits. */
  maxRetries?: number;
  /** The most time spent waiting between attempts over the client's life; a wait beyond it is not made. */
  retryBudgetMs?: number;
  /** Give up on one request after this long. */
  timeoutMs?: number;
  /** Told about every retry (for the log). */
  onRetry?: (info: { method: string; path: string; status?: number; delayMs: number; attempt: number; reason: string }) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

export interface PageResult<T> {
  items: T[];
  /** False when the listing stopped early (page or item cap): more may exist. */
  complete: boolean;
  pages: number;
}

const DEFAULTS = { maxRetries: 3, retryBudgetMs: 60_000, timeoutMs: 30_000 };

/** Parse an RFC 8288 `Link` header into rel → URL. */
export function parseLink(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m) continue;
    const rel = /\brel\s*=\s*"?([^";]+)"?/i.exec(m[2]!);
    if (rel) for (const r of rel[1]!.trim().split(/\s+/)) out[r.toLowerCase()] = m[1]!;
  }
  return out;
}

/** Expand `/repos/{owner}/{repo}` with encoded values; the params not used in the path are returned. */
export function expandPath(template: string, params: Params): { path: string; rest: Record<string, string> } {
  const used = new Set<string>();
  const path = template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === '') throw new Error(`missing path parameter '${name}' for ${template}`);
    used.add(name);
    return encodeURIComponent(String(v));
  });
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (!used.has(k) && v !== undefined) rest[k] = String(v);
  return { path, rest };
}

function isRateLimit(status: number, headers: Headers, message: string): boolean {
  if (status !== 403 && status !== 429) return false;
  return status === 429 || headers.has('retry-after') || headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(message);
}

/** How long to wait before retrying a rate-limited request (GitHub's documented order of preference). */
function rateLimitDelay(headers: Headers, now: number): number {
  const after = headers.get('retry-after');
  if (after !== null) {
    const secs = Number(after);
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return 60_000;
}

/**
 * A small GitHub REST client over `fetch`: JSON in and out, typed errors, `Link` pagination that never
 * leaves the API's origin, and bounded retries for 5xx, network errors and (secondary) rate limits.
 */
export class GitHubClient {
  private readonly base: URL;
  private readonly opts: Required<Pick<ClientOptions, 'maxRetries' | 'retryBudgetMs' | 'timeoutMs'>> & ClientOptions;
  private waitedMs = 0;
  /** Every request made (method and path), for the log and for tests. */
  readonly requests: string[] = [];

  constructor(options: ClientOptions) {
    this.opts = { ...DEFAULTS, ...options };
    this.base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
  }

  private url(path: string, query: Record<string, string>): URL {
    const u = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u;
  }

  /** Whether a URL the API handed back (a `Link`) stays on the API: the token is never sent elsewhere. */
  private onApi(u: URL): boolean {
    return u.origin === this.base.origin && u.pathname.startsWith(this.base.pathname);
  }

  /** `request('POST /repos/{owner}/{repo}/check-runs', { owner, repo }, body)` */
  async request<T>(route: string, params: Params = {}, body?: unknown): Promise<ApiResponse<T>> {
    const [method, template] = route.split(' ') as [string, string];
    const { path, rest } = expandPath(template, params);
    const hasBody = body !== undefined;
    if (hasBody && Object.keys(rest).length) throw new Error(`unused parameters for ${route}: ${Object.keys(rest).join(', ')}`);
    return this.send<T>(method, this.url(path, hasBody ? {} : rest), body);
  }

  private async send<T>(method: string, url: URL, body: unknown): Promise<ApiResponse<T>> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = this.opts.now ?? Date.now;
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': this.opts.userAgent,
    };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const shown = url.pathname.slice(this.base.pathname.length - 1);

    for (let attempt = 1; ; attempt++) {
      this.requests.push(`${method} ${shown}${url.search}`);
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs) });
      } catch (err) {
        const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : ((err as { cause?: Error }).cause?.message ?? (err as Error).message);
        const delay = Math.min(1000 * 2 ** (attempt - 1), 8000);
        if (await this.mayRetry(attempt, delay, sleep, { method, path: shown, delayMs: delay, attempt, reason })) continue;
        throw new GitHubApiError(reason, 'network', method, shown, undefined, undefined, attempt);
      }
      const text = await res.text();
      if (res.ok) {
        let data: unknown;
        if (text !== '') {
          try {
            data = JSON.parse(text);
          } catch {
            throw new GitHubApiError('the answer is not JSON', 'invalid-response', method, shown, res.status, undefined, attempt);
          }
        }
        return { status: res.status, headers: res.headers, data: data as T };
      }
      let message = res.statusText || 'request failed';
      let documentationUrl: string | undefined;
      try {
        const err = JSON.parse(text) as { message?: unknown; documentation_url?: unknown };
        if (typeof err.message === 'string' && err.message) message = err.message;
        if (typeof err.documentation_url === 'string') documentationUrl = err.documentation_url;
      } catch {
        /* an error page that is not JSON: keep the status text */
      }
      if (isRateLimit(res.status, res.headers, message)) {
        const delay = rateLimitDelay(res.headers, now());
        if (await this.mayRetry(attempt, delay, sleep, { method, path: shown, status: res.status, delayMs: delay, attempt, reason: message })) continue;
        throw new GitHubApiError(message, 'rate-limited', method, shown, res.status, documentationUrl, attempt);
      }
      if (res.status >= 500) {
        const after = Number(res.headers.get('retry-after'));
        const delay = res.headers.has('retry-after') && Number.isFinite(after) && after >= 0 ? after * 1000 : Math.min(1000 * 2 ** (attempt - 1), 8000);
        if (await this.mayRetry(attempt, delay, sleep, { method, path: shown, status: res.status, delayMs: delay, attempt, reason: message })) continue;
      }
      throw new GitHubApiError(message, kindOfStatus(res.status), method, shown, res.status, documentationUrl, attempt);
    }
  }

  private async mayRetry(attempt: number, delayMs: number, sleep: (ms: number) => Promise<void>, info: Parameters<NonNullable<ClientOptions['onRetry']>>[0]): Promise<boolean> {
    if (attempt > this.opts.maxRetries) return false;
    if (this.waitedMs + delayMs > this.opts.retryBudgetMs) return false;
    this.opts.onRetry?.(info);
    this.waitedMs += delayMs;
    if (delayMs > 0) await sleep(delayMs);
    return true;
  }

  /**
   * Every item of a listing, page by page, following `rel="next"` links (on the API's origin only).
   * Stops at `maxItems` or `maxPages` and then reports the listing incomplete.
   */
  async paginate<T>(route: string, params: Params = {}, limits: { perPage?: number; maxItems?: number; maxPages?: number } = {}): Promise<PageResult<T>> {
    const [method, template] = route.split(' ') as [string, string];
    const { path, rest } = expandPath(template, params);
    const maxItems = limits.maxItems ?? Infinity;
    const maxPages = limits.maxPages ?? 100;
    let url: URL | undefined = this.url(path, { ...rest, per_page: String(limits.perPage ?? 100) });
    const items: T[] = [];
    let pages = 0;
    while (url) {
      const res: ApiResponse<unknown> = await this.send<unknown>(method, url, undefined);
      pages++;
      if (!Array.isArray(res.data)) throw new GitHubApiError('a listing answered with something other than an array', 'invalid-response', method, url.pathname, res.status);
      items.push(...(res.data as T[]));
      const next = parseLink(res.headers.get('link')).next;
      url = undefined;
      if (next !== undefined) {
        let candidate: URL | undefined;
        try {
          candidate = new URL(next);
        } catch {
          candidate = undefined;
        }
        if (!candidate || !this.onApi(candidate)) throw new GitHubApiError(`the next page link leaves the API (${next})`, 'invalid-response', method, path, res.status);
        if (items.length >= maxItems || pages >= maxPages) return { items: items.slice(0, maxItems), complete: false, pages };
        url = candidate;
      }
    }
    return { items: items.slice(0, maxItems), complete: items.length <= maxItems, pages };
  }
}
