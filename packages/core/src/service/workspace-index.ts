import { policyFromText, type LoadedPolicy } from '../api.js';
import { Checker, type FileProblem } from '../engine/run.js';
import type { Finding } from '../findings.js';
import { analyzeFile, isPolicyPath, releaseDocs, type AnalyzedFile } from '../model/file.js';
import { WorkspaceModel } from '../model/workspace.js';
import { conventionPolicy } from '../policy/load.js';
import { POLICY_FILE_NAMES } from '../policy/types.js';
import { readFieldsAhead } from '../rules/environments/logical.js';
import { RULES } from '../rules/index.js';

export interface IndexOptions {
  /** "Today" for expiry and retirement dates; defaults to the clock. */
  now?: () => Date;
  /**
   * The path of the policy file, when it is not one of `POLICY_FILE_NAMES` at the root (a setting names
   * it; it may lie outside the folder, as `../policies/aigate.yaml`). Those root files are then plain YAML.
   * Until a text (or `setUnreadable`) is given for it, the policy is in error.
   */
  policyFile?: string;
}

/** What one evaluation changed. */
export interface IndexUpdate {
  /** Files whose findings differ from the previous evaluation (including files that lost all findings). */
  changed: string[];
  /** Files re-analysed since the previous evaluation (their text changed, or they were added or removed). */
  touched: string[];
  /** True when the policy was (re)loaded, so every file was evaluated again under it. */
  policyChanged: boolean;
  /** Evaluation counter after this update. */
  generation: number;
}

interface Entry {
  text: string;
  analyzed: AnalyzedFile;
}

/** A finding reduced to what an editor shows, to tell whether a file's diagnostics changed. */
function findingKey(f: Finding): string {
  const l = f.location;
  const rel = f.related.map((r) => `${r.file}:${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}:${r.message ?? ''}`).join('|');
  const fixes = f.fixes.map((x) => `${x.title}#${x.edits.map((e) => `${e.file}:${e.span.start}:${e.span.end}:${e.newText}`).join(',')}`).join('|');
  return `${f.ruleId}\u0001${f.severity}\u0001${f.message}\u0001${l.start.line}:${l.start.character}:${l.end.line}:${l.end.character}\u0001${rel}\u0001${fixes}\u0001${f.environment ?? ''}`;
}

/**
 * The whole workspace, kept up to date file by file for an editor. Files are analysed once per
 * content (parse, records, suppressions); each evaluation runs the rules over the records and
 * tells which files' findings changed, so an editor republishes only those.
 */
export class WorkspaceIndex {
  private readonly entries = new Map<string, Entry>();
  /** The analysed files, in the order of `entries`. */
  private readonly analyzed = new Map<string, AnalyzedFile>();
  /** Files were added or removed since the last evaluation. */
  private structural = true;
  /** Files whose YAML documents were parsed again since the last evaluation (to let go again). */
  private readonly reparsed = new Set<string>();
  private readonly problems = new Map<string, FileProblem>();
  private readonly dirty = new Set<string>();
  private policyDirty = true;
  private loaded: LoadedPolicy = { policy: conventionPolicy(), problems: [] };
  private policyPath: string | undefined;
  private byFile = new Map<string, Finding[]>();
  private keys = new Map<string, string>();
  private readonly resultIds = new Map<string, string>();
  private current: WorkspaceModel | undefined;
  private gen = 0;
  private readonly now: () => Date;
  /** Keeps what stays valid from one evaluation to the next. */
  private readonly checker = new Checker();

  /** The configured policy path, if any. */
  private readonly configuredPolicy: string | undefined;

  constructor(options: IndexOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.configuredPolicy = options.policyFile;
  }

  /** True for the path the index reads its policy from (the configured one, or a root policy file name). */
  isPolicy(path: string): boolean {
    return this.configuredPolicy !== undefined ? path === this.configuredPolicy : isPolicyPath(path);
  }

  /** Add or replace a file. Returns false when the text is the same as before (nothing to do). */
  setFile(path: string, text: string): boolean {
    const prev = this.entries.get(path);
    this.problems.delete(path);
    if (prev && prev.text === text) return false;
    let analyzed: AnalyzedFile;
    try {
      analyzed = analyzeFile(path, text, { policy: this.isPolicy(path) });
    } catch (err) {
      // analyzeFile does not throw on bad input; if it ever does, the file is reported, not the index lost.
      this.drop(path);
      this.setUnreadable(path, `${path} could not be analysed (${err instanceof Error ? err.message : String(err)}) and was not checked.`);
      return true;
    }
    if (!this.analyzed.has(path)) this.structural = true;
    // What rules read of the YAML documents is read now; the documents are let go (they are parsed
    // again when something reads them: hover, quick fixes, a rule reading what was not read ahead).
    readFieldsAhead(analyzed);
    if (analyzed.kind !== 'policy') releaseDocs(analyzed, () => this.reparsed.add(path));
    this.entries.set(path, { text, analyzed });
    this.analyzed.set(path, analyzed);
    this.markDirty(path);
    return true;
  }

  /** Set the policy file's text (undefined removes it). Same as setFile/removeFile on its path. */
  setPolicy(path: string, text: string | undefined): void {
    if (text === undefined) this.removeFile(path);
    else this.setFile(path, text);
  }

  /** Record a file that cannot be checked (binary, not UTF-8, too large): it gets one finding saying so. */
  setUnreadable(path: string, message: string): void {
    const had = this.drop(path);
    const prev = this.problems.get(path);
    if (!had && prev?.message === message) return;
    this.problems.set(path, { file: path, message, ruleId: 'aigate/unreadable-file' });
    this.markDirty(path);
  }

  removeFile(path: string): boolean {
    const had = this.drop(path) || this.problems.delete(path);
    if (had) this.markDirty(path);
    return had;
  }

  /** Remove every file below a folder (relative path, no trailing slash; '' for all). */
  removeFolder(folder: string): string[] {
    const prefix = folder ? `${folder}/` : '';
    const gone = [...this.paths()].filter((p) => p.startsWith(prefix));
    for (const p of gone) this.removeFile(p);
    return gone;
  }

  private drop(path: string): boolean {
    if (!this.entries.delete(path)) return false;
    this.analyzed.delete(path);
    this.structural = true;
    return true;
  }

  private markDirty(path: string): void {
    this.dirty.add(path);
    if (this.isPolicy(path)) this.policyDirty = true;
  }

  has(path: string): boolean {
    return this.entries.has(path) || this.problems.has(path);
  }

  /** Every file known to the index. */
  *paths(): IterableIterator<string> {
    yield* this.entries.keys();
    yield* this.problems.keys();
  }

  get size(): number {
    return this.entries.size + this.problems.size;
  }

  text(path: string): string | undefined {
    return this.entries.get(path)?.text;
  }

  file(path: string): AnalyzedFile | undefined {
    return this.entries.get(path)?.analyzed;
  }

  /** True when files changed since the last evaluation. */
  get pending(): boolean {
    return this.dirty.size > 0 || this.policyDirty;
  }

  get generation(): number {
    return this.gen;
  }

  get policy(): LoadedPolicy {
    return this.loaded;
  }

  /** Path of the policy file in use, if any. */
  get policyFile(): string | undefined {
    return this.policyPath;
  }

  /** The workspace model of the last evaluation. */
  get model(): WorkspaceModel {
    this.current ??= new WorkspaceModel(new Map(), this.loaded.policy);
    return this.current;
  }

  /** Findings of one file from the last evaluation. */
  findings(path: string): readonly Finding[] {
    return this.byFile.get(path) ?? [];
  }

  /** An id that changes exactly when a file's findings change (for pull diagnostics). */
  resultId(path: string): string {
    return this.resultIds.get(path) ?? '0';
  }

  /** Files that had findings in the last evaluation. */
  filesWithFindings(): string[] {
    return [...this.byFile.keys()];
  }

  /** Every finding of the last evaluation. */
  allFindings(): Finding[] {
    return [...this.byFile.values()].flat();
  }

  /** Let go again of the YAML documents of files parsed again. The policy's documents stay: completion reads them. */
  private releaseDocs(): void {
    for (const path of [...this.reparsed]) {
      const f = this.entries.get(path)?.analyzed;
      if (!f || f.kind === 'policy') continue;
      releaseDocs(f, () => this.reparsed.add(path));
    }
    this.reparsed.clear();
  }

  /** Run the rules over the current files and return which files' findings changed. */
  evaluate(): IndexUpdate {
    const touched = [...this.dirty];
    this.dirty.clear();
    const policyChanged = this.policyDirty;
    if (this.policyDirty) {
      this.policyDirty = false;
      // The configured policy file, or the root policy file as `findPolicyPath` finds it among all paths.
      const path = this.configuredPolicy ?? POLICY_FILE_NAMES.find((n) => this.entries.has(n) || this.problems.has(n));
      this.policyPath = path;
      const missing = path !== undefined && !this.entries.has(path) && !this.problems.has(path);
      const problem = path ? (this.problems.get(path) ?? (missing ? { message: `The policy file ${path} was not found.` } : undefined)) : undefined;
      if (path && problem) {
        this.loaded = policyFromText(undefined, undefined);
        this.loaded.problems.push({ message: problem.message, loc: { file: path, span: { start: 0, end: 0 }, path: [] }, severity: 'error' });
      } else this.loaded = policyFromText(path, path ? this.entries.get(path)?.text : undefined);
    }
    // The model keeps this map: later changes must not reach it.
    const files = new Map(this.analyzed);
    const edited = this.structural ? undefined : touched;
    this.structural = false;
    const fileProblems = [...this.problems.values()].filter((p) => p.file !== this.policyPath);
    const result = this.checker.run({ files, policy: this.loaded.policy, policyProblems: this.loaded.problems, fileProblems, rules: RULES, now: this.now(), edited });
    this.current = result.model;
    const byFile = new Map<string, Finding[]>();
    for (const f of result.findings) {
      const list = byFile.get(f.location.file);
      if (list) list.push(f);
      else byFile.set(f.location.file, [f]);
    }
    const keys = new Map<string, string>();
    for (const [file, list] of byFile) keys.set(file, list.map(findingKey).join('\n'));
    const changed = new Set<string>();
    for (const [file, key] of keys) if (this.keys.get(file) !== key) changed.add(file);
    for (const file of this.keys.keys()) if (!keys.has(file)) changed.add(file);
    this.byFile = byFile;
    this.keys = keys;
    this.releaseDocs();
    this.gen++;
    for (const file of changed) this.resultIds.set(file, String(this.gen));
    return { changed: [...changed].sort(), touched: touched.sort(), policyChanged, generation: this.gen };
  }
}
