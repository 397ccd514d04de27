import type { AnyRecord, DeploymentRecord, JobRecord } from '../model/records.js';
import type { WorkspaceModel } from '../model/workspace.js';
import type { Loc } from '../yaml/nodes.js';

/** "in prod" / "in an unknown environment", for messages. */
export function inEnv(model: WorkspaceModel, r: AnyRecord): string {
  const env = model.env(r);
  return env ? `in ${env}` : 'in an unrecognised environment';
}

/** A short human name of a deployment: `blue` on endpoint `chat`. */
export function deploymentLabel(d: DeploymentRecord): string {
  const name = d.name ?? '(unnamed)';
  return d.endpointName ? `deployment '${name}' of endpoint '${d.endpointName}'` : `deployment '${name}'`;
}

export function jobLabel(j: JobRecord): string {
  return `job '${j.id}'`;
}

/** Jobs that deploy or shift traffic (model promotion steps). */
export function isPromotionJob(j: JobRecord): boolean {
  return j.actions.some((a) => a.kind === 'deploy' || a.kind === 'traffic');
}

export function related(loc: Loc | undefined, message: string): Array<{ loc: Loc; message: string }> {
  return loc ? [{ loc, message }] : [];
}

/** Group by a key, skipping undefined keys. */
export function groupBy<T>(items: Iterable<T>, key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
