import { defineRule, type Report } from '../../engine/rule.js';
import type { DeploymentRecord, EndpointRecord, JobRecord, StepAction } from '../../model/records.js';
import { defineIndex, type WorkspaceModel } from '../../model/workspace.js';
import { deploymentLabel, groupFindings } from '../helpers.js';
import { endpointNameReplaced, endpointStem, isSandboxFile, isSandboxFolder, listWords, normalizeRepoPath, overridesVersion, recordField, resolveFrom, unique } from './logical.js';

/** Fields of a deployment that point at files of the repository. */
const PATH_FIELDS: ReadonlyArray<readonly string[]> = [
  ['code_configuration', 'code'],
  ['model', 'path'],
  ['environment', 'conda_file'],
  ['environment', 'build', 'path'],
];

const JOB_ACTIONS: ReadonlyArray<StepAction['kind']> = ['deploy', 'traffic', 'provision', 'register', 'delete-deployment'];
/** What a sandbox job must not do to a higher environment. */
const DEPLOYING: ReadonlyArray<StepAction['kind']> = ['deploy', 'traffic', 'provision', 'delete-deployment'];

function cap(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/**
 * Environment tiers named by the words of a text. "experiment" is left out: in ML workflows it names
 * training and evaluation runs (`flow-experiment-and-evaluation`), not a sandbox.
 */
function tiersNamed(model: WorkspaceModel, text: string): string[] {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w && !/^experiment/i.test(w))
    .map((w) => model.envs.byName(w)?.tier)
    .filter((t): t is NonNullable<typeof t> => !!t);
}

/** A job meant for the sandbox: by its `environment:`, else its id and name, else its workflow file's name. Not by what it deploys. */
function declaredSandbox(model: WorkspaceModel, job: JobRecord): boolean {
  if (job.environment) return job.environment.known && model.envs.byName(job.environment.value)?.tier === 'sandbox';
  for (const text of [`${job.id} ${job.name ?? ''}`, job.workflowFile.split('/').pop() ?? '']) {
    const tiers = tiersNamed(model, text);
    if (tiers.length) return tiers.every((t) => t === 'sandbox');
  }
  return false;
}

const tierOf = (model: WorkspaceModel, env: string | undefined): string | undefined => (env ? model.tierOfEnv(env) : undefined);
const isHigher = (model: WorkspaceModel, env: string | undefined): env is string => !!env && tierOf(model, env) !== undefined && tierOf(model, env) !== 'sandbox';
const isSandbox = (model: WorkspaceModel, env: string | undefined): env is string => !!env && tierOf(model, env) === 'sandbox';

/** An action of a job that touches resources, with the files it passes (normalised, each once). */
interface JobAction {
  job: JobRecord;
  action: StepAction;
  files: string[];
}

function jobActions(job: JobRecord): JobAction[] {
  return job.actions.filter((a) => JOB_ACTIONS.includes(a.kind)).map((action) => ({ job, action, files: unique(action.files.map(normalizeRepoPath)) }));
}

/** What is named by one endpoint name: endpoints declaring it, deployments into it, commands of higher jobs on it. */
type NameItem = { decl: EndpointRecord } | { dep: DeploymentRecord } | { act: JobAction };

const BY_NAME = defineIndex<NameItem>('sandbox-isolated: endpoint names', ['endpoint', 'deployment', 'job'], (model, r) => {
  if (r.type === 'endpoint') return r.name && model.env(r) ? [[r.name.toLowerCase(), { decl: r }]] : [];
  if (r.type === 'deployment') {
    const env = model.env(r);
    return r.endpointName && (isHigher(model, env) || isSandbox(model, env)) ? [[r.endpointName.toLowerCase(), { dep: r }]] : [];
  }
  if (r.type !== 'job' || declaredSandbox(model, r) || !isHigher(model, model.env(r))) return [];
  return jobActions(r)
    .filter((a) => a.action.endpointName)
    .map((a) => [a.action.endpointName!.toLowerCase(), { act: a }] as const);
});

/** Environments of the higher jobs that work in a workspace, by resource group and workspace. */
const WORKSPACE_ENVS = defineIndex<string>('sandbox-isolated: workspaces of higher jobs', ['job'], (model, r) => {
  if (r.type !== 'job' || declaredSandbox(model, r)) return [];
  const env = model.env(r);
  if (!isHigher(model, env)) return [];
  const out: Array<[string, string]> = [];
  for (const action of r.actions) {
    if (!JOB_ACTIONS.includes(action.kind) || !action.workspace || !action.resourceGroup) continue;
    out.push([`${action.resourceGroup.toLowerCase()}/${action.workspace.toLowerCase()}`, env]);
  }
  return out;
});

/** The deploying commands of sandbox jobs. */
const SANDBOX_JOB_ACTIONS = defineIndex<JobAction>('sandbox-isolated: sandbox jobs', ['job'], (model, r) =>
  r.type === 'job' && declaredSandbox(model, r) ? jobActions(r).filter((a) => DEPLOYING.includes(a.action.kind)).map((a) => [r.file, a] as const) : [],
);

/** What one record shows by itself: higher deployments taking files from sandbox folders, higher jobs deploying sandbox files. */
const ON_THEIR_OWN = defineIndex<Report>('sandbox-isolated: findings of one record', ['deployment', 'job'], (model, r) => {
  const out: Array<[string, Report]> = [];
  const env = model.env(r);
  if (r.type === 'deployment' && isHigher(model, env)) {
    for (const path of PATH_FIELDS) {
      const f = recordField(model, r, ...path);
      if (f.state !== 'known') continue;
      const target = resolveFrom(r.file, f.value!);
      if (!target || !isSandboxFolder(model, target)) continue;
      out.push([
        r.file,
        {
          loc: f.loc,
          record: r,
          key: path.join('.'),
          message: `${cap(deploymentLabel(r))} in ${env} takes ${path.join('.')} from '${f.value}' (${target}), a sandbox folder. Sandbox content changes without review or promotion, and ${env} would run whatever is there. Move what ${env} needs into the workload's own folders and point ${path.join('.')} there.`,
        },
      ]);
    }
  }
  if (r.type === 'job' && !declaredSandbox(model, r) && isHigher(model, env)) {
    for (const a of jobActions(r)) {
      if (a.action.endpointName) continue; // with the other users of the endpoint name
      const found = higherJobReport(model, a, undefined, []);
      if (found) out.push([r.file, found]);
    }
  }
  return out;
});

/** A higher job's command that deploys sandbox files or into a sandbox endpoint. */
function higherJobReport(model: WorkspaceModel, { job, action, files }: JobAction, sandboxEndpoint: string | undefined, sandboxDecl: EndpointRecord[]): Report | undefined {
  const env = model.env(job)!;
  const sandboxFiles = files.filter((f) => isSandboxFile(model, f));
  if (!sandboxFiles.length && !sandboxEndpoint) return undefined;
  const what = [
    ...(sandboxFiles.length ? [`${sandboxFiles.join(', ')} from a sandbox folder`] : []),
    ...(sandboxEndpoint ? [`into the sandbox endpoint '${sandboxEndpoint}' (${where(sandboxDecl)})`] : []),
  ];
  return {
    loc: action.loc,
    record: job,
    key: `higher-job:${action.via}:${action.endpointName ?? ''}:${files.join(',')}`,
    related: sandboxEndpoint ? sandboxDecl.map((s) => ({ loc: s.nameLoc, message: `the sandbox declares endpoint '${sandboxEndpoint}' here` })) : [],
    message: `Job '${job.id}' of ${env} deploys ${what.join(' and ')} (${action.via}). Sandbox content and resources change without review or promotion; deploy ${env} from the ${env} files and into ${env}'s own endpoint.`,
  };
}

function where(list: EndpointRecord[]): string {
  return unique(list.map((e) => e.file)).join(', ');
}

/** Endpoints that declare a name and keep it (no workflow deploys them under another name), by environment. */
function declarations(model: WorkspaceModel, items: readonly NameItem[]): { sandbox: EndpointRecord[]; higher: EndpointRecord[] } {
  const declared = items.filter((i): i is { decl: EndpointRecord } => 'decl' in i && !endpointNameReplaced(model, i.decl)).map((i) => i.decl);
  return { sandbox: declared.filter((e) => isSandbox(model, model.env(e))), higher: declared.filter((e) => isHigher(model, model.env(e))) };
}

export const sandboxIsolated = defineRule({
  id: 'environments/sandbox-isolated',
  theme: 'environment-separation',
  description: 'Sandbox files, endpoints and jobs stay apart from dev, test and prod: no higher environment uses sandbox code or endpoints, and no sandbox job deploys into a higher environment.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI operations',
      quote: 'So, the sandbox environment should be distinct from dev, test, and production environments in the AI development lifecycle.',
    },
  ],
  check({ model, report }) {
    const context = String(overridesVersion(model));

    // What records show by themselves.
    for (const r of groupFindings(model, 'sandbox-isolated/own', ON_THEIR_OWN, '', (_file, found) => [...found])) report(r);

    // Users of one endpoint name: sandbox endpoints named like higher ones, deployments and higher jobs across the line.
    const byName = groupFindings(model, 'sandbox-isolated/names', BY_NAME, context, (_key, items) => {
      const out: Report[] = [];
      const { sandbox: sandboxDecl, higher: higherDecl } = declarations(model, items);
      for (const item of items) {
        if ('decl' in item) {
          const e = item.decl;
          if (!isSandbox(model, model.env(e)) || endpointNameReplaced(model, e) || !higherDecl.length) continue;
          const envs = unique(higherDecl.map((h) => model.env(h)!));
          out.push({
            loc: e.nameLoc,
            record: e,
            related: higherDecl.map((h) => ({ loc: h.nameLoc, message: `${model.env(h)} declares endpoint '${e.name}' here` })),
            message: `Sandbox endpoint '${e.name}' has the same name as an endpoint of ${listWords(envs)} (${where(higherDecl)}). Endpoint names are unique within a region, so experiments land on that endpoint or collide with it. Rename the sandbox endpoint (for example '${endpointStem(model, e.name!)}-sandbox').`,
          });
        } else if ('dep' in item) {
          const d = item.dep;
          if (endpointNameReplaced(model, d)) continue;
          const endpointName = d.endpointName!;
          const env = model.env(d);
          if (isHigher(model, env)) {
            if (!sandboxDecl.length || higherDecl.length) continue;
            out.push({
              loc: d.endpointLoc ?? d.nameLoc,
              record: d,
              key: 'endpoint',
              related: sandboxDecl.map((s) => ({ loc: s.nameLoc, message: `the sandbox declares endpoint '${endpointName}' here` })),
              message: `${cap(deploymentLabel(d))} in ${env} deploys into '${endpointName}', a sandbox endpoint (${where(sandboxDecl)}). Sandbox resources are for experiments and change at will; deploy ${env} into an endpoint of ${env} (for example '${endpointName}-${env.toLowerCase()}').`,
            });
          } else if (isSandbox(model, env) && higherDecl.length && !sandboxDecl.length) {
            const envs = unique(higherDecl.map((h) => model.env(h)!));
            out.push({
              loc: d.endpointLoc ?? d.nameLoc,
              record: d,
              key: 'endpoint',
              related: higherDecl.map((h) => ({ loc: h.nameLoc, message: `${model.env(h)} declares endpoint '${endpointName}' here` })),
              message: `Sandbox ${deploymentLabel(d)} deploys into the ${listWords(envs)} endpoint '${endpointName}' (${where(higherDecl)}). An experiment would change what ${listWords(envs)} serves without promotion; deploy it into a sandbox endpoint instead.`,
            });
          }
        } else {
          const sandboxEndpoint = sandboxDecl.length && !higherDecl.length ? item.act.action.endpointName : undefined;
          const found = higherJobReport(model, item.act, sandboxEndpoint, sandboxDecl);
          if (found) out.push(found);
        }
      }
      return out;
    });
    for (const r of byName) report(r);

    // Sandbox jobs that reach a higher environment.
    const sandboxJobs = groupFindings(model, 'sandbox-isolated/sandbox-jobs', SANDBOX_JOB_ACTIONS, context, (_file, units, read) => {
      const out: Report[] = [];
      for (const { job, action, files } of units) {
        const nameItems = action.endpointName ? read(BY_NAME, action.endpointName.toLowerCase()) : [];
        const wsKey = action.workspace && action.resourceGroup ? `${action.resourceGroup.toLowerCase()}/${action.workspace.toLowerCase()}` : undefined;
        const wsEnvs = wsKey ? read(WORKSPACE_ENVS, wsKey) : [];
        const reasons: string[] = [];
        const targets: string[] = [];
        for (const f of files) {
          const fe = model.fileEnv(f);
          if (fe && fe.tier !== 'sandbox') {
            reasons.push(`${f} belongs to ${fe.name}`);
            targets.push(fe.name);
          }
        }
        const { sandbox: sandboxDecl, higher: higherDecl } = declarations(model, nameItems);
        if (action.endpointName && higherDecl.length && !sandboxDecl.length) {
          const envs = unique(higherDecl.map((h) => model.env(h)!));
          reasons.push(`endpoint '${action.endpointName}' is declared by ${listWords(envs)}`);
          targets.push(...envs);
        }
        const envs = unique(wsEnvs);
        if (wsKey && envs.length) {
          reasons.push(`workspace '${action.workspace}' is where ${listWords(envs)} ${envs.length > 1 ? 'deploy' : 'deploys'}`);
          targets.push(...envs);
        }
        if (!targets.length) continue;
        const into = listWords(unique(targets));
        out.push({
          loc: action.loc,
          record: job,
          key: `sandbox-job:${action.via}:${action.endpointName ?? ''}:${files.join(',')}`,
          message: `Sandbox job '${job.id}' reaches ${into} (${action.via}): ${reasons.join('; ')}. Sandbox workflows run without the promotion gates of ${into}; deploy there only from the promotion workflow, and point this job at sandbox files and resources.`,
        });
      }
      return out;
    });
    for (const r of sandboxJobs) report(r);
  },
});
