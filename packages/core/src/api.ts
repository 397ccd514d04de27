import type { Finding } from './findings.js';
import { analyzeFile, isPolicyPath, type AnalyzedFile } from './model/file.js';
import { conventionPolicy, loadPolicy } from './policy/load.js';
import type { Policy, PolicyProblem } from './policy/types.js';
import { POLICY_FILE_NAMES } from './policy/types.js';
import { runCheck, type CheckResult, type FileProblem } from './engine/run.js';
import { ALL_RULES, RULES } from './rules/index.js';
import { SourceFile } from './text/source.js';

export interface CheckOptions {
  env?: string;
  now?: Date;
  fileProblems?: FileProblem[];
}

export interface LoadedPolicy {
  policy: Policy;
  problems: PolicyProblem[];
}

export const RULE_IDS: readonly string[] = ALL_RULES.map((r) => r.id);

/** Load the policy from its text, or the conventions when there is none. */
export function policyFromText(path: string | undefined, text: string | undefined): LoadedPolicy {
  if (path === undefined || text === undefined) return { policy: conventionPolicy(), problems: [] };
  return loadPolicy(new SourceFile(path, text), RULE_IDS);
}

/** Find the policy file among workspace paths (the root one wins). */
export function findPolicyPath(paths: Iterable<string>): string | undefined {
  const set = new Set(paths);
  return POLICY_FILE_NAMES.find((n) => set.has(n));
}

/** Check files given as text (path relative to the root -> content). The pure entry point every surface uses. */
export function checkTexts(texts: ReadonlyMap<string, string> | Record<string, string>, options: CheckOptions = {}): CheckResult & { policy: LoadedPolicy } {
  const map = texts instanceof Map ? texts : new Map(Object.entries(texts));
  const files = new Map<string, AnalyzedFile>();
  for (const [path, text] of map) files.set(path, analyzeFile(path, text));
  const policyPath = findPolicyPath(map.keys());
  const loaded = policyFromText(policyPath, policyPath ? map.get(policyPath) : undefined);
  return { ...checkAnalyzed(files, loaded, options), policy: loaded };
}

export function checkAnalyzed(files: ReadonlyMap<string, AnalyzedFile>, loaded: LoadedPolicy, options: CheckOptions = {}): CheckResult {
  return runCheck({ files, policy: loaded.policy, policyProblems: loaded.problems, fileProblems: options.fileProblems, rules: RULES, env: options.env, now: options.now });
}

export function findingsOf(result: { findings: Finding[] }, ruleId: string): Finding[] {
  return result.findings.filter((f) => f.ruleId === ruleId);
}

export { isPolicyPath };
