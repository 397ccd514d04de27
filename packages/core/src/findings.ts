import type { Position, Span } from './text/source.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeverityOrOff = Severity | 'off';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** A place in a file: offsets plus the 0-based line/character of both ends. */
export interface Location {
  /** Path relative to the checked root, with forward slashes. */
  file: string;
  span: Span;
  start: Position;
  end: Position;
  /** Semantic path of the node in its document (for example `jobs.deploy-prod.environment`). */
  path: string;
  /** Why this location is related (only on related locations). */
  message?: string;
}

export interface TextEdit {
  file: string;
  span: Span;
  start: Position;
  end: Position;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  docsUrl: string;
  location: Location;
  related: Location[];
  fixes: Fix[];
  /** Stable across line moves: rule + file + semantic path (+ a rule-chosen key). */
  fingerprint: string;
  /** Environment of the record the finding is about, when known. */
  environment?: string;
  /** Workload of the record the finding is about, when known. */
  workload?: string;
}

export interface SuppressedFinding extends Finding {
  suppression: { kind: 'inline' | 'policy'; reason: string; location: Location };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.span.start - b.location.span.start ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}
