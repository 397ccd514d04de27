import type { Policy, Tier } from '../policy/types.js';
import { anyGlob, GlobIndex } from '../util/glob.js';
import { EnvResolver, highest, type EnvMatch } from './environments.js';
import type { AnalyzedFile } from './file.js';
import type {
  AnyRecord,
  DeploymentRecord,
  EndpointRecord,
  EnvironmentAssetRecord,
  JobRecord,
  ModelAssetRecord,
  RegistryRecord,
  StepAction,
} from './records.js';

export interface RecordInfo {
  env?: EnvMatch;
  workload?: string;
}

const WORKLOAD_TAGS = ['workload', 'Workload', 'application', 'app', 'project', 'use_case', 'azd-service-name'];

function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/');
}

/** The whole workspace as records, each tied to an environment and a workload. Cross-file rules query it. */
export class WorkspaceModel {
  readonly envs: EnvResolver;
  readonly deployments: DeploymentRecord[] = [];
  readonly endpoints: EndpointRecord[] = [];
  readonly models: ModelAssetRecord[] = [];
  readonly environmentAssets: EnvironmentAssetRecord[] = [];
  readonly registries: RegistryRecord[] = [];
  readonly jobs: JobRecord[] = [];
  readonly chain: string[];
  private readonly infos = new Map<AnyRecord, RecordInfo>();
  private readonly fileEnvCache = new Map<string, EnvMatch | undefined>();
  private readonly workloadFiles: GlobIndex<string>;
  private readonly workloadEndpoints: GlobIndex<string>;

  constructor(
    readonly files: ReadonlyMap<string, AnalyzedFile>,
    readonly policy: Policy,
  ) {
    this.envs = new EnvResolver(policy);
    this.workloadFiles = new GlobIndex(policy.workloads.map((w) => ({ globs: w.files, value: w.name })));
    this.workloadEndpoints = new GlobIndex(policy.workloads.map((w) => ({ globs: w.endpoints, value: w.name })));
    for (const f of files.values()) {
      for (const r of f.records) {
        switch (r.type) {
          case 'deployment':
            this.deployments.push(r);
            break;
          case 'endpoint':
            this.endpoints.push(r);
            break;
          case 'model':
            this.models.push(r);
            break;
          case 'environment-asset':
            this.environmentAssets.push(r);
            break;
          case 'registry':
            this.registries.push(r);
            break;
          case 'job':
            this.jobs.push(r);
            break;
        }
      }
    }
    for (const f of files.values()) for (const r of f.records) this.infos.set(r, this.computeInfo(r));
    const present = new Set<string>();
    for (const i of this.infos.values()) if (i.env) present.add(i.env.name);
    this.chain = this.envs.chain(present);
  }

  fileEnv(path: string): EnvMatch | undefined {
    if (!this.fileEnvCache.has(path)) this.fileEnvCache.set(path, this.envs.byPath(path));
    return this.fileEnvCache.get(path);
  }

  private workloadOfPath(path: string): string | undefined {
    return this.workloadFiles.first(path);
  }

  private workloadOfEndpoint(name: string | undefined): string | undefined {
    if (!name) return undefined;
    return this.workloadEndpoints.first(name);
  }

  private computeInfo(r: AnyRecord): RecordInfo {
    if (r.type === 'job') return this.jobInfo(r);
    const env = this.policyFileEnv(r.file) ?? this.envs.byTags(r.tags) ?? this.fileEnv(r.file);
    let workload = this.workloadOfPath(r.file);
    if (!workload && (r.type === 'deployment' || r.type === 'endpoint')) workload = this.workloadOfEndpoint(r.type === 'deployment' ? r.endpointName : r.name);
    if (!workload) for (const k of WORKLOAD_TAGS) if (r.tags[k]) workload = r.tags[k];
    return { env, workload };
  }

  private policyFileEnv(path: string): EnvMatch | undefined {
    const e = this.policy.environments.find((x) => x.files.length && anyGlob(x.files, path));
    return e ? { name: e.name, tier: e.tier, source: 'policy files' } : undefined;
  }

  private jobInfo(job: JobRecord): RecordInfo {
    let env: EnvMatch | undefined;
    if (job.environment?.known) {
      const m = this.envs.byName(job.environment.value);
      if (m) env = { ...m, source: 'job environment' };
    }
    const deployedFiles = job.actions.flatMap((a) => a.files).map(normalizePath);
    if (!env) {
      const fromFiles = deployedFiles.map((f) => this.fileEnv(f)).filter((m): m is EnvMatch => !!m);
      if (fromFiles.length) env = { ...highest(fromFiles), source: 'deployed file' };
    }
    if (!env) {
      const words = [job.id, job.name ?? '', ...Object.values(job.with)].flatMap((s) => s.split(/[^A-Za-z0-9]+/));
      const fromWords = words.map((w) => this.envs.byName(w)).filter((m): m is { name: string; tier: Tier } => !!m);
      if (fromWords.length) env = { ...highest(fromWords), source: 'job name' };
    }
    if (!env) env = this.fileEnv(job.file);
    let workload = this.workloadOfPath(job.file);
    if (!workload) for (const f of deployedFiles) workload ??= this.workloadOfPath(f);
    if (!workload) for (const a of job.actions) workload ??= this.workloadOfEndpoint(a.endpointName);
    return { env, workload };
  }

  info(r: AnyRecord): RecordInfo {
    return this.infos.get(r) ?? {};
  }

  env(r: AnyRecord): string | undefined {
    return this.infos.get(r)?.env?.name;
  }

  tier(r: AnyRecord): Tier | undefined {
    return this.infos.get(r)?.env?.tier;
  }

  workload(r: AnyRecord): string | undefined {
    return this.infos.get(r)?.workload;
  }

  tierOfEnv(env: string): Tier | undefined {
    return this.envs.tierOf(env);
  }

  /** The environment before `env` in the promotion chain. */
  previousEnv(env: string): string | undefined {
    const i = this.chain.indexOf(env);
    return i > 0 ? this.chain[i - 1] : undefined;
  }

  /** True when a record belongs to test or prod (the environments that promotion protects). */
  isProtectedTier(r: AnyRecord): boolean {
    const t = this.tier(r);
    return t === 'test' || t === 'prod';
  }

  isProtectedEnv(env: string): boolean {
    const p = this.policy.environments.find((e) => e.name === env);
    if (p) return p.protected || p.tier === 'test' || p.tier === 'prod';
    const t = this.envs.tierOf(env);
    return t === 'test' || t === 'prod';
  }

  /** Job actions of the given kinds, with their jobs. */
  jobActions(kinds: ReadonlyArray<StepAction['kind']>): Array<{ job: JobRecord; action: StepAction }> {
    const out: Array<{ job: JobRecord; action: StepAction }> = [];
    for (const job of this.jobs) for (const action of job.actions) if (kinds.includes(action.kind)) out.push({ job, action });
    return out;
  }

  jobsOfWorkflow(file: string): JobRecord[] {
    return this.jobs.filter((j) => j.workflowFile === file);
  }

  /** Transitive `needs:` of a job within its workflow. */
  ancestors(job: JobRecord): JobRecord[] {
    const byId = new Map(this.jobsOfWorkflow(job.workflowFile).map((j) => [j.id, j] as const));
    const out: JobRecord[] = [];
    const seen = new Set<string>([job.id]);
    const stack = [...job.needs];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const j = byId.get(id);
      if (!j) continue;
      out.push(j);
      stack.push(...j.needs);
    }
    return out;
  }

  /** Workflows that trigger this job's workflow through `workflow_run`, transitively. */
  upstreamWorkflows(job: JobRecord): string[] {
    const byName = new Map<string, string>();
    for (const j of this.jobs) if (j.workflowName) byName.set(j.workflowName, j.workflowFile);
    const out: string[] = [];
    const seen = new Set<string>([job.workflowFile]);
    const stack = [...job.triggers.workflowRun];
    while (stack.length) {
      const name = stack.pop()!;
      const file = byName.get(name);
      if (!file || seen.has(file)) continue;
      seen.add(file);
      out.push(file);
      const first = this.jobs.find((j) => j.workflowFile === file);
      if (first) stack.push(...first.triggers.workflowRun);
    }
    return out;
  }

  private overrides: Set<string> | undefined;

  /** True when a workflow rewrites this top-level key of the file before deploying it (`yq -i '.model = ...'`). */
  isOverridden(file: string, field: string): boolean {
    if (!this.overrides) {
      this.overrides = new Set();
      for (const job of this.jobs) for (const a of job.actions) if (a.kind === 'override' && a.field) for (const f of a.files) this.overrides.add(`${normalizePath(f)}\u0000${a.field}`);
    }
    return this.overrides.has(`${file}\u0000${field}`);
  }

  deploymentsOfEndpoint(name: string): DeploymentRecord[] {
    return this.deployments.filter((d) => d.endpointName === name);
  }
}
