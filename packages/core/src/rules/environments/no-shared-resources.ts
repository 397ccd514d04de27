import { defineRule, type Report } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { JobRecord, StepAction } from '../../model/records.js';
import { defineIndex, type WorkspaceModel } from '../../model/workspace.js';
import type { Loc } from '../../yaml/nodes.js';
import { groupFindings } from '../helpers.js';
import { byEnvRank, ENDPOINT_USES, endpointStem, listWords, overridesVersion, physicalUses, unique, useLabel, usesInOrder, type EndpointUse } from './logical.js';
import { PRODUCTION_AFTER_APPROVALS, SAME_MODEL_ACROSS_ENVIRONMENTS } from '../guidance.js';

const KIND_ORDER: Record<EndpointUse['kind'], number> = { endpoint: 0, deployment: 1, action: 2 };

/** The environment a resource name says it belongs to (`chat-prod` -> prod), when that is one of `envs`. */
function ownerByName(model: WorkspaceModel, name: string, envs: readonly string[]): string | undefined {
  const named = name
    .split(/[-_.]+/)
    .map((t) => model.envs.byName(t)?.name)
    .filter((e): e is string => !!e && envs.includes(e));
  const distinct = unique(named);
  return distinct.length === 1 ? distinct[0] : undefined;
}

/** The environments to report: all but the owner named by the resource, else all but the lowest. */
function reportedEnvs(model: WorkspaceModel, name: string, envs: string[]): string[] {
  const owner = ownerByName(model, name, envs);
  return owner ? envs.filter((e) => e !== owner) : envs.slice(1);
}

interface WorkspaceUse {
  job: JobRecord;
  action: StepAction;
  env: string;
  key: string;
  label: string;
}

const WORKSPACE_ACTIONS: ReadonlyArray<StepAction['kind']> = ['deploy', 'traffic', 'evaluate', 'register', 'provision', 'delete-deployment'];

export const noSharedResources = defineRule({
  id: 'environments/no-shared-resources',
  theme: 'environment-separation',
  description: 'Two environments never use the same Azure ML endpoint name or the same workspace; each environment has its own (registries are meant to be shared).',
  defaultSeverity: 'error',
  crossFile: true,
  fixable: false,
  guidance: [
    SAME_MODEL_ACROSS_ENVIRONMENTS,
    PRODUCTION_AFTER_APPROVALS,
  ],
  check({ model, report }) {
    const rank = byEnvRank(model);
    const outsideSandbox = (env: string | undefined): env is string => !!env && model.tierOfEnv(env) !== 'sandbox';
    const chain = model.chain.join('\n');

    // 1. Endpoint names: unique per region, so one name in two environments is one endpoint or a collision.
    const context = `${chain}\u0000${overridesVersion(model)}`;
    const endpoints = groupFindings(model, 'no-shared-resources/endpoints', ENDPOINT_USES, context, (_key, all) => {
      const out: Report[] = [];
      const group = physicalUses(model, usesInOrder(all)).filter((u) => outsideSandbox(u.env));
      const envs = unique(group.map((u) => u.env!)).sort(rank);
      if (envs.length < 2) return out;
      const name = group[0]!.name;
      const owner = ownerByName(model, name, envs);
      for (const env of reportedEnvs(model, name, envs)) {
        const mine = group.filter((u) => u.env === env).sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
        const primary = mine[0]!;
        const others = envs.filter((e) => e !== env);
        const suggestion = `${endpointStem(model, name)}-${env.toLowerCase()}`;
        const related: Array<{ loc: Loc; message: string }> = [
          ...group.filter((u) => u.env !== env).map((u) => ({ loc: u.loc, message: `${u.env} uses '${name}' here: ${useLabel(u)}` })),
          ...mine.slice(1).map((u) => ({ loc: u.loc, message: `${env} also uses '${name}' here: ${useLabel(u)}` })),
        ];
        out.push({
          loc: primary.loc,
          record: primary.record,
          key: `endpoint:${name.toLowerCase()}`,
          related,
          message: owner
            ? `The ${env} environment uses endpoint '${name}', which by its name is ${owner}'s endpoint, and ${listWords(others)} ${others.length > 1 ? 'use' : 'uses'} it too. Azure ML endpoint names are unique within a region, so what ${env} deploys there reaches ${owner} without promotion. Give ${env} its own endpoint (for example '${suggestion}') in its endpoint, deployment and workflow.`
            : `Endpoint '${name}' is used by ${env} and also by ${listWords(others)}. Azure ML endpoint names are unique within a region, so the environments either collide or share one endpoint, and a change made for ${listWords(others)} reaches ${env} without promotion. Give ${env} its own endpoint name (for example '${suggestion}') in its endpoint, deployment and workflow.`,
        });
      }
      return out;
    });
    for (const r of endpoints) report(r);

    // 2. Workspaces: the same --workspace-name + --resource-group targeted by jobs of different environments.
    const workspaces = groupFindings(model, 'no-shared-resources/workspaces', WORKSPACE_USES, chain, (_key, group) => {
      const out: Report[] = [];
      const envs = unique(group.map((u) => u.env)).sort(rank);
      if (envs.length < 2) return out;
      const { label } = group[0]!;
      const wsName = group[0]!.action.workspace!;
      for (const env of reportedEnvs(model, `${wsName}-${group[0]!.action.resourceGroup!}`, envs)) {
        const mine = group.filter((u) => u.env === env);
        const primary = mine[0]!;
        const others = envs.filter((e) => e !== env);
        out.push({
          loc: primary.action.loc,
          record: primary.job,
          key: `workspace:${group[0]!.key}`,
          related: [
            ...group.filter((u) => u.env !== env).map((u) => ({ loc: u.action.loc, message: `job '${u.job.id}' of ${u.env} uses the same workspace here (${u.action.via})` })),
            ...mine.slice(1).map((u) => ({ loc: u.action.loc, message: `job '${u.job.id}' of ${env} also uses it here (${u.action.via})` })),
          ],
          message: `Job '${primary.job.id}' of ${env} works in ${label}, which ${listWords(others)} also ${others.length > 1 ? 'use' : 'uses'}: models, endpoints and deployments of the environments mix in one workspace, so what is tested in one is changed by the other. Point ${env} at its own workspace and resource group; share models through an Azure ML registry instead.`,
        });
      }
      return out;
    });
    for (const r of workspaces) report(r);
  },
});

/** Workflow commands that work in an Azure ML workspace outside the sandbox, by resource group and workspace. */
const WORKSPACE_USES = defineIndex<WorkspaceUse>('workspaces used by jobs', ['job'], (model, job) => {
  if (job.type !== 'job') return [];
  const env = model.env(job);
  if (!env || model.tierOfEnv(env) === 'sandbox') return [];
  const out: Array<[string, WorkspaceUse]> = [];
  for (const action of job.actions) {
    if (!WORKSPACE_ACTIONS.includes(action.kind)) continue;
    const ws = action.workspace;
    const rg = action.resourceGroup;
    if (!ws || !rg || isTemplated(ws) || isTemplated(rg)) continue;
    const key = `${rg.toLowerCase()}/${ws.toLowerCase()}`;
    out.push([key, { job, action, env, key, label: `workspace '${ws}' in resource group '${rg}'` }]);
  }
  return out;
});
