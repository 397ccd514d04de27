import { defineRule, type Report } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { AnyRecord, DeploymentRecord, JobRecord, StepAction, TrafficSplit } from '../../model/records.js';
import { defineIndex, type WorkspaceModel } from '../../model/workspace.js';
import { groupFindings, type IndexReader } from '../helpers.js';
import type { Loc } from '../../yaml/nodes.js';
import { normalizePath } from './prod-after-lower-environment.js';
import { CHANGES_THROUGH_GIT, VERSION_CONTROL_AND_ROLLBACK } from '../guidance.js';

const MAX_MIRROR = 50;

interface SplitSource {
  split: TrafficSplit;
  mirror: boolean;
  /** `the traffic of endpoint 'chat' in prod`, for messages. */
  what: string;
  endpoint?: string;
  record: AnyRecord;
  /** Where the split is written as a whole. */
  loc: Loc;
  /** The live split of the same endpoint or command, to compare with its mirror. */
  live?: TrafficSplit;
  fromCli: boolean;
}

interface Known {
  names: Map<string, Loc>;
  unknown: boolean;
}

/** A deploy command of a workflow that creates or updates a deployment (`az ml online-deployment create ...`). */
interface DeployCommand {
  job: JobRecord;
  action: StepAction;
}

const isDeployCommand = (a: StepAction): boolean => a.kind === 'deploy' && /^az ml (online|batch)-deployment /.test(a.via);

/** Deployments by endpoint name (lower case). */
const DEPLOYMENTS = defineIndex<DeploymentRecord>('traffic-valid: deployments by endpoint', ['deployment'], (_m, r) => (r.type === 'deployment' && r.endpointName ? [[r.endpointName.toLowerCase(), r]] : []));
/** Deployments by the file they are written in. */
const DEPLOYMENT_FILES = defineIndex<DeploymentRecord>('traffic-valid: deployments by file', ['deployment'], (_m, r) => (r.type === 'deployment' ? [[normalizePath(r.file), r]] : []));
/** Deploy commands by the endpoint they name. */
const COMMANDS_BY_ENDPOINT = defineIndex<DeployCommand>('traffic-valid: deploy commands by endpoint', ['job'], (_m, r) =>
  r.type === 'job' ? r.actions.filter((a) => isDeployCommand(a) && a.endpointName).map((action) => [action.endpointName!.toLowerCase(), { job: r, action }] as const) : [],
);
/** Deploy commands by the files they pass. */
const COMMANDS_BY_FILE = defineIndex<DeployCommand>('traffic-valid: deploy commands by file', ['job'], (_m, r) =>
  r.type === 'job' ? r.actions.filter(isDeployCommand).flatMap((action) => action.files.map((f) => [normalizePath(f), { job: r, action }] as const)) : [],
);

/**
 * The deployment names of one endpoint (lower case): from deployment files and from workflow steps that create
 * deployments; `unknown` when some name is not known. Undefined when no deployment file names the endpoint.
 */
function knownDeployments(model: WorkspaceModel, read: IndexReader, endpoint: string): Known | undefined {
  const deployments = read(DEPLOYMENTS, endpoint);
  if (!deployments.length) return undefined;
  const explicit = read(COMMANDS_BY_ENDPOINT, endpoint);
  const known: Known = { names: new Map(), unknown: false };
  for (const d of deployments) {
    if (d.name) known.names.set(d.name.toLowerCase(), d.nameLoc);
    else known.unknown = true;
  }
  // Commands that may create a deployment of this endpoint: the ones naming it, and the ones given a file of one of its deployments.
  const candidates = new Set<DeployCommand>(explicit);
  for (const file of new Set(deployments.map((d) => normalizePath(d.file)))) for (const c of read(COMMANDS_BY_FILE, file)) candidates.add(c);
  const order = (c: DeployCommand): number => model.memory.position(c.job.file);
  const sorted = [...candidates].sort((a, b) => order(a) - order(b) || a.action.loc.span.start - b.action.loc.span.start);
  for (const { action } of sorted) {
    let fromFile: DeploymentRecord | undefined;
    for (const f of action.files) {
      const inFile = read(DEPLOYMENT_FILES, normalizePath(f));
      fromFile = inFile[inFile.length - 1];
      if (fromFile) break;
    }
    const ep = action.endpointName ?? fromFile?.endpointName;
    if (!ep || ep.toLowerCase() !== endpoint) continue;
    const name = action.deploymentName ?? fromFile?.name;
    if (name) known.names.set(name.toLowerCase(), action.loc);
    else known.unknown = true;
  }
  return known;
}

function list(shares: TrafficSplit['shares']): string {
  return shares.map((s) => `${s.deployment}=${s.percent ?? '?'}`).join(', ');
}

export const trafficValid = defineRule({
  id: 'promotion/traffic-valid',
  theme: 'model-promotion',
  description: 'Traffic splits of online endpoints are valid: whole percents adding up to 100 (or 0), one mirrored deployment at 50% at most, and only deployments that exist.',
  defaultSeverity: 'error',
  crossFile: true,
  fixable: false,
  guidance: [
    VERSION_CONTROL_AND_ROLLBACK,
    CHANGES_THROUGH_GIT,
  ],
  check({ model, report }) {
    for (const r of groupFindings(model, 'traffic-valid/own', ON_THEIR_OWN, '', (_file, found) => [...found])) report(r);
    // Deployments named in a split must exist for that endpoint.
    const missing = groupFindings(model, 'traffic-valid/missing', SOURCES, '', (endpoint, sources, read) => {
      const out: Report[] = [];
      const known = knownDeployments(model, read, endpoint);
      if (!known || known.unknown) return out;
      const names = [...known.names.keys()];
      for (const src of sources) {
        const { split } = src;
        const kind = src.mirror ? 'mirrored traffic' : 'traffic';
        const flag = src.mirror ? (src.fromCli ? '--mirror-traffic' : 'mirror_traffic') : src.fromCli ? '--traffic' : 'traffic';
        for (const s of split.shares) {
          if (isTemplated(s.deployment) || known.names.has(s.deployment.toLowerCase())) continue;
          out.push({
            loc: s.loc,
            record: src.record,
            key: `${kind}:missing:${s.deployment}`,
            related: [...known.names.entries()].slice(0, 5).map(([n, loc]) => ({ loc, message: `deployment '${n}' of endpoint '${src.endpoint}'` })),
            message: `The ${flag} of ${src.what} names deployment '${s.deployment}', but no deployment of that endpoint is defined in the repository (known: ${names.join(', ')}). The update fails, or sends traffic to a deployment nobody reviewed. Fix the name, or add the deployment file.`,
          });
        }
      }
      return out;
    });
    for (const r of missing) report(r);
  },
});

/** The traffic splits a record writes: an endpoint's `traffic` and `mirror_traffic`, a workflow's traffic commands. */
function sourcesOf(model: WorkspaceModel, r: AnyRecord): SplitSource[] {
  const sources: SplitSource[] = [];
  if (r.type === 'endpoint') {
    if (!r.traffic && !r.mirrorTraffic) return sources;
    const env = model.env(r);
    const what = `endpoint '${r.name ?? '(unnamed)'}'${env ? ` in ${env}` : ''}`;
    if (r.traffic) sources.push({ split: r.traffic, mirror: false, what, endpoint: r.name, record: r, loc: r.traffic.loc, fromCli: false });
    if (r.mirrorTraffic) sources.push({ split: r.mirrorTraffic, mirror: true, what, endpoint: r.name, record: r, loc: r.mirrorTraffic.loc, live: r.traffic, fromCli: false });
  } else if (r.type === 'job') {
    for (const action of r.actions) {
      if (action.kind !== 'traffic') continue;
      if (action.via.includes('--all-traffic')) continue; // always 100% to the deployment created
      const env = model.env(r);
      const ep = action.endpointName ?? action.traffic?.endpointName ?? action.mirror?.endpointName;
      const what = `${ep ? `endpoint '${ep}'` : 'the endpoint'} set by job '${r.id}'${env ? ` in ${env}` : ''}`;
      if (action.traffic) sources.push({ split: action.traffic, mirror: false, what, endpoint: ep, record: r, loc: action.loc, fromCli: true });
      if (action.mirror) sources.push({ split: action.mirror, mirror: true, what, endpoint: ep, record: r, loc: action.loc, live: action.traffic, fromCli: true });
    }
  }
  return sources;
}

/** Splits by the endpoint they send traffic to (lower case), when it is known. */
const SOURCES = defineIndex<SplitSource>('traffic-valid: splits by endpoint', ['endpoint', 'job'], (model, r) =>
  sourcesOf(model, r)
    .filter((src) => src.endpoint && !isTemplated(src.endpoint))
    .map((src) => [src.endpoint!.toLowerCase(), src] as const),
);

/** What a split shows by itself: shares, sums, mirroring; Kubernetes endpoints that cannot mirror. */
const ON_THEIR_OWN = defineIndex<Report>('traffic-valid: findings of one record', ['endpoint', 'job'], (model, r) => {
  const out: Report[] = [];
  if (r.type === 'endpoint' && r.mirrorTraffic && r.kind === 'kubernetes-online') {
    const env = model.env(r);
    const what = `endpoint '${r.name ?? '(unnamed)'}'${env ? ` in ${env}` : ''}`;
    out.push({ loc: r.mirrorTraffic.loc, record: r, key: 'kubernetes', message: `Kubernetes online endpoints do not support mirrored traffic, so the \`mirror_traffic\` of ${what} is not applied. Remove it, or test the new deployment with a small share of live traffic.` });
  }
  for (const src of sourcesOf(model, r)) checkSplit(src, out);
  return out.map((x) => [r.file, x] as const);
});

/** The checks of one split that need nothing but the split. */
function checkSplit(src: SplitSource, out: Report[]): void {
  const r = (x: Omit<Report, 'record'>): void => {
    out.push({ ...x, record: src.record });
  };
  const { split } = src;
  const kind = src.mirror ? 'mirrored traffic' : 'traffic';
  const flag = src.mirror ? (src.fromCli ? '--mirror-traffic' : 'mirror_traffic') : src.fromCli ? '--traffic' : 'traffic';

  // Parts that are not `name=percent` (command lines only; YAML maps are parsed as such).
  if (src.fromCli && split.raw !== undefined && !isTemplated(split.raw)) {
    const bad = split.raw.split(/[\s,]+/).filter((part) => part && !/^[^=]+=\d+$/.test(part));
    if (bad.length) {
      r({ loc: src.loc, key: `${kind}:parts`, message: `${bad.map((b) => `'${b}'`).join(', ')} in the ${flag} of ${src.what} ${bad.length > 1 ? 'are' : 'is'} not a deployment name with a whole percent (\`blue=90\`), so the command fails. Write each share as <deployment>=<percent>, separated by spaces.` });
    }
  }
  for (const s of split.shares) {
    if (s.percent === undefined) continue;
    if (!Number.isInteger(s.percent) || s.percent < 0 || s.percent > 100) {
      r({ loc: s.loc, key: `${kind}:range:${s.deployment}`, message: `Deployment '${s.deployment}' gets ${s.percent}% of the ${kind} of ${src.what}; a share is a whole percent from 0 to 100. Fix the value.` });
    }
  }

  const known = split.shares.filter((s) => s.percent !== undefined);
  const sum = known.reduce((n, s) => n + s.percent!, 0);
  const allKnown = known.length === split.shares.length;
  if (!src.mirror && split.shares.length) {
    if ((allKnown && sum !== 0 && sum !== 100) || (!allKnown && sum > 100)) {
      r({ loc: src.loc, key: `${kind}:sum`, message: `The ${kind} of ${src.what} adds up to ${allKnown ? '' : 'at least '}${sum}% (${list(split.shares)}); Azure ML accepts a total of 100, or 0 to stop traffic. Change the shares so they add up to 100.` });
    }
  }
  if (src.mirror) {
    if (split.shares.length > 1) {
      r({ loc: src.loc, key: `${kind}:count`, message: `The ${flag} of ${src.what} mirrors to ${split.shares.length} deployments (${list(split.shares)}); Azure ML mirrors to one deployment only. Keep the one being tested.` });
    }
    for (const s of split.shares) {
      if (s.percent !== undefined && s.percent > MAX_MIRROR && s.percent <= 100) {
        r({ loc: s.loc, key: `${kind}:max:${s.deployment}`, message: `${s.percent}% of the traffic of ${src.what} is mirrored to '${s.deployment}'; Azure ML mirrors at most ${MAX_MIRROR}%. Lower it (10% is a usual start).` });
      }
      const liveShare = src.live?.shares.find((l) => l.deployment.toLowerCase() === s.deployment.toLowerCase());
      if (liveShare?.percent && liveShare.percent > 0 && s.percent !== 0) {
        r({ loc: s.loc, key: `${kind}:both:${s.deployment}`, message: `Deployment '${s.deployment}' of ${src.what} gets both live traffic (${liveShare.percent}%) and mirrored traffic; Azure ML lets a deployment receive one or the other. Mirror to a deployment at 0% live traffic.` });
      }
    }
  }
}
