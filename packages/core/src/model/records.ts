import type { Loc } from '../yaml/nodes.js';

/** A value read from configuration: known, or unknown because it is computed at run time. */
export type Resolved<T> = { known: true; value: T; loc: Loc } | { known: false; raw: string; loc: Loc };

export type AssetSource = 'workspace' | 'registry' | 'inline' | 'arm-id' | 'unknown';

/** A reference to a model or environment asset, as written in a deployment. */
export interface AssetRef {
  raw: string;
  loc: Loc;
  source: AssetSource;
  name?: string;
  version?: string;
  label?: string;
  registry?: string;
  /** true: a fixed version; false: floats (@latest, a label, anonymous inline asset); undefined: cannot tell (templated). */
  pinned: boolean | undefined;
  /** Why it is not pinned, for messages. */
  unpinnedBecause?: 'latest' | 'label' | 'inline' | 'no-version';
}

export interface ImageRef {
  raw: string;
  loc: Loc;
  tag?: string;
  digest?: string;
  pinned: boolean | undefined;
}

export type DeploymentKind = 'managed-online' | 'kubernetes-online' | 'batch';
export type EndpointKind = 'managed-online' | 'kubernetes-online' | 'batch';

interface RecordBase {
  file: string;
  loc: Loc;
  tags: Record<string, string>;
}

export interface DeploymentRecord extends RecordBase {
  type: 'deployment';
  kind: DeploymentKind;
  name?: string;
  nameLoc: Loc;
  endpointName?: string;
  endpointLoc?: Loc;
  model?: AssetRef;
  environment?: AssetRef;
  image?: ImageRef;
  instanceType?: string;
  instanceCount?: Resolved<number>;
  /** Kubernetes scale settings minimum, when given. */
  minInstances?: Resolved<number>;
  instanceCountLoc?: Loc;
  appInsightsEnabled?: boolean;
  appInsightsLoc?: Loc;
  dataCollector?: { inputs: boolean; outputs: boolean; loc: Loc };
  egressPublicNetworkAccess?: string;
  maxConcurrentRequests?: number;
  codePath?: string;
  scoringScript?: string;
}

export interface EndpointRecord extends RecordBase {
  type: 'endpoint';
  kind: EndpointKind;
  name?: string;
  nameLoc: Loc;
  authMode?: string;
  publicNetworkAccess?: string;
  traffic?: TrafficSplit;
  mirrorTraffic?: TrafficSplit;
  defaultDeployment?: string;
}

export interface ModelAssetRecord extends RecordBase {
  type: 'model';
  name?: string;
  version?: string;
  versionLoc?: Loc;
  path?: string;
}

export interface EnvironmentAssetRecord extends RecordBase {
  type: 'environment-asset';
  name?: string;
  version?: string;
  image?: ImageRef;
}

export interface RegistryRecord extends RecordBase {
  type: 'registry';
  name?: string;
  location?: string;
  replicationLocations: string[];
  replicationLoc: Loc;
}

/** A traffic allocation across deployments of one endpoint. */
export interface TrafficSplit {
  loc: Loc;
  endpointName?: string;
  /** Percent per deployment; undefined values are unknown (templated). */
  shares: Array<{ deployment: string; percent: number | undefined; loc: Loc }>;
  /** The raw text as written, when it came from a command line. */
  raw?: string;
}

export type StepActionKind = 'deploy' | 'traffic' | 'evaluate' | 'share' | 'register' | 'provision' | 'delete-deployment' | 'override';

/** Something a workflow step does that matters for governance. */
export interface StepAction {
  kind: StepActionKind;
  /** What it was recognised from, for messages (`az ml online-deployment create`). */
  via: string;
  loc: Loc;
  endpointName?: string;
  deploymentName?: string;
  /** Files passed with --file / -f (relative to the repo root when resolvable). */
  files: string[];
  traffic?: TrafficSplit;
  mirror?: TrafficSplit;
  resourceGroup?: string;
  workspace?: string;
  registry?: string;
  /** For `override`: the top-level key of `files` that the step rewrites before deploying (`yq -i '.model = ...'`). */
  field?: string;
}

export interface WorkflowStep {
  loc: Loc;
  name?: string;
  uses?: string;
  run?: string;
  actions: StepAction[];
  /** Secrets referenced by the step (`secrets.NAME`). */
  secrets: string[];
}

export interface JobRecord extends RecordBase {
  type: 'job';
  workflowFile: string;
  workflowName?: string;
  id: string;
  idLoc: Loc;
  /** The job's mapping (its first key starts here): where new keys are inserted. */
  bodyLoc: Loc;
  name?: string;
  /** `environment:` of the job; `known: false` when it is an expression. */
  environment?: Resolved<string>;
  needs: string[];
  needsLoc?: Loc;
  ifCondition?: string;
  /** Reusable workflow called by the job (`jobs.<id>.uses`). */
  uses?: { ref: string; loc: Loc; local: boolean; pinned: boolean | undefined };
  with: Record<string, string>;
  steps: WorkflowStep[];
  actions: StepAction[];
  triggers: WorkflowTriggers;
  secrets: string[];
}

export interface WorkflowTriggers {
  events: string[];
  branches: string[];
  /** Names of workflows in `on.workflow_run.workflows`. */
  workflowRun: string[];
  loc: Loc;
}

export type AnyRecord = DeploymentRecord | EndpointRecord | ModelAssetRecord | EnvironmentAssetRecord | RegistryRecord | JobRecord;
