import type { Report } from '../engine/rule.js';
import type { AnyRecord, DeploymentRecord, JobRecord } from '../model/records.js';
import { sameAnswer, stillAnswered, type RecordIndexSpec, type WorkspaceModel, type WorkspaceQuestion } from '../model/workspace.js';
import type { Loc } from '../yaml/nodes.js';

/** "in prod" / "in an unknown environment", for messages. */
export function inEnv(model: WorkspaceModel, r: AnyRecord): string {
  const env = model.env(r);
  return env ? `in ${env}` : 'in an unrecognised environment';
}

/** A short human name of a deployment: `blue` on endpoint `chat`. */
export function deploymentLabel(d: DeploymentRecord): string {
  const name = d.name ?? '(unnamed)';
  return d.endpointName ? `deployment '${name}' of endpoint '${d.endpointName}'` : `deployment '${name}'`;
}

export function jobLabel(j: JobRecord): string {
  return `job '${j.id}'`;
}

/** Jobs that deploy or shift traffic (model promotion steps). */
export function isPromotionJob(j: JobRecord): boolean {
  return j.actions.some((a) => a.kind === 'deploy' || a.kind === 'traffic');
}

export function related(loc: Loc | undefined, message: string): Array<{ loc: Loc; message: string }> {
  return loc ? [{ loc, message }] : [];
}

/** Group by a key, skipping undefined keys. */
export function groupBy<T>(items: Iterable<T>, key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

interface GroupCell<T> {
  members: readonly unknown[];
  context: string;
  value: T | undefined;
  set: boolean;
}

/**
 * What is computed for one group (one endpoint's users, one deployment across environments), computed
 * again only when the group changes. It is reused while the group holds the same records (or objects
 * derived from them) in the same order and `context` (what else the result depends on, such as the chain
 * of environments) is the same; the policy is the same for as long as the model's memory lives. Records
 * of files that did not change are the same objects from one evaluation to the next. `compute` must read
 * nothing but the members, their files and the policy, and what `context` holds.
 */
export function groupMemo<T>(model: WorkspaceModel, slot: string, key: string, members: readonly unknown[], context: string, compute: () => T): T {
  const cell = model.derivedByName<GroupCell<T>>(slot, key, () => ({ members: [], context: '', value: undefined, set: false }));
  if (cell.set && cell.context === context && (cell.members === members || sameAnswer(cell.members, members))) return cell.value as T;
  cell.value = compute();
  cell.members = members;
  cell.context = context;
  cell.set = true;
  return cell.value;
}

/** Reads groups of indexes for `groupFindings`, recording each group read. */
export type IndexReader = <U>(spec: RecordIndexSpec<U>, key: string) => readonly U[];

interface TableEntry {
  members: readonly unknown[];
  reads: Array<[RecordIndexSpec<unknown>, string, readonly unknown[]]>;
  questions: WorkspaceQuestion[];
  reports: Report[];
}

/** What one rule found per group of an index, kept across evaluations with what each group's findings read. */
class FindingTable {
  context: string | undefined;
  /** The version of each index the table was last brought up to date with. */
  readonly seen = new Map<RecordIndexSpec<unknown>, number>();
  readonly entries = new Map<string, TableEntry>();
  readonly withReports = new Set<string>();
  /** Groups of other indexes read, to the groups whose findings read them. */
  readonly readers = new Map<RecordIndexSpec<unknown>, Map<string, Set<string>>>();
  /** Indexes questions were answered from, to the groups that asked them. */
  readonly askers = new Map<RecordIndexSpec<unknown>, Set<string>>();
  /** Groups that asked a question to be asked again on every evaluation. */
  readonly opaque = new Set<string>();
  /** Files read, to the groups that read them. */
  readonly fileReaders = new Map<string, Set<string>>();
  /** Generation of the model the table was last brought up to date with. */
  generation: number | undefined;

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    const drop = <K>(map: Map<K, Set<string>> | undefined, k: K): void => {
      const groups = map?.get(k);
      if (!groups) return;
      groups.delete(key);
      if (!groups.size) map!.delete(k);
    };
    for (const [spec, k] of entry.reads) drop(this.readers.get(spec), k);
    for (const q of entry.questions) {
      if (q.stamps) for (const [spec] of q.stamps) drop(this.askers, spec);
      else if (q.file !== undefined) drop(this.fileReaders, q.file);
    }
    this.opaque.delete(key);
    this.entries.delete(key);
    this.withReports.delete(key);
  }

  keep(key: string, entry: TableEntry): void {
    this.entries.set(key, entry);
    for (const [spec, k] of entry.reads) {
      let byKey = this.readers.get(spec);
      if (!byKey) this.readers.set(spec, (byKey = new Map()));
      let groups = byKey.get(k);
      if (!groups) byKey.set(k, (groups = new Set()));
      groups.add(key);
    }
    for (const q of entry.questions) {
      if (!q.stamps && q.file !== undefined) {
        let groups = this.fileReaders.get(q.file);
        if (!groups) this.fileReaders.set(q.file, (groups = new Set()));
        groups.add(key);
        continue;
      }
      if (!q.stamps) {
        this.opaque.add(key);
        continue;
      }
      for (const [spec] of q.stamps) {
        let groups = this.askers.get(spec);
        if (!groups) this.askers.set(spec, (groups = new Set()));
        groups.add(key);
      }
    }
    if (entry.reports.length) this.withReports.add(key);
    else this.withReports.delete(key);
  }
}

/**
 * The findings of a rule that looks at the workspace group by group (the groups of `spec`), kept across
 * evaluations: a group's findings are computed again only when the group changed, a group of another
 * index it read (through `read`) changed, an answer to a question it asked of the model (through
 * `watched`) changed, or `context` (what else the findings depend on, such as the chain of environments)
 * changed. `compute` must read nothing but its group, what it reads through `read` and `watched`, the
 * files of its records and the policy.
 */
export function groupFindings<T>(
  model: WorkspaceModel,
  slot: string,
  spec: RecordIndexSpec<T>,
  context: string,
  compute: (key: string, group: readonly T[], read: IndexReader, watched: WorkspaceModel) => Report[],
): Report[] {
  const main = model.index(spec);
  if (!model.memory.keeps) {
    // Nothing to keep for a next evaluation: every group, read directly.
    const out: Report[] = [];
    const read: IndexReader = (s, k) => model.index(s).get(k);
    for (const [key, group] of main.groups()) for (const r of compute(key, group, read, model)) out.push(r);
    return out;
  }
  const table = model.derivedByName(TABLES, slot, () => new FindingTable());
  const mainSpec = spec as RecordIndexSpec<unknown>;
  let dirty: Set<string> | 'all';
  const since = table.seen.get(mainSpec);
  if (table.context !== context || since === undefined) dirty = 'all';
  else {
    const changed = main.changedSince(since);
    dirty = changed === 'all' ? 'all' : new Set(changed);
  }
  if (dirty !== 'all') {
    for (const [readSpec, byKey] of table.readers) {
      const seen = table.seen.get(readSpec);
      const changed = seen === undefined ? 'all' : model.index(readSpec).changedSince(seen);
      if (changed === 'all') {
        for (const groups of byKey.values()) for (const g of groups) dirty.add(g);
      } else for (const k of changed) for (const g of byKey.get(k) ?? []) dirty.add(g);
    }
    for (const [askedSpec, groups] of table.askers) if (model.index(askedSpec).version !== table.seen.get(askedSpec)) for (const g of groups) dirty.add(g);
    for (const g of table.opaque) dirty.add(g);
    const changes = model.changes;
    if (changes.since === table.generation) {
      for (const path of changes.files) for (const g of table.fileReaders.get(path) ?? []) dirty.add(g);
    } else for (const groups of table.fileReaders.values()) for (const g of groups) dirty.add(g);
  }
  const keys = dirty === 'all' ? new Set([...table.entries.keys(), ...[...main.groups()].map(([k]) => k)]) : dirty;
  const contextKept = table.context === context;
  for (const key of keys) {
    const group = main.get(key);
    const entry = table.entries.get(key);
    if (!group.length) {
      table.forget(key);
      continue;
    }
    if (
      entry &&
      contextKept &&
      (entry.members === group || sameAnswer(entry.members, group)) &&
      entry.reads.every(([s, k, seen]) => model.index(s).get(k) === seen) &&
      entry.questions.every((q) => stillAnswered(q, model))
    ) {
      entry.members = group;
      table.forget(key);
      table.keep(key, entry);
      continue;
    }
    const reads: TableEntry['reads'] = [];
    const questions: WorkspaceQuestion[] = [];
    const read: IndexReader = (s, k) => {
      const got = model.index(s).get(k);
      reads.push([s as RecordIndexSpec<unknown>, k, got]);
      return got;
    };
    const reports = compute(key, group, read, model.watched((q) => questions.push(q)));
    table.forget(key);
    table.keep(key, { members: group, reads, questions, reports });
  }
  table.context = context;
  table.generation = model.changes.generation;
  table.seen.set(mainSpec, main.version);
  for (const s of table.readers.keys()) table.seen.set(s, model.index(s).version);
  for (const s of table.askers.keys()) table.seen.set(s, model.index(s).version);
  const out: Report[] = [];
  for (const key of table.withReports) for (const r of table.entries.get(key)!.reports) out.push(r);
  return out;
}

const TABLES = 'helpers/finding-tables';
