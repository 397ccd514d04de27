import { createHash } from 'node:crypto';
import { isMap, isScalar, type Node } from 'yaml';
import { compareFindings, type Finding, type Location, type Severity, type SeverityOrOff, type SuppressedFinding } from '../findings.js';
import type { AnalyzedFile } from '../model/file.js';
import type { AnyRecord } from '../model/records.js';
import { ModelMemory, stillAnswered, WorkspaceModel, type RecordIndexSpec, type WorkspaceQuestion } from '../model/workspace.js';
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
  /**
   * For a `Checker` that ran before: the files that may differ from its last run's (analysed again,
   * added or removed). Every other file must be the same, at the same place in `files`.
   */
  edited?: Iterable<string>;
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
  /** The one-file rules `notable` was made for. */
  rulesKey: string;
  /** Results that found something, failed, or depend on more than the file: the only ones a run looks at again. */
  notable: Array<{ rule: RuleDefinition; result: FileResult }>;
  /** Some result asked a question that must be asked again on every run. */
  opaque: boolean;
  /** Some result read the date. */
  now: boolean;
  /** The indexes (and their versions) the other questions were answered from. */
  stamps: Array<[RecordIndexSpec<unknown>, number]>;
  /** Other files read. */
  reads: string[];
}

/** What a one-file rule gets: the file's view of the model. Reading "today" is noted. */
class FileContext implements RuleContext {
  constructor(
    readonly model: WorkspaceModel,
    readonly report: (r: Report) => void,
    private readonly result: FileResult,
    private readonly today: Date,
  ) {}

  get now(): Date {
    this.result.readsNow = true;
    return this.today;
  }
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
  /**
   * @param once The checker runs once (a command line check): nothing is kept for a next run, and the
   *   rules run the quickest way for one run, with the same findings.
   */
  constructor(private readonly once = false) {}

  private memory: ModelMemory | undefined;
  private policyKey: string | undefined;
  private rules: readonly RuleDefinition[] | undefined;
  private day: number | undefined;
  private readonly states = new Map<string, FileState>();
  /** Files with parse errors to report, and files with inline suppressions. */
  private readonly withErrors = new Set<string>();
  private readonly withSuppressions = new Set<string>();
  /** Files whose one-file results found something or failed. */
  private readonly withFindings = new Set<string>();
  /** Generation of the model of the last run, and the one-file rules it ran. */
  private generation: number | undefined;
  private rulesKey: string | undefined;

  run(input: CheckInput): CheckResult {
    const { files, policy, rules } = input;
    const now = input.now ?? new Date();
    const dayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const key = policyKeyOf(policy, policy.file === undefined ? undefined : files.get(policy.file));
    if (key !== this.policyKey || rules !== this.rules) {
      this.memory = undefined;
      this.states.clear();
      this.withFindings.clear();
      this.generation = undefined;
      this.policyKey = key;
      this.rules = rules;
    }
    const dayChanged = this.day !== dayStart;
    this.day = dayStart;
    const today = new Date(dayStart);
    const model = new WorkspaceModel(files, policy, this.memory ?? new ModelMemory({ keep: !this.once }), this.memory ? input.edited : undefined);
    this.memory = model.memory;
    const changes = model.changes;
    // Since the last run, only the files of `changes` changed: the rest of what is kept is still right.
    const incremental = this.generation !== undefined && changes.since === this.generation;
    if (incremental) {
      for (const path of changes.files) this.fileFacts(path, files.get(path));
    } else {
      this.withErrors.clear();
      this.withSuppressions.clear();
      for (const [path, f] of files) this.fileFacts(path, f);
    }
    const drafts: Draft[] = [];
    const fileLoc = (file: string): Loc => ({ file, span: { start: 0, end: 0 }, path: [] });

    // Findings of the engine itself.
    for (const path of this.withErrors) {
      const f = files.get(path)!;
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
    const reporterInto = (rule: RuleDefinition, out: Draft[], r: Report): void => {
      const rec: AnyRecord | undefined = r.record;
      const env = r.env ?? (rec ? model.env(rec) : undefined);
      out.push({ ruleId: rule.id, severity: r.severity ?? rule.defaultSeverity, byRule: true, message: r.message, loc: r.loc, related: r.related ?? [], fixes: r.fixes, env, workload: rec ? model.workload(rec) : undefined, key: r.key });
    };
    const reporter =
      (rule: RuleDefinition, out: Draft[]) =>
      (r: Report): void =>
        reporterInto(rule, out, r);
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
    const rulesKey = perFile.map((r) => r.id).join('\n');
    const byRule = new Map<RuleDefinition, { drafts: Draft[]; failure?: string }>(perFile.map((r) => [r, { drafts: [] }]));
    const valid = (result: FileResult): boolean => !(result.readsNow && dayChanged) && result.questions.every((q) => stillAnswered(q, model));
    // One reporter per rule, into the results of the file being checked.
    let found: Draft[] = [];
    const reportTo = new Map(perFile.map((rule) => [rule, (r: Report): void => reporterInto(rule, found, r)] as const));
    const runOn = (rule: RuleDefinition, view: WorkspaceModel, questions: WorkspaceQuestion[]): FileResult => {
      found = [];
      const res: FileResult = { drafts: found, questions, readsNow: false };
      try {
        rule.check(new FileContext(view, reportTo.get(rule)!, res, today));
      } catch (err) {
        res.failure = describe(err);
      }
      return res;
    };
    /**
     * Bring one file's results up to date and note whether it has findings.
     * `ran`: the rules whose earlier results of this (unchanged) file are known; a rule among them with no
     * kept result found nothing that depends on more than the file.
     */
    const visit = (path: string, f: AnalyzedFile, ran: ReadonlySet<string> | undefined): void => {
      let questions: WorkspaceQuestion[] = [];
      let view: WorkspaceModel | undefined;
      const fileView = (): WorkspaceModel => (view ??= model.fileView(f, (q) => questions.push(q)));
      const run = (rule: RuleDefinition): FileResult => {
        questions = [];
        return runOn(rule, fileView(), questions);
      };
      const before = this.states.get(path);
      const kept = before?.analyzed === f ? before : undefined;
      const entries: FileState['notable'] = [];
      if (kept && kept.rulesKey === rulesKey) {
        // Only results that asked about the workspace (or read the date) can have become stale.
        for (const entry of kept.notable) entries.push((entry.result.questions.length || entry.result.readsNow) && !valid(entry.result) ? { rule: entry.rule, result: run(entry.rule) } : entry);
      } else {
        const old = new Map((kept?.notable ?? []).map((e) => [e.rule.id, e] as const));
        for (const rule of perFile) {
          const entry = old.get(rule.id);
          if (entry) entries.push(valid(entry.result) ? entry : { rule, result: run(rule) });
          else if (!ran?.has(rule.id)) entries.push({ rule, result: run(rule) });
        }
      }
      const state: FileState = { analyzed: f, rulesKey, notable: [], opaque: false, now: false, stamps: [], reads: [] };
      let found = false;
      for (const entry of entries) {
        const { result } = entry;
        if (!result.drafts.length && result.failure === undefined && !result.questions.length && !result.readsNow) continue;
        state.notable.push(entry);
        if (result.drafts.length || result.failure !== undefined) found = true;
        if (result.readsNow) state.now = true;
        for (const q of result.questions) {
          if (q.stamps) state.stamps.push(...q.stamps);
          else if (q.file !== undefined) state.reads.push(q.file);
          else state.opaque = true;
        }
      }
      // Files whose results are all empty and depend on nothing else keep no state.
      if (state.notable.length) this.states.set(path, state);
      else this.states.delete(path);
      if (found) this.withFindings.add(path);
      else this.withFindings.delete(path);
    };
    const forget = (path: string): void => {
      this.states.delete(path);
      this.withFindings.delete(path);
    };
    /** One failure per rule: the one of the first file by path, whatever the order of the visit. */
    const failures = new Map<RuleDefinition, { path: string; failure: string }>();
    const failedIn = (rule: RuleDefinition, path: string, failure: string): void => {
      const first = failures.get(rule);
      if (!first || path < first.path) failures.set(rule, { path, failure });
    };
    if (this.once) {
      // One run: each rule over the whole model at once. A rule that fails is run file by file, as on
      // later runs, so that what it finds in the other files is kept and the failure is the same.
      for (const rule of perFile) {
        const drafts: Draft[] = [];
        try {
          rule.check({ model, report: reporter(rule, drafts), now: today });
          byRule.get(rule)!.drafts = drafts;
          continue;
        } catch {
          // file by file below
        }
        for (const [path, f] of files) {
          if (!f.records.length) continue;
          const result = runOn(rule, model.fileView(f, () => {}), []);
          for (const d of result.drafts) byRule.get(rule)!.drafts.push(d);
          if (result.failure !== undefined) failedIn(rule, path, result.failure);
        }
      }
    } else {
      if (incremental && this.rulesKey !== undefined) {
        // Only the files that changed, and the ones whose results depend on what changed elsewhere.
        const seen = new Set<string>(changes.files);
        for (const path of changes.files) {
          const f = files.get(path);
          if (!f || !f.records.length) forget(path);
          else visit(path, f, undefined);
        }
        const ran = new Set(this.rulesKey.split('\n'));
        if (this.rulesKey !== rulesKey) {
          // Other rules are on: the files kept with no results get the rules that were off.
          const added = perFile.filter((r) => !ran.has(r.id));
          if (added.length) for (const [path, f] of files) if (f.records.length && !seen.has(path) && !this.states.has(path)) visit(path, f, ran);
        }
        for (const path of [...this.states.keys()]) {
          if (seen.has(path)) continue;
          const state = this.states.get(path)!;
          if (state.rulesKey !== rulesKey || state.opaque || (state.now && dayChanged) || state.reads.some((p) => seen.has(p)) || state.stamps.some(([spec, version]) => model.index(spec).version !== version)) visit(path, files.get(path)!, ran);
        }
      } else {
        this.states.clear();
        this.withFindings.clear();
        for (const [path, f] of files) if (f.records.length) visit(path, f, undefined);
      }
      this.generation = changes.generation;
      this.rulesKey = rulesKey;
      for (const path of this.withFindings) {
        for (const { rule, result } of this.states.get(path)!.notable) {
          const acc = byRule.get(rule)!;
          for (const d of result.drafts) acc.drafts.push(d);
          if (result.failure !== undefined) failedIn(rule, path, result.failure);
        }
      }
    }
    for (const [rule, { failure }] of failures) byRule.get(rule)!.failure = failure;

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

    return finish(input, model, drafts, policySeverity, now, [...this.withSuppressions].map((p) => files.get(p)!));
  }

  /** Keep track of the files with parse errors and with inline suppressions. */
  private fileFacts(path: string, f: AnalyzedFile | undefined): void {
    // The policy loader reports the policy file's own syntax errors.
    if (f && f.recognised && f.kind !== 'policy' && f.parseErrors.length) this.withErrors.add(path);
    else this.withErrors.delete(path);
    if (f?.suppressions.length) this.withSuppressions.add(path);
    else this.withSuppressions.delete(path);
  }
}

/** Run the rules over a workspace and return findings, with suppressions applied. */
export function runCheck(input: CheckInput): CheckResult {
  return new Checker(true).run(input);
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
  /** The files with inline suppressions. */
  suppressing: readonly AnalyzedFile[],
): CheckResult {
  const { files, policy, rules } = input;
  const locator = new Locator(files);

  // Turn drafts into findings. The drafts are put in one order first, whatever order the rules found
  // them in, so that several findings with one fingerprint are numbered the same way on every run.
  drafts.sort(compareDrafts);
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
  for (const f of suppressing) {
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
  for (const f of suppressing) {
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function locText(loc: Loc): string {
  return `${loc.file}\u0000${loc.span.start}\u0000${loc.span.end}\u0000${formatPath(loc.path)}`;
}

/** A total order of drafts by their content. */
function compareDrafts(a: Draft, b: Draft): number {
  return (
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.loc.file, b.loc.file) ||
    a.loc.span.start - b.loc.span.start ||
    a.loc.span.end - b.loc.span.end ||
    cmp(a.message, b.message) ||
    cmp(a.key ?? '', b.key ?? '') ||
    cmp(a.severity, b.severity) ||
    cmp(a.env ?? '', b.env ?? '') ||
    cmp(a.workload ?? '', b.workload ?? '') ||
    cmp(formatPath(a.loc.path), formatPath(b.loc.path)) ||
    cmp(draftDetail(a), draftDetail(b))
  );
}

function draftDetail(d: Draft): string {
  const related = d.related.map((r) => `${locText(r.loc)}\u0000${r.message}`).join('\u0001');
  const fixes = (d.fixes ?? []).map((f) => `${f.title}\u0000${f.edits.map((e) => `${e.file}\u0000${e.span.start}\u0000${e.span.end}\u0000${e.newText}`).join('\u0002')}`).join('\u0001');
  return `${related}\u0003${fixes}`;
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
