import { readFileSync } from 'node:fs';
import type { Env } from './io.js';

/** The parts of a `pull_request` event payload the action reads (the rest is ignored). */
export interface PullRequestInfo {
  number: number;
  headSha: string;
  baseSha: string;
  /** Whether the head branch lives in a fork (its token is read-only on `pull_request`). */
  fromFork: boolean;
  /** `changed_files` as the event reports it, when present. */
  changedFiles?: number;
  htmlUrl?: string;
}

export interface RunContext {
  eventName: string;
  owner: string;
  repo: string;
  /** The commit the workflow runs on (`GITHUB_SHA`; the merge commit on `pull_request`). */
  sha: string;
  workspace: string;
  apiUrl: string;
  serverUrl: string;
  pullRequest?: PullRequestInfo;
  /** Why the event payload could not be used, when it could not. */
  eventProblem?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/** Read the pull request from an event payload, checking every field it uses. */
export function pullRequestFromPayload(payload: unknown): PullRequestInfo | string | undefined {
  if (!isObject(payload) || !isObject(payload.pull_request)) return undefined;
  const pr = payload.pull_request;
  const head = isObject(pr.head) ? pr.head : {};
  const base = isObject(pr.base) ? pr.base : {};
  const number = typeof pr.number === 'number' ? pr.number : typeof payload.number === 'number' ? payload.number : undefined;
  const headSha = str(head.sha);
  const baseSha = str(base.sha);
  if (number === undefined || !Number.isInteger(number) || number <= 0) return 'the pull request in the event payload has no number';
  if (!headSha || !SHA.test(headSha) || !baseSha || !SHA.test(baseSha)) return 'the pull request in the event payload has no head and base commit';
  const headRepo = isObject(head.repo) ? head.repo : undefined;
  const baseRepo = isObject(base.repo) ? base.repo : undefined;
  // A deleted fork has `head.repo: null`: treat it as a fork (its token is read-only all the same).
  const fromFork = !headRepo || headRepo.fork === true || (str(headRepo.full_name) !== undefined && baseRepo !== undefined && str(headRepo.full_name) !== str(baseRepo.full_name));
  const out: PullRequestInfo = { number, headSha, baseSha, fromFork };
  if (typeof pr.changed_files === 'number' && Number.isInteger(pr.changed_files) && pr.changed_files >= 0) out.changedFiles = pr.changed_files;
  const html = str(pr.html_url);
  if (html) out.htmlUrl = html;
  return out;
}

export function readContext(env: Env, cwd: string): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const ctx: RunContext = {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    workspace: env.GITHUB_WORKSPACE || cwd,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
  };
  const path = env.GITHUB_EVENT_PATH;
  if (path) {
    let payload: unknown;
    try {
      payload = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      ctx.eventProblem = `the event payload ${path} could not be read (${(err as Error).message})`;
      return ctx;
    }
    const pr = pullRequestFromPayload(payload);
    if (typeof pr === 'string') ctx.eventProblem = pr;
    else if (pr) ctx.pullRequest = pr;
  }
  return ctx;
}
