import { checkTexts, type CheckOptions } from '../api.js';
import type { Finding } from '../findings.js';

export type Files = Record<string, string>;

/** Run the whole engine over in-memory files. */
export function check(files: Files, options: CheckOptions = {}): ReturnType<typeof checkTexts> {
  return checkTexts(files, { now: new Date('2026-11-23T12:00:00Z'), ...options });
}

export interface Marker {
  file: string;
  /** 1-based line. */
  line: number;
  ruleId: string;
}

const WANT_RE = /#\s*(?:want|expect):\s*([\w/,\s-]+?)\s*$/;

/** `# want: rule-id[, rule-id]` at the end of a line: the findings that must start on that line. */
export function readMarkers(files: Files): Marker[] {
  const out: Marker[] = [];
  for (const [file, text] of Object.entries(files)) {
    text.split(/\r?\n/).forEach((line, i) => {
      const m = WANT_RE.exec(line);
      if (!m) return;
      for (const id of m[1]!.split(/[\s,]+/).filter(Boolean)) out.push({ file, line: i + 1, ruleId: id });
    });
  }
  return out;
}

export function describeFinding(f: Finding): string {
  return `${f.location.file}:${f.location.start.line + 1} ${f.ruleId}`;
}

/**
 * Compare the findings of the given rules (all when omitted) with the markers.
 * Returns what is missing and what is unexpected, as `file:line rule` strings.
 */
export function markerDiff(files: Files, options: CheckOptions & { rules?: string[] } = {}): { missing: string[]; unexpected: string[] } {
  const result = check(files, options);
  const relevant = (id: string): boolean => !options.rules || options.rules.includes(id);
  const want = readMarkers(files).filter((m) => relevant(m.ruleId)).map((m) => `${m.file}:${m.line} ${m.ruleId}`);
  const got = result.findings.filter((f) => relevant(f.ruleId)).map(describeFinding);
  const missing = [...want];
  const unexpected: string[] = [];
  for (const g of got) {
    const i = missing.indexOf(g);
    if (i >= 0) missing.splice(i, 1);
    else unexpected.push(g);
  }
  return { missing: missing.sort(), unexpected: unexpected.sort() };
}

/** Strip `# want:` markers (for showing fixtures without them). */
export function stripMarkers(text: string): string {
  return text.replace(/\s*#\s*(?:want|expect):[^\n]*/g, '');
}
