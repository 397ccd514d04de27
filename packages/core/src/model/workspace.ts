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

/** The records of one file, by type. */
export interface FileRecords {
  deployments: DeploymentRecord[];
  endpoints: EndpointRecord[];
  models: ModelAssetRecord[];
  environmentAssets: EnvironmentAssetRecord[];
  registries: RegistryRecord[];
  jobs: JobRecord[];
}

const recordsByFile = new WeakMap<AnalyzedFile, FileRecords>();

/** The records of an analysed file, sorted by type (computed once per analysis). */
export function recordsOf(file: AnalyzedFile): FileRecords {
  let out = recordsByFile.get(file);
  if (out) return out;
  out = { deployments: [], endpoints: [], models: [], environmentAssets: [], registries: [], jobs: [] };
  for (const r of file.records) {
    switch (r.type) {
      case 'deployment':
        out.deployments.push(r);
        break;
      case 'endpoint':
        out.endpoints.push(r);
        break;
      case 'model':
        out.models.push(r);
        break;
      case 'environment-asset':
        out.environmentAssets.push(r);
        break;
      case 'registry':
        out.registries.push(r);
        break;
      case 'job':
        out.jobs.push(r);
        break;
    }
  }
  recordsByFile.set(file, out);
  return out;
}

/**
 * What models of one workspace keep from one evaluation to the next while the policy stays the same:
 * each record's environment and workload, and data derived from one record (or name) and the policy.
 * Records of files that did not change are the same objects from one evaluation to the next, so the
 * next model finds their information here instead of computing it again.
 */
export class ModelMemory {
  /** Per record: environment and workload. */
  readonly infos = new WeakMap<AnyRecord, RecordInfo>();
  /** Environment of a path by its name and folders (policy globs and conventions). */
  readonly fileEnvs = new Map<string, EnvMatch | undefined>();
  private readonly byObject = new Map<unknown, WeakMap<object, unknown>>();
  private readonly byName = new Map<unknown, Map<string, unknown>>();
  private globIndexes: { files: GlobIndex<string>; endpoints: GlobIndex<string> } | undefined;

  /** The workload globs of a policy, indexed once. */
  workloadGlobs(policy: Policy): { files: GlobIndex<string>; endpoints: GlobIndex<string> } {
    this.globIndexes ??= {
      files: new GlobIndex(policy.workloads.map((w) => ({ globs: w.files, value: w.name }))),
      endpoints: new GlobIndex(policy.workloads.map((w) => ({ globs: w.endpoints, value: w.name }))),
    };
    return this.globIndexes;
  }

  objectSlot(slot: unknown): WeakMap<object, unknown> {
    let m = this.byObject.get(slot);
    if (!m) this.byObject.set(slot, (m = new WeakMap()));
    return m;
  }

  nameSlot(slot: unknown): Map<string, unknown> {
    let m = this.byName.get(slot);
    if (!m) this.byName.set(slot, (m = new Map()));
    return m;
  }
}

/** A question about the whole workspace that a file view asked, with the answer it got. */
export interface WorkspaceQuestion {
  ask(model: WorkspaceModel): unknown;
  answer: unknown;
}

/** True when two answers to the same question are the same (arrays compared item by item). */
export function sameAnswer(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface WholeIndexes {
  jobsByWorkflow: Map<string, JobRecord[]>;
  jobsById: Map<string, Map<string, JobRecord>>;
  /** Workflow file by workflow name (the last file wins, as in file order). */
  workflowByName: Map<string, string>;
  deploymentsByEndpoint: Map<string, DeploymentRecord[]>;
  overrides: Set<string>;
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
  /** Information kept across evaluations under the same policy; pass it to the next model of the workspace. */
  readonly memory: ModelMemory;
  private chainList: string[] | undefined;
  private indexes: Partial<WholeIndexes> = {};

  /**
   * @param memory what an earlier model of the same workspace learnt, when the policy is the same
   *   (for rules) as the one it was built with; a fresh memory otherwise.
   */
  constructor(
    readonly files: ReadonlyMap<string, AnalyzedFile>,
    readonly policy: Policy,
    memory?: ModelMemory,
  ) {
    this.envs = new EnvResolver(policy);
    this.memory = memory ?? new ModelMemory();
    const infos = this.memory.infos;
    for (const f of files.values()) {
      if (!f.records.length) continue;
      const r = recordsOf(f);
      for (const x of r.deployments) this.deployments.push(x);
      for (const x of r.endpoints) this.endpoints.push(x);
      for (const x of r.models) this.models.push(x);
      for (const x of r.environmentAssets) this.environmentAssets.push(x);
      for (const x of r.registries) this.registries.push(x);
      for (const x of r.jobs) this.jobs.push(x);
      for (const rec of f.records) if (!infos.has(rec)) infos.set(rec, this.computeInfo(rec));
    }
  }

  /** Environments in promotion order: the policy's, else the conventional ones found in the workspace. */
  get chain(): string[] {
    return this.ask((m) => m.wholeChain());
  }

  private wholeChain(): string[] {
    if (!this.chainList) {
      const present = new Set<string>();
      if (!this.policy.environments.length) {
        for (const f of this.files.values()) {
          for (const r of f.records) {
            const env = this.memory.infos.get(r)?.env;
            if (env) present.add(env.name);
          }
        }
      }
      this.chainList = this.envs.chain(present);
    }
    return this.chainList;
  }

  /**
   * Answers a question about the whole workspace. A view of one file (see `fileView`) records each
   * question and its answer, so its findings are computed again only when an answer changes.
   */
  protected ask<T>(question: (whole: WorkspaceModel) => T): T {
    return question(this);
  }

  /**
   * A view of the workspace that lists only the records of one file. Rules that read one file at a
   * time (`crossFile: false`) run on it; questions about the rest of the workspace (other files, the
   * jobs of another workflow, the chain of environments) are answered from the whole model and
   * passed to `asked`.
   */
  fileView(file: AnalyzedFile, asked: (question: WorkspaceQuestion) => void): WorkspaceModel {
    const own = recordsOf(file);
    const view = Object.create(this) as WorkspaceModel;
    const ask = <T>(question: (m: WorkspaceModel) => T): T => {
      const answer = question(this);
      asked({ ask: question, answer });
      return answer;
    };
    Object.defineProperties(view, {
      deployments: { value: own.deployments },
      endpoints: { value: own.endpoints },
      models: { value: own.models },
      environmentAssets: { value: own.environmentAssets },
      registries: { value: own.registries },
      jobs: { value: own.jobs },
      ask: { value: ask },
      files: { value: new FileViewMap(this.files, file.source.path, ask) },
    });
    return view;
  }

  fileEnv(path: string): EnvMatch | undefined {
    const cache = this.memory.fileEnvs;
    if (cache.has(path)) return cache.get(path);
    const env = this.envs.byPath(path);
    cache.set(path, env);
    return env;
  }

  private workloadOfPath(path: string): string | undefined {
    return this.memory.workloadGlobs(this.policy).files.first(path);
  }

  private workloadOfEndpoint(name: string | undefined): string | undefined {
    if (!name) return undefined;
    return this.memory.workloadGlobs(this.policy).endpoints.first(name);
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
    return this.memory.infos.get(r) ?? {};
  }

  env(r: AnyRecord): string | undefined {
    return this.memory.infos.get(r)?.env?.name;
  }

  tier(r: AnyRecord): Tier | undefined {
    return this.memory.infos.get(r)?.env?.tier;
  }

  workload(r: AnyRecord): string | undefined {
    return this.memory.infos.get(r)?.workload;
  }

  tierOfEnv(env: string): Tier | undefined {
    return this.envs.tierOf(env);
  }

  /** The environment before `env` in the promotion chain. */
  previousEnv(env: string): string | undefined {
    const chain = this.chain;
    const i = chain.indexOf(env);
    return i > 0 ? chain[i - 1] : undefined;
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

  /**
   * Data derived from one record (or another object of one analysed file) and the policy alone, computed
   * once and kept across evaluations while the policy is unchanged. `slot` names the kind of data (a
   * constant of the caller); `compute` must not read other files.
   */
  derived<K extends object, V>(slot: unknown, key: K, compute: (key: K) => V): V {
    const m = this.memory.objectSlot(slot);
    if (m.has(key)) return m.get(key) as V;
    const v = compute(key);
    m.set(key, v);
    return v;
  }

  /** Like `derived`, for data derived from a string (a name, a path) and the policy alone. */
  derivedByName<V>(slot: unknown, key: string, compute: (key: string) => V): V {
    const m = this.memory.nameSlot(slot);
    if (m.has(key)) return m.get(key) as V;
    const v = compute(key);
    m.set(key, v);
    return v;
  }

  /** Job actions of the given kinds, with their jobs. */
  jobActions(kinds: ReadonlyArray<StepAction['kind']>): Array<{ job: JobRecord; action: StepAction }> {
    const out: Array<{ job: JobRecord; action: StepAction }> = [];
    for (const job of this.jobs) for (const action of job.actions) if (kinds.includes(action.kind)) out.push({ job, action });
    return out;
  }

  private index<K extends keyof WholeIndexes>(key: K, build: () => WholeIndexes[K]): WholeIndexes[K] {
    let v = this.indexes[key];
    if (!v) this.indexes[key] = v = build();
    return v as WholeIndexes[K];
  }

  private workflowJobs(file: string): JobRecord[] {
    return (
      this.index('jobsByWorkflow', () => {
        const m = new Map<string, JobRecord[]>();
        for (const j of this.jobs) {
          const l = m.get(j.workflowFile);
          if (l) l.push(j);
          else m.set(j.workflowFile, [j]);
        }
        return m;
      }).get(file) ?? []
    );
  }

  /** The jobs of a workflow by id (the last of an id wins). */
  private jobsById(file: string): Map<string, JobRecord> {
    const all = this.index('jobsById', () => new Map<string, Map<string, JobRecord>>());
    let m = all.get(file);
    if (!m) all.set(file, (m = new Map(this.workflowJobs(file).map((j) => [j.id, j] as const))));
    return m;
  }

  jobsOfWorkflow(file: string): JobRecord[] {
    return this.ask((m) => m.workflowJobs(file));
  }

  /** Transitive `needs:` of a job within its workflow. */
  ancestors(job: JobRecord): JobRecord[] {
    return this.ask((m) => m.wholeAncestors(job));
  }

  private wholeAncestors(job: JobRecord): JobRecord[] {
    if (!job.needs.length) return [];
    const byId = this.jobsById(job.workflowFile);
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
    return this.ask((m) => m.wholeUpstream(job));
  }

  private wholeUpstream(job: JobRecord): string[] {
    if (!job.triggers.workflowRun.length) return [];
    const byName = this.index('workflowByName', () => {
      const m = new Map<string, string>();
      for (const j of this.jobs) if (j.workflowName) m.set(j.workflowName, j.workflowFile);
      return m;
    });
    const out: string[] = [];
    const seen = new Set<string>([job.workflowFile]);
    const stack = [...job.triggers.workflowRun];
    while (stack.length) {
      const name = stack.pop()!;
      const file = byName.get(name);
      if (!file || seen.has(file)) continue;
      seen.add(file);
      out.push(file);
      const first = this.workflowJobs(file)[0];
      if (first) stack.push(...first.triggers.workflowRun);
    }
    return out;
  }

  /** True when a workflow rewrites this top-level key of the file before deploying it (`yq -i '.model = ...'`). */
  isOverridden(file: string, field: string): boolean {
    return this.ask((m) => m.wholeOverrides().has(`${file}\u0000${field}`));
  }

  private wholeOverrides(): Set<string> {
    return this.index('overrides', () => {
      const s = new Set<string>();
      for (const job of this.jobs) for (const a of job.actions) if (a.kind === 'override' && a.field) for (const f of a.files) s.add(`${normalizePath(f)}\u0000${a.field}`);
      return s;
    });
  }

  deploymentsOfEndpoint(name: string): DeploymentRecord[] {
    return this.ask((m) =>
      [
        ...(m
          .index('deploymentsByEndpoint', () => {
            const out = new Map<string, DeploymentRecord[]>();
            for (const d of m.deployments) {
              if (d.endpointName === undefined) continue;
              const l = out.get(d.endpointName);
              if (l) l.push(d);
              else out.set(d.endpointName, [d]);
            }
            return out;
          })
          .get(name) ?? []),
      ],
    );
  }
}

/** The files of the workspace as one file's view sees them: reading another file is a question about the workspace. */
class FileViewMap implements ReadonlyMap<string, AnalyzedFile> {
  constructor(
    private readonly whole: ReadonlyMap<string, AnalyzedFile>,
    private readonly own: string,
    private readonly ask: <T>(question: (m: WorkspaceModel) => T) => T,
  ) {}

  get(path: string): AnalyzedFile | undefined {
    return path === this.own ? this.whole.get(path) : this.ask((m) => m.files.get(path));
  }

  has(path: string): boolean {
    return path === this.own || this.ask((m) => m.files.has(path));
  }

  get size(): number {
    return this.ask((m) => m.files.size);
  }

  private all(): ReadonlyMap<string, AnalyzedFile> {
    // Any change to the workspace changes this answer (each evaluation has its own map).
    return this.ask((m) => m.files);
  }

  forEach(fn: (value: AnalyzedFile, key: string, map: ReadonlyMap<string, AnalyzedFile>) => void, thisArg?: unknown): void {
    this.all().forEach((v, k) => fn.call(thisArg, v, k, this));
  }

  entries(): MapIterator<[string, AnalyzedFile]> {
    return this.all().entries() as MapIterator<[string, AnalyzedFile]>;
  }

  keys(): MapIterator<string> {
    return this.all().keys() as MapIterator<string>;
  }

  values(): MapIterator<AnalyzedFile> {
    return this.all().values() as MapIterator<AnalyzedFile>;
  }

  [Symbol.iterator](): MapIterator<[string, AnalyzedFile]> {
    return this.entries();
  }
}
