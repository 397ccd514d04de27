import { createHash } from 'node:crypto';
import { isMap, isScalar, type Node } from 'yaml';
import { compareFindings, type Finding, type Location, type Severity, type SeverityOrOff, type SuppressedFinding } from '../findings.js';
import type { AnalyzedFile } from '../model/file.js';
import type { AnyRecord } from '../model/records.js';
import { sameAnswer, WorkspaceModel, type ModelMemory, type WorkspaceQuestion } from '../model/workspace.js';
import type { Policy, PolicyProblem } from '../policy/types.js';
import { SourceFile } from '../text/source.js';
import { anyGlob } from '../util/glob.js';
import { formatPath, type Loc } from '../yaml/nodes.js';
import { docsUrl } from './docs-url.js';
import type { Report, RuleContext, RuleDefinition } from './rule.js';
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
  /** The severity of an engine finding; for a rule's finding, the rule's own (the policy may override it per environment). */
  severity: Severity;
  /** True for findings of checking rules, whose severity the policy sets. */
  byRule?: boolean;
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

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one rule found in one file, with what it asked about the rest of the workspace. */
interface FileResult {
  drafts: Draft[];
  questions: WorkspaceQuestion[];
  /** The rule read "today". */
  readsNow: boolean;
  failure?: string;
}

interface FileState {
  analyzed: AnalyzedFile;
  results: Map<string, FileResult>;
}

/**
 * Runs the rules over a workspace, again and again as it changes (an editor's index keeps one).
 * Between runs it keeps, while the policy is the same for the rules:
 * - the workspace model's memory (each record's environment and workload, data rules derive from one record);
 * - the findings of the one-file rules (`crossFile: false`) per file, which are reused while the file and
 *   the answers to the questions the rule asked about the rest of the workspace stay the same.
 * Rules that compare files run over the whole model each time, from the data the memory keeps.
 * A run gives the same findings as a first run on the same input.
 */
export class Checker {
  private memory: ModelMemory | undefined;
  private policyKey: string | undefined;
  private rules: readonly RuleDefinition[] | undefined;
  private day: number | undefined;
  private readonly states = new Map<string, FileState>();

  run(input: CheckInput): CheckResult {
    const { files, policy, rules } = input;
    const now = input.now ?? new Date();
    const dayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const key = policyKeyOf(policy, policy.file === undefined ? undefined : files.get(policy.file));
    if (key !== this.policyKey || rules !== this.rules) {
      this.memory = undefined;
      this.states.clear();
      this.policyKey = key;
      this.rules = rules;
    }
    const dayChanged = this.day !== dayStart;
    this.day = dayStart;
    const today = new Date(dayStart);
    const model = new WorkspaceModel(files, policy, this.memory);
    this.memory = model.memory;
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

    const policySeverity = (ruleId: string, env: string | undefined): SeverityOrOff | undefined => {
      const s = policy.rules[ruleId];
      if (!s) return undefined;
      const byEnv = env ? s.environments[env.toLowerCase()] : undefined;
      return byEnv ?? s.severity;
    };
    const enabled = rules.filter((rule) => {
      const setting = policy.rules[rule.id];
      return !(setting?.severity === 'off' && Object.values(setting.environments).every((s) => s === 'off'));
    });
    const reporter =
      (rule: RuleDefinition, out: Draft[]) =>
      (r: Report): void => {
        const rec: AnyRecord | undefined = r.record;
        const env = r.env ?? (rec ? model.env(rec) : undefined);
        out.push({ ruleId: rule.id, severity: r.severity ?? rule.defaultSeverity, byRule: true, message: r.message, loc: r.loc, related: r.related ?? [], fixes: r.fixes, env, workload: rec ? model.workload(rec) : undefined, key: r.key });
      };
    const failed = (rule: RuleDefinition, detail: string): Draft => ({
      ruleId: 'aigate/rule-failed',
      severity: 'error',
      message: `rule ${rule.id} failed and its findings are missing: ${detail.split('\n').slice(0, 3).join(' ')}`,
      loc: fileLoc(policy.file ?? '.'),
      related: [],
      fixes: [],
      key: rule.id,
    });
    const describe = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

    // Rules that read one file at a time: per file, reusing what is still valid.
    const perFile = enabled.filter((r) => !r.crossFile);
    const byRule = new Map<RuleDefinition, { drafts: Draft[]; failure?: string }>(perFile.map((r) => [r, { drafts: [] }]));
    let withRecords = 0;
    for (const [path, f] of files) {
      if (!f.records.length) continue;
      withRecords++;
      let state = this.states.get(path);
      if (!state || state.analyzed !== f) this.states.set(path, (state = { analyzed: f, results: new Map() }));
      let questions: WorkspaceQuestion[] = [];
      let view: WorkspaceModel | undefined;
      for (const rule of perFile) {
        let result = state.results.get(rule.id);
        if (result && ((result.readsNow && dayChanged) || !result.questions.every((q) => sameAnswer(q.ask(model), q.answer)))) result = undefined;
        if (!result) {
          questions = [];
          view ??= model.fileView(f, (q) => questions.push(q));
          const found: Draft[] = [];
          const res: FileResult = { drafts: found, questions, readsNow: false };
          const ctx: RuleContext = {
            model: view,
            report: reporter(rule, found),
            get now() {
              res.readsNow = true;
              return today;
            },
          };
          try {
            rule.check(ctx);
          } catch (err) {
            res.failure = describe(err);
          }
          res.questions = questions;
          state.results.set(rule.id, (result = res));
        }
        const acc = byRule.get(rule)!;
        for (const d of result.drafts) acc.drafts.push(d);
        if (result.failure !== undefined) acc.failure ??= result.failure;
      }
    }
    if (this.states.size > withRecords) {
      for (const [path, state] of this.states) if (files.get(path) !== state.analyzed) this.states.delete(path);
    }

    for (const rule of enabled) {
      const own = byRule.get(rule);
      if (own) {
        for (const d of own.drafts) drafts.push(d);
        if (own.failure !== undefined) drafts.push(failed(rule, own.failure));
        continue;
      }
      // Rules that compare files: over the whole model.
      try {
        rule.check({ model, report: reporter(rule, drafts), now: today });
      } catch (err) {
        drafts.push(failed(rule, describe(err)));
      }
    }

    return finish(input, model, drafts, policySeverity, now);
  }
}

/** Run the rules over a workspace and return findings, with suppressions applied. */
export function runCheck(input: CheckInput): CheckResult {
  return new Checker().run(input);
}

/**
 * What the rules see of a policy: all of it but the severities and suppressions (which the engine
 * applies to findings), and the text of the policy file outside those two sections, with the offsets
 * of what follows them (findings point into the policy file).
 */
function policyKeyOf(policy: Policy, file: AnalyzedFile | undefined): string {
  const { rules: _rules, suppressions: _suppressions, ...rest } = policy;
  return `${JSON.stringify(rest)}\u0001${file ? textOutside(file, ['rules', 'suppressions']) : ''}`;
}

function textOutside(file: AnalyzedFile, keys: readonly string[]): string {
  const text = file.source.text;
  const doc = file.docs[0];
  if (file.docs.length !== 1 || !doc || doc.errors.length || !isMap(doc.contents)) return text;
  const cuts: Array<{ start: number; end: number }> = [];
  for (const pair of doc.contents.items) {
    const k = pair.key as Node | null;
    const v = pair.value as Node | null;
    if (!isScalar(k) || !keys.includes(String(k.value)) || !k.range) continue;
    cuts.push({ start: k.range[0], end: v?.range?.[1] ?? k.range[1] });
  }
  if (!cuts.length) return text;
  cuts.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const c of cuts) {
    const segment = text.slice(at, c.start);
    out += at === 0 ? segment : /\S/.test(segment) ? `${at}\u0000${segment}` : '';
    out += '\u0000';
    at = Math.max(at, c.end);
  }
  const tail = text.slice(at);
  if (/\S/.test(tail)) out += `${at}\u0000${tail}`;
  return out;
}

function finish(
  input: CheckInput,
  model: WorkspaceModel,
  drafts: Draft[],
  policySeverity: (ruleId: string, env: string | undefined) => SeverityOrOff | undefined,
  now: Date,
): CheckResult {
  const { files, policy, rules } = input;
  const locator = new Locator(files);

  // Turn drafts into findings.
  const seenFp = new Map<string, number>();
  const all: Finding[] = [];
  for (const d of drafts) {
    let severity: SeverityOrOff = d.severity;
    if (d.byRule) severity = policySeverity(d.ruleId, d.env) ?? d.severity;
    if (severity === 'off') continue;
    const location = locator.location(d.loc);
    let fp = fingerprintOf(d.ruleId, d.loc.file, location.path, d.key);
    const n = (seenFp.get(fp) ?? 0) + 1;
    seenFp.set(fp, n);
    if (n > 1) fp = `${fp}:${n}`;
    const f: Finding = {
      ruleId: d.ruleId,
      severity,
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
    all.push(f);
  }

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
