import { execFile } from 'node:child_process';
import { parseGitDiff, type DiffFile } from './diff.js';

function git(cwd: string, args: string[], maxBuffer = 256 * 1024 * 1024): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', ...args],
      { cwd, maxBuffer, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } },
      (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

/**
 * The changes of the checked-out tree against a base commit, from the local repository.
 * A string says why they could not be had (no git, not a repository, the base commit not fetched).
 */
export async function diffAgainstBase(workspace: string, baseSha: string, paths: readonly string[] = []): Promise<DiffFile[] | string> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(baseSha)) return `the base commit '${baseSha}' is not a commit id`;
  const has = await git(workspace, ['cat-file', '-e', `${baseSha}^{commit}`]);
  if (!has.ok) return `the base commit ${baseSha.slice(0, 7)} is not in the local repository (check out with fetch-depth: 0, or fetch the base)`;
  // Diff from where the branch left the base, so changes the base made since are not taken for the PR's.
  const mb = await git(workspace, ['merge-base', baseSha, 'HEAD']);
  const from = mb.ok && /^[0-9a-f]{40,64}$/.test(mb.stdout.trim()) ? mb.stdout.trim() : baseSha;
  const diff = await git(workspace, ['diff', '--no-color', '--no-ext-diff', '--unified=0', '-M', '--src-prefix=a/', '--dst-prefix=b/', from, '--', ...paths]);
  if (!diff.ok) return `git diff against ${from.slice(0, 7)} failed: ${diff.stderr.trim().split('\n')[0] ?? 'unknown error'}`;
  return parseGitDiff(diff.stdout);
}
