import { policyFromText, type LoadedPolicy } from '../api.js';
import { POLICY_FILE_NAMES } from '../policy/types.js';
import { anyGlob } from '../util/glob.js';
import { GateApiError, type GateGitHub } from './github.js';

/** Files of a repository at given commits: local git for the CLI, the GitHub API for the Action. */
export interface TreeSource {
  /** Every file at `ref`, relative to the repository root (forward slashes), with its size in bytes when known. */
  listFiles(ref: string): Promise<Array<{ path: string; size?: number }>>;
  /** A file's text at `ref`; undefined when there is no such file. Throws on any other failure. */
  readText(ref: string, path: string): Promise<string | undefined>;
}

/** A file the change adds, modifies or removes (renames are a removal and an addition). */
export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'removed';
}

export interface GateSnapshot {
  ref: string;
  /** YAML files under the root: root-relative path -> text. */
  texts: Map<string, string>;
  /** Files that could not be read (too large, binary): root-relative path -> reason. */
  unreadable: Map<string, string>;
}

/** Everything the gate reads from the repository, loaded once. */
export interface GateInputs {
  /** The folder of aigate.yaml inside the repository ('' for the repository root). */
  root: string;
  base: GateSnapshot;
  /** The base with the change applied: what the environments run once it is merged. */
  head: GateSnapshot;
  /** Root-relative changes between the merge base and the head. */
  changes: FileChange[];
  /** The policy, from the base commit. */
  policy: LoadedPolicy;
  policyFile?: string;
  /** The policy as the change leaves it, when the change touches a policy file (never used to decide). */
  headPolicy?: LoadedPolicy;
  /** A root-relative file as the change leaves it: the head's version when the change touches it, else the base's. */
  readMerged(path: string): Promise<string | undefined>;
}

export interface LoadOptions {
  source: TreeSource;
  baseRef: string;
  headRef: string;
  /** Changes between the merge base of base and head, and head (repository-relative). */
  changes: readonly FileChange[];
  /** Folder of the policy inside the repository ('' for its root). */
  root?: string;
  /** Largest YAML file to read, in bytes (default 1 MiB). */
  maxFileSize?: number;
}

const YAML_EXT = /\.ya?ml$/i;

export function normalizeRoot(root: string | undefined): string {
  return (root ?? '').replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

function underRoot(path: string, root: string): string | undefined {
  if (!root) return path;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : undefined;
}

/** Runs `fn` over items, `limit` at a time, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function selected(rel: string, ignore: readonly string[]): boolean {
  if (!YAML_EXT.test(rel)) return false;
  if (rel.split('/').some((s) => s === 'node_modules' || s === '.git')) return false;
  return !(ignore.length && anyGlob(ignore, rel));
}

/**
 * Load the base and head workspaces of a change. The policy comes from the base commit; the head
 * view is the base with the change applied (what runs after the merge), so commits that reached
 * the base branch after the change was branched off are not mistaken for part of it.
 */
export async function loadGateInputs(options: LoadOptions): Promise<GateInputs> {
  const { source, baseRef, headRef } = options;
  const root = normalizeRoot(options.root);
  const maxSize = options.maxFileSize ?? 1024 * 1024;
  const listing = await source.listFiles(baseRef);
  const baseFiles = new Map<string, number | undefined>();
  for (const f of listing) {
    const rel = underRoot(f.path, root);
    if (rel !== undefined) baseFiles.set(rel, f.size);
  }
  const full = (rel: string): string => (root ? `${root}/${rel}` : rel);

  const policyFile = POLICY_FILE_NAMES.find((n) => baseFiles.has(n));
  let policy: LoadedPolicy;
  let policyText: string | undefined;
  if (policyFile) {
    policyText = await source.readText(baseRef, full(policyFile));
    if (policyText === undefined) throw new Error(`${full(policyFile)} is listed at ${baseRef} but could not be read`);
    policy = policyFromText(policyFile, policyText);
  } else policy = policyFromText(undefined, undefined);
  const ignore = policy.policy.ignore;

  const base: GateSnapshot = { ref: baseRef, texts: new Map(), unreadable: new Map() };
  const wanted = [...baseFiles.entries()].filter(([rel]) => selected(rel, ignore));
  const take = (snap: GateSnapshot, rel: string, text: string | undefined): void => {
    if (text === undefined) return;
    if (text.length > maxSize) snap.unreadable.set(rel, `over the ${Math.round(maxSize / 1024)} KiB limit`);
    else if (text.includes('\u0000')) snap.unreadable.set(rel, 'binary (it contains NUL bytes)');
    else snap.texts.set(rel, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  };
  await mapLimit(wanted, 8, async ([rel, size]) => {
    if (size !== undefined && size > maxSize) {
      base.unreadable.set(rel, `over the ${Math.round(maxSize / 1024)} KiB limit`);
      return;
    }
    take(base, rel, rel === policyFile ? policyText : await source.readText(baseRef, full(rel)));
  });

  const changes: FileChange[] = [];
  for (const c of options.changes) {
    const rel = underRoot(c.path.replace(/\\/g, '/'), root);
    if (rel !== undefined) changes.push({ path: rel, status: c.status });
  }
  const head: GateSnapshot = { ref: headRef, texts: new Map(base.texts), unreadable: new Map(base.unreadable) };
  const changedYaml = changes.filter((c) => selected(c.path, ignore) || POLICY_FILE_NAMES.includes(c.path));
  for (const c of changedYaml) {
    head.texts.delete(c.path);
    head.unreadable.delete(c.path);
  }
  await mapLimit(
    changedYaml.filter((c) => c.status !== 'removed'),
    8,
    async (c) => take(head, c.path, await source.readText(headRef, full(c.path))),
  );

  const changedPolicy = changes.some((c) => POLICY_FILE_NAMES.includes(c.path));
  let headPolicy: LoadedPolicy | undefined;
  if (changedPolicy) {
    const name = POLICY_FILE_NAMES.find((n) => head.texts.has(n));
    headPolicy = name ? policyFromText(name, head.texts.get(name)!) : policyFromText(undefined, undefined);
  }
  const changeOf = new Map(changes.map((c) => [c.path, c] as const));
  return {
    root,
    base,
    head,
    changes,
    policy,
    policyFile,
    headPolicy,
    async readMerged(rel: string): Promise<string | undefined> {
      const c = changeOf.get(rel);
      if (c) return c.status === 'removed' ? undefined : source.readText(headRef, full(rel));
      return source.readText(baseRef, full(rel));
    },
  };
}

/** A {@link TreeSource} over the GitHub API (trees and contents), for the Action. */
export function githubTreeSource(gh: GateGitHub): TreeSource {
  return {
    async listFiles(ref) {
      const tree = await gh.getTree(ref);
      if (tree.truncated) throw new GateApiError(`the file listing of ${gh.repository} at ${ref.slice(0, 12)} is too large for GitHub's tree API (it came back truncated); the gate cannot see every file`);
      return tree.files;
    },
    async readText(ref, path) {
      const t = await gh.getFileText(path, ref);
      return t ?? undefined;
    },
  };
}

/** The changes of a pull request as GitHub lists them (renames become a removal and an addition). */
export function changesFromPullRequestFiles(files: ReadonlyArray<{ filename: string; status: string; previous_filename?: string }>): FileChange[] {
  const out: FileChange[] = [];
  for (const f of files) {
    if (f.status === 'removed') out.push({ path: f.filename, status: 'removed' });
    else if (f.status === 'added' || f.status === 'copied') out.push({ path: f.filename, status: 'added' });
    else if (f.status === 'renamed') {
      if (f.previous_filename) out.push({ path: f.previous_filename, status: 'removed' });
      out.push({ path: f.filename, status: 'added' });
    } else if (f.status !== 'unchanged') out.push({ path: f.filename, status: 'modified' });
  }
  return out;
}
