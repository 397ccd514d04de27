import { evaluateApprovals, describeApiError, shortSha } from './approvals.js';
import { assessChange, type Assessment } from './assess.js';
import { readAllPages, type GateGitHub, type GhChangedFile, type GhPullRequest } from './github.js';
import { modelText } from './plan.js';
import { changesFromPullRequestFiles, githubTreeSource, loadGateInputs, type GateInputs } from './sources.js';
import type { GateProblem, GateVerdict, RequirementResult } from './types.js';

function emptyAssessment(): Assessment {
  return { plan: { chain: [], promotions: [], notes: [], blockers: [] }, promotions: [], requirements: [], policyChange: { changed: false, paths: [], headProblems: [] }, problems: [], notes: [] };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Turn an assessment (and, on a pull request, its approvals) into the verdict. Green only when every check passed. */
export function buildVerdict(args: {
  mode: GateVerdict['mode'];
  assessment: Assessment;
  requirements: RequirementResult[];
  problems: GateProblem[];
  base: GateVerdict['base'];
  head: GateVerdict['head'];
  repository?: string;
  pullRequest?: GateVerdict['pullRequest'];
  /** Set when a failure stopped the gate before it could read the change. */
  stopped?: boolean;
}): GateVerdict {
  const { assessment: a, mode } = args;
  const problems = [...a.problems, ...args.problems];
  const missing: string[] = problems.map((p) => p.message);
  for (const pa of a.promotions) {
    const label = `${pa.promotion.environment}${pa.promotion.deployment ? ` (${pa.promotion.deployment}${pa.promotion.endpoint ? ` on ${pa.promotion.endpoint}` : ''})` : ''}`;
    if (pa.order.state === 'fail') missing.push(`order, ${label}: ${pa.order.message}`);
    if (pa.evidence.state === 'fail') {
      const failed = pa.evidence.results.filter((r) => r.state === 'fail');
      if (failed.length) for (const r of failed) missing.push(`evidence, ${label}: ${r.message}`);
      else missing.push(`evidence, ${label}: ${pa.evidence.message}`);
    }
  }
  const localPass = problems.length === 0 && a.promotions.every((pa) => pa.order.state !== 'fail' && pa.evidence.state !== 'fail');
  if (mode === 'pull-request') {
    for (const r of args.requirements) if (r.state !== 'pass') missing.push(`approvals, ${r.requirement.title}: ${r.message}`);
  }
  const approvalsPass = mode === 'pull-request' ? args.requirements.every((r) => r.state === 'pass') : true;
  const pass = localPass && approvalsPass;
  const n = a.promotions.length;
  let title: string;
  if (!pass) title = `Promotion gate: ${plural(missing.length, 'thing')} missing`;
  else if (n === 0 && mode === 'local') title = 'No promotion in this change';
  else if (n === 0) title = a.policyChange.changed ? 'Promotion gate passed: no promotion; the policy change is approved' : 'Promotion gate passed: no promotion in this pull request';
  else if (mode === 'local') title = `Order and evidence complete for ${plural(n, 'promotion')}; approvals are checked by the action on the pull request`;
  else title = `Promotion gate passed: ${plural(n, 'promotion')} in order, with evidence and approvals`;
  if (pass && n === 0 && mode === 'local' && a.policyChange.changed) title = 'No promotion; the policy change needs the policy owners (checked by the action on the pull request)';
  return {
    conclusion: pass ? 'success' : 'failure',
    title,
    mode,
    repository: args.repository,
    pullRequest: args.pullRequest,
    base: args.base,
    head: args.head,
    policyFile: a.policyFile,
    plan: a.plan,
    promotions: a.promotions,
    policyChange: a.policyChange,
    requirements: args.requirements,
    problems,
    missing,
    notes: a.notes,
    localPass,
    ...(args.stopped ? { stopped: true } : {}),
  };
}

/** The gate without GitHub (the CLI): plan, order and evidence; approvals are listed as still to be checked. */
export async function assessLocal(inputs: GateInputs, refs: { base: GateVerdict['base']; head: GateVerdict['head'] }): Promise<GateVerdict> {
  const assessment = await assessChange(inputs);
  const requirements: RequirementResult[] = assessment.requirements.map((requirement) => ({
    requirement,
    state: 'not-checked',
    approvals: [],
    message: requirement.problem ?? 'checked by the action on the pull request',
  }));
  return buildVerdict({ mode: 'local', assessment, requirements, problems: [], ...refs });
}

export interface EvaluateOptions {
  pullNumber: number;
  /** Folder of aigate.yaml inside the repository ('' for the root). */
  root?: string;
  /** Largest YAML file read, in bytes (default 1 MiB). */
  maxFileSize?: number;
}

/**
 * Evaluate the promotion gate of a pull request, live. Reads the policy from the base commit, plans
 * the promotions, checks order and evidence, and counts approvals. Every failure to read something
 * makes the verdict red with a message that says what is missing and how to fix it.
 */
export async function evaluatePullRequest(gh: GateGitHub, options: EvaluateOptions): Promise<GateVerdict> {
  const problems: GateProblem[] = [];
  const prHint = `the token cannot read pull request #${options.pullNumber} of ${gh.repository}; give the workflow \`permissions: pull-requests: read\` (or an App token with Pull requests: read)`;
  const contentsHint = `the token cannot read the repository contents of ${gh.repository}; give the workflow \`permissions: contents: read\``;
  let pr: GhPullRequest;
  try {
    pr = await gh.getPullRequest(options.pullNumber);
  } catch (err) {
    problems.push({ message: describeApiError(err, `reading pull request #${options.pullNumber}`, prHint) });
    return buildVerdict({ mode: 'pull-request', assessment: emptyAssessment(), requirements: [], problems, base: { ref: '?' }, head: { ref: '?' }, repository: gh.repository, stopped: true });
  }
  const refs = { base: { ref: pr.base.ref, sha: pr.base.sha }, head: { ref: pr.head.ref, sha: pr.head.sha } };
  const pullRequest = { number: pr.number, author: pr.user?.login, headSha: pr.head.sha, baseSha: pr.base.sha };
  const fail = (): GateVerdict => buildVerdict({ mode: 'pull-request', assessment: emptyAssessment(), requirements: [], problems, ...refs, repository: gh.repository, pullRequest, stopped: true });

  let files: GhChangedFile[];
  try {
    const all = await readAllPages((page) => gh.listPullRequestFiles(pr.number, page));
    files = all.items;
    if (!all.complete || files.length < pr.changed_files) {
      problems.push({ message: `pull request #${pr.number} changes ${pr.changed_files} files, but GitHub lists only ${files.length}; the gate cannot see the whole change; split the pull request` });
      return fail();
    }
  } catch (err) {
    problems.push({ message: describeApiError(err, `listing the files of pull request #${pr.number}`, prHint) });
    return fail();
  }

  let inputs: GateInputs;
  try {
    inputs = await loadGateInputs({ source: githubTreeSource(gh), baseRef: pr.base.sha, headRef: pr.head.sha, changes: changesFromPullRequestFiles(files), root: options.root, maxFileSize: options.maxFileSize });
  } catch (err) {
    problems.push({ message: describeApiError(err, `reading the files of ${gh.repository} at the base (${shortSha(pr.base.sha)}) and head (${shortSha(pr.head.sha)})`, contentsHint) });
    return fail();
  }
  let assessment: Assessment;
  try {
    assessment = await assessChange(inputs);
  } catch (err) {
    problems.push({ message: `the gate could not assess the change (${err instanceof Error ? err.message : String(err)}); it never passes what it could not check` });
    return fail();
  }
  if (pr.state !== 'open') assessment.notes.push(`pull request #${pr.number} is ${pr.state}`);
  const approvals = await evaluateApprovals({ gh, pr, requirements: assessment.requirements, approvalRoles: inputs.policy.policy.approvalRoles });
  return buildVerdict({ mode: 'pull-request', assessment, requirements: approvals.results, problems: approvals.problems, ...refs, repository: gh.repository, pullRequest });
}

/** `prod ← support-chat-model:7 (blue on support-chat-prod)`, for summaries. */
export function promotionLabel(p: GateVerdict['promotions'][number]['promotion']): string {
  const what = p.to ? modelText(p.to) : p.changes.map((c) => c.kind).join(', ');
  return `${p.environment} ← ${what}${p.deployment ? ` (${p.deployment}${p.endpoint ? ` on ${p.endpoint}` : ''})` : ''}`;
}
