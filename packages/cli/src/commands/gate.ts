import { existsSync, realpathSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { assessLocal, loadGateInputs, renderDossierMarkdown, renderGateText, type GateVerdict } from '@aigate/core';
import { changedFiles, DEFAULT_MAX_FILE_SIZE, findRoot, GitError, gitTopLevel, gitTreeSource, mergeBase, resolveCommit as resolveGitCommit, WORKING_TREE } from '@aigate/core/node';
import { EXIT, UsageError, type Io } from '../io.js';

export interface GateArgs {
  base?: string;
  head?: string;
  format?: string;
  root?: string;
  maxFileSize?: string;
}

const FORMATS = ['text', 'json', 'markdown'] as const;
type GateFormat = (typeof FORMATS)[number];

async function resolveCommit(top: string, ref: string, flag: string): Promise<string> {
  if (ref.startsWith('-')) throw new UsageError(`${flag} takes a git revision, not '${ref}'`);
  const sha = await resolveGitCommit(top, ref);
  if (!sha) throw new UsageError(`${flag} ${ref}: no such commit in ${top} (try a branch, a tag or a commit id; fetch it first if it is remote)`);
  return sha;
}

/** `aigate gate`: the promotion plan between two git revisions, with order and evidence checked locally. */
export async function runGateCommand(args: GateArgs, io: Io): Promise<number> {
  const format = (args.format ?? 'text') as GateFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${args.format}'; use one of ${FORMATS.join(', ')}`);
  if (!args.base) throw new UsageError('aigate gate needs --base <revision>: the commit or branch the change goes into (for example --base main)');
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (args.maxFileSize !== undefined) {
    const kib = Number(args.maxFileSize);
    if (!Number.isFinite(kib) || kib <= 0) throw new UsageError(`--max-file-size takes a number of KiB, not '${args.maxFileSize}'`);
    maxFileSize = Math.round(kib * 1024);
  }
  const root = args.root ? nodePath.resolve(io.cwd, args.root) : findRoot(io.cwd);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`the root ${root} is not a folder`);
  let top: string;
  try {
    top = await gitTopLevel(root);
  } catch (err) {
    throw new UsageError(`${root} is not in a git repository (${err instanceof GitError ? err.stderr.trim().split('\n')[0] : (err as Error).message}); aigate gate compares git revisions`);
  }
  const prefix = nodePath.relative(realpathSync(top), realpathSync(root)).split(nodePath.sep).join('/');
  if (prefix.startsWith('..')) throw new UsageError(`the root ${root} is outside the git repository ${top}`);

  const baseSha = await resolveCommit(top, args.base, '--base');
  const headSha = args.head ? await resolveCommit(top, args.head, '--head') : undefined;
  // Unrelated histories, or no commit yet at HEAD: compare with the base itself.
  const from = (await mergeBase(top, baseSha, headSha ?? 'HEAD')) ?? baseSha;
  const changes = await changedFiles(top, from, headSha);

  const source = gitTreeSource(top, { worktreeRef: WORKING_TREE });
  let verdict: GateVerdict;
  try {
    const inputs = await loadGateInputs({ source, baseRef: baseSha, headRef: headSha ?? WORKING_TREE, changes, root: prefix, maxFileSize });
    verdict = await assessLocal(inputs, { base: { ref: args.base, sha: baseSha }, head: headSha ? { ref: args.head!, sha: headSha } : { ref: WORKING_TREE } });
  } finally {
    source.close();
  }
  if (format === 'json') io.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
  else if (format === 'markdown') io.stdout(`${renderDossierMarkdown(verdict)}\n`);
  else io.stdout(renderGateText(verdict));
  return verdict.localPass ? EXIT.clean : EXIT.findings;
}
