import { defineRule, type Report } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { JobRecord, StepAction, TrafficSplit } from '../../model/records.js';
import { JOBS_BY_WORKFLOW, type WorkspaceModel } from '../../model/workspace.js';
import { groupFindings } from '../helpers.js';
import { earlierJobs, isRollbackJob } from './prod-after-lower-environment.js';
import { QUALITY_GATES, VERSION_CONTROL_AND_ROLLBACK } from '../guidance.js';

/** The share that takes all the traffic, when a split sends 100% to one deployment. */
export function fullShare(split: TrafficSplit | undefined): TrafficSplit['shares'][number] | undefined {
  return split?.shares.find((s) => s.percent === 100);
}

/** A traffic step that exposes a deployment gradually: a share strictly between 0 and 100 (or unknown), or mirrored traffic. */
function isGradual(a: StepAction): boolean {
  if (a.kind !== 'traffic') return false;
  if (a.traffic?.shares.some((s) => s.percent === undefined || (s.percent > 0 && s.percent < 100))) return true;
  return !!a.mirror?.shares.some((s) => s.percent === undefined || s.percent > 0);
}

function sameEndpoint(a: StepAction, b: StepAction): boolean {
  const x = a.endpointName ?? a.traffic?.endpointName;
  const y = b.endpointName ?? b.traffic?.endpointName;
  return !x || !y || x.toLowerCase() === y.toLowerCase();
}

export const noDirectFullCutover = defineRule({
  id: 'promotion/no-direct-full-cutover',
  theme: 'model-promotion',
  description: 'In test and prod, traffic moves to a new deployment through a partial or mirrored step before it gets 100%.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    VERSION_CONTROL_AND_ROLLBACK,
    QUALITY_GATES,
  ],
  check({ model, report }) {
    const reports = groupFindings(model, 'no-direct-full-cutover', JOBS_BY_WORKFLOW, '', (_file, jobs, _read, m) => {
      const out: Report[] = [];
      for (const job of jobs) {
        if (!m.isProtectedTier(job) || isRollbackJob(job)) continue;
        const env = m.env(job)!;
        let earlier: Array<{ job: JobRecord; action: StepAction }> | undefined;
        job.actions.forEach((action, i) => {
          if (action.kind !== 'traffic') return;
          const full = fullShare(action.traffic);
          if (!full) return;
          const targetKnown = !isTemplated(full.deployment);
          const othersKnown = action.traffic!.shares.some((s) => s !== full && !isTemplated(s.deployment));
          // `$DEPLOYMENT=100` alone says nothing about what the endpoint served before.
          if (!targetKnown && !othersKnown) return;
          earlier ??= earlierSteps(m, job, env);
          // Earlier jobs first, then the earlier steps of this job: roughly in the order they run.
          const before = [...earlier, ...job.actions.slice(0, i).map((a) => ({ job, action: a }))];
          if (before.some((b) => sameEndpoint(b.action, action) && isGradual(b.action))) return;
          // `az ml online-endpoint create` fails when the endpoint exists: after it, this is the first traffic of a new endpoint.
          const created = before.findLastIndex((b) => b.action.kind === 'provision' && b.action.via === 'az ml online-endpoint create' && sameEndpoint(b.action, action));
          if (created >= 0 && !before.slice(created + 1).some((b) => b.action.kind === 'traffic' && sameEndpoint(b.action, action))) return;
          const endpoint = action.endpointName ?? action.traffic?.endpointName;
          const target = targetKnown ? `deployment '${full.deployment}'` : `the deployment in '${full.deployment}'`;
          const others = action.traffic!.shares.filter((s) => s !== full && !isTemplated(s.deployment)).map((s) => s.deployment);
          const from = others.length ? ` away from ${others.map((o) => `'${o}'`).join(', ')}` : '';
          const example = targetKnown ? full.deployment : 'green';
          const old = others[0] ?? '<current>';
          out.push({
            loc: action.loc,
            record: job,
            key: `${endpoint ?? ''}:${full.deployment}`,
            message:
              `Job '${job.id}' sends all traffic${endpoint ? ` of endpoint '${endpoint}'` : ''} in ${env} to ${target}${from} in one step (${action.via}), with no mirrored or partial traffic step before it in this workflow. ` +
              `If the new deployment misbehaves, every request hits it at once. ${action.via.includes('--all-traffic') ? 'Create it without `--all-traffic`, then mirror' : 'Mirror'} a share first (\`--mirror-traffic "${example}=10"\`) or shift a small share (\`--traffic "${old}=90 ${example}=10"\`), check it, then move the rest.`,
          });
        });
      }
      return out;
    });
    for (const r of reports) report(r);
  },
});

/** Traffic steps of the jobs that finish before this one and target the same environment (or an unknown one). */
function earlierSteps(model: WorkspaceModel, job: JobRecord, env: string): Array<{ job: JobRecord; action: StepAction }> {
  const { ancestors, upstream } = earlierJobs(model, job);
  const out: Array<{ job: JobRecord; action: StepAction }> = [];
  for (const j of [...ancestors, ...upstream]) {
    const e = model.env(j);
    if (e && e !== env) continue;
    for (const a of j.actions) out.push({ job: j, action: a });
  }
  return out;
}
