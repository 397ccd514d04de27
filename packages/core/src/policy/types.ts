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
  /** Who approves a pull request that changes the policy file (`policy_owners`). */
  policyOwners?: Approvers;
  /** Custom repository roles whose approvals count, besides admin, maintain and write (`approval_roles`). */
  approvalRoles?: string[];
  /** Evaluation evidence and thresholds a model needs before it is promoted (`quality_gates`). */
  qualityGates?: QualityGatePolicy[];
}

/** One metric threshold of a quality gate: the value must be at least and/or at most the bound. */
export interface MetricThreshold {
  metric: string;
  atLeast?: number;
  atMost?: number;
  loc?: Loc;
}

/** Where a model's evaluation evidence lives and what it must show before a promotion. */
export interface QualityGatePolicy {
  /** The gate's name, or `quality_gates[i]` when the policy gives none. */
  name: string;
  /** Model names (globs) the gate applies to; every model when empty. */
  models: string[];
  /** Workloads the gate applies to; every workload when empty. */
  workloads: string[];
  /** Environments the gate applies to; the protected environments when empty. */
  environments: string[];
  evidence: {
    /** Path template of the evidence file, relative to the root: `{model}`, `{version}`, `{environment}`, `{workload}`. */
    path: string;
    /** Globs of the evaluation data and code: a pull request that changes them needs the evidence owners. */
    data: string[];
    /** Who approves a promotion whose pull request also changes its evidence, thresholds or evaluation data. */
    owners?: Approvers;
  };
  metrics: MetricThreshold[];
  loc?: Loc;
}

export interface PolicyProblem {
  message: string;
  loc: Loc;
  severity: Severity;
}

export const POLICY_FILE_NAMES = ['aigate.yaml', 'aigate.yml', '.aigate.yaml', '.aigate.yml'];
