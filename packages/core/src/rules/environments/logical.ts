import type { Document, Node } from 'yaml';
import { parseShell, readOptions } from '../../formats/shell.js';
import { isTemplated } from '../../formats/templating.js';
import type { AnalyzedFile } from '../../model/file.js';
import type { AnyRecord, DeploymentRecord, EndpointRecord, JobRecord, StepAction, WorkflowStep } from '../../model/records.js';
import { defineIndex, type WorkspaceModel } from '../../model/workspace.js';
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
  return file ? nodeIn(file, loc) : undefined;
}

/** The YAML node a location of an analysed file points at. */
function nodeIn(file: AnalyzedFile, loc: Loc): YNode | undefined {
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

/**
 * A field of a record's YAML, as `readField` reads it, without the YAML documents: kept with the record,
 * so that reading it again needs no parsing (the documents of files are let go after their analysis).
 */
export interface RecordField {
  state: Field['state'];
  /** When known. */
  value?: string;
  /** The value's location (the nearest existing parent's when absent). */
  loc: Loc;
  /** The key through the value. */
  pairLoc: Loc;
  /** The value as written. */
  text: string;
}

const recordFields = new WeakMap<AnyRecord, Map<string, RecordField>>();

function fieldOf(root: YNode | undefined, rec: AnyRecord, text: string, path: readonly string[]): RecordField {
  if (!root) return { state: 'absent', loc: rec.loc, pairLoc: rec.loc, text: '' };
  const node = root.at(...path);
  const field = readField(root, ...path);
  const span = node.span;
  return { state: field.state, value: field.state === 'known' ? field.value : undefined, loc: node.loc, pairLoc: node.pairLoc, text: text.slice(span.start, span.end) };
}

function keptFields(rec: AnyRecord): Map<string, RecordField> {
  let m = recordFields.get(rec);
  if (!m) recordFields.set(rec, (m = new Map()));
  return m;
}

/** A field of a record's YAML (`readField` of its root node), read once per record. */
export function recordField(model: WorkspaceModel, rec: AnyRecord, ...path: string[]): RecordField {
  const kept = keptFields(rec);
  const key = path.join('\u0000');
  let f = kept.get(key);
  if (!f) kept.set(key, (f = fieldOf(recordNode(model, rec), rec, model.files.get(rec.file)?.source.text ?? '', path)));
  return f;
}

/** The fields rules read from records' YAML, by record type: read right after the analysis, see `readFieldsAhead`. */
const FIELDS_READ: Partial<Record<AnyRecord['type'], ReadonlyArray<readonly string[]>>> = {
  deployment: [
    ['$schema'],
    ['type'],
    ['egress_public_network_access'],
    ['app_insights_enabled'],
    ['code_configuration', 'code'],
    ['model', 'path'],
    ['environment', 'conda_file'],
    ['environment', 'build', 'path'],
    ['request_settings'],
    ['request_settings', 'max_concurrent_requests_per_instance'],
  ],
  endpoint: [['auth_mode'], ['public_network_access']],
};

const stepInputsKept = new WeakMap<WorkflowStep, Array<[string, string | undefined]> | null>();

/** The `with:` inputs of a workflow step that calls an action (null when its node is not found), read once per step. */
export function stepInputs(model: WorkspaceModel, step: WorkflowStep): Array<[string, string | undefined]> | null {
  let inputs = stepInputsKept.get(step);
  if (inputs === undefined) {
    const node = nodeAt(model, step.loc);
    stepInputsKept.set(step, (inputs = node ? node.get('with').entries().map(([k, v]) => [k, v.string()]) : null));
  }
  return inputs;
}

/**
 * Read, while a file's YAML documents are in memory, the fields of its records that rules read later, so
 * that the documents can be let go right after the analysis. Reading a field not read ahead is still
 * right: the documents are parsed again for it.
 */
export function readFieldsAhead(file: AnalyzedFile): void {
  const text = file.source.text;
  for (const rec of file.records) {
    if (rec.type === 'job') {
      for (const step of rec.steps) {
        if (!step.uses || stepInputsKept.has(step)) continue;
        const node = nodeIn(file, step.loc);
        stepInputsKept.set(step, node ? node.get('with').entries().map(([k, v]) => [k, v.string()]) : null);
      }
      continue;
    }
    const paths = FIELDS_READ[rec.type];
    if (!paths) continue;
    const root = nodeIn(file, rec.loc);
    const kept = keptFields(rec);
    for (const path of paths) {
      const key = path.join('\u0000');
      if (!kept.has(key)) kept.set(key, fieldOf(root, rec, text, path));
    }
  }
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
const STEM = 'logical/endpoint-stem';

export function endpointStem(model: WorkspaceModel, name: string): string {
  return model.derivedByName(STEM, name, (n) => {
    const tokens = n.toLowerCase().split(/[-_.]+/).filter(Boolean);
    const kept = tokens.filter((t) => !isEnvWord(model, t));
    return (kept.length ? kept : tokens).join('-');
  });
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
  return model.derivedByName(SANDBOX_FOLDER, path, (p) => {
    for (const e of model.policy.environments) {
      if (e.files.length && (anyGlob(e.files, p) || anyGlob(e.files, `${p}/x`))) return e.tier === 'sandbox';
    }
    const parts = p.split('/');
    for (let i = parts.length - 1; i >= 0; i--) {
      const m = model.envs.byName(parts[i]!);
      if (m) return m.tier === 'sandbox';
    }
    return false;
  });
}

const SANDBOX_FOLDER = 'logical/sandbox-folder';

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

/** What one job says about the endpoint names of the files it deploys: [file, name used] pairs. */
function jobNameOverrides(model: WorkspaceModel, job: JobRecord): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (file: string, name: string): void => {
    out.push([normalizeRepoPath(file), name.toLowerCase()]);
  };
  const fromInputs = (inputs: Array<[string, string | undefined]>): void => {
    const map = new Map(inputs);
    const name = map.get('endpoint_name');
    const affix = [...map.keys()].some((k) => /^endpoint_(suffix|prefix)$/.test(k));
    if (name === undefined && !affix) return;
    const used = name !== undefined && !isTemplated(name) && !affix ? name : '';
    for (const [k, v] of inputs) if (/_file$|^file$/i.test(k) && v && !isTemplated(v)) add(v, used);
  };
  for (const step of job.steps) {
    if (step.run && /\baz\b/.test(step.run)) {
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
      const inputs = stepInputs(model, step);
      if (inputs) fromInputs(inputs);
    }
  }
  if (job.uses) fromInputs(Object.entries(job.with));
  return out;
}

/**
 * Files whose endpoint name a workflow replaces when it deploys them, by file: the names used instead
 * ('' when the name is only known at run time). `az ml online-endpoint create -f e.yml --name $NAME`,
 * `az ml online-deployment create -f d.yml --endpoint-name chat-$ENV`, or a deploy action or reusable
 * workflow given a file together with an `endpoint_name` (or `endpoint_suffix`) input.
 */
export const ENDPOINT_NAME_OVERRIDES = defineIndex<string>('endpoint names replaced by workflows', ['job'], (model, r) => (r.type === 'job' ? jobNameOverrides(model, r) : []));

/** Changes whenever a workflow changes which files' endpoint names it replaces (for what depends on `endpointNameReplaced`). */
export function overridesVersion(model: WorkspaceModel): number {
  return model.index(ENDPOINT_NAME_OVERRIDES).version;
}

/** True when a workflow deploys this record's file under another endpoint name than the one written in it. */
export function endpointNameReplaced(model: WorkspaceModel, rec: DeploymentRecord | EndpointRecord): boolean {
  const overrides = model.index(ENDPOINT_NAME_OVERRIDES);
  if (!overrides.size) return false;
  const used = overrides.get(normalizeRepoPath(rec.file));
  if (!used.length) return false;
  const written = (rec.type === 'endpoint' ? rec.name : rec.endpointName)?.toLowerCase();
  return used.some((n) => n !== written);
}

/** The places one record names an endpoint. */
function usesOf(model: WorkspaceModel, r: AnyRecord): EndpointUse[] {
  if (r.type === 'endpoint') return r.name ? [{ name: r.name, kind: 'endpoint', loc: r.nameLoc, record: r, env: model.env(r), workload: model.workload(r) }] : [];
  if (r.type === 'deployment') return r.endpointName ? [{ name: r.endpointName, kind: 'deployment', loc: r.endpointLoc ?? r.nameLoc, record: r, env: model.env(r), workload: model.workload(r) }] : [];
  if (r.type !== 'job') return [];
  const out: EndpointUse[] = [];
  for (const action of r.actions) {
    if (!ENDPOINT_ACTIONS.includes(action.kind)) continue;
    if (action.endpointName && !isTemplated(action.endpointName)) out.push({ name: action.endpointName, kind: 'action', loc: action.loc, record: r, action, env: model.env(r), workload: model.workload(r) });
  }
  return out;
}

/** Every use of an endpoint name, by the name in lower case. */
export const ENDPOINT_USES = defineIndex<EndpointUse>('endpoint uses', ['endpoint', 'deployment', 'job'], (model, r) => usesOf(model, r).map((u) => [u.name.toLowerCase(), u] as const));

const KIND_RANK: Record<EndpointUse['kind'], number> = { endpoint: 0, deployment: 1, action: 2 };
const ordered = new WeakMap<readonly EndpointUse[], EndpointUse[]>();

/** The uses of one endpoint name: declarations, then deployments, then workflow commands, each in workspace order. */
export function usesInOrder(group: readonly EndpointUse[]): EndpointUse[] {
  let out = ordered.get(group);
  if (!out) ordered.set(group, (out = [...group].sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind])));
  return out;
}

/** Without the uses whose file a workflow deploys under another endpoint name (their name is not the endpoint's). */
export function physicalUses(model: WorkspaceModel, uses: readonly EndpointUse[]): EndpointUse[] {
  return uses.filter((u) => u.kind === 'action' || !endpointNameReplaced(model, u.record as DeploymentRecord | EndpointRecord));
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
