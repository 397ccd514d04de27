import type { Severity } from '../findings.js';
import type { Loc } from '../yaml/nodes.js';
import type { WorkspaceModel } from '../model/workspace.js';
import type { AnyRecord } from '../model/records.js';

export type Theme = 'model-promotion' | 'environment-separation' | 'version-control' | 'endpoint-sharing' | 'policy' | 'resilience' | 'monitoring' | 'aigate';

export const THEME_TITLES: Record<Theme, string> = {
  'model-promotion': 'Model promotion',
  'environment-separation': 'Environment separation',
  'version-control': 'Version control',
  'endpoint-sharing': 'Endpoint sharing',
  policy: 'Allowed models',
  resilience: 'Business continuity',
  monitoring: 'Monitoring',
  aigate: 'aigate itself',
};

/** The sentence of the guidance a rule enforces. */
export interface Guidance {
  /** File name under the guidance folder (seeds). */
  seed: string;
  /** Heading of the section the sentence is under. */
  heading: string;
  /** The sentence, quoted. */
  quote: string;
}

export interface FixSpec {
  title: string;
  edits: Array<{ file: string; span: { start: number; end: number }; newText: string }>;
}

export interface Report {
  loc: Loc;
  message: string;
  /** A severity for this finding when it differs from the rule's default (for example by tier). */
  severity?: Severity;
  related?: Array<{ loc: Loc; message: string }>;
  fixes?: FixSpec[];
  /** The record the finding is about: gives the environment and workload. */
  record?: AnyRecord;
  /** Environment when no record carries it. */
  env?: string;
  /** Distinguishes several findings of one rule on one node (part of the fingerprint). */
  key?: string;
}

export interface RuleContext {
  model: WorkspaceModel;
  report(r: Report): void;
  /**
   * "Today", for date-based rules (retirements): the start of the run's day (UTC). Use `now ?? new Date()`,
   * and read it only where a finding depends on it: a one-file rule that read it is run again on the next day.
   */
  now?: Date;
}

export interface RuleDefinition<Id extends string = string> {
  id: Id;
  theme: Theme;
  description: string;
  defaultSeverity: Severity;
  /**
   * Whether the rule compares several files. A rule that does not reads one file's records at a time:
   * the engine runs it on a view of the model that lists the records of one file, and keeps what it found
   * in a file while the file, and the answers to what the rule asked about the rest of the workspace
   * (`jobsOfWorkflow`, `isOverridden`, `chain`, other files), stay the same. A rule that does compare
   * files runs on the whole model on every evaluation: see "Writing rules that stay fast" in the rules'
   * README for how it keeps that cheap.
   */
  crossFile: boolean;
  /** Whether findings carry a fix. */
  fixable: boolean;
  guidance: Guidance[];
  check(ctx: RuleContext): void;
}

export function defineRule<const Id extends string>(def: RuleDefinition<Id>): RuleDefinition<Id> {
  return def;
}
