import { compareFindings, SEVERITY_RANK, type Finding, type Location, type Severity, type SuppressedFinding } from '../findings.js';
import type { RuleDefinition } from '../engine/rule.js';
import type { SourceFile } from '../text/source.js';

/** What every formatter receives (re-exported from `index.ts`). */
export interface ReportInput {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** One-line notes for people: "no aigate.yaml found: working on conventions", skipped symlinks... */
  notes: string[];
  /** Every documented rule (for SARIF rule metadata). */
  rules: readonly RuleDefinition[];
  /** Absolute path of the checked root (SARIF originalUriBaseIds). */
  root: string;
  filesChecked: number;
  /** Sources by relative path, for code frames in stylish output (optional). */
  sources?: ReadonlyMap<string, SourceFile>;
  color: boolean;
  toolVersion: string;
}

export const TOOL_NAME = 'aigate';
export const TOOL_INFORMATION_URI = 'https://github.com/aigate-dev/aigate';

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
}

export function countFindings(findings: readonly Finding[], suppressed: readonly SuppressedFinding[]): Counts {
  const c: Counts = { errors: 0, warnings: 0, infos: 0, suppressed: suppressed.length };
  for (const f of findings) {
    if (f.severity === 'error') c.errors++;
    else if (f.severity === 'warning') c.warnings++;
    else c.infos++;
  }
  return c;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** `3 errors, 2 warnings, 1 info` */
export function countsText(c: Counts): string {
  return `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${c.infos} info`;
}

/** 1-based line and column of both ends; `endColumn` points just past the range (as in ESLint and SARIF). */
export interface OneBased {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function oneBased(loc: Pick<Location, 'start' | 'end'>): OneBased {
  return { line: loc.start.line + 1, column: loc.start.character + 1, endLine: loc.end.line + 1, endColumn: loc.end.character + 1 };
}

/** Findings sorted by file, then position, then severity (a copy). */
export function sorted<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(compareFindings);
}

/** Group by a key, keeping the order in which keys first appear. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}

/** Highest severity first, keeping the original order among equals (stable). */
export function bySeverity<T extends Finding>(findings: readonly T[]): T[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.i - b.i)
    .map((x) => x.f);
}

export function maxSeverity(findings: readonly Finding[]): Severity | undefined {
  let best: Severity | undefined;
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}

/** Whether a location names a real file (engine findings about the whole run use `.`). */
export function hasFile(loc: Location): boolean {
  return loc.file !== '' && loc.file !== '.';
}

// Control characters other than tab and line breaks, including C1 controls (ESC starts terminal escape sequences).
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Make text from checked files safe to print: control characters become visible `\uXXXX` escapes. */
export function visibleControls(text: string): string {
  return text.replace(CONTROL_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Derive the docs base URL from the findings (they carry `docsUrl` built with the policy's `docsBaseUrl`),
 * so rule metadata links to the same place as the findings. Undefined when no finding tells.
 */
export function docsBaseFromFindings(findings: readonly Finding[]): string | undefined {
  for (const f of findings) {
    const suffix = `/${f.ruleId}.md`;
    if (f.docsUrl.endsWith(suffix)) return f.docsUrl.slice(0, -suffix.length);
  }
  return undefined;
}

/** Percent-encode a relative path for use as a URI reference, segment by segment. */
export function pathToUriReference(path: string): string {
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%40/g, '@').replace(/%2B/g, '+').replace(/%3D/g, '=').replace(/%2C/g, ','))
    .join('/');
}

/**
 * File URL of an absolute directory path, with a trailing slash (`/work/x` → `file:///work/x/`,
 * `C:\work\x` → `file:///C:/work/x/`, `\\server\share\x` → `file://server/share/x/`). No `node:url` needed.
 */
export function directoryFileUrl(absPath: string): string {
  let p = absPath.replace(/\\/g, '/');
  let host = '';
  if (p.startsWith('//')) {
    const rest = p.slice(2);
    const slash = rest.indexOf('/');
    host = slash < 0 ? rest : rest.slice(0, slash);
    p = slash < 0 ? '/' : rest.slice(slash);
  } else if (/^[A-Za-z]:/.test(p)) {
    p = `/${p}`;
  } else if (!p.startsWith('/')) {
    p = `/${p}`;
  }
  const encoded = p
    .split('/')
    .map((seg, i) => (i === 1 && /^[A-Za-z]:$/.test(seg) ? seg : pathToUriReference(seg)))
    .join('/');
  return `file://${host}${encoded.endsWith('/') ? encoded : `${encoded}/`}`;
}
