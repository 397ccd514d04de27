import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Span } from '../text/source.js';

export type PathSegment = string | number;
export type YamlPath = readonly PathSegment[];

/** A node of a parsed file, with where it sits: the unit rules point at. */
export interface Loc {
  /** File path relative to the root. */
  file: string;
  span: Span;
  path: YamlPath;
}

export function formatPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(document)';
}

export function nodeSpan(node: Node | null | undefined, fallback: Span): Span {
  const r = node?.range;
  if (!r) return fallback;
  return { start: r[0], end: Math.max(r[0], r[1]) };
}

/** The span of a key/value pair, from the key to the end of the value. */
export function pairSpan(pair: Pair, fallback: Span): Span {
  const k = pair.key as Node | null;
  const v = pair.value as Node | null;
  const start = k?.range?.[0] ?? v?.range?.[0];
  const end = v?.range?.[1] ?? k?.range?.[1];
  if (start === undefined || end === undefined) return fallback;
  return { start, end: Math.max(start, end) };
}

/** Resolve one level of alias (never recursively: alias bombs stay cheap). */
export function deref(doc: Document, node: unknown): Node | undefined {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return target && !isAlias(target) ? (target as Node) : undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

export function keyText(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return k.value == null ? undefined : typeof k.value === 'string' ? k.value : String(k.value);
  return undefined;
}

export function findPair(map: YAMLMap, key: string): Pair | undefined {
  for (const item of map.items) {
    const k = item.key;
    // Most keys are plain strings: compare without converting.
    if (isScalar(k) && (k.value === key || (typeof k.value !== 'string' && keyText(item) === key))) return item;
  }
  return undefined;
}

/** A located view over a YAML node, with safe navigation. */
export class YNode {
  constructor(
    readonly doc: Document,
    readonly file: string,
    readonly node: Node | undefined,
    readonly path: YamlPath,
    /** Span of the whole pair (key + value) this node is the value of, when it has one. */
    readonly pairSpanValue: Span | undefined,
    private readonly parentSpan: Span,
  ) {}

  static root(doc: Document, file: string, fileSpan: Span): YNode {
    const node = (doc.contents ?? undefined) as Node | undefined;
    return new YNode(doc, file, node, [], undefined, nodeSpan(node, fileSpan));
  }

  get exists(): boolean {
    return this.node !== undefined && !(isScalar(this.node) && this.node.value === null && this.node.range?.[0] === this.node.range?.[1]);
  }

  get isMap(): boolean {
    return isMap(this.node);
  }

  get isSeq(): boolean {
    return isSeq(this.node);
  }

  get isScalar(): boolean {
    return isScalar(this.node);
  }

  /** Span of the value node, or of the nearest existing parent. */
  get span(): Span {
    return nodeSpan(this.node, this.parentSpan);
  }

  /** Span of the key through the value, or the value span. */
  get fullSpan(): Span {
    return this.pairSpanValue ?? this.span;
  }

  get loc(): Loc {
    return { file: this.file, span: this.span, path: this.path };
  }

  /** Location of the key: value pair (for reporting on a whole entry). */
  get pairLoc(): Loc {
    return { file: this.file, span: this.fullSpan, path: this.path };
  }

  get(key: string): YNode {
    const map = deref(this.doc, this.node);
    const span = this.span;
    if (isMap(map)) {
      const pair = findPair(map, key);
      if (pair) return new YNode(this.doc, this.file, deref(this.doc, pair.value), [...this.path, key], pairSpan(pair, span), span);
    }
    return new YNode(this.doc, this.file, undefined, [...this.path, key], undefined, span);
  }

  /** Follow a dotted path of keys. */
  at(...keys: string[]): YNode {
    return keys.reduce<YNode>((cur, k) => cur.get(k), this);
  }

  has(key: string): boolean {
    const map = deref(this.doc, this.node);
    return isMap(map) && findPair(map, key) !== undefined;
  }

  /** The key span of a map entry, for pointing at the key itself. */
  keyLoc(key: string): Loc | undefined {
    const map = deref(this.doc, this.node);
    if (!isMap(map)) return undefined;
    const pair = findPair(map, key);
    if (!pair) return undefined;
    return { file: this.file, span: nodeSpan(pair.key as Node, this.span), path: [...this.path, key] };
  }

  entries(): Array<[string, YNode]> {
    const map = deref(this.doc, this.node);
    if (!isMap(map)) return [];
    const out: Array<[string, YNode]> = [];
    for (const pair of map.items) {
      const k = keyText(pair);
      if (k === undefined) continue;
      const v = deref(this.doc, pair.value);
      out.push([k, new YNode(this.doc, this.file, v, [...this.path, k], pairSpan(pair, this.span), this.span)]);
    }
    return out;
  }

  items(): YNode[] {
    const seq = deref(this.doc, this.node);
    if (!isSeq(seq)) return [];
    return seq.items.map((item, i) => {
      const v = deref(this.doc, item);
      return new YNode(this.doc, this.file, v, [...this.path, i], undefined, this.span);
    });
  }

  /** Scalar value as a string (numbers and booleans stringified), else undefined. */
  string(): string | undefined {
    const n = this.node;
    if (!isScalar(n) || n.value === null || n.value === undefined) return undefined;
    if (typeof n.value === 'object') return undefined;
    return String(n.value);
  }

  number(): number | undefined {
    const n = this.node;
    if (!isScalar(n)) return undefined;
    if (typeof n.value === 'number') return n.value;
    if (typeof n.value === 'string' && /^-?\d+(\.\d+)?$/.test(n.value.trim())) return Number(n.value);
    return undefined;
  }

  boolean(): boolean | undefined {
    const n = this.node;
    if (!isScalar(n)) return undefined;
    if (typeof n.value === 'boolean') return n.value;
    if (typeof n.value === 'string') {
      const s = n.value.trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
    }
    return undefined;
  }

  /** A list of strings from a scalar or a sequence of scalars. */
  strings(): string[] {
    if (this.isSeq) return this.items().map((i) => i.string()).filter((s): s is string => s !== undefined);
    const s = this.string();
    return s === undefined ? [] : [s];
  }
}
