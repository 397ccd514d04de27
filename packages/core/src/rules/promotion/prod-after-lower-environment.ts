import { defineRule, type Report } from '../../engine/rule.js';
import { groupFindings } from '../helpers.js';
import type { JobRecord, StepAction } from '../../model/records.js';
import { defineIndex, JOBS_BY_WORKFLOW, type WorkspaceModel } from '../../model/workspace.js';
import type { Loc } from '../../yaml/nodes.js';
import { PRODUCTION_AFTER_APPROVALS, QUALITY_GATES } from '../guidance.js';

/** `./deploy/x.yml` and `deploy//x.yml` as `deploy/x.yml`. */
export function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/');
}

/** True when a workflow only runs when another workflow calls it: its callers decide what runs before it. */
export function isCalledOnly(job: JobRecord): boolean {
  return job.triggers.events.length > 0 && job.triggers.events.every((e) => e === 'workflow_call');
}

/** Jobs of the reusable workflow of this repository that a job calls (`uses: ./.github/workflows/x.yml`). */
export function calledJobs(model: WorkspaceModel, job: JobRecord): JobRecord[] {
  if (!job.uses?.local) return [];
  const file = normalizePath(job.uses.ref.split('@')[0]!);
  return file === job.workflowFile ? [] : model.jobsOfWorkflow(file);
}

/** A job with the jobs of the local reusable workflow it calls. */
export function withCalled(model: WorkspaceModel, jobs: JobRecord[]): JobRecord[] {
  const out = new Set<JobRecord>();
  for (const j of jobs) {
    out.add(j);
    for (const c of calledJobs(model, j)) out.add(c);
  }
  return [...out];
}

/**
 * Jobs that have finished before a job starts: its transitive `needs:` in the workflow and every job of
 * the workflows that trigger its workflow through `workflow_run`, with the reusable workflows they call.
 */
export function earlierJobs(model: WorkspaceModel, job: JobRecord): { ancestors: JobRecord[]; upstream: JobRecord[] } {
  const ancestors = withCalled(model, model.ancestors(job));
  const upstream = withCalled(model, model.upstreamWorkflows(job).flatMap((f) => model.jobsOfWorkflow(f)));
  return { ancestors, upstream };
}

/** "on every push to main", "on workflow_dispatch", for messages. */
export function triggerText(job: JobRecord): string {
  const t = job.triggers;
  if (t.events.includes('push')) return t.branches.length ? `on every push to ${t.branches.join(', ')}` : 'on every push';
  if (t.events.length) return `on ${t.events.join(', ')}`;
  return '';
}

/** Deploy steps that ship data pipelines rather than a model: a Data Factory or Synapse template is not a model promotion. */
const NOT_A_MODEL = /data-?factory|synapse/i;

/** The steps of a job that promote a model: deploy steps and traffic changes. */
export function promotionActions(job: JobRecord): StepAction[] {
  return job.actions.filter((a) => (a.kind === 'deploy' || a.kind === 'traffic') && !NOT_A_MODEL.test(a.via));
}

export function isModelPromotionJob(job: JobRecord): boolean {
  return promotionActions(job).length > 0;
}

/** A job or workflow named for a rollback moves traffic back to what already ran: it is no promotion. */
export function isRollbackJob(job: JobRecord): boolean {
  return [job.id, job.name ?? '', job.workflowName ?? '', job.workflowFile.split('/').pop() ?? ''].some((s) => /roll-?back|revert/i.test(s));
}

/** Jobs of the same workflow that run after this one (it is among their transitive `needs:`). */
export function laterJobs(model: WorkspaceModel, job: JobRecord): JobRecord[] {
  return model.jobsOfWorkflow(job.workflowFile).filter((j) => j !== job && model.ancestors(j).includes(job));
}

/**
 * Report on the first job of a chain only: a job whose `needs:` include a job of the same environment that is
 * reported too is fixed with it (what comes before that job comes before this one).
 */
export function reportFirstOfChains(model: WorkspaceModel, pending: Map<JobRecord, Report>, report: (r: Report) => void): void {
  for (const [job, r] of pending) {
    const env = model.env(job);
    if (model.ancestors(job).some((a) => pending.has(a) && model.env(a) === env)) continue;
    report(r);
  }
}

function where(job: JobRecord): string {
  return `job '${job.id}' of ${job.workflowFile}`;
}

export const prodAfterLowerEnvironment = defineRule({
  id: 'promotion/prod-after-lower-environment',
  theme: 'model-promotion',
  description: 'A job that promotes to prod runs after a deployment to the environment before prod: a job it needs, or the workflow that triggers it.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    QUALITY_GATES,
    PRODUCTION_AFTER_APPROVALS,
  ],
  check({ model, report }) {
    const context = model.chain.join('\n');
    const reports = groupFindings(model, 'prod-after-lower-environment', JOBS_BY_WORKFLOW, context, (_file, jobs, read, m) => {
      const out: Report[] = [];
      const pending = new Map<JobRecord, Report>();
      for (const job of jobs) {
        if (!isModelPromotionJob(job) || m.tier(job) !== 'prod' || isCalledOnly(job) || isRollbackJob(job)) continue;
        const env = m.env(job)!;
        const lower = m.previousEnv(env);
        // An aigate.yaml whose chain starts at this environment declares that nothing comes before it.
        if (!lower && m.policy.environments.length) continue;
        // Without a chain below prod (conventions, nothing else found), any dev or test environment will do.
        const isLower = (e: { name: string; tier: string } | undefined): boolean => !!e && (lower ? e.name === lower : e.tier === 'dev' || e.tier === 'test');
        const deploysLower = (j: JobRecord): boolean => isLower(m.info(j).env) && (isModelPromotionJob(j) || j.environment?.known === true);
        const { ancestors, upstream } = earlierJobs(m, job);
        if (ancestors.some(deploysLower) || upstream.some(deploysLower)) continue;
        // One job that deploys the lower environment's files and then prod's.
        const deploysLowerFiles = (a: StepAction): boolean => a.files.some((f) => isLower(m.fileEnv(normalizePath(f))));
        const lowerFirst = job.actions.findIndex((a) => a.kind === 'deploy' && deploysLowerFiles(a));
        if (lowerFirst >= 0 && job.actions.slice(lowerFirst + 1).some((a) => (a.kind === 'deploy' || a.kind === 'traffic') && !deploysLowerFiles(a))) continue;

        const what = promotionActions(job)[0]!;
        const when = triggerText(job);
        const elsewhere = read(LOWER_DEPLOYERS, lower ? `env:${lower}` : 'tier:dev-test').filter((j) => j !== job);
        const relatedLocs: Array<{ loc: Loc; message: string }> = elsewhere.slice(0, 3).map((j) => ({ loc: j.idLoc, message: `${m.env(j)} is deployed here, by ${where(j)}` }));
        let message: string;
        if (lower && elsewhere.length) {
          const first = elsewhere[0]!;
          const sameWorkflow = first.workflowFile === job.workflowFile;
          const how = sameWorkflow
            ? `add '${first.id}' to the \`needs:\` of '${job.id}'`
            : `trigger this workflow with \`workflow_run\` on "${first.workflowName ?? first.workflowFile}", or move both jobs into one workflow joined by \`needs:\``;
          message = `Job '${job.id}' promotes to ${env} (${what.via}) without waiting for a deployment to ${lower}, the environment before ${env}: ${where(first)} deploys ${lower}, but ${sameWorkflow ? 'it is not in the `needs:` of this job' : 'this workflow is not triggered by it'}. So what reaches ${env} may never have run in ${lower}; ${how}.`;
        } else if (lower) {
          message = `Job '${job.id}' promotes to ${env} (${what.via})${when ? ` ${when}` : ''}, and no job deploys to ${lower}, the environment before ${env}, ahead of it. Deploy to ${lower} first: a ${lower} job in the \`needs:\` of '${job.id}', or a ${lower} workflow that triggers this one through \`workflow_run\`.`;
        } else {
          message = `Job '${job.id}' promotes to ${env} (${what.via})${when ? ` ${when}` : ''}, and nothing deploys to a lower environment (test or staging) before it, so changes go straight to ${env}. Deploy to a test or staging environment first, in a job that '${job.id}' needs or a workflow that triggers this one through \`workflow_run\`, or declare the chain of environments in aigate.yaml.`;
        }
        pending.set(job, { loc: job.idLoc, record: job, message, related: relatedLocs });
      }
      reportFirstOfChains(m, pending, (r) => out.push(r));
      return out;
    });
    for (const r of reports) report(r);
  },
});

/** Jobs that deploy an environment (a model promotion, or a job with a known `environment:`) and do not only run when called: by environment, and all of dev and test together. */
const LOWER_DEPLOYERS = defineIndex<JobRecord>('jobs that deploy an environment', ['job'], (model, j) => {
  if (j.type !== 'job' || isCalledOnly(j) || !(isModelPromotionJob(j) || j.environment?.known === true)) return [];
  const env = model.info(j).env;
  if (!env) return [];
  return env.tier === 'dev' || env.tier === 'test'
    ? [
        [`env:${env.name}`, j],
        ['tier:dev-test', j],
      ]
    : [[`env:${env.name}`, j]];
});
