import { RULE_IDS } from '../api.js';
import { policySchema } from '../policy/schema.js';
import { ruleById } from '../rules/index.js';
import type { Span } from '../text/source.js';

export type CompletionKind = 'key' | 'value' | 'rule' | 'environment' | 'workload';

export interface PolicyCompletion {
  label: string;
  kind: CompletionKind;
  /** Text that replaces `replace`. */
  insertText: string;
  /** Offsets of the partial word the completion replaces. */
  replace: Span;
  detail?: string;
  documentation?: string;
}

export interface PolicyCompletionOptions {
  /** Environment names declared in the policy. */
  environments?: readonly string[];
  /** Workload names declared in the policy. */
  workloads?: readonly string[];
  /** Rule ids; the registry's by default. */
  ruleIds?: readonly string[];
}

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  propertyNames?: { enum?: unknown[] };
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
};

type Seg = string | typeof ITEM;
const ITEM = Symbol('item');

interface LineInfo {
  /** Column of the first dash of a `- ` prefix, or of the content. */
  indent: number;
  /** Number of `- ` prefixes. */
  dashes: number;
  /** Column where the content after the dashes starts. */
  contentCol: number;
  /** The key, when the content is `key:` or `key: value`. */
  key?: string;
  /** The value after `key:`, trimmed ('' for none). */
  value?: string;
  blank: boolean;
}

const KEY_RE = /^((?:"[^"]*"|'[^']*'|[^\s#:'"][^#:]*?)):(?:\s+(.*)|\s*)$/;

function readLine(line: string): LineInfo {
  const stripped = line.replace(/(^|\s)#.*$/, '');
  if (!stripped.trim()) return { indent: 0, dashes: 0, contentCol: 0, blank: true };
  const m = /^(\s*)((?:-(?:\s+|$))*)(.*)$/.exec(stripped)!;
  const indent = m[1]!.length;
  const dashes = (m[2]!.match(/-/g) ?? []).length;
  const contentCol = indent + m[2]!.length;
  const rest = m[3]!.trimEnd();
  const km = KEY_RE.exec(rest);
  const info: LineInfo = { indent, dashes, contentCol, blank: false };
  if (km) {
    info.key = km[1]!.replace(/^["']|["']$/g, '');
    info.value = (km[2] ?? '').trim();
  }
  return info;
}

function alternatives(s: Schema | undefined): Schema[] {
  if (!s) return [];
  const alts = s.oneOf ?? s.anyOf;
  return alts ? alts.flatMap(alternatives) : [s];
}

function child(s: Schema | undefined, seg: Seg): Schema | undefined {
  for (const alt of alternatives(s)) {
    if (seg === ITEM) {
      if (alt.items) return alt.items;
      continue;
    }
    const p = alt.properties?.[seg];
    if (p) return p;
    if (alt.additionalProperties && typeof alt.additionalProperties === 'object') return alt.additionalProperties;
  }
  return undefined;
}

interface Context {
  path: Seg[];
  mode: 'key' | 'value';
  /** Key whose value is completed (mode value on a `key: ` line). */
  key?: string;
  partial: string;
  replaceStart: number;
  siblings: Set<string>;
}

/** Where the cursor is in the YAML structure, read from indentation so that half-typed text works. */
function contextAt(text: string, offset: number): Context | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  if (/(^|\s)#/.test(prefix)) return undefined;
  const lines = text.slice(0, lineStart).split(/\r?\n/);
  lines.pop(); // the empty string after the last break before the cursor line
  const m = /^(\s*)((?:-\s+)*)(.*)$/.exec(prefix)!;
  const indent = m[1]!.length;
  const dashes = (m[2]!.match(/-/g) ?? []).length;
  const rest = m[3]!;
  const path: Seg[] = [];
  let mode: Context['mode'] = 'key';
  let key: string | undefined;
  let partial = rest;
  let replaceStart = offset - rest.length;
  const km = /^((?:"[^"]*"|'[^']*'|[^\s#:'"][^#:]*?)):\s+(.*)$/.exec(rest);
  if (km) {
    key = km[1]!.replace(/^["']|["']$/g, '');
    const value = km[2]!;
    const flow = value.lastIndexOf('[');
    if (flow >= 0 && !value.includes(']', flow)) {
      const after = value.slice(flow + 1);
      const tok = after.slice(after.lastIndexOf(',') + 1).replace(/^\s+/, '');
      path.push(key, ITEM);
      mode = 'value';
      key = undefined;
      partial = tok.replace(/^["']/, '');
    } else {
      mode = 'value';
      partial = value.replace(/^["']/, '');
    }
    replaceStart = offset - partial.length;
  } else if (rest.includes(':')) {
    return undefined;
  }
  // `- par|` is an item: whether it is a scalar or the first key of a mapping depends on the schema.
  for (let i = 0; i < dashes; i++) path.unshift(ITEM);
  // The node the cursor line starts: a sequence item at the dash column, or a map entry at the indent.
  let seqAt: number | undefined = dashes > 0 ? indent : undefined;
  let mapAt: number | undefined = dashes > 0 ? undefined : indent;
  const siblings = new Set<string>();
  const containerCol = dashes > 0 ? indent + m[2]!.length : indent;
  let collecting = true;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = readLine(lines[i]!);
    if (l.blank) continue;
    if (seqAt !== undefined) {
      // Looking for the key that owns a sequence at column seqAt.
      if (l.dashes > 0 && l.indent === seqAt) {
        collecting = false;
        continue; // a sibling item
      }
      if (l.indent > seqAt) continue;
      if (l.key === undefined) return undefined;
      path.unshift(l.key);
      if (l.dashes > 0) {
        path.unshift(ITEM);
        seqAt = l.indent;
        mapAt = undefined;
      } else {
        mapAt = l.indent;
        seqAt = undefined;
      }
      collecting = false;
      continue;
    }
    if (mapAt !== undefined) {
      if (l.contentCol > mapAt) continue;
      if (l.contentCol === mapAt && l.dashes === 0) {
        if (collecting && l.key !== undefined) siblings.add(l.key);
        continue;
      }
      if (l.contentCol === mapAt && l.dashes > 0) {
        // The first entry of the sequence item the cursor's mapping belongs to.
        if (collecting && l.key !== undefined) siblings.add(l.key);
        path.unshift(ITEM);
        seqAt = l.indent;
        mapAt = undefined;
        collecting = false;
        continue;
      }
      // A line left of the mapping: its key owns the mapping.
      if (l.key === undefined) return undefined;
      path.unshift(l.key);
      collecting = false;
      if (l.dashes > 0) {
        path.unshift(ITEM);
        seqAt = l.indent;
        mapAt = undefined;
      } else mapAt = l.indent;
    }
  }
  // Keys after the cursor in the same mapping are taken too.
  if (mode === 'key') {
    const after = text.slice(offset).split(/\r?\n/).slice(1);
    for (const raw of after) {
      const l = readLine(raw);
      if (l.blank) continue;
      if (l.contentCol < containerCol || (l.dashes > 0 && l.indent <= containerCol)) break;
      if (l.contentCol === containerCol && l.key !== undefined) siblings.add(l.key);
    }
  }
  return { path, mode, key, partial: partial.trimEnd(), replaceStart, siblings };
}

function describeRule(id: string): string | undefined {
  return ruleById(id)?.description;
}

function scalarCompletions(s: Schema | undefined, path: Seg[], options: PolicyCompletionOptions, replace: Span): PolicyCompletion[] {
  const out: PolicyCompletion[] = [];
  const seen = new Set<string>();
  const add = (c: PolicyCompletion): void => {
    if (seen.has(c.label)) return;
    seen.add(c.label);
    out.push(c);
  };
  const last = path[path.length - 1];
  const owner = last === ITEM ? path[path.length - 2] : last;
  const ruleIds = new Set(options.ruleIds ?? RULE_IDS);
  for (const alt of alternatives(s)) {
    for (const v of alt.enum ?? []) {
      const label = String(v);
      if (ruleIds.has(label)) add({ label, kind: 'rule', insertText: label, replace, detail: 'rule', documentation: describeRule(label) });
      else add({ label, kind: 'value', insertText: label, replace, documentation: alt.description });
    }
    if (alt.const !== undefined) add({ label: String(alt.const), kind: 'value', insertText: String(alt.const), replace, documentation: alt.description });
    if (alt.type === 'boolean') for (const b of ['true', 'false']) add({ label: b, kind: 'value', insertText: b, replace });
  }
  if (owner === 'environments' && last === ITEM) for (const e of options.environments ?? []) add({ label: e, kind: 'environment', insertText: e, replace, detail: 'environment' });
  if (owner === 'workloads' && last === ITEM && path.length > 2) for (const w of options.workloads ?? []) add({ label: w, kind: 'workload', insertText: w, replace, detail: 'workload' });
  return out;
}

/**
 * Names declared under a top-level list (`environments:` or `workloads:`), read from the text
 * loosely so that they complete while the rest of the file is half-typed and does not parse.
 */
export function declaredNames(text: string, section: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => new RegExp(`^${section}\\s*:\\s*(#.*)?$`).test(l));
  if (start < 0) return [];
  const found: Array<{ col: number; name: string }> = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line) && !/^-/.test(line) && !/^#/.test(line)) break;
    const m = /^(\s*(?:-\s+)?)name\s*:\s*["']?([A-Za-z0-9][\w.-]*)/.exec(line);
    if (m) found.push({ col: m[1]!.length, name: m[2]! });
  }
  const col = Math.min(...found.map((f) => f.col));
  return [...new Set(found.filter((f) => f.col === col).map((f) => f.name))];
}

/**
 * Completions in `aigate.yaml` at an offset: keys from the policy's JSON Schema, values from its
 * enums (severities, tiers), rule ids, and the environment and workload names the policy declares.
 */
export function policyCompletions(text: string, offset: number, options: PolicyCompletionOptions = {}): PolicyCompletion[] {
  const o = Math.max(0, Math.min(offset, text.length));
  const ctx = contextAt(text, o);
  if (!ctx) return [];
  options = { ...options, environments: options.environments ?? declaredNames(text, 'environments'), workloads: options.workloads ?? declaredNames(text, 'workloads') };
  const ruleIds = options.ruleIds ?? RULE_IDS;
  const root = policySchema(ruleIds) as Schema;
  const replace: Span = { start: ctx.replaceStart, end: o };
  let node: Schema | undefined = root;
  for (const seg of ctx.path) node = child(node, seg);
  if (ctx.mode === 'value') {
    const valuePath = ctx.key !== undefined ? [...ctx.path, ctx.key] : ctx.path;
    const target = ctx.key !== undefined ? child(node, ctx.key) : node;
    return scalarCompletions(target, valuePath, options, replace);
  }
  // Key position: a mapping's keys; or, in a sequence of scalars, the item values.
  const objects = alternatives(node).filter((a) => a.properties || a.additionalProperties || a.propertyNames);
  if (!objects.length) return node ? scalarCompletions(node, ctx.path, options, replace) : [];
  const out: PolicyCompletion[] = [];
  const seen = new Set<string>(ctx.siblings);
  const last = ctx.path[ctx.path.length - 1];
  for (const alt of objects) {
    const isRules = ctx.path.length === 1 && ctx.path[0] === 'rules';
    if (isRules || alt.propertyNames?.enum) {
      for (const id of (alt.propertyNames?.enum as string[] | undefined) ?? ruleIds) {
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ label: id, kind: 'rule', insertText: `${id}: `, replace, detail: 'rule', documentation: describeRule(id) });
      }
      continue;
    }
    for (const [k, v] of Object.entries(alt.properties ?? {})) {
      if (seen.has(k)) continue;
      seen.add(k);
      const complex = alternatives(v).every((x) => x.type === 'object' || x.type === 'array');
      out.push({ label: k, kind: 'key', insertText: complex ? `${k}:` : `${k}: `, replace, documentation: v.description });
    }
    if (last === 'environments' && typeof alt.additionalProperties === 'object') {
      for (const e of options.environments ?? []) {
        if (seen.has(e)) continue;
        seen.add(e);
        out.push({ label: e, kind: 'environment', insertText: `${e}: `, replace, detail: 'environment' });
      }
    }
  }
  return out;
}
