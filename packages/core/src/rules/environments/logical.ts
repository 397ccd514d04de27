import type { Document, Node } from 'yaml';
import { parseShell, readOptions } from '../../formats/shell.js';
import { isTemplated } from '../../formats/templating.js';
import type { AnyRecord, DeploymentRecord, EndpointRecord, JobRecord, StepAction } from '../../model/records.js';
import type { WorkspaceModel } from '../../model/workspace.js';
import { TIER_RANK } from '../../policy/tiers.js';
import { anyGlob } from '../../util/glob.js';
import { YNode, type Loc } from '../../yaml/nodes.js';

/**
 * Helpers shared by the environment-separation and endpoint-sharing rules: reading a record's
 * YAML node, ordering environments, and recognising one logical deployment across environments.
 */

function docContaining(docs: readonly Document[], offset: number): Document | undefined {
  if (docs.length === 1) return docs[0];
  return docs.find((d) => {
    const r = (d.contents as Node | null)?.range;
    return r && r[0] <= offset && offset <= r[2];
  });
}

/** The YAML node a location points at (by its path), for reading fields records do not carry. */
export function nodeAt(model: WorkspaceModel, loc: Loc): YNode | undefined {
  const file = model.files.get(loc.file);
  if (!file) return undefined;
  const doc = docContaining(file.docs, loc.span.start);
  if (!doc) return undefined;
  let node = YNode.root(doc, loc.file, { start: 0, end: file.source.text.length });
  for (const seg of loc.path) {
    if (typeof seg === 'number') {
      const item = node.items()[seg];
      if (!item) return undefined;
      node = item;
    } else node = node.get(seg);
  }
  return node;
}

/** The root mapping of an Azure ML record. */
export function recordNode(model: WorkspaceModel, rec: AnyRecord): YNode | undefined {
  return nodeAt(model, rec.loc);
}

/** A scalar field as written: absent, unknown (templated or not a scalar), or its value and node. */
export type Field = { state: 'absent' } | { state: 'unknown'; node: YNode } | { state: 'known'; value: string; node: YNode };

export function readField(root: YNode | undefined, ...path: string[]): Field {
  if (!root) return { state: 'absent' };
  const node = root.at(...path);
  if (!node.exists) return { state: 'absent' };
  const s = node.string();
  if (s === undefined || !node.isScalar || isTemplated(s)) return { state: 'unknown', node };
  return { state: 'known', value: s, node };
}

/** Order of environments: by tier, then by position in the promotion chain. */
export function envRank(model: WorkspaceModel, env: string): number {
  const tier = model.tierOfEnv(env);
  const i = model.chain.indexOf(env);
  return (tier ? TIER_RANK[tier] : 1) * 100 + (i >= 0 ? i : 50);
}

export function byEnvRank(model: WorkspaceModel): (a: string, b: string) => number {
  return (a, b) => envRank(model, a) - envRank(model, b) || a.localeCompare(b);
}

/** True when a word names an environment (policy name or alias, or a conventional word such as dev, prod, staging). */
export function isEnvWord(model: WorkspaceModel, word: string): boolean {
  return model.envs.byName(word) !== undefined;
}

/**
 * The logical name of an endpoint: lower case, with environment tokens removed
 * (`chat-dev`, `chat_prod`, `prod-chat` -> `chat`). A name made only of environment words stays as it is.
 */
const stemCache = new WeakMap<WorkspaceModel, Map<string, string>>();

export function endpointStem(model: WorkspaceModel, name: string): string {
  let cache = stemCache.get(model);
  if (!cache) {
    cache = new Map();
    stemCache.set(model, cache);
  }
  let stem = cache.get(name);
  if (stem === undefined) {
    const tokens = name.toLowerCase().split(/[-_.]+/).filter(Boolean);
    const kept = tokens.filter((t) => !isEnvWord(model, t));
    stem = (kept.length ? kept : tokens).join('-');
    cache.set(name, stem);
  }
  return stem;
}

/** Join a path relative to a file's folder; undefined when it leaves the repository or is absolute. */
export function resolveFrom(file: string, rel: string): string | undefined {
  if (/^([A-Za-z]:|\/|~|[a-z]+:\/\/|azureml:)/i.test(rel) || isTemplated(rel)) return undefined;
  const parts = file.split('/').slice(0, -1);
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** Normalise a path as written in a workflow (`./deploy/x.yml` -> `deploy/x.yml`). */
export function normalizeRepoPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/');
}

/** True when a file belongs to a sandbox environment (the same resolution as the file's own environment). */
export function isSandboxFile(model: WorkspaceModel, path: string): boolean {
  return model.fileEnv(path)?.tier === 'sandbox';
}

/**
 * True when a folder lies in a sandbox environment: a sandbox environment's `files` globs in aigate.yaml,
 * else the deepest path segment that names an environment (`experiments/chat/src` -> sandbox).
 */
export function isSandboxFolder(model: WorkspaceModel, path: string): boolean {
  for (const e of model.policy.environments) {
    if (e.files.length && (anyGlob(e.files, path) || anyGlob(e.files, `${path}/x`))) return e.tier === 'sandbox';
  }
  const parts = path.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const m = model.envs.byName(parts[i]!);
    if (m) return m.tier === 'sandbox';
  }
  return false;
}

/** A place that names an Azure ML endpoint: its declaration, a deployment into it, or a workflow command. */
export interface EndpointUse {
  name: string;
  kind: 'endpoint' | 'deployment' | 'action';
  loc: Loc;
  /** The record the use belongs to (the job for workflow commands). */
  record: EndpointRecord | DeploymentRecord | JobRecord;
  action?: StepAction;
  env?: string;
  workload?: string;
}

const ENDPOINT_ACTIONS: ReadonlyArray<StepAction['kind']> = ['deploy', 'traffic', 'provision', 'delete-deployment'];

const overrideCache = new WeakMap<WorkspaceModel, Map<string, Set<string>>>();

/**
 * Files whose endpoint name a workflow replaces when it deploys them: file -> the names used instead
 * ('' when the name is only known at run time). `az ml online-endpoint create -f e.yml --name $NAME`,
 * `az ml online-deployment create -f d.yml --endpoint-name chat-$ENV`, or a deploy action or reusable
 * workflow given a file together with an `endpoint_name` (or `endpoint_suffix`) input.
 */
export function endpointNameOverrides(model: WorkspaceModel): Map<string, Set<string>> {
  const cached = overrideCache.get(model);
  if (cached) return cached;
  const out = new Map<string, Set<string>>();
  const add = (file: string, name: string): void => {
    const key = normalizeRepoPath(file);
    const set = out.get(key) ?? new Set<string>();
    set.add(name.toLowerCase());
    out.set(key, set);
  };
  const fromInputs = (inputs: Array<[string, string | undefined]>): void => {
    const map = new Map(inputs);
    const name = map.get('endpoint_name');
    const affix = [...map.keys()].some((k) => /^endpoint_(suffix|prefix)$/.test(k));
    if (name === undefined && !affix) return;
    const used = name !== undefined && !isTemplated(name) && !affix ? name : '';
    for (const [k, v] of inputs) if (/_file$|^file$/i.test(k) && v && !isTemplated(v)) add(v, used);
  };
  for (const job of model.jobs) {
    for (const step of job.steps) {
      if (step.run) {
        for (const cmd of parseShell(step.run)) {
          const w = cmd.words.map((x) => x.value);
          if (w[0] !== 'az' || w[1] !== 'ml' || !/^(online|batch)-(endpoint|deployment)$/.test(w[2] ?? '') || !['create', 'update'].includes(w[3] ?? '')) continue;
          const opts = readOptions(cmd.words, 4);
          const file = opts.get('--file') ?? opts.get('-f');
          if (!file || file.unknown || !file.value) continue;
          const nameOpt = w[2]!.endsWith('-endpoint') ? (opts.get('--name') ?? opts.get('-n')) : (opts.get('--endpoint-name') ?? opts.get('-e'));
          if (nameOpt) add(file.value, nameOpt.unknown ? '' : nameOpt.value);
        }
      }
      if (step.uses) {
        const withNode = nodeAt(model, step.loc)?.get('with');
        if (withNode) fromInputs(withNode.entries().map(([k, v]) => [k, v.string()]));
      }
    }
    if (job.uses) fromInputs(Object.entries(job.with));
  }
  overrideCache.set(model, out);
  return out;
}

/** True when a workflow deploys this record's file under another endpoint name than the one written in it. */
export function endpointNameReplaced(model: WorkspaceModel, rec: DeploymentRecord | EndpointRecord): boolean {
  const written = (rec.type === 'endpoint' ? rec.name : rec.endpointName)?.toLowerCase();
  const used = endpointNameOverrides(model).get(normalizeRepoPath(rec.file));
  return !!used && [...used].some((n) => n !== written);
}

/**
 * Every place that names an endpoint, with its environment and workload. With `physical`, files whose
 * endpoint name a workflow replaces are left out: the name they carry is not the endpoint's real name.
 */
const usesCache = new WeakMap<WorkspaceModel, Map<boolean, EndpointUse[]>>();

/** Every use of an endpoint name in the workspace (computed once per model and option). */
export function endpointUses(model: WorkspaceModel, options: { physical?: boolean } = {}): EndpointUse[] {
  let byOption = usesCache.get(model);
  if (!byOption) {
    byOption = new Map();
    usesCache.set(model, byOption);
  }
  const physical = options.physical ?? false;
  let uses = byOption.get(physical);
  if (!uses) {
    uses = computeEndpointUses(model, { physical });
    byOption.set(physical, uses);
  }
  return uses;
}

function computeEndpointUses(model: WorkspaceModel, options: { physical?: boolean }): EndpointUse[] {
  const out: EndpointUse[] = [];
  const keep = (r: DeploymentRecord | EndpointRecord): boolean => !options.physical || !endpointNameReplaced(model, r);
  for (const e of model.endpoints) {
    if (e.name && keep(e)) out.push({ name: e.name, kind: 'endpoint', loc: e.nameLoc, record: e, env: model.env(e), workload: model.workload(e) });
  }
  for (const d of model.deployments) {
    if (d.endpointName && keep(d)) out.push({ name: d.endpointName, kind: 'deployment', loc: d.endpointLoc ?? d.nameLoc, record: d, env: model.env(d), workload: model.workload(d) });
  }
  for (const { job, action } of model.jobActions(ENDPOINT_ACTIONS)) {
    if (action.endpointName && !isTemplated(action.endpointName)) out.push({ name: action.endpointName, kind: 'action', loc: action.loc, record: job, action, env: model.env(job), workload: model.workload(job) });
  }
  return out;
}

/** "deploy/prod/endpoint.yml" / "job 'deploy-prod' (az ml online-deployment create)", for related messages. */
export function useLabel(u: EndpointUse): string {
  if (u.kind === 'endpoint') return `endpoint '${u.name}' declared in ${u.loc.file}`;
  if (u.kind === 'deployment') return `deployment '${(u.record as DeploymentRecord).name ?? '(unnamed)'}' into '${u.name}' in ${u.loc.file}`;
  return `job '${(u.record as JobRecord).id}' (${u.action?.via ?? 'workflow command'})`;
}

/** "dev", "dev and test", "dev, test and prod". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Unique values in first-seen order. */
export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
