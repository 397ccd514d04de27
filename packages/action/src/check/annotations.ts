import type { Finding, Location, Severity } from '@aigate/core';
import type { CheckAnnotation } from '../github/api.js';
import { annotationCommand, type AnnotationLevel, type AnnotationProperties } from '../runner/io.js';
import { hasFile, type RankedFinding } from './rank.js';

/** GitHub keeps at most this many workflow-command annotations of each type per step and drops the rest silently. */
export const STEP_ANNOTATIONS_PER_LEVEL = 10;
/** The Checks API takes at most this many annotations per request. */
export const CHECK_ANNOTATIONS_PER_REQUEST = 50;

const STEP_LEVEL: Record<Severity, AnnotationLevel> = { error: 'error', warning: 'warning', info: 'notice' };
const CHECK_LEVEL: Record<Severity, CheckAnnotation['annotation_level']> = { error: 'failure', warning: 'warning', info: 'notice' };

export interface StepAnnotationPlan {
  chosen: RankedFinding[];
  /** Findings of each severity left without a step annotation. */
  omitted: Record<Severity, number>;
}

/** Spend each level's budget on the best-ranked findings (`ranked` is best first); `reservedNotices` are kept for the action's own notices. */
export function planStepAnnotations(ranked: readonly RankedFinding[], reservedNotices = 0): StepAnnotationPlan {
  const budget: Record<Severity, number> = { error: STEP_ANNOTATIONS_PER_LEVEL, warning: STEP_ANNOTATIONS_PER_LEVEL, info: Math.max(0, STEP_ANNOTATIONS_PER_LEVEL - reservedNotices) };
  const omitted: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const chosen: RankedFinding[] = [];
  for (const r of ranked) {
    const s = r.finding.severity;
    if (budget[s] > 0) {
      budget[s]--;
      chosen.push(r);
    } else omitted[s]++;
  }
  return { chosen, omitted };
}

function lines(loc: Location): { line: number; endLine: number; col: number; endColumn: number } {
  return { line: loc.start.line + 1, endLine: loc.end.line + 1, col: loc.start.character + 1, endColumn: loc.end.character + 1 };
}

/** The workflow command for one finding; the file is named only when it exists in the workspace. */
export function stepAnnotation(r: RankedFinding, fileExists: (repoPath: string) => boolean): string {
  const f = r.finding;
  const props: AnnotationProperties = { title: `aigate: ${f.ruleId}${r.touch === 'line' ? ' (changed line)' : ''}` };
  let where = '';
  if (hasFile(f.location) && fileExists(f.location.file)) {
    const p = lines(f.location);
    props.file = f.location.file;
    props.line = p.line;
    props.endLine = p.endLine;
    // GitHub takes columns only when the annotation starts and ends on the same line.
    if (p.line === p.endLine) {
      props.col = p.col;
      props.endColumn = Math.max(p.endColumn, p.col);
    }
  } else if (hasFile(f.location)) where = `${f.location.file}:${f.location.start.line + 1}: `;
  return annotationCommand(STEP_LEVEL[f.severity], `${where}${f.message}\n\nRule ${f.ruleId}: ${f.docsUrl}`, props);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The check-run annotation for one finding, or undefined when it has no file in the workspace to point at. */
export function checkAnnotation(f: Finding, fileExists: (repoPath: string) => boolean): CheckAnnotation | undefined {
  if (!hasFile(f.location) || !fileExists(f.location.file)) return undefined;
  const p = lines(f.location);
  const a: CheckAnnotation = {
    path: f.location.file,
    start_line: p.line,
    end_line: p.endLine,
    annotation_level: CHECK_LEVEL[f.severity],
    message: clip(f.message, 60_000),
    title: clip(`aigate: ${f.ruleId}`, 255),
  };
  if (p.line === p.endLine) {
    a.start_column = p.col;
    a.end_column = Math.max(p.endColumn, p.col);
  }
  const details = [`Rule ${f.ruleId}: ${f.docsUrl}`];
  if (f.environment !== undefined) details.push(`Environment: ${f.environment}`);
  if (f.workload !== undefined) details.push(`Workload: ${f.workload}`);
  for (const r of f.related) details.push(`Related: ${hasFile(r) ? `${r.file}:${r.start.line + 1}` : 'whole run'}${r.message ? ` ${r.message}` : ''}`);
  a.raw_details = clip(details.join('\n'), 60_000);
  return a;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
