import type { Finding, Location, SuppressedFinding } from '../findings.js';
import { countFindings, oneBased, sorted, TOOL_NAME, type OneBased, type ReportInput } from './shared.js';

/** A location as in {@link Location}, plus 1-based `line`, `column`, `endLine`, `endColumn`. */
export type JsonLocation = Location & OneBased;

/** A finding as in {@link Finding}, with 1-based positions added to every location. */
export interface JsonFinding extends Omit<Finding, 'location' | 'related'> {
  location: JsonLocation;
  related: JsonLocation[];
}

export interface JsonSuppressedFinding extends JsonFinding {
  suppression: { kind: 'inline' | 'policy'; reason: string; location: JsonLocation };
}

/**
 * The `--format json` document. Version 1; fields are only ever added within a version.
 *
 * ```jsonc
 * {
 *   "version": 1,
 *   "tool": { "name": "aigate", "version": "0.1.0" },
 *   "summary": { "errors": 1, "warnings": 0, "infos": 0, "suppressed": 1, "filesChecked": 3 },
 *   "findings": [{
 *     "ruleId": "versioning/model-pinned",
 *     "severity": "error",                      // "error" | "warning" | "info"
 *     "message": "The model 'azureml:chat@latest' ...",
 *     "docsUrl": "https://.../versioning/model-pinned.md",
 *     "location": {
 *       "file": "deploy/prod/d.yml",            // relative to the checked root, forward slashes
 *       "span": { "start": 124, "end": 143 },   // UTF-16 offsets, end exclusive
 *       "start": { "line": 3, "character": 7 }, // 0-based (as in LSP)
 *       "end": { "line": 3, "character": 26 },
 *       "path": "model",                        // semantic YAML path of the node
 *       "line": 4, "column": 8,                 // 1-based
 *       "endLine": 4, "endColumn": 27           // 1-based, just past the range (as ESLint and SARIF)
 *     },
 *     "related": [],                            // locations with a "message"
 *     "fixes": [{ "title": "...", "edits": [{ "file": "...", "span": {...}, "start": {...}, "end": {...}, "newText": "..." }] }],
 *     "fingerprint": "6b70c674690cb63c79da",    // stable across line moves
 *     "environment": "prod",                    // when known
 *     "workload": "chat"                        // when known
 *   }],
 *   "suppressed": [{ ...finding, "suppression": { "kind": "inline" | "policy", "reason": "...", "location": {...} } }],
 *   "notes": ["no aigate.yaml found: working on conventions"]
 * }
 * ```
 * Findings and suppressed findings are sorted by file, then position.
 */
export interface JsonReport {
  version: 1;
  tool: { name: 'aigate'; version: string };
  summary: { errors: number; warnings: number; infos: number; suppressed: number; filesChecked: number };
  findings: JsonFinding[];
  suppressed: JsonSuppressedFinding[];
  notes: string[];
}

function jsonLocation(loc: Location): JsonLocation {
  return { ...loc, ...oneBased(loc) };
}

function jsonFinding(f: Finding): JsonFinding {
  const out: JsonFinding = {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    docsUrl: f.docsUrl,
    location: jsonLocation(f.location),
    related: f.related.map(jsonLocation),
    fixes: f.fixes,
    fingerprint: f.fingerprint,
  };
  if (f.environment !== undefined) out.environment = f.environment;
  if (f.workload !== undefined) out.workload = f.workload;
  return out;
}

function jsonSuppressed(f: SuppressedFinding): JsonSuppressedFinding {
  return { ...jsonFinding(f), suppression: { kind: f.suppression.kind, reason: f.suppression.reason, location: jsonLocation(f.suppression.location) } };
}

export function toJsonReport(input: ReportInput): JsonReport {
  const c = countFindings(input.findings, input.suppressed);
  return {
    version: 1,
    tool: { name: TOOL_NAME, version: input.toolVersion },
    summary: { errors: c.errors, warnings: c.warnings, infos: c.infos, suppressed: c.suppressed, filesChecked: input.filesChecked },
    findings: sorted(input.findings).map(jsonFinding),
    suppressed: sorted(input.suppressed).map(jsonSuppressed),
    notes: [...input.notes],
  };
}

export function formatJson(input: ReportInput): string {
  return `${JSON.stringify(toJsonReport(input), null, 2)}\n`;
}
