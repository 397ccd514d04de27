import type { Tier } from '../policy/types.js';

/** A model as a deployment names it. */
export interface ModelIdentity {
  /** The reference as written (`azureml://registries/r/models/m/versions/7`). */
  raw: string;
  name?: string;
  version?: string;
  registry?: string;
  /** True when it names a fixed version aigate can compare (not `@latest`, a label or a template). */
  fixed: boolean;
}

export type ChangeKind = 'added' | 'removed' | 'model' | 'content-filter' | 'instance-type' | 'instance-count' | 'traffic' | 'mirror-traffic';

export interface PromotionChange {
  kind: ChangeKind;
  before?: string;
  after?: string;
  /** Where the change is at head (or at base for a removal), 1-based line. */
  file: string;
  line?: number;
}

/** A change to what runs in one deployment of an environment of the promotion chain. */
export interface Promotion {
  /** Stable key: environment, endpoint and deployment. */
  id: string;
  environment: string;
  tier: Tier;
  /** Protected environments need approvals and quality evidence. */
  protected: boolean;
  /** The environment before this one in the chain, whose base state the order check reads. */
  previousEnvironment?: string;
  workload?: string;
  endpoint?: string;
  deployment?: string;
  /** The deployment's file at head (at base when it is removed). */
  file: string;
  line?: number;
  /** The model at base (absent for a new deployment). */
  from?: ModelIdentity;
  /** The model at head (absent for a removed deployment). */
  to?: ModelIdentity;
  changes: PromotionChange[];
  /** True when the change brings a model to serve (new deployment, new model, more traffic): order and evidence apply. */
  bringsModel: boolean;
}

export interface PromotionPlan {
  /** Environments in promotion order, from the base policy. */
  chain: string[];
  promotions: Promotion[];
  /** Changes the plan does not cover (a deployment whose environment is unknown). */
  notes: string[];
  /** What makes the plan unreliable, so the gate is red (a changed file that no longer parses). */
  blockers: string[];
}

export type CheckState = 'pass' | 'fail' | 'not-applicable' | 'not-checked';

export interface OrderResult {
  state: CheckState;
  message: string;
  /** Where the model already runs in the previous environment on the base branch. */
  runsIn?: Array<{ file: string; line?: number; deployment?: string; endpoint?: string }>;
}

export interface MetricResult {
  metric: string;
  value?: number;
  atLeast?: number;
  atMost?: number;
  state: 'pass' | 'fail';
  message: string;
}

/** One quality gate's evidence for one promotion. */
export interface EvidenceResult {
  gate: string;
  /** The evidence file, relative to the repository root. */
  path?: string;
  state: 'pass' | 'fail';
  message: string;
  model?: string;
  version?: string;
  dataset?: string;
  commit?: string;
  evaluatedAt?: string;
  metrics: MetricResult[];
  /** Why the evidence owners must approve (the pull request changes the evidence, thresholds or data); empty when they need not. */
  ownersBecause: string[];
}

export interface PromotionAssessment {
  promotion: Promotion;
  order: OrderResult;
  evidence: { state: CheckState; message: string; results: EvidenceResult[] };
  /** Ids of the approval requirements this promotion needs. */
  requirements: string[];
}

export type RequirementKind = 'environment' | 'policy-owners' | 'evidence-owners';

/** A set of people of whom some number must approve the pull request. */
export interface ApprovalRequirement {
  id: string;
  kind: RequirementKind;
  /** `prod approvers`, `policy owners`, `evidence owners of support-chat quality`. */
  title: string;
  /** Why it is needed. */
  reasons: string[];
  users: string[];
  teams: string[];
  /** Repository roles that qualify on their own (the fallback policy owners: admin, maintain). */
  roles: string[];
  required: number;
  /** Set when the requirement can never be met as the policy stands (no approvers named). */
  problem?: string;
}

/** One reviewer's approval and whether it counted. */
export interface ApprovalRecord {
  login: string;
  /** Latest state among APPROVED, CHANGES_REQUESTED and DISMISSED. */
  state: string;
  commit?: string;
  submittedAt?: string;
  url?: string;
  counted: boolean;
  /** Why it counts (`listed user`, `active member of org/team`) or why it does not. */
  reason: string;
}

export interface RequirementResult {
  requirement: ApprovalRequirement;
  state: 'pass' | 'fail' | 'not-checked';
  approvals: ApprovalRecord[];
  message: string;
}

/** Something that makes the gate red on its own: an API failure, a missing permission, a broken policy. */
export interface GateProblem {
  message: string;
}

export interface GateVerdict {
  /** `success` only when every check passed; never by default. */
  conclusion: 'success' | 'failure';
  /** One line for the check run title. */
  title: string;
  /** `pull-request`: approvals checked on GitHub; `local`: order and evidence only (the CLI). */
  mode: 'pull-request' | 'local';
  repository?: string;
  pullRequest?: { number: number; author?: string; headSha: string; baseSha: string };
  base: { ref: string; sha?: string };
  head: { ref: string; sha?: string };
  /** The policy file read from the base commit (undefined: conventions). */
  policyFile?: string;
  plan: PromotionPlan;
  promotions: PromotionAssessment[];
  policyChange: { changed: boolean; paths: string[]; headProblems: string[] };
  requirements: RequirementResult[];
  problems: GateProblem[];
  /** What is still missing, one sentence each. */
  missing: string[];
  notes: string[];
  /** True when order, evidence and problems are all clear (what the CLI's exit code reports). */
  localPass: boolean;
  /** True when a failure stopped the gate before it could read the change: nothing is known about its promotions. */
  stopped?: boolean;
}
