import { defineRule, type Report } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { DeploymentRecord, EndpointRecord, JobRecord, StepAction } from '../../model/records.js';
import { defineIndex } from '../../model/workspace.js';
import { groupFindings } from '../helpers.js';
import { evaluationBetween, evaluationSignals } from './evaluation-before-promotion.js';
import { fullShare } from './no-direct-full-cutover.js';
import { normalizePath } from './prod-after-lower-environment.js';
import { VERSION_CONTROL_AND_ROLLBACK } from '../guidance.js';

const lower = (s: string | undefined): string | undefined => s?.toLowerCase();

export const rollbackTarget = defineRule({
  id: 'promotion/rollback-target',
  theme: 'model-promotion',
  description: 'A prod online endpoint keeps a previous deployment to fall back to: the old deployment is not deleted right after the cutover, and the only deployment is not updated in place.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    VERSION_CONTROL_AND_ROLLBACK,
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI business continuity',
      quote: 'Doing so is critical for tracking modifications and ensuring the ability to restore previous versions during recovery.',
    },
  ],
  check({ model, report }) {
    // (a) The previous deployment is deleted in the same job, right after all traffic left it.
    for (const r of groupFindings(model, 'rollback-target/deleted', DELETED_AFTER_CUTOVER, '', (_file, found) => [...found])) report(r);

    // (b) The only deployment of a prod endpoint is replaced in place by `az ml online-deployment update --file`.
    const inPlace = groupFindings(model, 'rollback-target/in-place', PROD_DEPLOYMENTS, '', (_key, list, read) => {
      const out: Report[] = [];
      if (list.length !== 1 || !list[0]!.name) return out;
      const d = list[0]!;
      const endpoint = d.endpointName!;
      const file = normalizePath(d.file);
      const byFile = read(DEPLOY_COMMANDS_BY_FILE, file);
      // Another deployment of the endpoint: in the endpoint's traffic, or created under another name by a workflow.
      const siblingInTraffic = read(ENDPOINTS, endpoint.toLowerCase()).some(
        (e) => (!model.env(e) || model.env(e) === model.env(d)) && e.traffic?.shares.some((s) => lower(s.deployment) !== lower(d.name)),
      );
      const siblingCreated = [...read(DEPLOY_COMMANDS_BY_ENDPOINT, endpoint.toLowerCase()), ...byFile].some(
        ({ job, action }) =>
          action.via === 'az ml online-deployment create' &&
          (!model.env(job) || model.env(job) === model.env(d)) &&
          (lower(action.endpointName) === lower(endpoint) || action.files.some((f) => normalizePath(f) === file)) &&
          !!action.deploymentName &&
          lower(action.deploymentName) !== lower(d.name),
      );
      if (siblingInTraffic || siblingCreated) return out;
      for (const { job, action } of uniqueCommands(byFile)) {
        if (action.via !== 'az ml online-deployment update') continue;
        if (action.deploymentName && lower(action.deploymentName) !== lower(d.name)) continue;
        if (model.env(job) && model.env(job) !== model.env(d)) continue;
        out.push({
          loc: action.loc,
          record: d,
          related: [{ loc: d.nameLoc, message: `the only deployment of endpoint '${endpoint}' in ${model.env(d)}` }],
          message:
            `Job '${job.id}' replaces deployment '${d.name}' of endpoint '${endpoint}' in ${model.env(d)} in place (${action.via} --file ${d.file}), and it is the endpoint's only deployment in the repository, so there is nothing to send traffic back to if the new model misbehaves. ` +
            `Deploy each new version as a second deployment (create 'green' next to '${d.name}', move traffic to it, keep '${d.name}' until 'green' is checked) instead of updating the only one.`,
        });
      }
      return out;
    });
    for (const r of inPlace) report(r);
  },
});

interface DeployCommand {
  job: JobRecord;
  action: StepAction;
}

/** Commands listed once each (a command given one file twice is filed twice), in order. */
function uniqueCommands(list: readonly DeployCommand[]): DeployCommand[] {
  const seen = new Set<StepAction>();
  return list.filter((c) => !seen.has(c.action) && !!seen.add(c.action));
}

/** Online and Kubernetes deployments of a prod environment, by environment and endpoint. */
const PROD_DEPLOYMENTS = defineIndex<DeploymentRecord>('rollback-target: prod deployments by endpoint', ['deployment'], (model, r) =>
  r.type === 'deployment' && r.kind !== 'batch' && r.endpointName && model.tier(r) === 'prod' ? [[`${model.env(r) ?? ''}\u0000${r.endpointName.toLowerCase()}`, r]] : [],
);
const ENDPOINTS = defineIndex<EndpointRecord>('rollback-target: endpoints by name', ['endpoint'], (_m, r) => (r.type === 'endpoint' && r.name ? [[r.name.toLowerCase(), r]] : []));
const DEPLOY_COMMANDS_BY_ENDPOINT = defineIndex<DeployCommand>('rollback-target: deploy commands by endpoint', ['job'], (_m, r) =>
  r.type === 'job' ? r.actions.filter((a) => a.kind === 'deploy' && a.endpointName).map((action) => [action.endpointName!.toLowerCase(), { job: r, action }] as const) : [],
);
const DEPLOY_COMMANDS_BY_FILE = defineIndex<DeployCommand>('rollback-target: deploy commands by file', ['job'], (_m, r) =>
  r.type === 'job' ? r.actions.filter((a) => a.kind === 'deploy').flatMap((action) => action.files.map((f) => [normalizePath(f), { job: r, action }] as const)) : [],
);

/** Prod jobs that delete the previous deployment right after moving all traffic away from it. */
const DELETED_AFTER_CUTOVER = defineIndex<Report>('rollback-target: deletions after a cutover', ['job'], (model, job) => {
  if (job.type !== 'job' || model.tier(job) !== 'prod') return [];
  const signals = evaluationSignals(model);
  const out: Array<[string, Report]> = [];
  const env = model.env(job)!;
  job.actions.forEach((del, k) => {
    if (del.kind !== 'delete-deployment' || !del.deploymentName) return;
    const gone = del.deploymentName;
    let cutover: StepAction | undefined;
    for (let i = k - 1; i >= 0 && !cutover; i--) {
      const t = job.actions[i]!;
      if (t.kind !== 'traffic') continue;
      const ep = lower(t.endpointName ?? t.traffic?.endpointName);
      if (ep && del.endpointName && ep !== lower(del.endpointName)) continue;
      cutover = t;
    }
    const full = fullShare(cutover?.traffic);
    if (!cutover || !full) return;
    const movedTo = !isTemplated(full.deployment) && lower(full.deployment) !== lower(gone) ? full.deployment : undefined;
    const listedAtZero = cutover.traffic!.shares.some((s) => lower(s.deployment) === lower(gone) && s.percent === 0);
    if (!movedTo && !listedAtZero) return;
    if (evaluationBetween(model, job, cutover, del, signals)) return;
    const endpoint = del.endpointName ?? cutover.endpointName;
    const to = movedTo ? `'${movedTo}'` : `'${full.deployment}'`;
    out.push([
      job.file,
      {
        loc: del.loc,
        record: job,
        key: gone,
        related: [{ loc: cutover.loc, message: `all traffic moves to ${to} here` }],
        message:
          `Job '${job.id}' deletes deployment '${gone}'${endpoint ? ` of endpoint '${endpoint}'` : ''} in ${env} right after sending all traffic to ${to}, with no test in between, so if ${to} misbehaves there is no deployment left to send traffic back to. ` +
          `Keep '${gone}' at 0% until ${to} has been checked (a smoke test, a soak period with monitoring), and delete it in a later step or run, after that check.`,
      },
    ]);
  });
  return out;
});
