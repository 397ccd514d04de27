import { isPair, isScalar, visit, type Node } from 'yaml';
import type { Finding, TextEdit } from '../findings.js';
import type { AnalyzedFile } from '../model/file.js';
import { SUPPRESSION_MARKER, SUPPRESSION_REASON_PLACEHOLDER } from '../model/suppressions.js';
import type { Span } from '../text/source.js';

export interface SuppressionEdit {
  title: string;
  /** The edit: an insertion of one comment line. */
  edit: TextEdit;
  /** Where the placeholder reason sits in the inserted text (offsets into `edit.newText`), to select it. */
  placeholder: Span;
}

/**
 * The line a suppression comment must precede so that it covers the finding: the finding's line,
 * or, when the finding sits inside a scalar that began on an earlier line (a `run: |` script), the
 * line of that scalar's key, since a comment line inside a block scalar would become part of it.
 */
function targetLine(file: AnalyzedFile, offset: number, line: number): number {
  const src = file.source;
  let best: number | undefined;
  for (const doc of file.docs) {
    visit(doc, {
      Pair(_key, pair) {
        const v = pair.value as Node | null;
        const k = pair.key as Node | null;
        if (!isScalar(v) || !v.range || !k?.range) return;
        if (offset < v.range[0] || offset > v.range[1]) return;
        const keyLine = src.positionAt(k.range[0]).line;
        if (keyLine < line && (best === undefined || keyLine > best)) best = keyLine;
      },
      Seq(_key, seq) {
        for (const item of seq.items) {
          if (!isScalar(item) || !item.range || isPair(item)) continue;
          if (offset < item.range[0] || offset > item.range[1]) continue;
          const startLine = src.positionAt(item.range[0]).line;
          if (startLine < line && (best === undefined || startLine > best)) best = startLine;
        }
      },
    });
  }
  return best ?? line;
}

/**
 * A comment line `# aigate-ignore <rule> -- <why this is accepted>` before the node a finding is
 * on, indented like that line. The placeholder reason does not count as a reason: until it is
 * replaced, the comment is reported as an invalid suppression and suppresses nothing.
 */
export function suppressionEdit(file: AnalyzedFile, finding: Finding): SuppressionEdit | undefined {
  if (finding.ruleId.startsWith('aigate/')) return undefined; // the engine's own findings cannot be suppressed
  const src = file.source;
  const line = targetLine(file, finding.location.span.start, finding.location.start.line);
  const lineText = src.lineText(line);
  const indent = /^[ \t]*/.exec(lineText)![0];
  const eol = src.text.includes('\r\n') ? '\r\n' : '\n';
  const prefix = `${indent}# ${SUPPRESSION_MARKER} ${finding.ruleId} -- `;
  const newText = `${prefix}${SUPPRESSION_REASON_PLACEHOLDER}${eol}`;
  const at = src.lineStart(line);
  const pos = src.positionAt(at);
  return {
    title: `Suppress ${finding.ruleId} here, with a reason`,
    edit: { file: src.path, span: { start: at, end: at }, start: pos, end: pos, newText },
    placeholder: { start: prefix.length, end: prefix.length + SUPPRESSION_REASON_PLACEHOLDER.length },
  };
}

const overlaps = (a: Span, b: Span): boolean => a.start <= b.end && b.start <= a.end;

/** Findings of a file that touch a range (offsets), for code actions. */
export function findingsInRange(findings: readonly Finding[], file: string, range: Span): Finding[] {
  return findings.filter((f) => f.location.file === file && overlaps(f.location.span, range));
}
