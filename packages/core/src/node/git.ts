import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import type { FileChange, TreeSource } from '../gate/sources.js';
import { decodeText } from './collect.js';

/**
 * Reading a local git repository: commits, file listings and file contents, for the promotion gate
 * (`aigate gate` and the Action's `gate` command). Only plumbing commands that read objects are run
 * (`rev-parse`, `cat-file`, `ls-tree`, `merge-base`, `diff --name-status`): no hooks, no filters, no
 * textconv, no replace refs, and nothing from the repository is ever executed.
 */

/** A git command that failed (or git that could not be started). */
export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    /** Exit code, when git ran. */
    readonly exitCode?: number,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** The environment every git command runs with: no prompts, no optional locks, no replaced objects, plain messages. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_NO_REPLACE_OBJECTS: '1', GIT_LITERAL_PATHSPECS: '1', LC_ALL: 'C' };
}

/** Run git in `cwd` and return its standard output; throws a {@link GitError} with git's message when it fails. */
export function runGit(cwd: string, args: readonly string[], maxBuffer = 256 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'buffer', maxBuffer, env: gitEnv() }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const text = stderr.toString('utf8').trim();
      const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : undefined;
      reject(new GitError(`git ${args[0]} failed: ${text.split('\n')[0] || err.message}`, text, code));
    });
  });
}

export async function gitText(cwd: string, args: readonly string[]): Promise<string> {
  return (await runGit(cwd, args)).toString('utf8');
}

/** The top folder of the repository `dir` is in; throws a {@link GitError} when it is in none. */
export async function gitTopLevel(dir: string): Promise<string> {
  return (await gitText(dir, ['rev-parse', '--show-toplevel'])).trim();
}

/** The commit a revision names, or undefined when the repository has no such commit. */
export async function resolveCommit(top: string, rev: string): Promise<string | undefined> {
  if (rev.startsWith('-')) return undefined;
  try {
    const sha = (await gitText(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim();
    return sha || undefined;
  } catch {
    return undefined;
  }
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/** Whether the commit with this full id is in the local object store (a shallow clone may lack it). */
export async function hasCommit(top: string, sha: string): Promise<boolean> {
  if (!SHA.test(sha)) return false;
  try {
    await runGit(top, ['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** The best common ancestor of two commits; undefined for unrelated histories. */
export async function mergeBase(top: string, a: string, b: string): Promise<string | undefined> {
  try {
    return (await gitText(top, ['merge-base', a, b])).trim() || undefined;
  } catch {
    return undefined;
  }
}

function parseNameStatus(out: string): FileChange[] {
  const parts = out.split('\0').filter((s) => s !== '');
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!;
    const path = parts[i + 1]!;
    if (status.startsWith('D')) changes.push({ path, status: 'removed' });
    else if (status.startsWith('A')) changes.push({ path, status: 'added' });
    else changes.push({ path, status: 'modified' });
  }
  return changes;
}

/**
 * The files changed from commit `from` to commit `to` (renames as a removal and an addition); without
 * `to`, to the working tree, untracked files (not ignored) included.
 */
export async function changedFiles(top: string, from: string, to?: string): Promise<FileChange[]> {
  const args = ['diff', '--name-status', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', from];
  if (to) return parseNameStatus(await gitText(top, [...args, to, '--']));
  const changes = parseNameStatus(await gitText(top, [...args, '--']));
  const untracked = (await gitText(top, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  for (const p of untracked) changes.push({ path: p, status: 'added' });
  return changes;
}

/** Every file (blob) of a commit, with its size, relative to the repository root. */
export async function listCommitFiles(top: string, ref: string): Promise<Array<{ path: string; size?: number }>> {
  const out = await gitText(top, ['ls-tree', '-r', '-l', '-z', '--full-tree', ref]);
  const files: Array<{ path: string; size?: number }> = [];
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, , size] = entry.slice(0, tab).split(/\s+/);
    if (type !== 'blob') continue;
    files.push({ path: entry.slice(tab + 1), size: size && size !== '-' ? Number(size) : undefined });
  }
  return files;
}

/** Let a child process (and its pipes) hold the event loop open, or not. */
function setRefOf(c: ChildProcessWithoutNullStreams, on: boolean): void {
  for (const h of [c, c.stdin, c.stdout, c.stderr] as Array<{ ref?: () => void; unref?: () => void }>) (on ? h.ref : h.unref)?.call(h);
}

interface Pending {
  resolve(blob: Buffer | undefined): void;
  reject(err: Error): void;
}

/**
 * One `git cat-file --batch` process answering many reads: one process for a whole workspace instead
 * of one per file. It holds the event loop only while a read is pending, so a reader that is never
 * closed does not keep a process alive.
 */
class BlobReader {
  private child?: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure?: Error;

  constructor(private readonly top: string) {}

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.top, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
      this.drain();
    });
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const p of this.queue.splice(0)) p.reject(this.failure);
      this.child = undefined;
    };
    child.on('error', (err) => fail(new GitError(`git cat-file could not be started: ${err.message}`, '')));
    child.stdin.on('error', () => {
      /* the process ended; 'close' reports it */
    });
    child.on('close', (code) => fail(new GitError(`git cat-file --batch ended (exit ${code ?? 'signal'})${stderr.trim() ? `: ${stderr.trim().split('\n')[0]}` : ''}`, stderr, code ?? undefined)));
    return child;
  }

  private setRef(on: boolean): void {
    if (this.child) setRefOf(this.child, on);
  }

  /** Parse as many answers as the buffer holds, in request order. */
  private drain(): void {
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl < 0 || !this.queue.length) return;
      const header = this.buffer.subarray(0, nl).toString('utf8');
      const m = /^[0-9a-f]{40,64} (\S+) (\d+)$/.exec(header);
      if (!m) {
        // `<name> missing` or `<name> ambiguous`: no such file at that commit.
        this.buffer = this.buffer.subarray(nl + 1);
        this.queue.shift()!.resolve(undefined);
        this.idle();
        continue;
      }
      const size = Number(m[2]);
      if (this.buffer.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + size));
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
      this.queue.shift()!.resolve(m[1] === 'blob' ? content : undefined);
      this.idle();
    }
  }

  private idle(): void {
    if (!this.queue.length) this.setRef(false);
  }

  read(object: string): Promise<Buffer | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    this.child ??= this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.setRef(true);
      this.child!.stdin.write(`${object}\n`);
    });
  }

  close(): void {
    const c = this.child;
    this.child = undefined;
    this.failure ??= new GitError('the file reader is closed', '');
    if (c) {
      c.stdin.end();
      setRefOf(c, false);
    }
  }
}

export interface GitTreeSourceOptions {
  /** A ref name that stands for the files on disk (the working tree) instead of a commit, for a local dry run. */
  worktreeRef?: string;
}

/** A {@link TreeSource} over a local repository that can be closed (it keeps one git process for reads). */
export interface GitTreeSource extends TreeSource {
  /** Stop the reader process. Further reads fail. */
  close(): void;
}

/** Stands for the files on disk in {@link gitTreeSource} when given as `worktreeRef`. */
export const WORKING_TREE = 'working tree';

/**
 * Files of a local repository at its commits (`git ls-tree`, `git cat-file`), for the promotion gate.
 * A commit that is not in the local object store is an error that says how to fetch it; a path that
 * does not exist at a commit reads as undefined. Binary and non-UTF-8 files read as text holding a NUL,
 * which the gate reports as unreadable rather than guessing.
 */
export function gitTreeSource(top: string, options: GitTreeSourceOptions = {}): GitTreeSource {
  const reader = new BlobReader(top);
  const present = new Map<string, Promise<boolean>>();
  const requireCommit = async (ref: string): Promise<void> => {
    let p = present.get(ref);
    if (!p) {
      p = SHA.test(ref) ? hasCommit(top, ref) : resolveCommit(top, ref).then((s) => s !== undefined);
      present.set(ref, p);
    }
    if (!(await p)) throw new GitError(`commit ${ref} is not in the local repository ${top}; fetch it first (git fetch origin ${ref}), or clone with the full history`, '');
  };
  const decode = (buf: Buffer): string => {
    const d = decodeText(buf);
    return 'text' in d ? d.text : '\u0000';
  };
  return {
    async listFiles(ref) {
      if (ref === options.worktreeRef) throw new GitError('the working tree has no file listing of its own; list a commit', '');
      await requireCommit(ref);
      return listCommitFiles(top, ref);
    },
    async readText(ref, path) {
      if (options.worktreeRef !== undefined && ref === options.worktreeRef) {
        try {
          return decode(await fs.readFile(nodePath.join(top, path)));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
          throw err;
        }
      }
      await requireCommit(ref);
      // `--batch` reads one object name per line; a path with a line break takes a process of its own.
      if (/[\r\n]/.test(path) || path.startsWith('./') || path.startsWith('../')) {
        const listed = await gitText(top, ['ls-tree', '-z', '--full-tree', ref, '--', path]);
        if (!listed.split('\0').some((e) => /^\S+ blob /.test(e))) return undefined;
        return decode(await runGit(top, ['cat-file', 'blob', `${ref}:${path}`]));
      }
      const blob = await reader.read(`${ref}:${path}`);
      return blob === undefined ? undefined : decode(blob);
    },
    close() {
      reader.close();
    },
  };
}
