import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeGitHub, FakeRequest, FakeResponse, Handler } from './fake-github.js';
import { errorBody } from './fake-github.js';

const require = createRequire(import.meta.url);
export const ACTION_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = nodePath.join(ACTION_DIR, 'dist', 'index.js');
export const EXAMPLE = fileURLToPath(new URL('../../../../examples/contoso-chat', import.meta.url));

export const OWNER = 'contoso';
export const REPO = 'contoso-chat';
export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const BASE_SHA = '0f1e2d3c4b5a69788796a5b4c3d2e1f001234567';
export const MERGE_SHA = '1234567890abcdef1234567890abcdef12345678';
export const PR_NUMBER = 42;
export const TOKEN = 'ghs_test0000000000000000000000000000000';

type Json = Record<string, unknown>;

/** A temp folder that is removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(nodePath.join(tmpdir(), `aigate-action-${prefix}-`));
}

/** A copy of the example repository to run the action on. */
export function copyExample(): { dir: string; workspace: string } {
  const dir = tempDir('ws');
  const workspace = nodePath.join(dir, 'repo');
  cpSync(EXAMPLE, workspace, { recursive: true });
  return { dir, workspace };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A real `pull_request` webhook payload from `@octokit/webhooks-examples`, adapted to this repository and PR. */
export function pullRequestPayload(action: 'opened' | 'synchronize', changes: { fork?: boolean; changedFiles?: number } = {}): Json {
  const all = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as Array<{ name: string; examples: Json[] }>;
  const example = all.find((e) => e.name === 'pull_request')!.examples.find((e) => e.action === action);
  if (!example) throw new Error(`no pull_request.${action} example`);
  const payload = structuredClone(example) as Json & { pull_request: Json & { head: Json & { repo: Json }; base: Json & { repo: Json } }; repository: Json & { owner: Json } };
  const pr = payload.pull_request;
  payload.number = PR_NUMBER;
  pr.number = PR_NUMBER;
  pr.html_url = `https://github.com/${OWNER}/${REPO}/pull/${PR_NUMBER}`;
  pr.head.sha = HEAD_SHA;
  pr.base.sha = BASE_SHA;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.name = REPO;
  payload.repository.owner.login = OWNER;
  pr.base.repo = { ...pr.base.repo, full_name: `${OWNER}/${REPO}`, name: REPO, fork: false };
  const headOwner = changes.fork ? 'outside-contributor' : OWNER;
  pr.head.repo = { ...pr.head.repo, full_name: `${headOwner}/${REPO}`, name: REPO, fork: Boolean(changes.fork) };
  if (changes.changedFiles !== undefined) pr.changed_files = changes.changedFiles;
  return payload;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Array<{ level: string; props: Record<string, string>; message: string }>;
}

/** Parse `name<<DELIM\nvalue\nDELIM\n` blocks as the runner does. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== m[2]) value.push(lines[j++]!);
    if (j >= lines.length) throw new Error(`unterminated output ${m[1]}`);
    out[m[1]!] = value.join('\n');
    i = j;
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** Workflow-command annotations in the log, the way the runner reads them. */
export function parseAnnotations(stdout: string): RunResult['annotations'] {
  const out: RunResult['annotations'] = [];
  let stopToken: string | undefined;
  for (const line of stdout.split('\n')) {
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) {
      stopToken = stop[1]!;
      continue;
    }
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const part of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = part.indexOf('=');
      props[part.slice(0, eq)] = unescape(part.slice(eq + 1));
    }
    out.push({ level: m[1]!, props, message: unescape(m[3]!) });
  }
  return out;
}

export interface RunOptions {
  workspace: string;
  api?: FakeGitHub;
  eventName?: string;
  payload?: Json;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}

/** Run the built action as the runner would: `node dist/index.js` with the runner's environment. */
export async function runAction(opts: RunOptions): Promise<RunResult> {
  const dir = tempDir('runner');
  try {
    const outputFile = nodePath.join(dir, 'output');
    const summaryFile = nodePath.join(dir, 'summary');
    const eventFile = nodePath.join(dir, 'event.json');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    writeFileSync(eventFile, JSON.stringify(opts.payload ?? { ref: 'refs/heads/main', after: MERGE_SHA, repository: { full_name: `${OWNER}/${REPO}` } }));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: opts.eventName ?? (opts.payload ? 'pull_request' : 'push'),
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_REPOSITORY_OWNER: OWNER,
      GITHUB_SHA: opts.payload ? MERGE_SHA : HEAD_SHA,
      GITHUB_REF: opts.payload ? `refs/pull/${PR_NUMBER}/merge` : 'refs/heads/main',
      GITHUB_WORKSPACE: opts.workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_API_URL: opts.api?.baseUrl ?? 'http://127.0.0.1:9',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '1234567890',
      GITHUB_JOB: 'aigate',
      RUNNER_TEMP: dir,
      INPUT_TOKEN: TOKEN,
      ...Object.fromEntries(Object.entries(opts.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      ...opts.env,
    };
    const child = spawn(process.execPath, [DIST], { cwd: opts.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
      summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '',
      annotations: parseAnnotations(stdout),
    };
  } finally {
    cleanup(dir);
  }
}

// ---- GitHub API behaviour shared by the tests ----

export interface PrFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  patch?: string;
  previous_filename?: string;
}

/** A patch that changes the given 1-based lines of a file (old text made up), with the rest as context. */
export function patchChanging(text: string, lines: readonly number[]): string {
  const all = text.replace(/\n$/, '').split('\n');
  const body: string[] = [];
  let removed = 0;
  let added = 0;
  all.forEach((l, i) => {
    if (lines.includes(i + 1)) {
      body.push(`-${l.replace(/\d/g, '0')} # before`, `+${l}`);
      removed++;
      added++;
    } else {
      body.push(` ${l}`);
      removed++;
      added++;
    }
  });
  return [`@@ -1,${removed} +1,${added} @@`, ...body].join('\n');
}

/** A `diff-entry` as the files API gives it. */
export function diffEntry(f: PrFile, i: number): Json {
  const entry: Json = {
    sha: (i.toString(16).padStart(8, '0') + HEAD_SHA).slice(0, 40),
    filename: f.filename,
    status: f.status,
    additions: f.patch ? (f.patch.match(/^\+/gm) ?? []).length : 0,
    deletions: f.patch ? (f.patch.match(/^-/gm) ?? []).length : 0,
    changes: 0,
    blob_url: `https://github.com/${OWNER}/${REPO}/blob/${HEAD_SHA}/${encodeURI(f.filename)}`,
    raw_url: `https://github.com/${OWNER}/${REPO}/raw/${HEAD_SHA}/${encodeURI(f.filename)}`,
    contents_url: `https://api.github.com/repos/${OWNER}/${REPO}/contents/${encodeURI(f.filename)}?ref=${HEAD_SHA}`,
  };
  entry.changes = (entry.additions as number) + (entry.deletions as number);
  if (f.patch !== undefined) entry.patch = f.patch;
  if (f.previous_filename) entry.previous_filename = f.previous_filename;
  return entry;
}

/** "List pull request files": pages with `Link` headers, at most 3,000 files in all, as GitHub does. */
export function pullFilesHandler(files: readonly PrFile[]): Handler {
  return (req: FakeRequest, { baseUrl }) => {
    const perPage = Math.min(100, Number(req.query.get('per_page') ?? 30));
    const page = Number(req.query.get('page') ?? 1);
    const capped = files.slice(0, 3000);
    const last = Math.max(1, Math.ceil(capped.length / perPage));
    const items = capped.slice((page - 1) * perPage, page * perPage).map((f, i) => diffEntry(f, (page - 1) * perPage + i));
    const link = (p: number, rel: string): string => `<${baseUrl}${req.path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    const res: FakeResponse = { status: 200, body: items };
    if (links.length) res.headers = { link: links.join(', ') };
    return res;
  };
}

let nextCheckRunId = 4_000_000_000;

/** A check run as GitHub returns it: the documented example, with this run's fields. */
export function checkRunBody(api: { example(name: string): Json }, body: Json, id: number): Json {
  const run = api.example('check-run-example-of-in-progress-conclusion');
  run.id = id;
  run.head_sha = typeof body.head_sha === 'string' ? body.head_sha : HEAD_SHA;
  run.name = typeof body.name === 'string' ? body.name : 'aigate';
  run.status = typeof body.status === 'string' ? body.status : 'queued';
  run.conclusion = typeof body.conclusion === 'string' ? body.conclusion : null;
  run.url = `https://api.github.com/repos/${OWNER}/${REPO}/check-runs/${id}`;
  run.html_url = `https://github.com/${OWNER}/${REPO}/runs/${id}`;
  return run;
}

/** Create and update check runs that succeed, keeping what was sent. */
export function checkRunHandlers(api: FakeGitHub): { create: Handler; update: Handler } {
  let current: Json = {};
  return {
    create: (req) => {
      current = checkRunBody(api.api, req.body as Json, nextCheckRunId++);
      return { status: 201, body: current };
    },
    update: (req) => {
      current = { ...checkRunBody(api.api, { ...(req.body as Json), name: current.name, head_sha: current.head_sha }, Number(req.path.split('/').pop())) };
      return { status: 200, body: current };
    },
  };
}

export function failWith(status: number, message: string, headers?: Record<string, string>): Handler {
  return () => (headers ? { status, body: errorBody(status, message), headers } : { status, body: errorBody(status, message) });
}
