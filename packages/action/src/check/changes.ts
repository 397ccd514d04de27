import type { FileStatus, PullFile } from '../github/api.js';
import type { DiffFile } from './diff.js';
import { addedLines } from './diff.js';

export interface ChangedFile {
  /** Repository-relative path after the change. */
  path: string;
  status: FileStatus;
  previousPath?: string;
  /** Lines added or changed (1-based, new side); `undefined` when they are not known. */
  lines?: Set<number>;
  from: 'api' | 'git';
}

/** What a pull request changes, as far as the action could learn it. */
export interface ChangeSet {
  files: Map<string, ChangedFile>;
  /** False when some changed files or lines are not known; `problems` says why. */
  complete: boolean;
  problems: string[];
  /** Where the facts came from, for the summary (`the pull request files API`, `git diff`). */
  sources: string[];
}

export function emptyChangeSet(): ChangeSet {
  return { files: new Map(), complete: true, problems: [], sources: [] };
}

/** Files from the PR files API; the ones without a patch get their lines later (git) or stay unknown. */
export function addPullFiles(set: ChangeSet, files: readonly PullFile[]): void {
  for (const f of files) {
    const c: ChangedFile = { path: f.filename, status: f.status, from: 'api' };
    if (f.previousFilename) c.previousPath = f.previousFilename;
    if (f.status === 'removed') c.lines = new Set();
    else if (f.patch !== undefined) c.lines = addedLines(f.patch);
    set.files.set(f.filename, c);
  }
}

/** Files whose changed lines are still unknown (a file with no patch: binary, or a diff too large to show). */
export function filesWithoutLines(set: ChangeSet): string[] {
  return [...set.files.values()].filter((f) => f.lines === undefined).map((f) => f.path);
}

/** Fill in from a local `git diff`: lines for files that lack them, and (when `all`) every file the API did not list. */
export function addGitDiff(set: ChangeSet, diff: readonly DiffFile[], all: boolean): void {
  for (const d of diff) {
    const known = set.files.get(d.path);
    if (known) {
      if (known.lines === undefined) known.lines = d.lines;
      continue;
    }
    if (!all) continue;
    const c: ChangedFile = { path: d.path, status: d.status, lines: d.lines, from: 'git' };
    if (d.previousPath) c.previousPath = d.previousPath;
    set.files.set(d.path, c);
  }
}

/** `[start, end]` (1-based, inclusive) touches a changed line of `path`. */
export function onChangedLine(set: ChangeSet, path: string, start: number, end: number): boolean {
  const lines = set.files.get(path)?.lines;
  if (!lines || lines.size === 0) return false;
  for (let l = start; l <= end; l++) if (lines.has(l)) return true;
  return false;
}
