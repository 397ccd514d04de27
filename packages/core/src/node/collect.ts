import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import ignoreFactory from 'ignore';
import type { FileProblem } from '../engine/run.js';

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

export interface CollectOptions {
  /** Files larger than this are not read (bytes). */
  maxFileSize?: number;
  /** Extra globs to skip (from aigate.yaml `ignore`), relative to the root. */
  ignore?: readonly string[];
  /** File name endings to read. */
  extensions?: readonly string[];
}

export interface CollectedWorkspace {
  root: string;
  /** Relative path (forward slashes) -> text. */
  texts: Map<string, string>;
  problems: FileProblem[];
  notes: string[];
}

type Ignore = ReturnType<typeof ignoreFactory>;

interface IgnoreLayer {
  base: string; // relative dir of the .gitignore, '' for root
  ig: Ignore;
}

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);
const decoder = new TextDecoder('utf-8', { fatal: true });

function ignored(layers: IgnoreLayer[], rel: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const sub = layer.base ? (rel.startsWith(`${layer.base}/`) ? rel.slice(layer.base.length + 1) : undefined) : rel;
    if (sub === undefined || sub === '') continue;
    if (layer.ig.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}

/** Decode a file's bytes as UTF-8 text, or say why it cannot be. */
export function decodeText(buf: Uint8Array): { text: string } | { problem: string } {
  if (buf.includes(0)) return { problem: 'is binary (it contains NUL bytes)' };
  try {
    const text = decoder.decode(buf);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { problem: 'is not valid UTF-8 text; save it as UTF-8' };
  }
}

/**
 * Read the files aigate checks below a root: YAML files, skipping `.git`, `node_modules`,
 * git-ignored files and the policy's `ignore` globs. Never throws for a single bad file:
 * unreadable, binary, non-UTF-8 and oversized files come back as problems, links leaving the
 * root as notes.
 */
export async function collectWorkspace(rootDir: string, options: CollectOptions = {}): Promise<CollectedWorkspace> {
  const root = nodePath.resolve(rootDir);
  const realRoot = await fs.realpath(root);
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const exts = options.extensions ?? ['.yml', '.yaml'];
  const out: CollectedWorkspace = { root, texts: new Map(), problems: [], notes: [] };
  const extra: IgnoreLayer[] = options.ignore?.length ? [{ base: '', ig: ignoreFactory().add([...options.ignore]) }] : [];

  const readIgnore = async (dirAbs: string, relDir: string): Promise<IgnoreLayer | undefined> => {
    try {
      const text = await fs.readFile(nodePath.join(dirAbs, '.gitignore'), 'utf8');
      return { base: relDir, ig: ignoreFactory().add(text) };
    } catch {
      return undefined;
    }
  };

  const readOne = async (abs: string, rel: string, size: number, out: CollectedWorkspace): Promise<void> => {
    if (size > maxSize) {
      out.problems.push({ file: rel, ruleId: 'aigate/unreadable-file', message: `${rel} is ${Math.round(size / 1024)} KiB, over the ${Math.round(maxSize / 1024)} KiB limit, and was not checked (raise --max-file-size to check it).` });
      return;
    }
    let buf: Buffer;
    try {
      buf = await fs.readFile(abs);
    } catch (err) {
      out.problems.push({ file: rel, ruleId: 'aigate/unreadable-file', message: `${rel} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) and was not checked.` });
      return;
    }
    const decoded = decodeText(buf);
    if ('problem' in decoded) out.problems.push({ file: rel, ruleId: 'aigate/unreadable-file', message: `${rel} ${decoded.problem}, and was not checked.` });
    else out.texts.set(rel, decoded.text);
  };

  const walk = async (dirAbs: string, relDir: string, layers: IgnoreLayer[]): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dirAbs, { withFileTypes: true });
    } catch (err) {
      out.notes.push(`${relDir || '.'}: folder could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); skipped`);
      return;
    }
    const own = await readIgnore(dirAbs, relDir);
    const active = own ? [...layers, own] : layers;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (ALWAYS_SKIPPED.has(e.name)) continue;
      const abs = nodePath.join(dirAbs, e.name);
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = await fs.realpath(abs);
        } catch {
          out.notes.push(`${rel}: broken symbolic link; skipped`);
          continue;
        }
        const inside = target === realRoot || target.startsWith(realRoot + nodePath.sep);
        if (!inside) {
          if (exts.some((x) => e.name.endsWith(x)) || (await fs.stat(target).then((s) => s.isDirectory(), () => false))) out.notes.push(`${rel}: symbolic link to a path outside the checked folder; not followed`);
          continue;
        }
        // Links inside the root point at files that are checked at their own path.
        continue;
      }
      if (e.isDirectory()) {
        if (ignored(active, rel, true) || ignored(extra, rel, true)) continue;
        await walk(abs, rel, active);
        continue;
      }
      if (!e.isFile() || !exts.some((x) => e.name.toLowerCase().endsWith(x))) continue;
      if (ignored(active, rel, false) || ignored(extra, rel, false)) continue;
      pending.push({ abs, rel });
    }
  };

  const pending: Array<{ abs: string; rel: string }> = [];
  await walk(root, '', []);
  // Read in parallel, a bounded number at a time; results keep the walk's (sorted) order.
  const stage = new Map<string, CollectedWorkspace>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      const { abs, rel } = pending[next++]!;
      const local: CollectedWorkspace = { root, texts: new Map(), problems: [], notes: [] };
      stage.set(rel, local);
      let size = 0;
      try {
        size = (await fs.stat(abs)).size;
      } catch (err) {
        local.problems.push({ file: rel, ruleId: 'aigate/unreadable-file', message: `${rel} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}) and was not checked.` });
        continue;
      }
      await readOne(abs, rel, size, local);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, pending.length) }, worker));
  for (const { rel } of pending) {
    const local = stage.get(rel);
    if (!local) continue;
    for (const [k, v] of local.texts) out.texts.set(k, v);
    out.problems.push(...local.problems);
  }
  return out;
}
