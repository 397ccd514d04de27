/** New-side line numbers (1-based) that a unified diff adds or changes. */
export function addedLines(patch: string): Set<number> {
  const out = new Set<number>();
  let next = 0;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      next = Number(hunk[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    const c = line[0];
    if (c === '+') out.add(next++);
    else if (c === ' ') next++;
    else if (c === '-' || c === '\\') continue;
    else if (line === '') next++; // a context line whose leading space was trimmed
    else inHunk = false;
  }
  return out;
}

export type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed';

export interface DiffFile {
  /** The path after the change (the old path for a removed file). */
  path: string;
  previousPath?: string;
  status: DiffStatus;
  lines: Set<number>;
}

/** Undo git's C-style quoting of a path (`"dir/\303\251.yml"`), or return it as is. */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const n = body[++i] ?? '';
    const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
    if (/[0-7]/.test(n)) {
      const oct = body.slice(i, i + 3);
      bytes.push(parseInt(oct, 8));
      i += 2;
    } else if (n in simple) bytes.push(simple[n]!);
    else bytes.push(...Buffer.from(n, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(p: string, prefix: 'a/' | 'b/'): string | undefined {
  if (p === '/dev/null') return undefined;
  const u = unquoteGitPath(p);
  return u.startsWith(prefix) ? u.slice(2) : u;
}

/** Parse the output of `git diff` (several files, `a/` and `b/` prefixes) into changed files and their added lines. */
export function parseGitDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let cur: (DiffFile & { from?: string; to?: string; hunks: string[] }) | undefined;
  const flush = (): void => {
    if (!cur) return;
    const path = cur.to ?? cur.from;
    if (path !== undefined) {
      const f: DiffFile = { path, status: cur.status, lines: addedLines(cur.hunks.join('\n')) };
      if (cur.status === 'renamed' && cur.from !== undefined && cur.from !== path) f.previousPath = cur.from;
      files.push(f);
    }
    cur = undefined;
  };
  let inHunks = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      flush();
      inHunks = false;
      cur = { path: '', status: 'modified', lines: new Set(), hunks: [] };
      // Paths without spaces can be read from the header; the ---/+++ and rename lines override them.
      const m = /^diff --git (a\/\S+|"a\/.*?") (b\/\S+|"b\/.*?")$/.exec(line);
      if (m) {
        cur.from = stripPrefix(m[1]!, 'a/');
        cur.to = stripPrefix(m[2]!, 'b/');
      }
      continue;
    }
    if (!cur) continue;
    if (!inHunks) {
      if (line.startsWith('new file mode')) cur.status = 'added';
      else if (line.startsWith('deleted file mode')) cur.status = 'removed';
      else if (line.startsWith('rename from ')) {
        cur.status = 'renamed';
        cur.from = unquoteGitPath(line.slice('rename from '.length));
      } else if (line.startsWith('rename to ')) cur.to = unquoteGitPath(line.slice('rename to '.length));
      else if (line.startsWith('--- ')) cur.from = stripPrefix(line.slice(4), 'a/') ?? cur.from;
      else if (line.startsWith('+++ ')) {
        const to = stripPrefix(line.slice(4), 'b/');
        if (to === undefined) cur.to = undefined;
        else cur.to = to;
      } else if (line.startsWith('@@')) {
        inHunks = true;
        cur.hunks.push(line);
      }
      continue;
    }
    cur.hunks.push(line);
  }
  flush();
  for (const f of files) if (f.status === 'removed' && f.path === undefined) f.path = '';
  return files.filter((f) => f.path !== '');
}
