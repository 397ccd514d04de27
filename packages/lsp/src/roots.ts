import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ignoreFactory from 'ignore';
import { POLICY_FILE_NAMES, policyFromText, WorkspaceIndex } from '@aigate/core';
import { collectWorkspace, decodeText, DEFAULT_MAX_FILE_SIZE, findRoot, policyKey, whyUnreadable } from '@aigate/core/node';

/** The policy as read before the folder: its text, or why it could not be read, and its `ignore:` list. */
interface PolicyRead {
  path?: string;
  text?: string;
  problem?: string;
  ignore: string[];
}

/** A folder aigate checks as one workspace: its own policy, its own index. */
export class Root {
  private current: WorkspaceIndex;
  /** Relative paths of the documents open in the editor (their text wins over the disk's). */
  readonly open = new Map<string, string>();
  /** Incremented by each full read, so an older read that is still running stops. */
  private epoch = 0;
  /** The configured policy file (absolute), when it is not the folder's own aigate.yaml. */
  private policyAbs: string | undefined;
  /** Its path as the index knows it: relative to the folder, `../` when it lies outside. */
  private policyKey: string | undefined;

  constructor(
    readonly dir: string,
    /** True for a folder made up for a file outside every workspace folder: only open files are read. */
    readonly adhoc: boolean,
    private readonly now: () => Date,
    private readonly maxFileSize: number,
  ) {
    this.current = new WorkspaceIndex({ now });
  }

  get index(): WorkspaceIndex {
    return this.current;
  }

  /** The configured policy file (absolute path), if any. */
  get policyFile(): string | undefined {
    return this.policyAbs;
  }

  /**
   * Read the policy from this file (absolute path; undefined: the folder's own aigate.yaml). Returns false
   * when that is already so. Otherwise the index starts over, empty: load the folder again, and give it
   * the open documents' texts again.
   */
  setPolicyFile(abs: string | undefined): boolean {
    const resolved = abs === undefined ? undefined : nodePath.resolve(this.dir, abs);
    if (resolved === this.policyAbs) return false;
    this.policyAbs = resolved;
    this.policyKey = resolved === undefined ? undefined : policyKey(this.dir, resolved);
    this.current = new WorkspaceIndex({ now: this.now, policyFile: this.policyKey });
    this.epoch++;
    return true;
  }

  /** True for the file this folder's policy is read from. */
  isPolicy(rel: string): boolean {
    return this.index.isPolicy(rel);
  }

  uriOf(rel: string): string {
    // A configured policy file on another drive has an absolute path as its key.
    return this.open.get(rel) ?? pathToFileURL(nodePath.isAbsolute(rel) ? rel : nodePath.join(this.dir, rel)).href;
  }

  /** The path of a file below the folder, relative to it; its configured policy file's key wherever that lies. */
  relOf(absPath: string): string | undefined {
    if (this.policyAbs !== undefined && nodePath.resolve(absPath) === this.policyAbs) return this.policyKey;
    return this.below(absPath);
  }

  /** True when a file lies below the folder (whatever the policy). */
  contains(absPath: string): boolean {
    return this.below(absPath) !== undefined;
  }

  private below(absPath: string): string | undefined {
    const rel = nodePath.relative(this.dir, absPath);
    if (!rel || rel.startsWith('..') || nodePath.isAbsolute(rel)) return undefined;
    return rel.split(nodePath.sep).join('/');
  }

  /**
   * Read the folder as the CLI does (same file selection), then hand the texts to the index in
   * batches so other requests are answered meanwhile. Open documents keep their editor text.
   */
  async load(log: (m: string) => void): Promise<void> {
    const epoch = ++this.epoch;
    const policy = await this.readPolicy();
    if (epoch !== this.epoch) return;
    const collecting = this.adhoc
      ? Promise.resolve({ texts: new Map<string, string>(), problems: [], notes: [] })
      : collectWorkspace(this.dir, { maxFileSize: this.maxFileSize, ignore: policy.ignore });
    // While the files are read, load the policy once: its schema validator is compiled on first use,
    // and the evaluation after the reading then does not wait for it.
    if (policy.path && policy.text !== undefined) {
      try {
        policyFromText(policy.path, policy.text);
      } catch {
        // the index loads the policy again and reports what is wrong with it
      }
    }
    const collected = await collecting;
    if (epoch !== this.epoch) return;
    if (this.adhoc && policy.path && policy.text !== undefined) collected.texts.set(policy.path, policy.text);
    for (const n of collected.notes) log(n);
    const keep = new Set<string>([...collected.texts.keys(), ...collected.problems.map((p) => p.file), ...this.open.keys()]);
    if (this.policyKey !== undefined) keep.add(this.policyKey);
    for (const p of [...this.index.paths()]) if (!keep.has(p)) this.index.removeFile(p);
    if (this.policyKey !== undefined) {
      // The configured policy file, as read before the folder, whether or not the folder's file selection has it.
      collected.texts.delete(this.policyKey);
      if (!this.open.has(this.policyKey)) {
        if (policy.text !== undefined) this.index.setFile(this.policyKey, policy.text);
        else this.index.setUnreadable(this.policyKey, policy.problem ?? `${this.policyAbs} could not be read.`);
      }
    }
    let n = 0;
    for (const [rel, text] of collected.texts) {
      if (this.open.has(rel)) continue;
      this.index.setFile(rel, text);
      if (++n % 200 === 0) {
        await new Promise((r) => setImmediate(r));
        if (epoch !== this.epoch) return;
      }
    }
    for (const p of collected.problems) if (!this.open.has(p.file)) this.index.setUnreadable(p.file, p.message);
  }

  private async readPolicy(): Promise<PolicyRead> {
    if (this.policyKey !== undefined) {
      const key = this.policyKey;
      if (this.open.has(key)) {
        const text = this.index.text(key);
        return { path: key, text, ignore: text === undefined ? [] : readIgnoreList(text) };
      }
      const read = await this.readFile(key);
      if ('text' in read) return { path: key, text: read.text, ignore: readIgnoreList(read.text) };
      return { path: key, ignore: [], problem: `The policy file ${this.policyAbs} (set by the aigate.policyPath setting) ${read.problem}.` };
    }
    for (const name of POLICY_FILE_NAMES) {
      const text = this.open.has(name) ? this.index.text(name) : await this.readText(name);
      if (text === undefined) continue;
      return { path: name, text, ignore: readIgnoreList(text) };
    }
    return { ignore: [] };
  }

  private async readText(rel: string): Promise<string | undefined> {
    const read = await this.readFile(rel);
    return 'text' in read ? read.text : undefined;
  }

  private async readFile(rel: string): Promise<{ text: string } | { problem: string }> {
    let buf: Buffer;
    try {
      buf = await fs.readFile(nodePath.resolve(this.dir, rel));
    } catch (err) {
      return { problem: whyUnreadable(err) };
    }
    const decoded = decodeText(buf);
    return 'text' in decoded ? decoded : { problem: decoded.problem };
  }

  /** Whether the CLI would read this file: YAML, not in .git or node_modules, not git-ignored or ignored by the policy. */
  async selects(rel: string): Promise<boolean> {
    if (rel === this.policyKey) return true;
    if (!/\.ya?ml$/i.test(rel)) return false;
    const parts = rel.split('/');
    if (parts.some((p) => p === '.git' || p === 'node_modules')) return false;
    if (this.adhoc) return false;
    const ignoreGlobs = this.index.policy.policy.ignore;
    if (ignoreGlobs.length && ignoreFactory().add([...ignoreGlobs]).ignores(rel)) return false;
    for (let i = 0; i < parts.length; i++) {
      const base = parts.slice(0, i).join('/');
      let text: string;
      try {
        text = await fs.readFile(nodePath.join(this.dir, base, '.gitignore'), 'utf8');
      } catch {
        continue;
      }
      const ig = ignoreFactory().add(text);
      for (let j = i; j < parts.length; j++) {
        const sub = parts.slice(i, j + 1).join('/');
        if (ig.ignores(j < parts.length - 1 ? `${sub}/` : sub)) return false;
      }
    }
    return true;
  }

  /** Read one file from disk into the index (or drop it), after a change on disk or a close in the editor. */
  async refreshFromDisk(rel: string): Promise<void> {
    const abs = nodePath.resolve(this.dir, rel);
    let stat;
    try {
      stat = await fs.lstat(abs);
    } catch {
      if (!this.open.has(rel)) this.index.removeFile(rel);
      return;
    }
    if (this.open.has(rel)) return;
    if (stat.isDirectory()) return;
    if (!stat.isFile() || !(await this.selects(rel))) {
      this.index.removeFile(rel);
      return;
    }
    if (stat.size > this.maxFileSize) {
      this.index.setUnreadable(rel, tooLarge(rel, stat.size, this.maxFileSize));
      return;
    }
    let buf: Buffer;
    try {
      buf = await fs.readFile(abs);
    } catch (err) {
      this.index.setUnreadable(rel, `${rel} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}) and was not checked.`);
      return;
    }
    const decoded = decodeText(buf);
    if ('problem' in decoded) this.index.setUnreadable(rel, `${rel} ${decoded.problem}, and was not checked.`);
    else this.index.setFile(rel, decoded.text);
  }

  /** Put an editor's text into the index, refusing what cannot be YAML aigate reads. */
  setEditorText(rel: string, text: string): void {
    if (text.length > this.maxFileSize) this.index.setUnreadable(rel, tooLarge(rel, text.length, this.maxFileSize));
    else if (text.includes('\u0000')) this.index.setUnreadable(rel, `${rel} is binary (it contains NUL bytes), and was not checked.`);
    else this.index.setFile(rel, text);
  }
}

function tooLarge(rel: string, size: number, max: number): string {
  return `${rel} is ${Math.round(size / 1024)} KiB, over the ${Math.round(max / 1024)} KiB limit, and was not checked.`;
}

/** The `ignore:` list of a policy text, read loosely (the index parses the policy properly later). */
function readIgnoreList(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => /^ignore\s*:/.test(l));
  if (i < 0) return out;
  const inline = /^ignore\s*:\s*\[(.*)\]/.exec(lines[i]!);
  if (inline) return inline[1]!.split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
  for (const l of lines.slice(i + 1)) {
    const m = /^\s+-\s+(.+?)\s*$/.exec(l);
    if (!m) {
      if (/^\S/.test(l)) break;
      continue;
    }
    out.push(m[1]!.replace(/^["']|["']$/g, ''));
  }
  return out;
}

/** The local path of a `file:` URI (undefined for other schemes and malformed URIs). */
function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Workspace folders and the files in them. */
export class Roots {
  private readonly roots: Root[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly maxFileSize: number = DEFAULT_MAX_FILE_SIZE,
  ) {}

  all(): readonly Root[] {
    return this.roots;
  }

  add(dir: string, adhoc = false): Root {
    const resolved = nodePath.resolve(dir);
    const existing = this.roots.find((r) => r.dir === resolved);
    if (existing) return existing;
    const root = new Root(resolved, adhoc, this.now, this.maxFileSize);
    this.roots.push(root);
    return root;
  }

  remove(dir: string): Root | undefined {
    const i = this.roots.findIndex((r) => r.dir === nodePath.resolve(dir));
    return i >= 0 ? this.roots.splice(i, 1)[0] : undefined;
  }

  /**
   * Every folder a file URI counts in: the folders whose configured policy it is (one file can be the
   * policy of several), else the one `locate` finds.
   */
  locateAll(uri: string): Array<{ root: Root; rel: string }> {
    const abs = pathOf(uri);
    const owners = abs === undefined ? [] : this.policyOwners(abs);
    if (owners.length) return owners;
    const one = this.locate(uri);
    return one ? [one] : [];
  }

  /** The folders whose configured policy is this file, wherever it lies. */
  private policyOwners(abs: string): Array<{ root: Root; rel: string }> {
    return this.roots.filter((r) => r.policyFile === abs).map((root) => ({ root, rel: root.relOf(abs)! }));
  }

  /** The root and relative path of a file URI; a root is made up for files outside every folder. */
  locate(uri: string, create = false): { root: Root; rel: string } | undefined {
    const abs = pathOf(uri);
    if (abs === undefined) return undefined;
    const [owner] = this.policyOwners(abs);
    if (owner) return owner;
    let best: { root: Root; rel: string } | undefined;
    for (const root of this.roots) {
      const rel = root.relOf(abs);
      if (rel !== undefined && (!best || root.dir.length > best.root.dir.length)) best = { root, rel };
    }
    if (best || !create) return best;
    const root = this.add(findRoot(nodePath.dirname(abs)), true);
    const rel = root.relOf(abs);
    return rel === undefined ? undefined : { root, rel };
  }
}
