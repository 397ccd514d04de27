import { createHash } from 'node:crypto';
import { compareFindings, type Finding, type Location, type Severity, type SeverityOrOff, type SuppressedFinding } from '../findings.js';
import type { AnalyzedFile } from '../model/file.js';
import type { AnyRecord } from '../model/records.js';
import { WorkspaceModel } from '../model/workspace.js';
import type { Policy, PolicyProblem } from '../policy/types.js';
import { SourceFile } from '../text/source.js';
import { anyGlob } from '../util/glob.js';
import { formatPath, type Loc } from '../yaml/nodes.js';
import { docsUrl } from './docs-url.js';
import type { Report, RuleDefinition } from './rule.js';
import { META_RULES } from './meta-rules.js';

export interface FileProblem {
  file: string;
  message: string;
  ruleId: 'aigate/unreadable-file';
}

export interface CheckInput {
  files: ReadonlyMap<string, AnalyzedFile>;
  policy: Policy;
  policyProblems?: PolicyProblem[];
  fileProblems?: FileProblem[];
  rules: readonly RuleDefinition[];
  /** Only report findings for this environment (engine findings are always kept). */
  env?: string;
  /** "Today", for expiry dates; defaults to now. */
  now?: Date;
}

export interface CheckResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  model: WorkspaceModel;
}

interface Draft {
  ruleId: string;
  severity: Severity;
  message: string;
  loc: Loc;
  related: Array<{ loc: Loc; message: string }>;
  fixes: Report['fixes'];
  env?: string;
  workload?: string;
  key?: string;
}

export function fingerprintOf(ruleId: string, file: string, path: string, key = ''): string {
  return createHash('sha256').update(`${ruleId}\u0000${file}\u0000${path}\u0000${key}`).digest('hex').slice(0, 20);
}

class Locator {
  private readonly extra = new Map<string, SourceFile>();
  constructor(private readonly files: ReadonlyMap<string, AnalyzedFile>) {}
  source(file: string): SourceFile {
    const f = this.files.get(file);
    if (f) return f.source;
    let s = this.extra.get(file);
    if (!s) {
      s = new SourceFile(file, '');
      this.extra.set(file, s);
    }
    return s;
  }
  location(loc: Loc, message?: string): Location {
    const src = this.source(loc.file);
    const start = Math.min(loc.span.start, src.text.length);
    const end = Math.max(start, Math.min(loc.span.end, src.text.length));
    const out: Location = { file: loc.file, span: { start, end }, start: src.positionAt(start), end: src.positionAt(end), path: formatPath(loc.path) };
    if (message !== undefined) out.message = message;
    return out;
  }
}

function isExpired(expires: string | undefined, now: Date): boolean {
  if (!expires) return false;
  const t = Date.parse(`${expires}T23:59:59Z`);
  return !Number.isNaN(t) && t < now.getTime();
}

/** Run the rules over a workspace and return findings, with suppressions applied. */
export function runCheck(input: CheckInput): CheckResult {
  const { files, policy, rules } = input;
  const now = input.now ?? new Date();
  const model = new WorkspaceModel(files, policy);
  const locator = new Locator(files);
  const drafts: Draft[] = [];
  const fileLoc = (file: string): Loc => ({ file, span: { start: 0, end: 0 }, path: [] });

  // Findings of the engine itself.
  for (const f of files.values()) {
    if (!f.recognised || f.kind === 'policy') continue; // the policy loader reports its own syntax errors
    for (const e of f.parseErrors) {
      drafts.push({ ruleId: 'aigate/parse-error', severity: 'error', message: `${e.message}. The rest of this file is not checked; other files are.`, loc: { file: f.source.path, span: e.span, path: [] }, related: [], fixes: [] });
    }
  }
  for (const p of input.policyProblems ?? []) drafts.push({ ruleId: 'aigate/policy-error', severity: p.severity, message: p.message, loc: p.loc, related: [], fixes: [], key: p.message });
  for (const p of input.fileProblems ?? []) drafts.push({ ruleId: p.ruleId, severity: 'warning', message: p.message, loc: fileLoc(p.file), related: [], fixes: [] });

  const severityFor = (rule: RuleDefinition, env: string | undefined, suggested: Severity | undefined): SeverityOrOff => {
    const s = policy.rules[rule.id];
    if (s) {
      const byEnv = env ? s.environments[env.toLowerCase()] : undefined;
      if (byEnv) return byEnv;
      if (s.severity) return s.severity;
    }
    return suggested ?? rule.defaultSeverity;
  };

  for (const rule of rules) {
    const setting = policy.rules[rule.id];
    if (setting?.severity === 'off' && Object.values(setting.environments).every((s) => s === 'off')) continue;
    const report = (r: Report): void => {
      const rec: AnyRecord | undefined = r.record;
      const env = r.env ?? (rec ? model.env(rec) : undefined);
      const sev = severityFor(rule, env, r.severity);
      if (sev === 'off') return;
      drafts.push({ ruleId: rule.id, severity: sev, message: r.message, loc: r.loc, related: r.related ?? [], fixes: r.fixes, env, workload: rec ? model.workload(rec) : undefined, key: r.key });
    };
    try {
      rule.check({ model, report, now });
    } catch (err) {
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      drafts.push({ ruleId: 'aigate/rule-failed', severity: 'error', message: `rule ${rule.id} failed and its findings are missing: ${detail.split('\n').slice(0, 3).join(' ')}`, loc: fileLoc(policy.file ?? '.'), related: [], fixes: [], key: rule.id });
    }
  }

  // Turn drafts into findings.
  const seenFp = new Map<string, number>();
  const all: Finding[] = drafts.map((d) => {
    const location = locator.location(d.loc);
    let fp = fingerprintOf(d.ruleId, d.loc.file, location.path, d.key);
    const n = (seenFp.get(fp) ?? 0) + 1;
    seenFp.set(fp, n);
    if (n > 1) fp = `${fp}:${n}`;
    const f: Finding = {
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
      docsUrl: docsUrl(d.ruleId, policy.docsBaseUrl),
      location,
      related: d.related.map((r) => locator.location(r.loc, r.message)),
      fixes: (d.fixes ?? []).map((fix) => ({
        title: fix.title,
        edits: fix.edits.map((e) => {
          const l = locator.location({ file: e.file, span: e.span, path: [] });
          return { file: e.file, span: l.span, start: l.start, end: l.end, newText: e.newText };
        }),
      })),
      fingerprint: fp,
    };
    if (d.env) f.environment = d.env;
    if (d.workload) f.workload = d.workload;
    return f;
  });

  // Suppressions.
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const usedInline = new Set<object>();
  const usedPolicy = new Set<object>();
  const meta: Draft[] = [];
  const knownRules = new Set([...rules.map((r) => r.id), ...META_RULES.map((r) => r.id)]);
  for (const f of files.values()) {
    for (const s of f.suppressions) {
      const loc: Loc = { file: f.source.path, span: s.comment, path: [] };
      const unknown = s.rules.filter((r) => !knownRules.has(r));
      const problems = [...s.problems, ...unknown.map((r) => `names unknown rule '${r}'`)];
      if (problems.length) meta.push({ ruleId: 'aigate/invalid-suppression', severity: 'warning', message: `This suppression ${problems.join('; ')}; it suppresses nothing until fixed.`, loc, related: [], fixes: [], key: String(s.comment.start) });
      else if (isExpired(s.expires, now)) meta.push({ ruleId: 'aigate/expired-suppression', severity: 'warning', message: `This suppression expired on ${s.expires}; the findings it covered are reported again. Fix them, or renew the suppression with a reason.`, loc, related: [], fixes: [], key: String(s.comment.start) });
    }
  }
  for (const finding of all) {
    if (finding.ruleId.startsWith('aigate/')) {
      findings.push(finding);
      continue;
    }
    const file = files.get(finding.location.file);
    const inline = file?.suppressions.find(
      (s) => !s.problems.length && s.rules.includes(finding.ruleId) && s.rules.every((r) => knownRules.has(r)) && !isExpired(s.expires, now) && finding.location.span.start >= s.scope.start && finding.location.span.start <= s.scope.end,
    );
    if (inline && file) {
      usedInline.add(inline);
      suppressed.push({ ...finding, suppression: { kind: 'inline', reason: inline.reason ?? '', location: locator.location({ file: file.source.path, span: inline.comment, path: [] }) } });
      continue;
    }
    const pol = policy.suppressions.find(
      (s) =>
        s.rule === finding.ruleId &&
        s.reason &&
        !isExpired(s.expires, now) &&
        (!s.paths.length || anyGlob(s.paths, finding.location.file)) &&
        (!s.environments.length || (finding.environment !== undefined && s.environments.some((e) => e.toLowerCase() === finding.environment!.toLowerCase()))),
    );
    if (pol) {
      usedPolicy.add(pol);
      suppressed.push({ ...finding, suppression: { kind: 'policy', reason: pol.reason ?? '', location: locator.location(pol.loc) } });
      continue;
    }
    findings.push(finding);
  }
  for (const f of files.values()) {
    for (const s of f.suppressions) {
      if (s.problems.length || isExpired(s.expires, now) || usedInline.has(s) || !s.rules.every((r) => knownRules.has(r))) continue;
      const ruleOff = s.rules.every((r) => policy.rules[r]?.severity === 'off');
      if (ruleOff) continue;
      meta.push({ ruleId: 'aigate/unused-suppression', severity: 'warning', message: `This suppression of ${s.rules.join(', ')} matches no finding; remove it.`, loc: { file: f.source.path, span: s.comment, path: [] }, related: [], fixes: [{ title: 'Remove the unused suppression', edits: [{ file: f.source.path, span: lineSpanOf(f.source, s.comment), newText: '' }] }], key: String(s.comment.start) });
    }
  }
  for (const s of policy.suppressions) {
    if (isExpired(s.expires, now)) meta.push({ ruleId: 'aigate/expired-suppression', severity: 'warning', message: `This suppression of ${s.rule} expired on ${s.expires}; the findings it covered are reported again.`, loc: s.loc, related: [], fixes: [], key: formatPath(s.loc.path) });
    else if (!s.reason) continue; // reported by the policy schema (reason is required)
    else if (!usedPolicy.has(s)) meta.push({ ruleId: 'aigate/unused-suppression', severity: 'warning', message: `This suppression of ${s.rule} matches no finding; remove it.`, loc: s.loc, related: [], fixes: [], key: formatPath(s.loc.path) });
  }
  for (const d of meta) {
    const location = locator.location(d.loc);
    findings.push({ ruleId: d.ruleId, severity: d.severity, message: d.message, docsUrl: docsUrl(d.ruleId, policy.docsBaseUrl), location, related: [], fixes: (d.fixes ?? []).map((fix) => ({ title: fix.title, edits: fix.edits.map((e) => { const l = locator.location({ file: e.file, span: e.span, path: [] }); return { file: e.file, span: l.span, start: l.start, end: l.end, newText: e.newText }; }) })), fingerprint: fingerprintOf(d.ruleId, d.loc.file, location.path, d.key) });
  }

  let out = findings;
  if (input.env) {
    const want = input.env.toLowerCase();
    out = findings.filter((f) => (f.environment ? f.environment.toLowerCase() === want : f.ruleId.startsWith('aigate/')));
  }
  out.sort(compareFindings);
  suppressed.sort(compareFindings);
  return { findings: out, suppressed, model };
}

function lineSpanOf(source: SourceFile, span: { start: number; end: number }): { start: number; end: number } {
  const startPos = source.positionAt(span.start);
  const lineText = source.lineText(startPos.line);
  const before = lineText.slice(0, startPos.character);
  if (before.trim() === '') {
    // own-line comment: remove the whole line including its break
    return { start: source.lineStart(startPos.line), end: source.lineStart(startPos.line + 1) };
  }
  // trailing comment: remove it and the spaces before it
  const trimmed = before.replace(/\s+$/, '');
  return { start: source.lineStart(startPos.line) + trimmed.length, end: span.end };
}
