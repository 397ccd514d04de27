import { docsUrl } from '../engine/docs-url.js';
import type { RuleDefinition } from '../engine/rule.js';
import { SEVERITY_RANK, type Finding, type Fix, type Location, type Severity, type SuppressedFinding } from '../findings.js';
import { directoryFileUrl, docsBaseFromFindings, groupBy, hasFile, oneBased, pathToUriReference, plural, sorted, TOOL_INFORMATION_URI, TOOL_NAME, type ReportInput } from './shared.js';

/** GitHub code scanning rejects runs with more results than this (and shows the top 5,000 by severity). */
export const GITHUB_MAX_RESULTS_PER_RUN = 25_000;

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** Key of the fingerprint in `partialFingerprints`; bump the version if the fingerprint recipe changes. */
export const FINGERPRINT_KEY = 'aigate/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

interface Message {
  text: string;
  markdown?: string;
}

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface PhysicalLocation {
  artifactLocation: { uri: string; uriBaseId: string };
  region?: Region;
}

interface SarifLocation {
  id?: number;
  physicalLocation: PhysicalLocation;
  logicalLocations?: Array<{ fullyQualifiedName: string }>;
  message?: Message;
}

export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  helpUri: string;
  help: Message;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

interface SarifFix {
  description: Message;
  artifactChanges: Array<{
    artifactLocation: { uri: string; uriBaseId: string };
    replacements: Array<{ deletedRegion: Region; insertedContent: { text: string } }>;
  }>;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: Message;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  fixes?: SarifFix[];
  suppressions?: Array<{ kind: 'inSource' | 'external'; status: 'accepted'; justification: string; location: SarifLocation }>;
  properties?: { environment?: string; workload?: string };
}

interface Notification {
  level: SarifLevel;
  message: Message;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifReportingDescriptor[] } };
    originalUriBaseIds: Record<string, { uri: string; description?: Message }>;
    columnKind: 'utf16CodeUnits';
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Notification[] }>;
    results: SarifResult[];
    properties: {
      filesChecked: number;
      /** Present when results were left out to stay within GitHub's limit. */
      truncated?: { limit: number; total: number; kept: number; omitted: Record<SarifLevel | 'suppressed', number> };
    };
  }>;
}

export interface SarifOptions {
  /** At most this many results in the run (GitHub's limit by default); the highest severities are kept. */
  maxResults?: number;
}

/** `versioning/model-pinned` → `VersioningModelPinned` (SARIF names are identifiers for people; ids stay stable). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function guidanceText(rule: RuleDefinition): string {
  if (!rule.guidance.length) return rule.description;
  return rule.guidance.map((g) => `"${g.quote}" (${g.heading})`).join(' ');
}

function descriptor(rule: RuleDefinition, base: string | undefined): SarifReportingDescriptor {
  const uri = docsUrl(rule.id, base);
  const guidance = guidanceText(rule);
  const guidanceMd = rule.guidance.map((g) => `> ${g.quote}\n>\n> — ${g.heading}`).join('\n\n');
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: guidance },
    helpUri: uri,
    help: {
      text: `${rule.description}\n\nGuidance: ${guidance}\n\nDocumentation: ${uri}`,
      markdown: `${rule.description}${guidanceMd ? `\n\n${guidanceMd}` : ''}\n\n[Documentation](${uri})`,
    },
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: { tags: [rule.theme] },
  };
}

/** A descriptor for an id with no documented rule (should not happen, but every result needs one). */
function undocumented(id: string, example: Finding): SarifReportingDescriptor {
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: id },
    fullDescription: { text: id },
    helpUri: example.docsUrl,
    help: { text: `Documentation: ${example.docsUrl}` },
    defaultConfiguration: { level: LEVEL[example.severity] },
    properties: { tags: [id.split('/')[0] ?? id] },
  };
}

function region(loc: Pick<Location, 'start' | 'end'>): Region {
  const p = oneBased(loc);
  return { startLine: p.line, startColumn: p.column, endLine: p.endLine, endColumn: p.endColumn };
}

function artifact(file: string): { uri: string; uriBaseId: string } {
  return { uri: pathToUriReference(file), uriBaseId: SRCROOT };
}

function location(loc: Location, id?: number): SarifLocation {
  // Engine findings about the whole run sit on `.`: point at the root, with no region.
  const physicalLocation: PhysicalLocation = hasFile(loc) ? { artifactLocation: artifact(loc.file), region: region(loc) } : { artifactLocation: { uri: './', uriBaseId: SRCROOT } };
  const out: SarifLocation = id !== undefined ? { id, physicalLocation } : { physicalLocation };
  if (loc.path && loc.path !== '(document)') out.logicalLocations = [{ fullyQualifiedName: loc.path }];
  if (loc.message) out.message = { text: loc.message };
  return out;
}

function sarifFix(fix: Fix): SarifFix {
  const byFile = groupBy(fix.edits, (e) => e.file);
  return {
    description: { text: fix.title },
    artifactChanges: [...byFile].map(([file, edits]) => ({
      artifactLocation: artifact(file),
      replacements: edits.map((e) => ({ deletedRegion: region(e), insertedContent: { text: e.newText } })),
    })),
  };
}

function result(f: Finding | SuppressedFinding, ruleIndex: number): SarifResult {
  const out: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.location)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
  };
  if (f.related.length) out.relatedLocations = f.related.map((r, i) => location(r, i + 1));
  if (f.fixes.length) out.fixes = f.fixes.map(sarifFix);
  if ('suppression' in f) {
    const s = f.suppression;
    out.suppressions = [{ kind: s.kind === 'inline' ? 'inSource' : 'external', status: 'accepted', justification: s.reason, location: location(s.location) }];
  }
  if (f.environment !== undefined || f.workload !== undefined) {
    out.properties = {};
    if (f.environment !== undefined) out.properties.environment = f.environment;
    if (f.workload !== undefined) out.properties.workload = f.workload;
  }
  return out;
}

/** Which results fit: unsuppressed before suppressed, then by severity; the original order is kept in the output. */
function budget(findings: Finding[], suppressed: SuppressedFinding[], max: number): { kept: Set<Finding>; omitted: Record<SarifLevel | 'suppressed', number> } {
  const all: Array<Finding | SuppressedFinding> = [...findings, ...suppressed];
  const omitted: Record<SarifLevel | 'suppressed', number> = { error: 0, warning: 0, note: 0, suppressed: 0 };
  if (all.length <= max) return { kept: new Set(all), omitted };
  const ranked = all
    .map((f, i) => ({ f, i, s: 'suppression' in f ? 0 : 1 }))
    .sort((a, b) => b.s - a.s || SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.i - b.i);
  const kept = new Set(ranked.slice(0, Math.max(0, max)).map((x) => x.f));
  for (const { f } of ranked.slice(Math.max(0, max))) {
    if ('suppression' in f) omitted.suppressed++;
    else omitted[LEVEL[f.severity]]++;
  }
  return { kept, omitted };
}

export function toSarif(input: ReportInput, options: SarifOptions = {}): SarifLog {
  const max = options.maxResults ?? GITHUB_MAX_RESULTS_PER_RUN;
  const findings = sorted(input.findings);
  const suppressed = sorted(input.suppressed);
  const everything: Finding[] = [...findings, ...suppressed];

  // Rules: every documented rule once (GitHub rejects duplicate ids), then any id a finding uses that is not documented.
  const base = docsBaseFromFindings(everything);
  const rules: SarifReportingDescriptor[] = [];
  const index = new Map<string, number>();
  for (const rule of input.rules) {
    if (index.has(rule.id)) continue;
    index.set(rule.id, rules.length);
    rules.push(descriptor(rule, base));
  }
  for (const f of everything) {
    if (index.has(f.ruleId)) continue;
    index.set(f.ruleId, rules.length);
    rules.push(undocumented(f.ruleId, f));
  }

  const { kept, omitted } = budget(findings, suppressed, max);
  const results = everything.filter((f) => kept.has(f)).map((f) => result(f, index.get(f.ruleId)!));

  const notifications: Notification[] = input.notes.map((text) => ({ level: 'note', message: { text } }));
  const properties: SarifLog['runs'][number]['properties'] = { filesChecked: input.filesChecked };
  const total = everything.length;
  if (results.length < total) {
    properties.truncated = { limit: max, total, kept: results.length, omitted };
    const parts = [omitted.error && plural(omitted.error, 'error'), omitted.warning && plural(omitted.warning, 'warning'), omitted.note && `${omitted.note} info`, omitted.suppressed && `${omitted.suppressed} suppressed`].filter(Boolean);
    notifications.unshift({
      level: 'warning',
      message: { text: `${total} results exceed the limit of ${max} per SARIF run; kept the ${results.length} of highest severity and left out ${parts.join(', ')}. Run aigate with another format to see them all.` },
    });
  }
  const failed = input.findings.some((f) => f.ruleId === 'aigate/rule-failed');

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: input.toolVersion, informationUri: TOOL_INFORMATION_URI, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryFileUrl(input.root), description: { text: 'The root aigate checked.' } } },
        columnKind: 'utf16CodeUnits',
        invocations: [notifications.length ? { executionSuccessful: !failed, toolExecutionNotifications: notifications } : { executionSuccessful: !failed }],
        results,
        properties,
      },
    ],
  };
}

export function formatSarif(input: ReportInput, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(input, options), null, 2)}\n`;
}
