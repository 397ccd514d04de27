import { existsSync, promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { checkAnalyzed, policyFromText, type LoadedPolicy } from '../api.js';
import type { CheckResult } from '../engine/run.js';
import { analyzeFile, type AnalyzedFile } from '../model/file.js';
import { POLICY_FILE_NAMES } from '../policy/types.js';
import type { SourceFile } from '../text/source.js';
import { collectWorkspace, decodeText } from './collect.js';

export interface DirectoryCheckOptions {
  env?: string;
  now?: Date;
  maxFileSize?: number;
  /** Report only findings in these paths (relative to the root; files or folders). The model still spans the root. */
  only?: readonly string[];
}

export interface DirectoryCheck extends CheckResult {
  root: string;
  policy: LoadedPolicy;
  notes: string[];
  filesChecked: number;
  files: ReadonlyMap<string, AnalyzedFile>;
  sources: ReadonlyMap<string, SourceFile>;
}

/** The folder a check starts from: the nearest ancestor holding aigate.yaml or .git, else the folder itself. */
export function findRoot(start: string): string {
  let dir = nodePath.resolve(start);
  for (;;) {
    if (POLICY_FILE_NAMES.some((n) => existsSync(nodePath.join(dir, n))) || existsSync(nodePath.join(dir, '.git'))) return dir;
    const parent = nodePath.dirname(dir);
    if (parent === dir) return nodePath.resolve(start);
    dir = parent;
  }
}

async function readPolicyText(root: string): Promise<{ path?: string; text?: string; problem?: string }> {
  for (const name of POLICY_FILE_NAMES) {
    const abs = nodePath.join(root, name);
    let buf: Buffer;
    try {
      buf = await fs.readFile(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return { path: name, problem: `could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    const decoded = decodeText(buf);
    if ('problem' in decoded) return { path: name, problem: decoded.problem };
    return { path: name, text: decoded.text };
  }
  return {};
}

function inScope(file: string, only: readonly string[] | undefined): boolean {
  if (!only?.length) return true;
  return only.some((p) => p === '' || p === '.' || file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** Check a folder on disk: the CLI's and the Action's entry point. */
export async function checkDirectory(rootDir: string, options: DirectoryCheckOptions = {}): Promise<DirectoryCheck> {
  const root = nodePath.resolve(rootDir);
  const pol = await readPolicyText(root);
  let loaded: LoadedPolicy;
  if (pol.problem && pol.path) {
    loaded = policyFromText(undefined, undefined);
    loaded.problems.push({ message: `${pol.path} ${pol.problem}`, loc: { file: pol.path, span: { start: 0, end: 0 }, path: [] }, severity: 'error' });
  } else loaded = policyFromText(pol.path, pol.text);
  const collected = await collectWorkspace(root, { maxFileSize: options.maxFileSize, ignore: loaded.policy.ignore });
  const files = new Map<string, AnalyzedFile>();
  for (const [path, text] of collected.texts) files.set(path, analyzeFile(path, text));
  const notes = [...collected.notes];
  if (!pol.path) notes.unshift(`No aigate.yaml in ${root}: environments come from conventions (folders and file names such as deploy/prod/, workflow environments). Run \`aigate init\` to write a starter policy.`);
  const result = checkAnalyzed(files, loaded, { env: options.env, now: options.now, fileProblems: collected.problems });
  const only = options.only?.map((p) => p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/$/, ''));
  const sources = new Map<string, SourceFile>();
  for (const [p, f] of files) sources.set(p, f.source);
  return {
    ...result,
    findings: result.findings.filter((f) => inScope(f.location.file, only)),
    suppressed: result.suppressed.filter((f) => inScope(f.location.file, only)),
    root,
    policy: loaded,
    notes,
    filesChecked: [...files.values()].filter((f) => f.recognised).length,
    files,
    sources,
  };
}
