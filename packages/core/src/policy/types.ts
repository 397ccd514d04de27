import type { Severity, SeverityOrOff } from '../findings.js';
import type { Loc } from '../yaml/nodes.js';

export type Tier = 'sandbox' | 'dev' | 'test' | 'prod';

export interface Approvers {
  users: string[];
  teams: string[];
  required: number;
}

export interface EnvironmentPolicy {
  name: string;
  tier: Tier;
  files: string[];
  /** Other names of this environment: GitHub environment names, path segments. */
  aliases: string[];
  protected: boolean;
  approvers?: Approvers;
  loc?: Loc;
}

export interface WorkloadPolicy {
  name: string;
  files: string[];
  endpoints: string[];
  /** Content-filter / governance profile the workload needs. */
  contentFilter?: string;
  /** Models the workload needs (globs). */
  models: string[];
  loc?: Loc;
}

export interface RuleSetting {
  severity?: SeverityOrOff;
  environments: Record<string, SeverityOrOff>;
  loc?: Loc;
}

export interface PolicySuppression {
  rule: string;
  paths: string[];
  environments: string[];
  reason?: string;
  expires?: string;
  loc: Loc;
}

export interface Policy {
  /** Path of the policy file, relative to the root; undefined when working on conventions. */
  file?: string;
  fromConventions: boolean;
  environments: EnvironmentPolicy[];
  workloads: WorkloadPolicy[];
  models: { allowed: string[]; denied: string[]; registries: string[]; loc?: Loc };
  rules: Record<string, RuleSetting>;
  suppressions: PolicySuppression[];
  ignore: string[];
  /** Extra command patterns (regular expressions) that count as evaluation steps. */
  evaluationSignals: string[];
  docsBaseUrl?: string;
}

export interface PolicyProblem {
  message: string;
  loc: Loc;
  severity: Severity;
}

export const POLICY_FILE_NAMES = ['aigate.yaml', 'aigate.yml', '.aigate.yaml', '.aigate.yml'];
