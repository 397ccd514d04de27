import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedFiles, gitTreeSource, hasCommit, mergeBase, resolveCommit, WORKING_TREE } from './git.js';

const ENV = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...ENV } }).trim();

let top: string;
let base: string;
let head: string;
const MANY = 300;

beforeAll(() => {
  top = mkdtempSync(path.join(tmpdir(), 'aigate-git-'));
  git(top, 'init', '-q', '-b', 'main');
  mkdirSync(path.join(top, 'deploy'), { recursive: true });
  for (let i = 0; i < MANY; i++) writeFileSync(path.join(top, 'deploy', `d${i}.yml`), `name: d${i}\n`);
  writeFileSync(path.join(top, 'with space.yml'), 'a: 1\n');
  writeFileSync(path.join(top, 'line\nbreak.yml'), 'b: 2\n');
  writeFileSync(path.join(top, 'binary.bin'), Buffer.from([1, 0, 2]));
  git(top, 'add', '-A');
  git(top, 'commit', '-q', '-m', 'base');
  base = git(top, 'rev-parse', 'HEAD');
  writeFileSync(path.join(top, 'deploy', 'd0.yml'), 'name: changed\n');
  rmSync(path.join(top, 'deploy', 'd1.yml'));
  writeFileSync(path.join(top, 'new.yml'), 'c: 3\n');
  git(top, 'add', '-A');
  git(top, 'commit', '-q', '-m', 'head');
  head = git(top, 'rev-parse', 'HEAD');
  writeFileSync(path.join(top, 'untracked.yml'), 'd: 4\n');
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('the local git reader', () => {
  it('lists and reads files at commits through one reader, many at a time', async () => {
    const source = gitTreeSource(top);
    try {
      const files = await source.listFiles(base);
      expect(files).toHaveLength(MANY + 3);
      expect(files.find((f) => f.path === 'deploy/d7.yml')).toEqual({ path: 'deploy/d7.yml', size: 9 });
      const texts = await Promise.all(files.filter((f) => f.path.startsWith('deploy/')).map((f) => source.readText(base, f.path)));
      expect(texts.every((t, i) => t === `name: d${files.filter((f) => f.path.startsWith('deploy/'))[i]!.path.slice(8, -4)}\n`)).toBe(true);
      expect(await source.readText(head, 'deploy/d0.yml')).toBe('name: changed\n');
      expect(await source.readText(head, 'deploy/d1.yml')).toBeUndefined(); // removed
      expect(await source.readText(base, 'deploy')).toBeUndefined(); // a folder
      expect(await source.readText(base, 'with space.yml')).toBe('a: 1\n');
      expect(await source.readText(base, 'line\nbreak.yml')).toBe('b: 2\n');
      expect(await source.readText(base, 'binary.bin')).toContain('\u0000');
    } finally {
      source.close();
    }
  });

  it('says how to fetch a commit the clone lacks, and reads the working tree only when asked to', async () => {
    const source = gitTreeSource(top, { worktreeRef: WORKING_TREE });
    try {
      const absent = 'c0ffee'.padEnd(40, '0');
      await expect(source.readText(absent, 'deploy/d0.yml')).rejects.toThrow(`commit ${absent} is not in the local repository`);
      await expect(source.listFiles(absent)).rejects.toThrow('fetch it first');
      expect(await source.readText(WORKING_TREE, 'untracked.yml')).toBe('d: 4\n');
      expect(await source.readText(WORKING_TREE, 'nope.yml')).toBeUndefined();
      expect(await hasCommit(top, head)).toBe(true);
      expect(await hasCommit(top, absent)).toBe(false);
      expect(await resolveCommit(top, 'main~1')).toBe(base);
      expect(await resolveCommit(top, '--help')).toBeUndefined();
      expect(await mergeBase(top, base, head)).toBe(base);
      expect(await changedFiles(top, base, head)).toEqual([
        { path: 'deploy/d0.yml', status: 'modified' },
        { path: 'deploy/d1.yml', status: 'removed' },
        { path: 'new.yml', status: 'added' },
      ]);
      expect(await changedFiles(top, head)).toEqual([{ path: 'untracked.yml', status: 'added' }]);
    } finally {
      source.close();
    }
    await expect(source.readText(base, 'new.yml')).rejects.toThrow('closed');
  });
});
