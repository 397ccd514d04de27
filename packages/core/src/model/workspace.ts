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
  /** False for a memory of one model only (a one-time check): what is computed need not be kept for a next one. */
  readonly keeps: boolean;

  constructor(options: { keep?: boolean } = {}) {
    this.keeps = options.keep ?? true;
  }

  /** Per record: environment and workload. */
  readonly infos = new WeakMap<AnyRecord, RecordInfo>();
  /** Environment of a path by its name and folders (policy globs and conventions). */
  readonly fileEnvs = new Map<string, EnvMatch | undefined>();
  /** The indexes of the workspace (see `WorkspaceModel.index`). */
  readonly indexes = new Map<RecordIndexSpec<unknown>, IndexState<unknown>>();
  private readonly byObject = new Map<unknown, WeakMap<object, unknown>>();
  private readonly byName = new Map<unknown, Map<string, unknown>>();
  private globIndexes: { files: GlobIndex<string>; endpoints: GlobIndex<string> } | undefined;
  private envResolver: EnvResolver | undefined;
  /** Files of the last model built with this memory, with their place in its order. */
  private last: Map<string, { pos: number; file: AnalyzedFile }> | undefined;
  private generation = 0;

  /** The policy's environment resolver, remembering its answers. */
  resolver(policy: Policy): EnvResolver {
    this.envResolver ??= new RememberingEnvResolver(policy);
    return this.envResolver;
  }

  /** The workload globs of a policy, indexed once. */
  workloadGlobs(policy: Policy): { files: GlobIndex<string>; endpoints: GlobIndex<string> } {
    this.globIndexes ??= {
      files: new GlobIndex(policy.workloads.map((w) => ({ globs: w.files, value: w.name }))),
      endpoints: new GlobIndex(policy.workloads.map((w) => ({ globs: w.endpoints, value: w.name }))),
    };
    return this.globIndexes;
  }

  /** Data kept per object (record) under a name of the caller's (see `WorkspaceModel.derived`). */
  objectSlot(slot: unknown): WeakMap<object, unknown> {
    let m = this.byObject.get(slot);
    if (!m) this.byObject.set(slot, (m = new WeakMap()));
    return m;
  }

  /** Data kept per string under a name of the caller's (see `WorkspaceModel.derivedByName`). */
  nameSlot(slot: unknown): Map<string, unknown> {
    let m = this.byName.get(slot);
    if (!m) this.byName.set(slot, (m = new Map()));
    return m;
  }

  /** Place of a file in the order of the last model's files. */
  position(path: string): number {
    return this.last?.get(path)?.pos ?? -1;
  }

  /** A new model of the workspace: what changed since the previous one. */
  advance(files: ReadonlyMap<string, AnalyzedFile>, edited?: Iterable<string>): FileDelta {
    const base = this.last ? this.generation : -1;
    const generation = ++this.generation;
    const last = this.last;
    if (!last) {
      this.last = placesOf(files);
      return { generation, base, changed: [], reordered: true };
    }
    if (edited && files.size === last.size) {
      // Only these files may differ; when none was added or removed, the others need no look.
      const paths = [...edited];
      if (paths.every((path) => last.has(path) && files.has(path))) {
        const changed: string[] = [];
        for (const path of paths) {
          const was = last.get(path)!;
          const file = files.get(path)!;
          if (was.file !== file) {
            changed.push(path);
            was.file = file;
          }
        }
        return { generation, base, changed, reordered: false };
      }
    }
    const changed: string[] = [];
    let reordered = false;
    let common = 0;
    let lastPos = -1;
    let moved = false;
    for (const [path, file] of files) {
      const was = last.get(path);
      if (!was) {
        changed.push(path);
        moved = true;
        continue;
      }
      common++;
      if (was.pos < lastPos) reordered = true;
      lastPos = was.pos;
      if (was.file !== file) {
        changed.push(path);
        was.file = file;
      }
    }
    if (common !== last.size) {
      moved = true;
      for (const path of last.keys()) if (!files.has(path)) changed.push(path);
    }
    if (moved || reordered) this.last = placesOf(files);
    return { generation, base, changed, reordered };
  }
}

function placesOf(files: ReadonlyMap<string, AnalyzedFile>): Map<string, { pos: number; file: AnalyzedFile }> {
  const out = new Map<string, { pos: number; file: AnalyzedFile }>();
  let pos = 0;
  for (const [path, file] of files) out.set(path, { pos: pos++, file });
  return out;
}

/** What changed between two models built one after the other with the same memory. */
interface FileDelta {
  generation: number;
  /** Generation of the model before (-1: none). */
  base: number;
  /** Files added, removed or analysed again. */
  changed: string[];
  /** True when files kept from before changed their order (indexes are built again). */
  reordered: boolean;
}

/**
 * A grouping of the workspace's records by key: each record files items under keys. Defined once (a
 * module constant) and built for a model with `model.index(spec)`.
 */
export interface RecordIndexSpec<T> {
  readonly name: string;
  /** The items one record files, with their keys. They must depend on the record and the policy alone. */
  entries(model: WorkspaceModel, record: AnyRecord): Iterable<readonly [string, T]>;
  /** The types of records that file items (all when not given): the others are not looked at. */
  readonly types?: ReadonlyArray<AnyRecord['type']>;
}

export function defineIndex<T>(
  name: string,
  types: ReadonlyArray<AnyRecord['type']> | undefined,
  entries: (model: WorkspaceModel, record: AnyRecord) => Iterable<readonly [string, T]>,
): RecordIndexSpec<T> {
  return types ? { name, entries, types } : { name, entries };
}

const TYPE_LISTS: Record<AnyRecord['type'], keyof FileRecords> = {
  deployment: 'deployments',
  endpoint: 'endpoints',
  model: 'models',
  'environment-asset': 'environmentAssets',
  registry: 'registries',
  job: 'jobs',
};

/**
 * The groups of an index for one model, in workspace order (the order of the model's files, then of
 * records in a file). A group's array is the same object from one model to the next while the group is
 * unchanged, so work done for a group can be kept by comparing arrays.
 */
export interface RecordIndex<T> {
  get(key: string): readonly T[];
  has(key: string): boolean;
  /** Every group (in no particular order). */
  groups(): IterableIterator<[string, readonly T[]]>;
  readonly size: number;
  /** Incremented each time a group changes. */
  readonly version: number;
  /**
   * The keys whose group changed since `version` (an earlier value of `version`), or 'all' when that
   * is not known any more (the index was built again, or too much happened since).
   */
  changedSince(version: number): ReadonlySet<string> | 'all';
}

/** How many updates of an index its change log keeps. */
const LOG_LENGTH = 64;

const NONE: readonly never[] = Object.freeze([]);

const recordFilesCache = new WeakMap<ReadonlyMap<string, AnalyzedFile>, Partial<Record<keyof FileRecords | 'all', Array<[string, readonly AnyRecord[]]>>>>();

/** The files with records (of one type), with those records, in workspace order (for building indexes). */
function recordFiles(files: ReadonlyMap<string, AnalyzedFile>, list?: keyof FileRecords): Array<[string, readonly AnyRecord[]]> {
  let cache = recordFilesCache.get(files);
  if (!cache) recordFilesCache.set(files, (cache = {}));
  const key = list ?? 'all';
  let out = cache[key];
  if (!out) {
    out = [];
    for (const [path, file] of files) {
      if (!file.records.length) continue;
      const records = list ? recordsOf(file)[list] : file.records;
      if (records.length) out.push([path, records]);
    }
    cache[key] = out;
  }
  return out;
}
const NO_KEYS: ReadonlySet<string> = new Set();

/** An index kept up to date file by file: only the groups of changed files are rebuilt. */
/** A group of an index: its items in workspace order, with the files that filed them and how many each. */
interface Group<T> {
  files: string[];
  counts: number[];
  items: readonly T[];
}

class IndexState<T> implements RecordIndex<T> {
  private generation = -1;
  /** Per file with items: the keys it files them under. */
  private readonly byFile = new Map<string, string | string[]>();
  private readonly byKey = new Map<string, Group<T>>();
  /** Incremented each time a group changes. */
  version = 0;
  /** Per recent version: the keys that changed to make it ('all' for a rebuild). */
  private readonly log: Array<{ version: number; keys: Set<string> | 'all' }> = [];

  constructor(private readonly spec: RecordIndexSpec<T>) {}

  changedSince(version: number): ReadonlySet<string> | 'all' {
    if (version === this.version) return NO_KEYS;
    const first = this.log[0];
    if (!first || version < first.version - 1 || version > this.version) return 'all';
    const out = new Set<string>();
    for (const entry of this.log) {
      if (entry.version <= version) continue;
      if (entry.keys === 'all') return 'all';
      for (const k of entry.keys) out.add(k);
    }
    return out;
  }

  private logged(keys: Set<string> | 'all'): void {
    this.version++;
    this.log.push({ version: this.version, keys });
    if (this.log.length > LOG_LENGTH) this.log.shift();
  }

  get(key: string): readonly T[] {
    return this.byKey.get(key)?.items ?? NONE;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  *groups(): IterableIterator<[string, readonly T[]]> {
    for (const [k, g] of this.byKey) yield [k, g.items];
  }

  get size(): number {
    return this.byKey.size;
  }

  /** A file's items, by key, in the order it files them. */
  private itemsOf(model: WorkspaceModel, file: AnalyzedFile): Map<string, T[]> {
    const out = new Map<string, T[]>();
    const add = (r: AnyRecord): void => {
      for (const [k, item] of this.spec.entries(model, r)) {
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
    };
    const { types } = this.spec;
    if (!types) for (const r of file.records) add(r);
    else if (types.length === 1) for (const r of recordsOf(file)[TYPE_LISTS[types[0]!]]) add(r);
    // Several types: in the order of the file.
    else for (const r of file.records) if (types.includes(r.type)) add(r);
    return out;
  }

  update(model: WorkspaceModel, delta: FileDelta, position: (path: string) => number): void {
    if (this.generation === delta.generation) return;
    if (!model.memory.keeps) this.build(model);
    else if (delta.reordered || delta.base !== this.generation) this.rebuild(model);
    else this.apply(model, delta.changed, position);
    this.generation = delta.generation;
  }

  /** For one model only: the groups, without what updating them for the next model needs. */
  private build(model: WorkspaceModel): void {
    this.byFile.clear();
    this.byKey.clear();
    const { types, entries } = this.spec;
    const list = types?.length === 1 ? TYPE_LISTS[types[0]!] : undefined;
    for (const [, records] of recordFiles(model.files, list)) {
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        if (types && !list && !types.includes(r.type)) continue;
        for (const [k, item] of entries(model, r)) {
          const g = this.byKey.get(k);
          if (g) (g.items as T[]).push(item);
          else this.byKey.set(k, { files: [], counts: [], items: [item] });
        }
      }
    }
    this.logged('all');
  }

  private rebuild(model: WorkspaceModel): void {
    this.byFile.clear();
    this.byKey.clear();
    const { types } = this.spec;
    const list = types?.length === 1 ? TYPE_LISTS[types[0]!] : undefined;
    for (const [path, records] of recordFiles(model.files, list)) {
      let keys: string | string[] | undefined;
      for (const r of records) {
        if (types && !list && !types.includes(r.type)) continue;
        for (const [k, item] of this.spec.entries(model, r)) {
          const g = this.byKey.get(k);
          if (!g) this.byKey.set(k, { files: [path], counts: [1], items: [item] });
          else {
            const last = g.files.length - 1;
            if (g.files[last] === path) g.counts[last]!++;
            else {
              g.files.push(path);
              g.counts.push(1);
            }
            (g.items as T[]).push(item);
          }
          if (keys === undefined) keys = k;
          else if (typeof keys === 'string') {
            if (keys !== k) keys = [keys, k];
          } else if (!keys.includes(k)) keys.push(k);
        }
      }
      if (keys !== undefined) this.byFile.set(path, keys);
    }
    this.logged('all');
  }

  private apply(model: WorkspaceModel, changed: readonly string[], position: (path: string) => number): void {
    if (!changed.length) return;
    const gone = new Set(changed);
    /** Per key touched: the changed files that now file items under it, with the items. */
    const touched = new Map<string, Array<[string, T[]]>>();
    for (const path of changed) {
      const keys = this.byFile.get(path);
      for (const k of typeof keys === 'string' ? [keys] : (keys ?? [])) if (!touched.has(k)) touched.set(k, []);
      const file = model.files.get(path);
      const items = file && file.records.length ? this.itemsOf(model, file) : undefined;
      if (items?.size) this.byFile.set(path, items.size === 1 ? items.keys().next().value! : [...items.keys()]);
      else this.byFile.delete(path);
      for (const [k, list] of items ?? []) {
        const parts = touched.get(k);
        if (parts) parts.push([path, list]);
        else touched.set(k, [[path, list]]);
      }
    }
    const changedKeys = new Set<string>();
    for (const [k, added] of touched) {
      const before = this.byKey.get(k);
      // The parts of the files that did not change, then the changed files' parts, each at its place.
      const parts: Array<[string, readonly T[]]> = [];
      if (before) {
        let at = 0;
        before.files.forEach((p, i) => {
          const n = before.counts[i]!;
          if (!gone.has(p)) parts.push([p, before.items.slice(at, at + n)]);
          at += n;
        });
      }
      for (const part of added) {
        const where = position(part[0]);
        let lo = 0;
        let hi = parts.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (position(parts[mid]![0]) < where) lo = mid + 1;
          else hi = mid;
        }
        parts.splice(lo, 0, part);
      }
      const group: Group<T> = { files: [], counts: [], items: [] };
      for (const [p, list] of parts) {
        group.files.push(p);
        group.counts.push(list.length);
        for (const item of list) (group.items as T[]).push(item);
      }
      if (before && before.items.length === group.items.length && group.items.every((x, i) => x === before.items[i])) {
        // The same items (strings, or records of files that did not change): the group stays as it was.
        before.files = group.files;
        before.counts = group.counts;
        continue;
      }
      changedKeys.add(k);
      if (group.items.length) this.byKey.set(k, group);
      else this.byKey.delete(k);
    }
    if (changedKeys.size) this.logged(changedKeys);
  }
}

/** An environment resolver that remembers its answers: the same names come up for thousands of records. */
class RememberingEnvResolver extends EnvResolver {
  private readonly names = new Map<string, { name: string; tier: Tier } | undefined>();
  private readonly tiers = new Map<string, Tier | undefined>();

  override byName(word: string): { name: string; tier: Tier } | undefined {
    if (this.names.has(word)) return this.names.get(word);
    const m = super.byName(word);
    this.names.set(word, m);
    return m;
  }

  override tierOf(env: string): Tier | undefined {
    if (this.tiers.has(env)) return this.tiers.get(env);
    const t = super.tierOf(env);
    this.tiers.set(env, t);
    return t;
  }
}

/** A question about the whole workspace that a file view asked, with the answer it got. */
export interface WorkspaceQuestion {
  ask(model: WorkspaceModel): unknown;
  answer: unknown;
  /**
   * For a question answered from indexes alone: the indexes read and their versions then. While they
   * are unchanged the answer is too, and the question need not be asked again.
   */
  stamps?: Array<[RecordIndexSpec<unknown>, number]>;
  /** For a question about one file (its analysis): the file. Its answer changes only when the file does. */
  file?: string;
}

/** True when the indexes a question was answered from are unchanged on `model` (false for other questions). */
export function stampsHold(q: WorkspaceQuestion, model: WorkspaceModel): boolean {
  return !!q.stamps && q.stamps.every(([spec, version]) => model.index(spec).version === version);
}

/**
 * True when a question asked before still has the same answer on `model`. When it was asked again
 * to know, its stamps are renewed.
 */
export function stillAnswered(q: WorkspaceQuestion, model: WorkspaceModel): boolean {
  if (stampsHold(q, model)) return true;
  const fresh = answer(q.ask, model, !!q.stamps);
  if (!sameAnswer(fresh.answer, q.answer)) return false;
  if (fresh.stamps) q.stamps = fresh.stamps;
  return true;
}

/** Ask a question of the whole model; one answered from indexes comes back stamped with them. */
function answer(question: (m: WorkspaceModel) => unknown, whole: WorkspaceModel, fromIndexes: boolean): WorkspaceQuestion {
  const q: WorkspaceQuestion = { ask: question, answer: undefined };
  if (fromIndexes) q.stamps = [];
  const outer = stamping;
  stamping = fromIndexes ? q : undefined;
  try {
    q.answer = question(whole);
  } finally {
    stamping = outer;
  }
  return q;
}

/** The question being answered from indexes, to stamp with the indexes it reads. */
let stamping: WorkspaceQuestion | undefined;

/** True when two answers to the same question are the same (arrays compared item by item). */
export function sameAnswer(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const normalizedPaths = new Map<string, string>();

function normalizedPath(p: string): string {
  let n = normalizedPaths.get(p);
  if (n === undefined) {
    n = normalizePath(p);
    if (normalizedPaths.size > 100_000) normalizedPaths.clear();
    normalizedPaths.set(p, n);
  }
  return n;
}

/** Jobs by workflow file. */
export const JOBS_BY_WORKFLOW = defineIndex<JobRecord>('jobs by workflow', ['job'], (_m, r) => (r.type === 'job' ? [[r.workflowFile, r]] : NONE));
/** Workflow files by workflow name. */
const WORKFLOW_NAMES = defineIndex<string>('workflows by name', ['job'], (_m, r) => (r.type === 'job' && r.workflowName ? [[r.workflowName, r.workflowFile]] : NONE));
/** Top-level keys of files that workflows rewrite before deploying them: `file\u0000key`. */
const OVERRIDES = defineIndex<JobRecord>('rewritten fields', ['job'], (_m, r) => {
  if (r.type !== 'job') return NONE;
  const out: Array<[string, JobRecord]> = [];
  for (const a of r.actions) if (a.kind === 'override' && a.field) for (const f of a.files) out.push([`${normalizedPath(f)}\u0000${a.field}`, r]);
  return out;
});
const DEPLOYMENTS_BY_ENDPOINT = defineIndex<DeploymentRecord>('deployments by endpoint', ['deployment'], (_m, r) => (r.type === 'deployment' && r.endpointName !== undefined ? [[r.endpointName, r]] : NONE));
/** Records by the name of their environment. */
const ENVIRONMENTS = defineIndex<AnyRecord>('records by environment', undefined, (m, r) => {
  const env = m.env(r);
  return env ? [[env, r]] : NONE;
});

const jobsByIdCache = new WeakMap<readonly JobRecord[], Map<string, JobRecord>>();
const ancestorsCache = new WeakMap<JobRecord, { jobs: readonly JobRecord[]; ancestors: JobRecord[] }>();

/** The whole workspace as records, each tied to an environment and a workload. Cross-file rules query it. */
export class WorkspaceModel {
  readonly envs: EnvResolver;
  /** Information kept across evaluations under the same policy; pass it to the next model of the workspace. */
  readonly memory: ModelMemory;
  private readonly delta: FileDelta;
  private own: FileRecords | undefined;

  /**
   * @param memory what an earlier model of the same workspace learnt, when the policy is the same
   *   (for rules) as the one it was built with; a fresh memory otherwise. Models built with one memory
   *   are expected one after the other (each one's indexes are updated from the one before).
   */
  constructor(
    readonly files: ReadonlyMap<string, AnalyzedFile>,
    readonly policy: Policy,
    memory?: ModelMemory,
    /**
     * With a memory: the files that may differ from the previous model's (analysed again, added or
     * removed); every other file is the same, at the same place. When some were added or removed, all
     * files are compared.
     */
    edited?: Iterable<string>,
  ) {
    this.memory = memory ?? new ModelMemory();
    this.envs = this.memory.resolver(policy);
    this.delta = this.memory.advance(files, edited);
  }

  /**
   * What changed since the model built before this one with the same memory: its generation (`since`,
   * -1 when there was none), the files added, removed or analysed again, and whether kept files changed
   * order. Models built with one memory are numbered by `generation`.
   */
  get changes(): { generation: number; since: number; files: readonly string[]; reordered: boolean } {
    const d = this.delta;
    return { generation: d.generation, since: d.base, files: d.changed, reordered: d.reordered };
  }

  private records(): FileRecords {
    if (!this.own) {
      const out: FileRecords = { deployments: [], endpoints: [], models: [], environmentAssets: [], registries: [], jobs: [] };
      for (const f of this.files.values()) {
        if (!f.records.length) continue;
        const r = recordsOf(f);
        for (const x of r.deployments) out.deployments.push(x);
        for (const x of r.endpoints) out.endpoints.push(x);
        for (const x of r.models) out.models.push(x);
        for (const x of r.environmentAssets) out.environmentAssets.push(x);
        for (const x of r.registries) out.registries.push(x);
        for (const x of r.jobs) out.jobs.push(x);
      }
      this.own = out;
    }
    return this.own;
  }

  get deployments(): DeploymentRecord[] {
    return this.records().deployments;
  }

  get endpoints(): EndpointRecord[] {
    return this.records().endpoints;
  }

  get models(): ModelAssetRecord[] {
    return this.records().models;
  }

  get environmentAssets(): EnvironmentAssetRecord[] {
    return this.records().environmentAssets;
  }

  get registries(): RegistryRecord[] {
    return this.records().registries;
  }

  get jobs(): JobRecord[] {
    return this.records().jobs;
  }

  /**
   * An index of the workspace's records for this model, updated from the previous model's (only the
   * groups of changed files are rebuilt). Rules that compare files group records with it.
   */
  index<T>(spec: RecordIndexSpec<T>): RecordIndex<T> {
    // In a view, the index is an answer that stays the same object; its version is the answer that
    // changes with it, so that any change to the index is a change to what was read.
    const whole = this.ask((m) => m.wholeIndex(spec), true);
    this.ask((m) => m.wholeIndex(spec).version, true);
    return whole;
  }

  private wholeIndex<T>(spec: RecordIndexSpec<T>): IndexState<T> {
    let state = this.memory.indexes.get(spec as RecordIndexSpec<unknown>) as IndexState<T> | undefined;
    if (!state) this.memory.indexes.set(spec as RecordIndexSpec<unknown>, (state = new IndexState(spec) as IndexState<unknown> as IndexState<T>));
    state.update(this, this.delta, (p) => this.memory.position(p));
    stamping?.stamps!.push([spec as RecordIndexSpec<unknown>, state.version]);
    return state;
  }

  /** Environments in promotion order: the policy's, else the conventional ones found in the workspace. */
  get chain(): string[] {
    return this.ask((m) => m.wholeChain(), true);
  }

  private chainList: string[] | undefined;

  private wholeChain(): string[] {
    // Without environments in the policy, the chain is made of the environments found (read each time, for stamps).
    const found = this.policy.environments.length ? undefined : this.wholeIndex(ENVIRONMENTS);
    if (!this.chainList) {
      const present = new Set<string>();
      if (found) for (const [env] of found.groups()) present.add(env);
      this.chainList = this.envs.chain(present);
    }
    return this.chainList;
  }

  /**
   * Answers a question about the whole workspace. A view of one file (see `fileView`) records each
   * question and its answer, so its findings are computed again only when an answer changes.
   */
  protected ask<T>(question: (whole: WorkspaceModel) => T, _fromIndexes = false): T {
    return question(this);
  }

  /**
   * A view of the workspace that lists only the records of one file. Rules that read one file at a
   * time (`crossFile: false`) run on it; questions about the rest of the workspace (other files, the
   * jobs of another workflow, the chain of environments) are answered from the whole model and
   * passed to `asked`.
   */
  fileView(file: AnalyzedFile, asked: (question: WorkspaceQuestion) => void): WorkspaceModel {
    const ask = asker(this, asked);
    // The model with these properties in front (an object literal with a prototype is cheap to make).
    return { __proto__: this, own: recordsOf(file), ask, files: new FileViewMap(this.files, file.source.path, ask) } as unknown as WorkspaceModel;
  }

  /**
   * The whole model, with every question about the workspace asked through it passed to `asked`: what a
   * computation read, so its result can be kept until one of the answers changes. Listing all records of
   * a type (`model.jobs`) or all files is a question whose answer changes with every model.
   */
  watched(asked: (question: WorkspaceQuestion) => void): WorkspaceModel {
    const ask = asker(this, asked);
    return {
      __proto__: this,
      get own(): FileRecords {
        return ask((m) => m.records());
      },
      ask,
      files: new FileViewMap(this.files, undefined, ask),
    } as unknown as WorkspaceModel;
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

  /** A record's environment and workload (computed once per record and policy). */
  info(r: AnyRecord): RecordInfo {
    const infos = this.memory.infos;
    let i = infos.get(r);
    if (!i) infos.set(r, (i = this.computeInfo(r)));
    return i;
  }

  env(r: AnyRecord): string | undefined {
    return this.info(r).env?.name;
  }

  tier(r: AnyRecord): Tier | undefined {
    return this.info(r).env?.tier;
  }

  workload(r: AnyRecord): string | undefined {
    return this.info(r).workload;
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
    let v = m.get(key) as V | undefined;
    if (v === undefined && !m.has(key)) m.set(key, (v = compute(key)));
    return v as V;
  }

  /** Like `derived`, for data derived from a string (a name, a path) and the policy alone. */
  derivedByName<V>(slot: unknown, key: string, compute: (key: string) => V): V {
    const m = this.memory.nameSlot(slot);
    let v = m.get(key) as V | undefined;
    if (v === undefined && !m.has(key)) m.set(key, (v = compute(key)));
    return v as V;
  }

  /** Job actions of the given kinds, with their jobs. */
  jobActions(kinds: ReadonlyArray<StepAction['kind']>): Array<{ job: JobRecord; action: StepAction }> {
    const out: Array<{ job: JobRecord; action: StepAction }> = [];
    for (const job of this.jobs) for (const action of job.actions) if (kinds.includes(action.kind)) out.push({ job, action });
    return out;
  }

  jobsOfWorkflow(file: string): JobRecord[] {
    return this.ask((m) => m.wholeIndex(JOBS_BY_WORKFLOW).get(file), true) as JobRecord[];
  }

  /** The jobs of a workflow by id (the last of an id wins). */
  private jobsById(file: string): Map<string, JobRecord> {
    const jobs = this.wholeIndex(JOBS_BY_WORKFLOW).get(file);
    let m = jobsByIdCache.get(jobs);
    if (!m) jobsByIdCache.set(jobs, (m = new Map(jobs.map((j) => [j.id, j] as const))));
    return m;
  }

  /** Transitive `needs:` of a job within its workflow. */
  ancestors(job: JobRecord): JobRecord[] {
    if (!job.needs.length) return [];
    return this.ask((m) => m.wholeAncestors(job), true);
  }

  private wholeAncestors(job: JobRecord): JobRecord[] {
    // Kept per job while its workflow's jobs are the same, so that asking again gives the same array.
    const jobs = this.wholeIndex(JOBS_BY_WORKFLOW).get(job.workflowFile);
    const kept = ancestorsCache.get(job);
    if (kept && kept.jobs === jobs) return kept.ancestors;
    const ancestors = this.computeAncestors(job);
    ancestorsCache.set(job, { jobs, ancestors });
    return ancestors;
  }

  private computeAncestors(job: JobRecord): JobRecord[] {
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
    if (!job.triggers.workflowRun.length) return [];
    return this.ask((m) => m.wholeUpstream(job), true);
  }

  private wholeUpstream(job: JobRecord): string[] {
    const byName = this.wholeIndex(WORKFLOW_NAMES);
    const out: string[] = [];
    const seen = new Set<string>([job.workflowFile]);
    const stack = [...job.triggers.workflowRun];
    while (stack.length) {
      const name = stack.pop()!;
      const files = byName.get(name);
      const file = files[files.length - 1];
      if (!file || seen.has(file)) continue;
      seen.add(file);
      out.push(file);
      const first = this.wholeIndex(JOBS_BY_WORKFLOW).get(file)[0];
      if (first) stack.push(...first.triggers.workflowRun);
    }
    return out;
  }

  /** True when a workflow rewrites this top-level key of the file before deploying it (`yq -i '.model = ...'`). */
  isOverridden(file: string, field: string): boolean {
    const key = `${file}\u0000${field}`;
    return this.ask((m) => m.wholeIndex(OVERRIDES).has(key), true);
  }

  deploymentsOfEndpoint(name: string): DeploymentRecord[] {
    return [...this.ask((m) => m.wholeIndex(DEPLOYMENTS_BY_ENDPOINT).get(name), true)];
  }
}

/** How a view asks the whole model about the workspace: each question is answered and passed to `asked`. */
function asker(whole: WorkspaceModel, asked: (question: WorkspaceQuestion) => void): <T>(question: (m: WorkspaceModel) => T, about?: boolean | string) => T {
  // `about`: true for a question answered from indexes, a path for a question about one file.
  return <T>(question: (m: WorkspaceModel) => T, about: boolean | string = false): T => {
    const q = answer(question, whole, about === true);
    if (typeof about === 'string') q.file = about;
    asked(q);
    return q.answer as T;
  };
}

/** The files of the workspace as one file's view sees them: reading another file is a question about the workspace. */
class FileViewMap implements ReadonlyMap<string, AnalyzedFile> {
  constructor(
    private readonly whole: ReadonlyMap<string, AnalyzedFile>,
    private readonly own: string | undefined,
    private readonly ask: <T>(question: (m: WorkspaceModel) => T, about?: boolean | string) => T,
  ) {}

  get(path: string): AnalyzedFile | undefined {
    return path === this.own ? this.whole.get(path) : this.ask((m) => m.files.get(path), path);
  }

  has(path: string): boolean {
    return (this.own !== undefined && path === this.own) || this.ask((m) => m.files.has(path), path);
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
