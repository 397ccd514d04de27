import { defineRule, type Report } from '../../engine/rule.js';
import type { JobRecord, StepAction, WorkflowStep } from '../../model/records.js';
import { JOBS_BY_WORKFLOW, type WorkspaceModel } from '../../model/workspace.js';
import { groupFindings } from '../helpers.js';
import type { Loc } from '../../yaml/nodes.js';
import { calledJobs, earlierJobs, isCalledOnly, isModelPromotionJob, isRollbackJob, laterJobs, promotionActions, reportFirstOfChains } from './prod-after-lower-environment.js';
import { QUALITY_GATES } from '../guidance.js';

/** The `evaluation.signals` of aigate.yaml, compiled (the policy loader has checked they are valid). */
export function evaluationSignals(model: WorkspaceModel): RegExp[] {
  const out: RegExp[] = [];
  for (const s of model.policy.evaluationSignals) {
    try {
      out.push(new RegExp(s, 'm'));
    } catch {
      /* reported by the policy loader */
    }
  }
  return out;
}

/**
 * The text of part of a workflow as command lines, for `evaluation.signals`: each line trimmed, without the
 * `- ` of a list item or the `run: |` in front of a command, so `^pytest` matches a `run: pytest` step.
 */
function textOf(model: WorkspaceModel, file: string, start: number, end: number): string {
  const raw = model.files.get(file)?.source.text.slice(start, Math.max(start, end)) ?? '';
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^-\s+/, '').replace(/^(run|inlineScript):\s*([|>][-+]?\s*)?/, ''))
    .join('\n');
}

function stepOf(job: JobRecord, action: StepAction): number {
  return job.steps.findIndex((s) => s.actions.includes(action));
}

export interface EvaluationHit {
  loc: Loc;
  via: string;
}

/** The first evaluation anywhere in a job (its steps, or the reusable workflow it calls). */
export function evaluationInJob(model: WorkspaceModel, job: JobRecord, signals: RegExp[]): EvaluationHit | undefined {
  const a = job.actions.find((x) => x.kind === 'evaluate');
  if (a) return { loc: a.loc, via: a.via };
  for (const step of job.steps) {
    const text = textOf(model, job.file, step.loc.span.start, step.loc.span.end);
    const re = signals.find((r) => r.test(text));
    if (re) return { loc: step.loc, via: `a step matching evaluation signal /${re.source}/` };
  }
  if (job.uses && signals.some((r) => r.test(job.uses!.ref))) return { loc: job.uses.loc, via: `${job.uses.ref} (evaluation signal)` };
  return undefined;
}

/** An evaluation in the same job before an action: an earlier evaluate action, or a signal in the text before it. */
export function evaluationBefore(model: WorkspaceModel, job: JobRecord, action: StepAction, signals: RegExp[]): EvaluationHit | undefined {
  const idx = job.actions.indexOf(action);
  const a = job.actions.slice(0, Math.max(0, idx)).find((x) => x.kind === 'evaluate');
  if (a) return { loc: a.loc, via: a.via };
  if (!signals.length) return undefined;
  const si = stepOf(job, action);
  const steps: WorkflowStep[] = si >= 0 ? job.steps.slice(0, si) : [];
  for (const step of steps) {
    const text = textOf(model, job.file, step.loc.span.start, step.loc.span.end);
    const re = signals.find((r) => r.test(text));
    if (re) return { loc: step.loc, via: `a step matching evaluation signal /${re.source}/` };
  }
  if (si >= 0) {
    const step = job.steps[si]!;
    const text = textOf(model, job.file, step.loc.span.start, action.loc.span.start);
    const re = signals.find((r) => r.test(text));
    if (re) return { loc: step.loc, via: `a command matching evaluation signal /${re.source}/` };
  }
  return undefined;
}

/** An evaluation between two actions of one job (both included in the same job, `from` first). */
export function evaluationBetween(model: WorkspaceModel, job: JobRecord, from: StepAction, to: StepAction, signals: RegExp[]): EvaluationHit | undefined {
  const i = job.actions.indexOf(from);
  const k = job.actions.indexOf(to);
  const a = job.actions.slice(i + 1, k).find((x) => x.kind === 'evaluate');
  if (a) return { loc: a.loc, via: a.via };
  const text = textOf(model, job.file, from.loc.span.end, to.loc.span.start);
  const re = signals.find((r) => r.test(text));
  return re ? { loc: from.loc, via: `a command matching evaluation signal /${re.source}/` } : undefined;
}

/**
 * The step from which a job exposes the new model: the first traffic change that sends a share to a
 * deployment (a deployment created at 0% serves no one yet), else the first deploy step.
 */
export function exposingAction(job: JobRecord): StepAction | undefined {
  const actions = promotionActions(job);
  return actions.find((a) => a.kind === 'traffic' && a.traffic?.shares.some((s) => s.percent !== 0)) ?? actions[0];
}

export const evaluationBeforePromotion = defineRule({
  id: 'promotion/evaluation-before-promotion',
  theme: 'model-promotion',
  description: 'A job that promotes to test or prod runs after an evaluation or smoke test: earlier in the job, in a job it needs, or in the workflow that triggers it.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    QUALITY_GATES,
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI operations',
      quote: 'Data pipelines should also include unit and integration tests, as well as experimentation and evaluation flows.',
    },
  ],
  check({ model, report }) {
    const signals = evaluationSignals(model);
    const reports = groupFindings(model, 'evaluation-before-promotion', JOBS_BY_WORKFLOW, '', (_file, jobs, _read, m) => {
      const out: Report[] = [];
      const pending = new Map<JobRecord, Report>();
      for (const job of jobs) {
        if (!isModelPromotionJob(job) || !m.isProtectedTier(job) || isCalledOnly(job) || isRollbackJob(job)) continue;
        const exposing = exposingAction(job);
        if (!exposing) continue;
        if (job.uses) {
          // A reusable workflow: the order of its steps is not visible from the caller.
          if (evaluationInJob(m, job, signals) || calledJobs(m, job).some((j) => evaluationInJob(m, j, signals))) continue;
        } else if (evaluationBefore(m, job, exposing, signals)) continue;
        const { ancestors, upstream } = earlierJobs(m, job);
        if ([...ancestors, ...upstream].some((j) => evaluationInJob(m, j, signals))) continue;
        const env = m.env(job)!;
        const later = laterJobs(m, job);
        // A test environment is where the deployment gets tested: a test job of that environment after it is the gate.
        if (m.tier(job) === 'test' && later.some((j) => m.env(j) === env && evaluationInJob(m, j, signals))) continue;

        const earlier = new Set([...ancestors, ...upstream, ...later, job]);
        const notAwaited = m
          .jobsOfWorkflow(job.workflowFile)
          .filter((j) => !earlier.has(j))
          .map((j) => ({ j, hit: evaluationInJob(m, j, signals) }))
          .filter((x): x is { j: JobRecord; hit: EvaluationHit } => !!x.hit);
        const related = [{ loc: exposing.loc, message: `promotes to ${env} here (${exposing.via})` }];
        for (const { j, hit } of notAwaited.slice(0, 2)) related.push({ loc: hit.loc, message: `job '${j.id}' evaluates here (${hit.via}), but '${job.id}' does not wait for it` });
        const testedBefore = ancestors.find((a) => m.tier(a) === 'test' && isModelPromotionJob(a));
        const hint = notAwaited.length
          ? ` Job '${notAwaited[0]!.j.id}' of this workflow evaluates, but '${job.id}' does not wait for it: add it to \`needs:\`.`
          : testedBefore
            ? ` Test what job '${testedBefore.id}' deployed to ${m.env(testedBefore)} (an evaluation or smoke test against it) in a job that '${job.id}' needs.`
            : ' Run the evaluation before promoting: an evaluation pipeline (`az ml job create`), a prompt flow evaluation run (`pf run create --run`), an evaluation script, or at least a smoke test of the new deployment on sample requests (`az ml online-endpoint invoke --deployment-name ...`) before it gets traffic.';
        pending.set(job, {
          loc: job.idLoc,
          record: job,
          related,
          message: `Job '${job.id}' promotes to ${env} (${exposing.via}) with no evaluation before it: nothing earlier in the job, in the jobs it needs, or in the workflows that trigger it evaluates or tests the model.${hint} Commands of your own can count as evaluation through \`evaluation.signals\` in aigate.yaml.`,
        });
      }
      // A test deployment followed by a reported promotion: that finding says to test it, so one finding is enough.
      for (const job of [...pending.keys()]) if (m.tier(job) === 'test' && laterJobs(m, job).some((l) => pending.has(l))) pending.delete(job);
      reportFirstOfChains(m, pending, (r) => out.push(r));
      return out;
    });
    for (const r of reports) report(r);
  },
});
