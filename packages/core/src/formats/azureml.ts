import type {
  AnyRecord,
  DeploymentKind,
  DeploymentRecord,
  EndpointKind,
  EndpointRecord,
  EnvironmentAssetRecord,
  ModelAssetRecord,
  RegistryRecord,
  Resolved,
  TrafficSplit,
} from '../model/records.js';
import type { YNode } from '../yaml/nodes.js';
import { parseAssetRef, parseImageRef } from './asset-ref.js';
import { isTemplated } from './templating.js';

export type AzureMlKind =
  | 'managed-online-deployment'
  | 'kubernetes-online-deployment'
  | 'batch-deployment'
  | 'managed-online-endpoint'
  | 'kubernetes-online-endpoint'
  | 'batch-endpoint'
  | 'model'
  | 'environment'
  | 'registry'
  | 'other';

const SCHEMA_KINDS: Record<string, AzureMlKind> = {
  managedonlinedeployment: 'managed-online-deployment',
  onlinedeployment: 'managed-online-deployment',
  kubernetesonlinedeployment: 'kubernetes-online-deployment',
  batchdeployment: 'batch-deployment',
  modelbatchdeployment: 'batch-deployment',
  pipelinecomponentbatchdeployment: 'batch-deployment',
  managedonlineendpoint: 'managed-online-endpoint',
  onlineendpoint: 'managed-online-endpoint',
  kubernetesonlineendpoint: 'kubernetes-online-endpoint',
  batchendpoint: 'batch-endpoint',
  model: 'model',
  environment: 'environment',
  registry: 'registry',
};

/** The Azure ML kind named by a `$schema` URL, by its file-name stem (the host varies). */
export function kindFromSchema(schema: string): AzureMlKind | undefined {
  const m = /([A-Za-z]+)(?:\.schema)?\.json\s*$/i.exec(schema.trim());
  if (!m) return undefined;
  const isAzureMl = /azureml|azuremlschemas|azuremlsdk2/i.test(schema);
  if (!isAzureMl) return undefined;
  if (/promptflow/i.test(schema)) return 'other';
  return SCHEMA_KINDS[m[1]!.toLowerCase()] ?? 'other';
}

/** Recognise an Azure ML file: by `$schema` first, then by shape. Undefined when it is not one. */
export function detectAzureMl(root: YNode, path: string): AzureMlKind | undefined {
  if (!root.isMap) return undefined;
  const schema = root.get('$schema').string();
  if (schema) return kindFromSchema(schema);
  const has = (k: string): boolean => root.has(k);
  if (has('endpoint_name') && (has('model') || has('instance_type') || has('environment') || has('code_configuration'))) {
    if (root.get('type').string() === 'kubernetes') return 'kubernetes-online-deployment';
    if (has('compute') || has('mini_batch_size') || has('output_action') || has('settings') || has('resources') || /batch/i.test(path)) return 'batch-deployment';
    return 'managed-online-deployment';
  }
  if (has('name') && has('auth_mode') && !has('endpoint_name') && !has('jobs') && !has('steps')) {
    if (has('defaults') || /batch/i.test(path)) return 'batch-endpoint';
    if (has('compute')) return 'kubernetes-online-endpoint';
    return 'managed-online-endpoint';
  }
  if (has('name') && has('location') && has('replication_locations')) return 'registry';
  return undefined;
}

function tagsOf(root: YNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of root.get('tags').entries()) {
    const s = v.string();
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function resolvedNumber(node: YNode): Resolved<number> | undefined {
  if (!node.exists) return undefined;
  const n = node.number();
  if (n !== undefined) return { known: true, value: n, loc: node.loc };
  return { known: false, raw: node.string() ?? '', loc: node.loc };
}

function knownString(node: YNode): string | undefined {
  const s = node.string();
  return s !== undefined && !isTemplated(s) ? s : undefined;
}

/** Read a `traffic:` map (deployment -> percent). */
export function readTrafficMap(node: YNode, endpointName: string | undefined): TrafficSplit | undefined {
  if (!node.isMap) return undefined;
  return {
    loc: node.pairLoc,
    endpointName,
    shares: node.entries().map(([deployment, v]) => ({ deployment, percent: v.number(), loc: v.pairLoc })),
  };
}

function deploymentKind(kind: AzureMlKind): DeploymentKind {
  return kind === 'kubernetes-online-deployment' ? 'kubernetes-online' : kind === 'batch-deployment' ? 'batch' : 'managed-online';
}

function endpointKind(kind: AzureMlKind): EndpointKind {
  return kind === 'kubernetes-online-endpoint' ? 'kubernetes-online' : kind === 'batch-endpoint' ? 'batch' : 'managed-online';
}

export function extractAzureMl(root: YNode, kind: AzureMlKind): AnyRecord[] {
  const file = root.file;
  const base = { file, loc: root.loc, tags: tagsOf(root) };
  switch (kind) {
    case 'managed-online-deployment':
    case 'kubernetes-online-deployment':
    case 'batch-deployment': {
      const nameNode = root.get('name');
      const endpointNode = root.get('endpoint_name');
      const rec: DeploymentRecord = {
        ...base,
        type: 'deployment',
        kind: deploymentKind(kind),
        name: knownString(nameNode),
        nameLoc: nameNode.exists ? nameNode.loc : root.loc,
        endpointName: knownString(endpointNode),
        endpointLoc: endpointNode.exists ? endpointNode.loc : undefined,
        instanceType: knownString(root.get('instance_type')),
      };
      const model = root.get('model');
      if (model.isMap) rec.model = { raw: '(inline model)', loc: model.pairLoc, source: 'inline', pinned: false, unpinnedBecause: 'inline', name: knownString(model.get('name')) };
      else if (model.string() !== undefined) rec.model = parseAssetRef(model.string()!, model.loc);
      const env = root.get('environment');
      if (env.isMap) {
        const image = env.get('image');
        rec.environment = { raw: '(inline environment)', loc: env.pairLoc, source: 'inline', pinned: undefined };
        if (image.string() !== undefined) rec.image = parseImageRef(image.string()!, image.loc);
      } else if (env.string() !== undefined) rec.environment = parseAssetRef(env.string()!, env.loc);
      const topImage = root.get('image');
      if (!rec.image && topImage.string() !== undefined) rec.image = parseImageRef(topImage.string()!, topImage.loc);
      const countNode = kind === 'batch-deployment' ? root.at('resources', 'instance_count') : root.get('instance_count');
      rec.instanceCount = resolvedNumber(countNode);
      rec.instanceCountLoc = countNode.exists ? countNode.pairLoc : undefined;
      if (kind === 'kubernetes-online-deployment') rec.minInstances = resolvedNumber(root.at('scale_settings', 'min_instances'));
      const ai = root.get('app_insights_enabled');
      if (ai.exists) {
        rec.appInsightsEnabled = ai.boolean();
        rec.appInsightsLoc = ai.pairLoc;
      }
      const dc = root.get('data_collector');
      if (dc.exists) {
        const enabled = (name: string): boolean => {
          const c = dc.at('collections', name);
          if (!c.exists) return false;
          const e = c.get('enabled');
          return !e.exists || e.boolean() !== false;
        };
        rec.dataCollector = { inputs: enabled('model_inputs'), outputs: enabled('model_outputs'), loc: dc.pairLoc };
      }
      rec.egressPublicNetworkAccess = knownString(root.get('egress_public_network_access'));
      rec.maxConcurrentRequests = root.at('request_settings', 'max_concurrent_requests_per_instance').number();
      rec.codePath = knownString(root.at('code_configuration', 'code'));
      rec.scoringScript = knownString(root.at('code_configuration', 'scoring_script'));
      return [rec];
    }
    case 'managed-online-endpoint':
    case 'kubernetes-online-endpoint':
    case 'batch-endpoint': {
      const nameNode = root.get('name');
      const name = knownString(nameNode);
      const rec: EndpointRecord = {
        ...base,
        type: 'endpoint',
        kind: endpointKind(kind),
        name,
        nameLoc: nameNode.exists ? nameNode.loc : root.loc,
        authMode: knownString(root.get('auth_mode')),
        publicNetworkAccess: knownString(root.get('public_network_access')),
        traffic: readTrafficMap(root.get('traffic'), name),
        mirrorTraffic: readTrafficMap(root.get('mirror_traffic'), name),
        defaultDeployment: knownString(root.at('defaults', 'deployment_name')),
      };
      return [rec];
    }
    case 'model': {
      const versionNode = root.get('version');
      const rec: ModelAssetRecord = {
        ...base,
        type: 'model',
        name: knownString(root.get('name')),
        version: versionNode.string(),
        versionLoc: versionNode.exists ? versionNode.loc : undefined,
        path: knownString(root.get('path')),
      };
      return [rec];
    }
    case 'environment': {
      const image = root.get('image');
      const rec: EnvironmentAssetRecord = {
        ...base,
        type: 'environment-asset',
        name: knownString(root.get('name')),
        version: root.get('version').string(),
        image: image.string() !== undefined ? parseImageRef(image.string()!, image.loc) : undefined,
      };
      return [rec];
    }
    case 'registry': {
      const repl = root.get('replication_locations');
      const rec: RegistryRecord = {
        ...base,
        type: 'registry',
        name: knownString(root.get('name')),
        location: knownString(root.get('location')),
        replicationLocations: repl.items().map((i) => knownString(i.get('location')) ?? knownString(i)).filter((s): s is string => !!s),
        replicationLoc: repl.exists ? repl.pairLoc : root.loc,
      };
      return [rec];
    }
    default:
      return [];
  }
}
