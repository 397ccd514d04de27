import type { WorkspaceModel } from '../../model/workspace.js';
import type { WorkloadPolicy } from '../../policy/types.js';
import { anyGlob } from '../../util/glob.js';
import type { Loc } from '../../yaml/nodes.js';
import type { Report } from '../../engine/rule.js';
import { groupFindings, groupMemo } from '../helpers.js';
import { ENDPOINT_USES, nodeAt, overridesVersion, physicalUses, useLabel, usesInOrder, type EndpointUse } from '../environments/logical.js';

/** Who uses one endpoint (by name): the files that declare it and the deployments and workflow commands that deploy into it. */
export interface EndpointSharing {
  name: string;
  declarations: EndpointUse[];
  deploys: EndpointUse[];
  /** Known workloads that declare or deploy into the endpoint, in first-seen order. Unknown workloads never count. */
  workloads: string[];
  /** The workload the endpoint belongs to: the one that declares it, else the one whose `endpoints` globs in aigate.yaml name it. */
  owner?: string;
}

const USE_ORDER: Record<EndpointUse['kind'], number> = { deployment: 0, action: 1, endpoint: 2 };

/**
 * The findings of a rule about endpoints and who uses them, one endpoint name at a time (each computed
 * again only when the endpoint's users change).
 */
export function sharingFindings(model: WorkspaceModel, slot: string, compute: (s: EndpointSharing) => Report[]): Report[] {
  const context = String(overridesVersion(model));
  return groupFindings(model, slot, ENDPOINT_USES, context, (key, all) => {
    const s = groupMemo(model, 'sharing/usage', key, all, context, () => computeSharing(model, all));
    return s ? compute(s) : [];
  });
}

function computeSharing(model: WorkspaceModel, all: readonly EndpointUse[]): EndpointSharing | undefined {
  const group = physicalUses(model, usesInOrder(all)).filter((u) => u.kind !== 'action' || u.action?.kind === 'deploy');
  if (!group.length) return undefined;
  const name = group[0]!.name;
  const declarations = group.filter((u) => u.kind === 'endpoint');
  const deploys = group.filter((u) => u.kind !== 'endpoint');
  const workloads = [...new Set(group.map((u) => u.workload).filter((w): w is string => !!w))];
  const declaring = [...new Set(declarations.map((u) => u.workload).filter((w): w is string => !!w))];
  const owner = declaring.length === 1 ? declaring[0] : declaring.length ? undefined : model.policy.workloads.find((w) => w.endpoints.length && anyGlob(w.endpoints, name))?.name;
  return { name, declarations, deploys, workloads, owner };
}

/** The workloads a finding is about: all but the owner (all when the owner is unknown or not a user). */
export function foreignWorkloads(s: EndpointSharing): string[] {
  return s.owner && s.workloads.includes(s.owner) ? s.workloads.filter((w) => w !== s.owner) : s.workloads;
}

/** Where a workload uses the endpoint: its first deployment, else its first workflow command, else its declaration. */
export function primaryUse(s: EndpointSharing, workload: string): EndpointUse | undefined {
  return [...s.deploys, ...s.declarations].filter((u) => u.workload === workload).sort((a, b) => USE_ORDER[a.kind] - USE_ORDER[b.kind])[0];
}

/** Related locations: the declarations and the first use of each other workload. */
export function relatedUses(s: EndpointSharing, except: string): Array<{ loc: Loc; message: string }> {
  const out: Array<{ loc: Loc; message: string }> = [];
  for (const d of s.declarations) out.push({ loc: d.loc, message: `${useLabel(d)}${d.workload ? ` (workload '${d.workload}')` : ''}` });
  for (const w of s.workloads) {
    if (w === except) continue;
    const u = primaryUse(s, w);
    if (u && u.kind !== 'endpoint') out.push({ loc: u.loc, message: `workload '${w}' uses it here: ${useLabel(u)}` });
  }
  return out;
}

/** A workload's declaration in aigate.yaml. */
export function workloadPolicy(model: WorkspaceModel, name: string): WorkloadPolicy | undefined {
  return model.policy.workloads.find((w) => w.name === name);
}

/** Where a key of a workload's declaration is written in aigate.yaml. */
export function workloadKeyLoc(model: WorkspaceModel, w: WorkloadPolicy, key: string): Loc | undefined {
  if (!w.loc) return undefined;
  const node = nodeAt(model, w.loc)?.get(key);
  return node?.exists ? node.pairLoc : w.loc;
}
