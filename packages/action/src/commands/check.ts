import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { ALL_RULES, docsUrl, fingerprintOf, formatReport, SEVERITY_RANK, type Finding, type Severity, type SuppressedFinding } from '@aigate/core';
import { checkDirectory } from '@aigate/core/node';
import { chunk, checkAnnotation, CHECK_ANNOTATIONS_PER_REQUEST, planStepAnnotations, STEP_ANNOTATIONS_PER_LEVEL, stepAnnotation } from '../check/annotations.js';
import { addGitDiff, addPullFiles, emptyChangeSet, filesWithoutLines, type ChangeSet } from '../check/changes.js';
import { diffAgainstBase } from '../check/git.js';
import { rankFindings, toRepoPaths, type RankedFinding } from '../check/rank.js';
import { CHECK_SUMMARY_LIMIT, JOB_SUMMARY_LIMIT, renderSummary, type BlobLinks, type SummaryInput } from '../check/summary.js';
import { createCheckRun, listPullFiles, PR_FILES_CAP, updateCheckRun, type CheckConclusion, type Repo } from '../github/api.js';
import { GitHubClient } from '../github/client.js';
import { GitHubApiError } from '../github/errors.js';
import { readContext, type PullRequestInfo, type RunContext } from '../runner/context.js';
import { annotationCommand, appendSummary, endGroup, getBooleanInput, getChoiceInput, getInput, InputError, plainLine, setOutputs, startGroup } from '../runner/io.js';
import type { ActionRuntime } from '../runtime.js';
import { VERSION } from '../version.js';

export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** At most this many check-run annotations (100 requests of 50); the rest are in the summary and SARIF. */
export const MAX_CHECK_ANNOTATIONS = 5000;

interface CheckInputs {
  path: string;
  failOn: FailOn;
  sarifFile: string;
  token?: string;
  checkRun: boolean;
  checkName: string;
  requirePolicy: boolean;
  policy?: string;
}

function readInputs(rt: ActionRuntime): CheckInputs {
  const env = rt.env;
  const inputs: CheckInputs = {
    path: getInput(env, 'path') ?? '.',
    failOn: getChoiceInput(env, 'fail-on', FAIL_ON, 'error'),
    sarifFile: getInput(env, 'sarif-file') ?? 'aigate.sarif',
    checkRun: getBooleanInput(env, 'check-run', true),
    checkName: getInput(env, 'check-name') ?? 'aigate',
    requirePolicy: getBooleanInput(env, 'require-policy', false),
  };
  const token = getInput(env, 'token');
  if (token) inputs.token = token;
  const policy = getInput(env, 'policy');
  if (policy) inputs.policy = policy;
  return inputs;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function toPosix(p: string): string {
  return p.split(nodePath.sep).join('/');
}

/** Learn what the pull request changes: the files API first, then `git diff` for what it leaves out. */
async function collectChanges(client: GitHubClient | undefined, repo: Repo | undefined, pr: PullRequestInfo, workspace: string, log: (l: string) => void): Promise<ChangeSet> {
  const set = emptyChangeSet();
  let gap: string | undefined;
  if (client && repo) {
    try {
      const res = await listPullFiles(client, repo, pr.number);
      addPullFiles(set, res.files);
      set.sources.push('the pull request files API');
      if (!res.complete || (pr.changedFiles !== undefined && pr.changedFiles > res.files.length)) {
        gap = `GitHub lists at most ${PR_FILES_CAP.toLocaleString('en-US')} files of a pull request, and this one changes ${pr.changedFiles !== undefined ? pr.changedFiles.toLocaleString('en-US') : 'more'}.`;
      }
    } catch (err) {
      if (!(err instanceof GitHubApiError)) throw err;
      gap = `The pull request's files could not be listed (${err.describe()}).`;
    }
  } else gap = 'No token was given to list the pull request\'s files.';

  const noPatch = filesWithoutLines(set);
  if (!gap && !noPatch.length) return set;
  log(plainLine(`aigate: ${gap ?? `GitHub gave no diff for ${plural(noPatch.length, 'file')}.`} Asking git for the changes against the base commit ${pr.baseSha.slice(0, 7)}.`));
  const diff = await diffAgainstBase(workspace, pr.baseSha, gap ? [] : noPatch);
  if (typeof diff === 'string') {
    set.complete = false;
    if (gap) set.problems.push(`${gap} The rest could not be taken from git: ${diff}.`);
    if (noPatch.length) set.problems.push(`GitHub gave no diff for ${plural(noPatch.length, 'file')} (binary, or too large to show), and git could not give it: ${diff}. Findings in ${noPatch.length === 1 ? 'that file' : 'those files'} count as in this PR but not on a changed line.`);
    return set;
  }
  addGitDiff(set, diff, Boolean(gap));
  set.sources.push('git diff against the base commit');
  const still = filesWithoutLines(set);
  if (still.length) {
    set.complete = false;
    set.problems.push(`The changed lines of ${plural(still.length, 'file')} are not known (no diff from GitHub or git).`);
  }
  return set;
}

interface CheckRunResult {
  id?: number;
  /** One sentence for the summary. */
  status: string;
  /** A sentence for the notice annotation, when the check run could not be made as asked. */
  notice?: string;
}

async function publishCheckRun(
  client: GitHubClient,
  repo: Repo,
  opts: { name: string; headSha: string; title: string; summary: string; ranked: readonly RankedFinding[]; conclusion: CheckConclusion; exists: (p: string) => boolean; log: (l: string) => void },
): Promise<CheckRunResult> {
  const annotations = opts.ranked.map((r) => checkAnnotation(r.finding, opts.exists)).filter((a) => a !== undefined);
  const capped = annotations.slice(0, MAX_CHECK_ANNOTATIONS);
  let id: number;
  try {
    id = await createCheckRun(client, repo, { name: opts.name, head_sha: opts.headSha, status: 'in_progress', started_at: new Date().toISOString(), output: { title: opts.title, summary: opts.summary }, external_id: `aigate-${randomUUID()}` });
  } catch (err) {
    if (!(err instanceof GitHubApiError)) throw err;
    const why =
      err.kind === 'forbidden'
        ? `The token may not write checks (${err.describe()}): this happens on pull requests from forks and when the workflow lacks \`permissions: checks: write\`.`
        : err.kind === 'unauthorized'
          ? `The token was refused (${err.describe()}).`
          : `The check run could not be created (${err.describe()}).`;
    return { status: `No check run: ${why}`, notice: `${why} The findings are reported by annotations and the job summary only.` };
  }
  opts.log(plainLine(`aigate: created check run ${id} '${opts.name}'; sending ${plural(capped.length, 'annotation')} in ${plural(Math.max(1, Math.ceil(capped.length / CHECK_ANNOTATIONS_PER_REQUEST)), 'request')}.`));
  const batches = capped.length ? chunk(capped, CHECK_ANNOTATIONS_PER_REQUEST) : [[]];
  let sent = 0;
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i]!;
    const last = i === batches.length - 1;
    const output = batch.length ? { title: opts.title, summary: opts.summary, annotations: batch } : { title: opts.title, summary: opts.summary };
    try {
      await updateCheckRun(client, repo, id, last ? { output, status: 'completed', conclusion: opts.conclusion, completed_at: new Date().toISOString() } : { output });
      sent += batch.length;
    } catch (err) {
      if (!(err instanceof GitHubApiError)) throw err;
      // Never leave the check run in progress: close it with the verdict, saying the annotations are partial.
      const note = `\n\n_Only ${sent} of ${annotations.length} annotations reached this check run (${err.describe()})._`;
      try {
        await updateCheckRun(client, repo, id, { output: { title: opts.title, summary: opts.summary.slice(0, CHECK_SUMMARY_LIMIT.max - note.length) + note }, status: 'completed', conclusion: opts.conclusion, completed_at: new Date().toISOString() });
      } catch {
        /* reported below */
      }
      const why = `The check run ${id} got ${sent} of ${annotations.length} annotations: ${err.describe()}.`;
      return { id, status: why, notice: `${why} All findings are in the job summary and the SARIF file.` };
    }
  }
  const more = annotations.length - capped.length;
  return { id, status: `Check run \`${opts.name}\` has ${plural(sent, 'annotation')}${more ? ` (${more} more are in this summary and the SARIF file only)` : ''}.` };
}

function verdictOf(findings: readonly Finding[], failOn: FailOn, policyFile: string): { failing: boolean; reason: string } {
  const policyErrors = findings.filter((f) => f.ruleId === 'aigate/policy-error' && f.severity === 'error').length;
  if (policyErrors) return { failing: true, reason: `${policyFile} has ${plural(policyErrors, 'error')} (see the aigate/policy-error findings): the check fails until the policy is fixed, whatever fail-on says.` };
  if (failOn === 'never') return { failing: false, reason: 'fail-on is never: findings do not fail this step.' };
  const min = SEVERITY_RANK[failOn as Severity];
  const over = findings.filter((f) => SEVERITY_RANK[f.severity] >= min).length;
  const at = failOn === 'info' ? 'any severity' : failOn === 'warning' ? 'warning or error' : 'error';
  return over ? { failing: true, reason: `${plural(over, 'finding')} at ${at} level (fail-on: ${failOn}).` } : { failing: false, reason: `no finding at ${at} level (fail-on: ${failOn}).` };
}

function missingPolicyFinding(prefix: string): Finding {
  const file = prefix ? `${prefix}/aigate.yaml` : 'aigate.yaml';
  const loc = { file: '.', span: { start: 0, end: 0 }, start: { line: 0, character: 0 }, end: { line: 0, character: 0 }, path: '' };
  return {
    ruleId: 'aigate/policy-error',
    severity: 'error',
    message: `No policy file: ${file} does not exist, and this workflow requires one (require-policy: true). Run \`aigate init\` to write a starter policy.`,
    docsUrl: docsUrl('aigate/policy-error'),
    location: loc,
    related: [],
    fixes: [],
    fingerprint: fingerprintOf('aigate/policy-error', file, '', 'missing'),
  };
}

/** `check`: lint the checked-out tree, rank against the PR's changes, annotate, summarise, write SARIF, publish a check run. */
export async function runCheckCommand(rt: ActionRuntime): Promise<number> {
  const inputs = readInputs(rt);
  const ctx: RunContext = readContext(rt.env, rt.cwd);
  const workspace = nodePath.resolve(rt.cwd, ctx.workspace);
  const root = nodePath.resolve(workspace, inputs.path);
  const prefix = toPosix(nodePath.relative(workspace, root));
  if (prefix === '..' || prefix.startsWith('../') || nodePath.isAbsolute(prefix)) throw new InputError(`input 'path' (${inputs.path}) is outside the workspace ${workspace}`);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(`input 'path' (${inputs.path}) is not a folder in the workspace ${workspace}`);

  let policyFile: string | undefined;
  if (inputs.policy !== undefined) {
    policyFile = nodePath.resolve(workspace, inputs.policy);
    const rel = toPosix(nodePath.relative(workspace, policyFile));
    if (rel === '..' || rel.startsWith('../') || nodePath.isAbsolute(rel)) throw new InputError(`input 'policy' (${inputs.policy}) is outside the workspace ${workspace}`);
    if (existsSync(policyFile) && statSync(policyFile).isDirectory()) throw new InputError(`input 'policy' (${inputs.policy}) is a folder, not a policy file`);
  }

  // 1. Lint the tree as checked out.
  const result = await checkDirectory(root, { policyFile });
  const findings: Finding[] = result.findings.map((f) => toRepoPaths(f, prefix));
  const suppressed: SuppressedFinding[] = result.suppressed.map((f) => toRepoPaths(f, prefix));
  const policyPath = result.policyPath ?? 'aigate.yaml';
  const policyName = prefix ? nodePath.posix.normalize(`${prefix}/${policyPath}`) : policyPath;
  if (inputs.requirePolicy && result.policy.policy.fromConventions && !result.policy.problems.length) findings.push(missingPolicyFinding(prefix));

  const notices: string[] = [];
  if (ctx.eventProblem) notices.push(`The event payload could not be used (${ctx.eventProblem}): findings are not ranked against a pull request.`);
  const repo: Repo | undefined = ctx.owner && ctx.repo ? { owner: ctx.owner, repo: ctx.repo } : undefined;
  const client = inputs.token
    ? new GitHubClient({
        baseUrl: ctx.apiUrl,
        token: inputs.token,
        userAgent: `aigate-action/${VERSION}`,
        retryBudgetMs: 60_000,
        onRetry: (r) => rt.log(plainLine(`aigate: ${r.method} ${r.path} answered ${r.status ?? r.reason}; retrying in ${(r.delayMs / 1000).toFixed(r.delayMs % 1000 ? 1 : 0)} s (retry ${r.attempt}).`)),
      })
    : undefined;

  // 2. What the pull request changes.
  const pr = ctx.pullRequest;
  let changes: ChangeSet | undefined;
  if (pr) {
    changes = await collectChanges(client, repo, pr, workspace, rt.log);
    if (!changes.complete) notices.push(`The change set of this pull request is incomplete: ${changes.problems.join(' ')}`);
  }

  // 3. Rank and decide.
  const ranked = rankFindings(findings, changes);
  const verdict = verdictOf(findings, inputs.failOn, policyName);
  const existsCache = new Map<string, boolean>();
  const exists = (repoPath: string): boolean => {
    let hit = existsCache.get(repoPath);
    if (hit === undefined) {
      const abs = nodePath.resolve(workspace, repoPath);
      hit = !toPosix(nodePath.relative(workspace, abs)).startsWith('..') && existsSync(abs) && statSync(abs).isFile();
      existsCache.set(repoPath, hit);
    }
    return hit;
  };

  // 4. SARIF for code scanning.
  const sarifPath = nodePath.resolve(workspace, inputs.sarifFile);
  const sarif = formatReport('sarif', { findings, suppressed, notes: result.notes, rules: ALL_RULES, root: workspace, filesChecked: result.filesChecked, color: false, toolVersion: VERSION });
  let sarifWritten = true;
  try {
    mkdirSync(nodePath.dirname(sarifPath), { recursive: true });
    writeFileSync(sarifPath, sarif, 'utf8');
  } catch (err) {
    sarifWritten = false;
    notices.push(`The SARIF file ${inputs.sarifFile} could not be written (${(err as Error).message}).`);
  }

  // 5. The check run, where the token may write checks.
  const headSha = pr?.headSha ?? ctx.sha;
  const links: BlobLinks | undefined = repo && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(headSha) ? { serverUrl: ctx.serverUrl, owner: repo.owner, repo: repo.repo, sha: headSha } : undefined;
  const base: Omit<SummaryInput, 'delivery'> = { ranked, suppressed, notes: result.notes, filesChecked: result.filesChecked, failOn: inputs.failOn, verdict, links };
  if (pr) base.pullRequest = pr.htmlUrl ? { number: pr.number, url: pr.htmlUrl } : { number: pr.number };
  if (changes) base.changes = changes;

  // One notice slot stays free for the action's own notice (fork, incomplete change set, API trouble).
  const plan = planStepAnnotations(ranked, 1);
  const omitted = plan.omitted.error + plan.omitted.warning + plan.omitted.info;
  const annotationNote = omitted
    ? `This step annotated the ${plural(plan.chosen.length, 'best-ranked finding')}; ${plural(omitted, 'more finding')} (${[plan.omitted.error && plural(plan.omitted.error, 'error'), plan.omitted.warning && plural(plan.omitted.warning, 'warning'), plan.omitted.info && `${plan.omitted.info} info`].filter(Boolean).join(', ')}) are listed here but not annotated, because GitHub shows at most ${STEP_ANNOTATIONS_PER_LEVEL} errors, ${STEP_ANNOTATIONS_PER_LEVEL} warnings and ${STEP_ANNOTATIONS_PER_LEVEL} notices per step.`
    : ranked.length
      ? 'Every finding is annotated.'
      : '';

  let checkRun: CheckRunResult;
  if (!inputs.checkRun) checkRun = { status: 'No check run (check-run: false).' };
  else if (!client || !repo) checkRun = { status: 'No check run: no token or repository to publish it with.' };
  else if (pr?.fromFork) {
    const why = 'This pull request comes from a fork, whose token may not write checks.';
    checkRun = { status: `No check run: ${why}`, notice: `${why} The findings are reported by annotations and the job summary only.` };
  } else {
    const title = ranked.length ? `${plural(findings.filter((f) => f.severity === 'error').length, 'error')}, ${plural(findings.filter((f) => f.severity === 'warning').length, 'warning')}, ${findings.filter((f) => f.severity === 'info').length} info` : 'No findings';
    const checkSummary = renderSummary({ ...base, delivery: [annotationNote].filter(Boolean) }, CHECK_SUMMARY_LIMIT, exists);
    checkRun = await publishCheckRun(client, repo, { name: inputs.checkName, headSha, title, summary: checkSummary, ranked, conclusion: verdict.failing ? 'failure' : 'success', exists, log: rt.log });
  }
  if (checkRun.notice) notices.push(checkRun.notice);

  // 6. Annotations within the step's budget, best first; then the action's own notice.
  for (const r of plan.chosen) rt.log(stepAnnotation(r, exists));
  if (notices.length) rt.log(annotationCommand('notice', notices.join('\n'), { title: 'aigate' }));
  if (omitted) rt.log(plainLine(`aigate: ${annotationNote} See the job summary${checkRun.id !== undefined ? ', the check run' : ''} and the SARIF file for all ${plural(ranked.length, 'finding')}.`));

  // 7. The full list in the log, where no text from the checked files can start a workflow command.
  const stylish = formatReport('stylish', { findings, suppressed, notes: result.notes, rules: ALL_RULES, root: workspace, filesChecked: result.filesChecked, sources: new Map([...result.sources].map(([p, s]) => [prefix ? `${prefix}/${p}` : p, s])), color: false, toolVersion: VERSION });
  const stop = `aigate-${randomUUID()}`;
  startGroup(rt, `aigate: ${plural(ranked.length, 'finding')} in ${plural(result.filesChecked, 'file')}`);
  rt.log(`::stop-commands::${stop}`);
  for (const line of stylish.replace(/\n$/, '').split('\n')) rt.log(plainLine(line));
  rt.log(`::${stop}::`);
  endGroup(rt);

  // 8. The job summary.
  const delivery = [annotationNote, checkRun.status, sarifWritten ? `SARIF for code scanning: ${'`'}${toPosix(nodePath.relative(workspace, sarifPath))}${'`'}.` : 'No SARIF file was written.'].filter(Boolean);
  const summary = renderSummary({ ...base, delivery }, JOB_SUMMARY_LIMIT, exists);
  if (!appendSummary(rt.env, summary)) rt.log(plainLine('aigate: GITHUB_STEP_SUMMARY is not set: no job summary written.'));

  // 9. Outputs.
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const written = setOutputs(rt.env, {
    errors: count('error'),
    warnings: count('warning'),
    infos: count('info'),
    findings: findings.length,
    'sarif-file': sarifWritten ? sarifPath : '',
    'check-run-id': checkRun.id ?? '',
    conclusion: verdict.failing ? 'failure' : 'success',
  });
  if (!written) rt.log(plainLine('aigate: GITHUB_OUTPUT is not set: no step outputs written.'));

  rt.log(plainLine(`aigate: ${verdict.failing ? 'failing' : 'passing'}: ${verdict.reason}`));
  return verdict.failing ? 1 : 0;
}
