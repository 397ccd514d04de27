import { SEVERITY_RANK, type Finding, type Location, type SuppressedFinding } from '@aigate/core';
import * as nodePath from 'node:path';
import { onChangedLine, type ChangeSet } from './changes.js';

/** How a finding relates to the pull request. */
export type Touch = 'line' | 'file' | 'none';

export interface RankedFinding {
  finding: Finding;
  touch: Touch;
}

const TOUCH_RANK: Record<Touch, number> = { line: 2, file: 1, none: 0 };

/** Findings about the policy itself come first: a broken policy makes every other result doubtful. */
const FIRST_RULES = new Set(['aigate/policy-error']);

/** Whether a location names a real file (engine findings about the whole run sit on `.`). */
export function hasFile(loc: Location): boolean {
  return loc.file !== '' && loc.file !== '.';
}

export function touchOf(f: Finding, changes: ChangeSet | undefined): Touch {
  if (!changes || !hasFile(f.location)) return 'none';
  const { file, start, end } = f.location;
  if (onChangedLine(changes, file, start.line + 1, end.line + 1)) return 'line';
  if (changes.files.has(file)) return 'file';
  // A cross-file finding whose other end this PR changed is about this PR too.
  if (f.related.some((r) => hasFile(r) && (changes.files.has(r.file) || onChangedLine(changes, r.file, r.start.line + 1, r.end.line + 1)))) return 'file';
  return 'none';
}

/** Best first: severity, then on a changed line (then in a changed file), then rule, then place. */
export function compareRanked(a: RankedFinding, b: RankedFinding): number {
  const fa = a.finding;
  const fb = b.finding;
  return (
    SEVERITY_RANK[fb.severity] - SEVERITY_RANK[fa.severity] ||
    Number(FIRST_RULES.has(fb.ruleId)) - Number(FIRST_RULES.has(fa.ruleId)) ||
    TOUCH_RANK[b.touch] - TOUCH_RANK[a.touch] ||
    fa.ruleId.localeCompare(fb.ruleId) ||
    fa.location.file.localeCompare(fb.location.file) ||
    fa.location.span.start - fb.location.span.start ||
    fa.message.localeCompare(fb.message)
  );
}

export function rankFindings(findings: readonly Finding[], changes: ChangeSet | undefined): RankedFinding[] {
  return findings.map((finding) => ({ finding, touch: touchOf(finding, changes) })).sort(compareRanked);
}

function joinPath(prefix: string, file: string): string {
  if (!prefix || !hasFile({ file } as Location)) return file;
  // A policy file outside the checked folder is `../...` from it.
  return file.startsWith('../') ? nodePath.posix.normalize(`${prefix}/${file}`) : `${prefix}/${file}`;
}

function relocate(loc: Location, prefix: string): Location {
  return { ...loc, file: joinPath(prefix, loc.file) };
}

/** Paths relative to the checked folder → relative to the repository (the workspace), as GitHub wants them. */
export function toRepoPaths<T extends Finding | SuppressedFinding>(f: T, prefix: string): T {
  if (!prefix) return f;
  const out = { ...f, location: relocate(f.location, prefix), related: f.related.map((r) => relocate(r, prefix)), fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, file: joinPath(prefix, e.file) })) })) };
  if ('suppression' in f) (out as SuppressedFinding).suppression = { ...f.suppression, location: relocate(f.suppression.location, prefix) };
  return out;
}
