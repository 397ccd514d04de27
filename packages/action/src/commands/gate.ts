import { randomUUID } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { buildVerdict, evaluatePullRequest, renderDossierMarkdown, renderGateText, type Assessment, type GateVerdict, type GhPullRequest, type TreeSource } from '@aigate/core';
import { gitTopLevel, gitTreeSource, hasCommit, type GitTreeSource } from '@aigate/core/node';
import { ActionGateGitHub } from '../gate/github.js';
import { expectedAction, GateEventError, readGateEvent, type GateEvent } from '../gate/event.js';
import type { Repo } from '../github/api.js';
import { GitHubClient } from '../github/client.js';
import { GitHubApiError } from '../github/errors.js';
import { readContext } from '../runner/context.js';
import { annotationCommand, appendSummary, endGroup, getBooleanInput, getInput, InputError, plainLine, setOutputs, startGroup } from '../runner/io.js';
import type { ActionRuntime } from '../runtime.js';
import { VERSION } from '../version.js';

/** The default name of the gate's check run: the name to make a required status check. */
export const DEFAULT_GATE_CHECK_NAME = 'aigate gate';

interface GateInputs {
  path: string;
  checkName: string;
  checkRun: boolean;
  token?: string;
}

function readInputs(rt: ActionRuntime): GateInputs {
  const env = rt.env;
  // The gate's policy is the base commit's aigate.yaml; a path from the workflow (which the pull request can edit) must not change it.
  if (getInput(env, 'policy')) throw new InputError("input 'policy' is for `check`: the gate reads aigate.yaml as it is at the pull request's base commit");
  const inputs: GateInputs = {
    path: getInput(env, 'path') ?? '.',
    checkName: getInput(env, 'gate-check-name') ?? DEFAULT_GATE_CHECK_NAME,
    checkRun: getBooleanInput(env, 'check-run', true),
  };
  const token = getInput(env, 'token');
  if (token) inputs.token = token;
  return inputs;
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

function emptyAssessment(): Assessment {
  return { plan: { chain: [], promotions: [], notes: [], blockers: [] }, promotions: [], requirements: [], policyChange: { changed: false, paths: [], headProblems: [] }, problems: [], notes: [] };
}

/** A red verdict for what stopped the gate before it could judge the change. */
function stoppedVerdict(message: string, repository: string, event: GateEvent, pr: GhPullRequest | undefined): GateVerdict {
  const head = pr ? { ref: pr.head.ref, sha: pr.head.sha } : { ref: 'head', sha: event.pullRequest.headSha };
  const base = pr ? { ref: pr.base.ref, sha: pr.base.sha } : { ref: 'base', sha: event.pullRequest.baseSha };
  return buildVerdict({
    mode: 'pull-request',
    assessment: emptyAssessment(),
    requirements: [],
    problems: [{ message }],
    base,
    head,
    repository,
    pullRequest: { number: event.pullRequest.number, author: pr?.user?.login, headSha: head.sha, baseSha: base.sha },
    stopped: true,
  });
}

/** The check run of one gate run: created in progress on the judged commit, completed with the verdict. */
class GateCheckRun {
  id?: number;
  /** Why the check run could not be written, when it could not. */
  problem?: string;

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: Repo,
    private readonly name: string,
    private readonly externalId: string,
  ) {}

  private why(err: unknown, doing: string): string {
    if (!(err instanceof GitHubApiError)) return `The check run could not be ${doing} (${(err as Error).message}).`;
    if (err.kind === 'forbidden' || err.kind === 'not-found') {
      return `The token may not write checks (${err.describe()}): give the workflow \`permissions: checks: write\`. On pull requests from forks the GITHUB_TOKEN of \`pull_request\` and \`pull_request_review\` runs is read-only: run the gate from \`pull_request_target\` or with a GitHub App token, or set \`check-run: false\` and require this job instead.`;
    }
    if (err.kind === 'unauthorized') return `The token was refused (${err.describe()}).`;
    return `The check run could not be ${doing} (${err.describe()}).`;
  }

  async start(headSha: string): Promise<void> {
    try {
      const res = await this.client.request<{ id?: unknown }>(
        'POST /repos/{owner}/{repo}/check-runs',
        { ...this.repo },
        { name: this.name, head_sha: headSha, status: 'in_progress', started_at: new Date().toISOString(), external_id: this.externalId, output: { title: 'Judging the promotion…', summary: 'The promotion gate is reading the pull request, its reviews and the policy of the base commit.' } },
      );
      if (typeof res.data?.id !== 'number') throw new Error('GitHub created the check run without an id');
      this.id = res.data.id;
    } catch (err) {
      this.problem = this.why(err, 'created');
    }
  }

  async finish(verdict: GateVerdict, summary: string): Promise<void> {
    if (this.id === undefined) return;
    try {
      await this.client.request(
        'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
        { ...this.repo, check_run_id: this.id },
        { status: 'completed', conclusion: verdict.conclusion, completed_at: new Date().toISOString(), output: { title: verdict.title, summary } },
      );
    } catch (err) {
      this.problem = this.why(err, 'completed');
    }
  }
}

/** Judge the pull request; never throws: whatever stops it is a red verdict that says what to fix. */
async function judge(args: { event: GateEvent; gh: ActionGateGitHub; top: string | undefined; topProblem: string | undefined; prefix: string; pr: GhPullRequest | undefined }): Promise<GateVerdict> {
  const { event, gh, top, pr } = args;
  const n = event.pullRequest.number;
  try {
    // Without the pull request the gate says why it could not be read (the failed answer is kept: no second request).
    if (!pr) return await evaluatePullRequest(gh, { pullNumber: n, root: args.prefix });
    if (args.topProblem || !top) return stoppedVerdict(args.topProblem ?? 'no git clone to read the files from', gh.repository, event, pr);
    // Both commits come from the API's pull request: the policy is read at its base, the change at its head.
    const missing: string[] = [];
    if (!(await hasCommit(top, pr.base.sha))) missing.push(`the base commit ${short(pr.base.sha)} (fetch it with: git fetch --no-tags origin ${pr.base.sha})`);
    if (!(await hasCommit(top, pr.head.sha))) missing.push(`the head commit ${short(pr.head.sha)} (fetch it with: git fetch --no-tags origin +refs/pull/${n}/head)`);
    if (missing.length) {
      return stoppedVerdict(
        `the local clone lacks ${missing.join(' and ')}; the gate reads the files of both commits with git: check out with actions/checkout and fetch-depth: 0, and fetch the pull request's head before this step`,
        gh.repository,
        event,
        pr,
      );
    }
    return await evaluatePullRequest(gh, { pullNumber: n, root: args.prefix });
  } catch (err) {
    return stoppedVerdict(`the gate stopped on an unexpected error (${err instanceof Error ? err.message : String(err)}); it never passes what it could not check`, gh.repository, event, pr);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A gate that cannot start (wrong event, no token): one error, red outputs, exit 1. */
function refuse(rt: ActionRuntime, message: string): number {
  rt.log(annotationCommand('error', message, { title: 'aigate gate' }));
  appendSummary(rt.env, `## ❌ aigate gate could not run\n\n${message.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}\n`);
  setOutputs(rt.env, { conclusion: 'failure', promotions: 0, missing: 1, 'check-run-id': '' });
  return 1;
}

/**
 * `gate`: the promotion gate on a pull request. Reads the pull request, its reviews, commits and
 * changed files, and the reviewers' permissions and teams from the API; the files of its base and
 * head commits from the local clone; and publishes the verdict as a check run on the head commit,
 * the job summary, outputs and the exit code. Red on every failure.
 */
export async function runGateCommand(rt: ActionRuntime): Promise<number> {
  const inputs = readInputs(rt);
  const ctx = readContext(rt.env, rt.cwd);
  const workspace = nodePath.resolve(rt.cwd, ctx.workspace);
  const root = nodePath.resolve(workspace, inputs.path);
  const rel = nodePath.relative(workspace, root);
  if (rel === '..' || rel.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(rel)) throw new InputError(`input 'path' (${inputs.path}) is outside the workspace ${workspace}`);

  let event: GateEvent;
  try {
    event = readGateEvent(rt.env);
  } catch (err) {
    if (err instanceof GateEventError) return refuse(rt, err.message);
    throw err;
  }
  if (!ctx.owner || !ctx.repo) return refuse(rt, 'GITHUB_REPOSITORY is not set, so the gate cannot tell which repository to read');
  if (!inputs.token) return refuse(rt, "the gate needs a token to read the pull request's reviews: pass `token` (the default is the workflow's GITHUB_TOKEN)");
  const pull = event.pullRequest;
  if (!expectedAction(event)) rt.log(plainLine(`aigate: judging pull request #${pull.number} on a '${event.name}' event${event.action ? ` (${event.action})` : ''}; the gate is meant for the activity types listed in its documentation, but a verdict from live data is right whatever started it.`));

  // The local clone the files are read from; its absence is a red verdict, published like any other.
  let top: string | undefined;
  let topProblem: string | undefined;
  let prefix = '';
  if (!existsSync(root) || !statSync(root).isDirectory()) topProblem = `input 'path' (${inputs.path}) is not a folder in the workspace: check the repository out first (actions/checkout with fetch-depth: 0)`;
  else {
    try {
      top = await gitTopLevel(root);
      prefix = nodePath.relative(realpathSync(top), realpathSync(root)).split(nodePath.sep).join('/');
      if (prefix.startsWith('..')) topProblem = `input 'path' (${inputs.path}) is outside the git clone of the workspace`;
    } catch {
      topProblem = `the workspace is not a git clone: check the repository out with actions/checkout and fetch-depth: 0 before this step; the gate reads the files of the base and head commits with git`;
    }
  }

  const repo: Repo = { owner: ctx.owner, repo: ctx.repo };
  const client = new GitHubClient({
    baseUrl: ctx.apiUrl,
    token: inputs.token,
    userAgent: `aigate-action/${VERSION}`,
    retryBudgetMs: 60_000,
    onRetry: (r) => rt.log(plainLine(`aigate: ${r.method} ${r.path} answered ${r.status ?? r.reason}; retrying in ${(r.delayMs / 1000).toFixed(r.delayMs % 1000 ? 1 : 0)} s (retry ${r.attempt}).`)),
  });
  const files: GitTreeSource | undefined = top && !topProblem ? gitTreeSource(top) : undefined;
  const noFiles: TreeSource = {
    listFiles: () => Promise.reject(new Error('no git clone')),
    readText: () => Promise.reject(new Error('no git clone')),
  };
  const gh = new ActionGateGitHub(client, repo, files ?? noFiles);

  let verdict: GateVerdict;
  let checkRun: GateCheckRun | undefined;
  let headSha = pull.headSha;
  try {
    // The pull request as the API has it now: its head is the commit judged, its base holds the policy.
    let pr: GhPullRequest | undefined;
    try {
      pr = await gh.getPullRequest(pull.number);
    } catch {
      // The gate reports it (the answer is kept, so the request is not repeated).
    }
    headSha = pr?.head.sha ?? pull.headSha;
    if (inputs.checkRun) {
      checkRun = new GateCheckRun(client, repo, inputs.checkName, `aigate-gate:${pull.number}:${headSha}`);
      await checkRun.start(headSha);
    }
    verdict = await judge({ event, gh, top, topProblem, prefix, pr });
    if (pr && pr.head.sha !== pull.headSha) verdict.notes.push(`this run was started for commit ${short(pull.headSha)}; the pull request's head is now ${short(pr.head.sha)}, the commit judged here`);
    verdict.notes.push(`judged on a ${event.name}${event.action ? ` (${event.action})` : ''} event, with the files of both commits read from the local clone`);
  } finally {
    files?.close();
  }

  const dossier = renderDossierMarkdown(verdict, { root: prefix || undefined });
  await checkRun?.finish(verdict, dossier);
  const checkRunWritten = checkRun !== undefined && checkRun.id !== undefined && checkRun.problem === undefined;
  // A verdict that could not be published fails the step: a missing check must never read as a pass.
  const failing = verdict.conclusion !== 'success' || (checkRun !== undefined && !checkRunWritten);

  // The log: the verdict as text, where no text from the repository can start a workflow command.
  const stop = `aigate-${randomUUID()}`;
  startGroup(rt, `aigate gate: ${verdict.title}`);
  rt.log(`::stop-commands::${stop}`);
  for (const line of renderGateText(verdict, { root: prefix || undefined }).replace(/\n$/, '').split('\n')) rt.log(plainLine(line));
  rt.log(`::${stop}::`);
  endGroup(rt);

  if (verdict.conclusion !== 'success') {
    const listed = verdict.missing.slice(0, 20).map((m) => `- ${m}`);
    if (verdict.missing.length > listed.length) listed.push(`- … and ${verdict.missing.length - listed.length} more (see the job summary)`);
    rt.log(annotationCommand('error', [verdict.title, ...listed].join('\n'), { title: 'aigate gate' }));
  }
  const delivery = !checkRun
    ? 'No check run (check-run: false): this step\'s result is the verdict.'
    : checkRunWritten
      ? `Check run \`${inputs.checkName}\` on ${short(headSha)}: ${verdict.conclusion}.`
      : `The check run \`${inputs.checkName}\` could not be written. ${checkRun.problem ?? ''} This step fails so that the missing check is not taken for a pass.`;
  if (checkRun && !checkRunWritten) rt.log(annotationCommand('notice', delivery, { title: 'aigate gate: no check run' }));

  if (!appendSummary(rt.env, `${dossier}\n\n---\n\n${delivery}\n`)) rt.log(plainLine('aigate: GITHUB_STEP_SUMMARY is not set: no job summary written.'));
  const written = setOutputs(rt.env, {
    conclusion: failing ? 'failure' : 'success',
    promotions: verdict.promotions.length,
    missing: verdict.missing.length,
    'check-run-id': checkRunWritten ? checkRun!.id! : '',
  });
  if (!written) rt.log(plainLine('aigate: GITHUB_OUTPUT is not set: no step outputs written.'));
  rt.log(plainLine(`aigate gate: ${failing ? 'red' : 'green'}: ${verdict.title} (${plural(client.requests.length, 'API request')}).`));
  return failing ? 1 : 0;
}
