import picomatch from 'picomatch';

const cache = new Map<string, (s: string) => boolean>();

/** Match a path (forward slashes, relative) or a name against a glob; invalid globs match nothing. */
export function globMatch(glob: string, value: string): boolean {
  let m = cache.get(glob);
  if (!m) {
    try {
      m = picomatch(glob, { dot: true, nocase: false });
    } catch {
      m = () => false;
    }
    cache.set(glob, m);
  }
  return m(value);
}

export function anyGlob(globs: readonly string[], value: string): boolean {
  return globs.some((g) => globMatch(g, value));
}

/** The literal start of a glob: every match begins with it. */
export function literalPrefix(glob: string): string {
  const i = glob.search(/[*?[\]{}()!+@\\]/);
  return i < 0 ? glob : glob.slice(0, i);
}

/**
 * Many globs, each with a value: `first(path)` returns the value of the first glob (in order) that
 * matches. Globs whose literal start does not fit are skipped without running the matcher, so large
 * policies (thousands of workloads) stay cheap.
 */
export class GlobIndex<T> {
  private readonly entries: Array<{ globs: string[]; value: T }> = [];
  /** Character trie over the entries' literal prefixes; each node lists the entries whose prefix ends there. */
  private readonly root: TrieNode = { next: new Map(), here: [] };
  private readonly cache = new Map<string, T | undefined>();

  constructor(items: ReadonlyArray<{ globs: readonly string[]; value: T }>) {
    for (const item of items) {
      if (!item.globs.length) continue;
      const index = this.entries.length;
      this.entries.push({ globs: [...item.globs], value: item.value });
      let node = this.root;
      for (const ch of commonPrefix(item.globs.map(literalPrefix))) {
        let child = node.next.get(ch);
        if (!child) {
          child = { next: new Map(), here: [] };
          node.next.set(ch, child);
        }
        node = child;
      }
      node.here.push(index);
    }
  }

  first(value: string): T | undefined {
    if (this.cache.has(value)) return this.cache.get(value);
    const candidates: number[] = [...this.root.here];
    let node: TrieNode | undefined = this.root;
    for (const ch of value) {
      node = node.next.get(ch);
      if (!node) break;
      candidates.push(...node.here);
    }
    candidates.sort((a, b) => a - b);
    let found: T | undefined;
    for (const i of candidates) {
      const e = this.entries[i]!;
      if (e.globs.some((g) => value.startsWith(literalPrefix(g)) && globMatch(g, value))) {
        found = e.value;
        break;
      }
    }
    this.cache.set(value, found);
    return found;
  }
}

interface TrieNode {
  next: Map<string, TrieNode>;
  here: number[];
}

function commonPrefix(list: string[]): string {
  if (!list.length) return '';
  let p = list[0]!;
  for (const s of list) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}
