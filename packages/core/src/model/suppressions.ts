import { visit, type Document, type Node } from 'yaml';
import type { SourceFile, Span } from '../text/source.js';

/** `# aigate-ignore rule-a, rule-b -- reason (expires 2027-01-31)` */
export interface InlineSuppression {
  rules: string[];
  reason?: string;
  expires?: string;
  /** Problems with the comment itself (no reason, a bad date). */
  problems: string[];
  /** Span of the comment. */
  comment: Span;
  /** What the comment covers. */
  scope: Span;
}

export const SUPPRESSION_MARKER = 'aigate-ignore';
/** The reason an editor writes for the person to replace. Until replaced it counts as no reason. */
export const SUPPRESSION_REASON_PLACEHOLDER = '<why this is accepted>';
const PLACEHOLDER_RE = /^<[^<>]*>$/;
const COMMENT_RE = /(^|\s)#\s*aigate-ignore\b(.*)$/;

function collectSpans(docs: Document[]): Span[] {
  const spans: Span[] = [];
  for (const doc of docs) {
    visit(doc, {
      Pair(_key, pair) {
        const k = pair.key as Node | null;
        const v = pair.value as Node | null;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[1] ?? k?.range?.[1];
        if (start !== undefined && end !== undefined) spans.push({ start, end });
      },
      Seq(_key, seq) {
        for (const item of seq.items) {
          const r = (item as Node | null)?.range;
          if (r) spans.push({ start: r[0], end: r[1] });
        }
      },
    });
  }
  return spans;
}

function parseBody(body: string): Pick<InlineSuppression, 'rules' | 'reason' | 'expires' | 'problems'> {
  const problems: string[] = [];
  const [rulesPart, ...rest] = body.split(/\s--\s|\s--$|^--\s/);
  const rules = (rulesPart ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  let reason = rest.join(' -- ').trim() || undefined;
  let expires: string | undefined;
  if (reason) {
    const m = /\(?\s*(?:expires|until)[:\s]+(\S+?)\s*\)?\s*$/i.exec(reason);
    if (m) {
      expires = m[1];
      reason = reason.slice(0, m.index).trim() || undefined;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(expires!) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) {
        problems.push(`'${expires}' is not a date (YYYY-MM-DD)`);
        expires = undefined;
      }
    }
  }
  if (!rules.length) problems.push('names no rule');
  if (reason && PLACEHOLDER_RE.test(reason)) {
    problems.push(`still has the placeholder reason ${reason}; replace it with why this is accepted`);
    reason = undefined;
  } else if (!reason) problems.push('gives no reason (write `-- why this is accepted` after the rule)');
  return { rules, reason, expires, problems };
}

/**
 * Read `aigate-ignore` comments. A comment on its own line covers the next node; a comment at the
 * end of a line covers the node that line starts (or the line itself inside a script).
 */
export function readInlineSuppressions(source: SourceFile, docs: Document[]): InlineSuppression[] {
  if (!source.text.includes(SUPPRESSION_MARKER)) return [];
  const spans = collectSpans(docs);
  const out: InlineSuppression[] = [];
  const lines = source.lineCount;
  for (let line = 0; line < lines; line++) {
    const text = source.lineText(line);
    const m = COMMENT_RE.exec(text);
    if (!m) continue;
    const hashAt = m.index + m[1]!.length;
    const lineStart = source.lineStart(line);
    const comment: Span = { start: lineStart + hashAt, end: lineStart + text.length };
    const ownLine = text.slice(0, hashAt).trim() === '';
    let targetLine = line;
    if (ownLine) {
      targetLine = line + 1;
      while (targetLine < lines && /^\s*(#.*)?$/.test(source.lineText(targetLine))) targetLine++;
    }
    const tText = source.lineText(targetLine);
    const tStart = source.lineStart(targetLine) + (tText.length - tText.trimStart().length);
    const tEnd = source.lineStart(targetLine) + tText.length;
    let end = tEnd;
    for (const s of spans) if (s.start >= tStart && s.start <= tEnd && s.end > end) end = s.end;
    const scope: Span = { start: tStart, end };
    out.push({ ...parseBody(m[2]!.trim()), comment, scope });
  }
  return out;
}
