import { lookupRetirement, type RetirementInfo } from '../catalog/retirements.js';
import { isTemplated } from '../formats/templating.js';
import type { AssetRef, DeploymentRecord } from '../model/records.js';
import type { WorkspaceModel } from '../model/workspace.js';
import { tierOfName } from '../policy/tiers.js';

/** What runs in one environment for a deployment or a model. */
export interface EnvironmentRun {
  env: string;
  deployments: DeploymentRecord[];
}

/** `chat-prod` and `chat-stg-eus` as `chat` and `chat-eus`: a name with its environment words removed. */
export function logicalName(model: WorkspaceModel, name: string): string {
  return name
    .toLowerCase()
    .split(/[-_.]+/)
    .filter((t) => t && !tierOfName(t) && !model.envs.byName(t))
    .join('-');
}

/** Environments in display order: the promotion chain, then others that have deployments (sandbox last). */
export function environmentsInOrder(model: WorkspaceModel): string[] {
  const out = [...model.chain];
  const extra = new Set<string>();
  for (const d of model.deployments) {
    const e = model.env(d);
    if (e && !out.includes(e)) extra.add(e);
  }
  return [...out, ...[...extra].sort()];
}

/**
 * The same logical deployment in every environment: deployments of the same workload whose
 * endpoint names (or deployment names, when the endpoint is unknown) match once environment words
 * are removed, in each environment of the promotion chain (and the deployment's own environment
 * when it is outside the chain, like a sandbox). The deployment itself is included.
 */
export function counterpartsByEnvironment(model: WorkspaceModel, d: DeploymentRecord): EnvironmentRun[] {
  const workload = model.workload(d);
  const key = (x: DeploymentRecord): string | undefined => (x.endpointName ? `e:${logicalName(model, x.endpointName)}` : x.name ? `d:${logicalName(model, x.name)}` : undefined);
  const mine = key(d);
  const byEnv = new Map<string, DeploymentRecord[]>();
  for (const c of model.deployments) {
    const env = model.env(c);
    if (!env) continue;
    if (c !== d) {
      const w = model.workload(c);
      if (workload && w && w !== workload) continue;
      if ((c.kind === 'batch') !== (d.kind === 'batch')) continue;
      if (mine === undefined || key(c) !== mine) continue;
    }
    const list = byEnv.get(env);
    if (list) list.push(c);
    else byEnv.set(env, [c]);
  }
  const envs = [...model.chain];
  const own = model.env(d);
  if (own && !envs.includes(own)) envs.push(own);
  return envs.map((env) => ({ env, deployments: byEnv.get(env) ?? [] }));
}

/** Deployments that run a model of this name (any version), by environment. */
export function modelRunsByEnvironment(model: WorkspaceModel, modelName: string): EnvironmentRun[] {
  const want = modelName.toLowerCase();
  const byEnv = new Map<string, DeploymentRecord[]>();
  for (const d of model.deployments) {
    const env = model.env(d);
    if (!env || d.model?.name?.toLowerCase() !== want) continue;
    const list = byEnv.get(env);
    if (list) list.push(d);
    else byEnv.set(env, [d]);
  }
  return environmentsInOrder(model).map((env) => ({ env, deployments: byEnv.get(env) ?? [] }));
}

/** A model reference's version as people write it: `8`, `@latest`, a label, or unknown. */
export function versionText(ref: AssetRef | undefined): string {
  if (!ref) return 'no model';
  if (ref.pinned === undefined || isTemplated(ref.raw)) return 'set at run time';
  if (ref.version) return ref.version;
  if (ref.label) return `@${ref.label}`;
  if (ref.unpinnedBecause === 'inline') return 'inline (unversioned)';
  return 'unversioned';
}

/** Retirement data for a model reference, read the way the retirement rule reads it. */
export function retirementOf(ref: AssetRef): RetirementInfo | undefined {
  if (!ref.name) return undefined;
  const azureOpenAi = ref.source === 'registry' && ref.registry?.toLowerCase() === 'azure-openai';
  if (azureOpenAi) return lookupRetirement(ref.name, ref.version);
  if (!ref.version) return undefined;
  const info = lookupRetirement(ref.name, ref.version);
  // A workspace model that merely shares a vendor model's name is not that model.
  return info?.version !== undefined ? info : undefined;
}
