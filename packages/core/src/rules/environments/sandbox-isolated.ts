import { defineRule } from '../../engine/rule.js';
import type { EndpointRecord, JobRecord, StepAction } from '../../model/records.js';
import type { WorkspaceModel } from '../../model/workspace.js';
import { deploymentLabel, groupBy } from '../helpers.js';
import { endpointNameReplaced, endpointStem, isSandboxFile, isSandboxFolder, listWords, normalizeRepoPath, readField, recordNode, resolveFrom, unique } from './logical.js';

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
    const tierOf = (env: string | undefined): string | undefined => (env ? model.tierOfEnv(env) : undefined);
    const isHigher = (env: string | undefined): env is string => !!env && tierOf(env) !== undefined && tierOf(env) !== 'sandbox';
    const isSandbox = (env: string | undefined): env is string => !!env && tierOf(env) === 'sandbox';

    const declared = groupBy(
      model.endpoints.filter((e) => e.name && model.env(e) && !endpointNameReplaced(model, e)),
      (e) => e.name!.toLowerCase(),
    );
    const sandboxDecl = (name: string): EndpointRecord[] => (declared.get(name.toLowerCase()) ?? []).filter((e) => isSandbox(model.env(e)));
    const higherDecl = (name: string): EndpointRecord[] => (declared.get(name.toLowerCase()) ?? []).filter((e) => isHigher(model.env(e)));
    const where = (list: EndpointRecord[]): string => unique(list.map((e) => e.file)).join(', ');

    // Endpoints: a sandbox endpoint with the name of a higher environment's endpoint.
    for (const e of model.endpoints) {
      const env = model.env(e);
      if (!e.name || !isSandbox(env) || endpointNameReplaced(model, e)) continue;
      const higher = higherDecl(e.name);
      if (!higher.length) continue;
      const envs = unique(higher.map((h) => model.env(h)!));
      report({
        loc: e.nameLoc,
        record: e,
        related: higher.map((h) => ({ loc: h.nameLoc, message: `${model.env(h)} declares endpoint '${e.name}' here` })),
        message: `Sandbox endpoint '${e.name}' has the same name as an endpoint of ${listWords(envs)} (${where(higher)}). Endpoint names are unique within a region, so experiments land on that endpoint or collide with it. Rename the sandbox endpoint (for example '${endpointStem(model, e.name)}-sandbox').`,
      });
    }

    // Deployments: higher environments using sandbox code or endpoints; sandbox deployments into higher endpoints.
    for (const d of model.deployments) {
      const env = model.env(d);
      const endpointName = endpointNameReplaced(model, d) ? undefined : d.endpointName;
      if (isHigher(env)) {
        const root = recordNode(model, d);
        for (const path of PATH_FIELDS) {
          const f = readField(root, ...path);
          if (f.state !== 'known') continue;
          const target = resolveFrom(d.file, f.value);
          if (!target || !isSandboxFolder(model, target)) continue;
          report({
            loc: f.node.loc,
            record: d,
            key: path.join('.'),
            message: `${cap(deploymentLabel(d))} in ${env} takes ${path.join('.')} from '${f.value}' (${target}), a sandbox folder. Sandbox content changes without review or promotion, and ${env} would run whatever is there. Move what ${env} needs into the workload's own folders and point ${path.join('.')} there.`,
          });
        }
        if (endpointName && sandboxDecl(endpointName).length && !higherDecl(endpointName).length) {
          const sb = sandboxDecl(endpointName);
          report({
            loc: d.endpointLoc ?? d.nameLoc,
            record: d,
            key: 'endpoint',
            related: sb.map((s) => ({ loc: s.nameLoc, message: `the sandbox declares endpoint '${endpointName}' here` })),
            message: `${cap(deploymentLabel(d))} in ${env} deploys into '${endpointName}', a sandbox endpoint (${where(sb)}). Sandbox resources are for experiments and change at will; deploy ${env} into an endpoint of ${env} (for example '${endpointName}-${env.toLowerCase()}').`,
          });
        }
      } else if (isSandbox(env) && endpointName && higherDecl(endpointName).length && !sandboxDecl(endpointName).length) {
        const higher = higherDecl(endpointName);
        const envs = unique(higher.map((h) => model.env(h)!));
        report({
          loc: d.endpointLoc ?? d.nameLoc,
          record: d,
          key: 'endpoint',
          related: higher.map((h) => ({ loc: h.nameLoc, message: `${model.env(h)} declares endpoint '${endpointName}' here` })),
          message: `Sandbox ${deploymentLabel(d)} deploys into the ${listWords(envs)} endpoint '${endpointName}' (${where(higher)}). An experiment would change what ${listWords(envs)} serves without promotion; deploy it into a sandbox endpoint instead.`,
        });
      }
    }

    // Workflow jobs.
    const jobEnvOfWorkspace = new Map<string, Set<string>>();
    for (const { job, action } of model.jobActions(JOB_ACTIONS)) {
      const env = model.env(job);
      if (!action.workspace || !action.resourceGroup || !isHigher(env) || declaredSandbox(model, job)) continue;
      const key = `${action.resourceGroup.toLowerCase()}/${action.workspace.toLowerCase()}`;
      const set = jobEnvOfWorkspace.get(key) ?? new Set<string>();
      set.add(env);
      jobEnvOfWorkspace.set(key, set);
    }
    for (const job of model.jobs) {
      const sandboxJob = declaredSandbox(model, job);
      const env = model.env(job);
      for (const action of job.actions) {
        if (!JOB_ACTIONS.includes(action.kind)) continue;
        const files = unique(action.files.map(normalizeRepoPath));
        if (sandboxJob) {
          if (!DEPLOYING.includes(action.kind)) continue;
          const reasons: string[] = [];
          const targets: string[] = [];
          for (const f of files) {
            const fe = model.fileEnv(f);
            if (fe && fe.tier !== 'sandbox') {
              reasons.push(`${f} belongs to ${fe.name}`);
              targets.push(fe.name);
            }
          }
          if (action.endpointName && higherDecl(action.endpointName).length && !sandboxDecl(action.endpointName).length) {
            const envs = unique(higherDecl(action.endpointName).map((h) => model.env(h)!));
            reasons.push(`endpoint '${action.endpointName}' is declared by ${listWords(envs)}`);
            targets.push(...envs);
          }
          if (action.workspace && action.resourceGroup) {
            const envs = [...(jobEnvOfWorkspace.get(`${action.resourceGroup.toLowerCase()}/${action.workspace.toLowerCase()}`) ?? [])];
            if (envs.length) {
              reasons.push(`workspace '${action.workspace}' is where ${listWords(envs)} ${envs.length > 1 ? 'deploy' : 'deploys'}`);
              targets.push(...envs);
            }
          }
          if (!targets.length) continue;
          const into = listWords(unique(targets));
          report({
            loc: action.loc,
            record: job,
            key: `sandbox-job:${action.via}:${action.endpointName ?? ''}:${files.join(',')}`,
            message: `Sandbox job '${job.id}' reaches ${into} (${action.via}): ${reasons.join('; ')}. Sandbox workflows run without the promotion gates of ${into}; deploy there only from the promotion workflow, and point this job at sandbox files and resources.`,
          });
        } else if (isHigher(env)) {
          const sandboxFiles = files.filter((f) => isSandboxFile(model, f));
          const sandboxEndpoint = action.endpointName && sandboxDecl(action.endpointName).length && !higherDecl(action.endpointName).length ? action.endpointName : undefined;
          if (!sandboxFiles.length && !sandboxEndpoint) continue;
          const what = [
            ...(sandboxFiles.length ? [`${sandboxFiles.join(', ')} from a sandbox folder`] : []),
            ...(sandboxEndpoint ? [`into the sandbox endpoint '${sandboxEndpoint}' (${where(sandboxDecl(sandboxEndpoint))})`] : []),
          ];
          report({
            loc: action.loc,
            record: job,
            key: `higher-job:${action.via}:${action.endpointName ?? ''}:${files.join(',')}`,
            related: sandboxEndpoint ? sandboxDecl(sandboxEndpoint).map((s) => ({ loc: s.nameLoc, message: `the sandbox declares endpoint '${sandboxEndpoint}' here` })) : [],
            message: `Job '${job.id}' of ${env} deploys ${what.join(' and ')} (${action.via}). Sandbox content and resources change without review or promotion; deploy ${env} from the ${env} files and into ${env}'s own endpoint.`,
          });
        }
      }
    }
  },
});
