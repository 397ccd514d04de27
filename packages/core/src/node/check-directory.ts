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
  /**
   * The policy file, absolute or relative to the root, instead of the root's aigate.yaml (which is then
   * plain YAML). A missing or unreadable one is a policy error, never a silent fall back to conventions.
   */
  policyFile?: string;
}

export interface DirectoryCheck extends CheckResult {
  root: string;
  policy: LoadedPolicy;
  /** The policy file read or looked for (relative to the root, `../` outside it); undefined when there is none. */
  policyPath?: string;
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

/** Why a file could not be read, to follow its name in a message. */
export function whyUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `could not be read (${code ?? 'error'})`;
}

/** A policy file's path as the check knows it: relative to the root (`../` outside it), absolute on another drive. */
export function policyKey(root: string, policyFile: string): string {
  const rel = nodePath.relative(root, nodePath.resolve(root, policyFile));
  return nodePath.isAbsolute(rel) ? rel : rel.split(nodePath.sep).join('/');
}

async function readPolicyFile(root: string, key: string, missingIsProblem: boolean): Promise<{ path: string; text?: string; problem?: string } | undefined> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(nodePath.resolve(root, key));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !missingIsProblem) return undefined;
    return { path: key, problem: whyUnreadable(err) };
  }
  const decoded = decodeText(buf);
  if ('problem' in decoded) return { path: key, problem: decoded.problem };
  return { path: key, text: decoded.text };
}

async function readPolicyText(root: string, policyFile: string | undefined): Promise<{ path?: string; text?: string; problem?: string }> {
  if (policyFile !== undefined) return (await readPolicyFile(root, policyKey(root, policyFile), true))!;
  for (const name of POLICY_FILE_NAMES) {
    const found = await readPolicyFile(root, name, false);
    if (found) return found;
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
  const pol = await readPolicyText(root, options.policyFile);
  let loaded: LoadedPolicy;
  if (pol.problem && pol.path) {
    loaded = policyFromText(undefined, undefined);
    // The finding is located in the file, which says its path.
    const which = options.policyFile !== undefined ? 'The policy file' : pol.path;
    loaded.problems.push({ message: `${which} ${pol.problem}`, loc: { file: pol.path, span: { start: 0, end: 0 }, path: [] }, severity: 'error' });
  } else loaded = policyFromText(pol.path, pol.text);
  const collected = await collectWorkspace(root, { maxFileSize: options.maxFileSize, ignore: loaded.policy.ignore });
  const files = new Map<string, AnalyzedFile>();
  // With a policy file of its own, only that file is the policy; the root's aigate.yaml is plain YAML.
  for (const [path, text] of collected.texts) files.set(path, analyzeFile(path, text, { policy: options.policyFile !== undefined ? path === pol.path : undefined }));
  // A policy file the folder's selection does not hold (outside the root, ignored, not .yaml) is read all the same,
  // so that its findings have lines and code frames.
  if (pol.path && pol.text !== undefined && !files.has(pol.path)) files.set(pol.path, analyzeFile(pol.path, pol.text, { policy: true }));
  const notes = [...collected.notes];
  if (!pol.path) notes.unshift(`No aigate.yaml in ${root}: environments come from conventions (folders and file names such as deploy/prod/, workflow environments). Run \`aigate init\` to write a starter policy.`);
  else if (options.policyFile !== undefined && !pol.problem) notes.unshift(`Policy read from ${pol.path}.`);
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
    policyPath: pol.path,
    notes,
    filesChecked: [...files.values()].filter((f) => f.recognised).length,
    files,
    sources,
  };
}
