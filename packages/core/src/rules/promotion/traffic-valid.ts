import { defineRule, type Report } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { AnyRecord, TrafficSplit } from '../../model/records.js';
import type { WorkspaceModel } from '../../model/workspace.js';
import type { Loc } from '../../yaml/nodes.js';
import { normalizePath } from './prod-after-lower-environment.js';

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

/** Deployment names per endpoint: from deployment files and from workflow steps that create deployments. `undefined`: some name is unknown. */
function knownDeployments(model: WorkspaceModel): Map<string, { names: Map<string, Loc>; unknown: boolean }> {
  const out = new Map<string, { names: Map<string, Loc>; unknown: boolean }>();
  const entry = (ep: string): { names: Map<string, Loc>; unknown: boolean } => {
    const k = ep.toLowerCase();
    let e = out.get(k);
    if (!e) out.set(k, (e = { names: new Map(), unknown: false }));
    return e;
  };
  for (const d of model.deployments) {
    if (!d.endpointName) continue;
    const e = entry(d.endpointName);
    if (d.name) e.names.set(d.name.toLowerCase(), d.nameLoc);
    else e.unknown = true;
  }
  const byFile = new Map(model.deployments.map((d) => [normalizePath(d.file), d] as const));
  for (const { action } of model.jobActions(['deploy'])) {
    if (!/^az ml (online|batch)-deployment /.test(action.via)) continue;
    const fromFile = action.files.map((f) => byFile.get(normalizePath(f))).find((d) => d);
    const ep = action.endpointName ?? fromFile?.endpointName;
    if (!ep || !out.has(ep.toLowerCase())) continue;
    const name = action.deploymentName ?? fromFile?.name;
    if (name) entry(ep).names.set(name.toLowerCase(), action.loc);
    else entry(ep).unknown = true;
  }
  return out;
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
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI models',
      quote: 'Maintain version control for models and ensure a rollback mechanism for underperforming versions.',
    },
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI business continuity',
      quote: 'Ensure that all changes to models, data, and configurations are managed through version control systems such as Git.',
    },
  ],
  check({ model, report }) {
    const sources: SplitSource[] = [];
    for (const e of model.endpoints) {
      const env = model.env(e);
      const what = `endpoint '${e.name ?? '(unnamed)'}'${env ? ` in ${env}` : ''}`;
      if (e.traffic) sources.push({ split: e.traffic, mirror: false, what, endpoint: e.name, record: e, loc: e.traffic.loc, fromCli: false });
      if (e.mirrorTraffic) {
        sources.push({ split: e.mirrorTraffic, mirror: true, what, endpoint: e.name, record: e, loc: e.mirrorTraffic.loc, live: e.traffic, fromCli: false });
        if (e.kind === 'kubernetes-online') report({ loc: e.mirrorTraffic.loc, record: e, key: 'kubernetes', message: `Kubernetes online endpoints do not support mirrored traffic, so the \`mirror_traffic\` of ${what} is not applied. Remove it, or test the new deployment with a small share of live traffic.` });
      }
    }
    for (const { job, action } of model.jobActions(['traffic'])) {
      if (action.via.includes('--all-traffic')) continue; // always 100% to the deployment created
      const env = model.env(job);
      const ep = action.endpointName ?? action.traffic?.endpointName ?? action.mirror?.endpointName;
      const what = `${ep ? `endpoint '${ep}'` : 'the endpoint'} set by job '${job.id}'${env ? ` in ${env}` : ''}`;
      if (action.traffic) sources.push({ split: action.traffic, mirror: false, what, endpoint: ep, record: job, loc: action.loc, fromCli: true });
      if (action.mirror) sources.push({ split: action.mirror, mirror: true, what, endpoint: ep, record: job, loc: action.loc, live: action.traffic, fromCli: true });
    }

    const deployments = knownDeployments(model);
    for (const src of sources) {
      const r = (x: Omit<Report, 'record'>): void => report({ ...x, record: src.record });
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

      // Deployments named in the split must exist for that endpoint.
      const existing = src.endpoint && !isTemplated(src.endpoint) ? deployments.get(src.endpoint.toLowerCase()) : undefined;
      if (!existing || existing.unknown) continue;
      const names = [...existing.names.keys()];
      for (const s of split.shares) {
        if (isTemplated(s.deployment) || existing.names.has(s.deployment.toLowerCase())) continue;
        r({
          loc: s.loc,
          key: `${kind}:missing:${s.deployment}`,
          related: [...existing.names.entries()].slice(0, 5).map(([n, loc]) => ({ loc, message: `deployment '${n}' of endpoint '${src.endpoint}'` })),
          message: `The ${flag} of ${src.what} names deployment '${s.deployment}', but no deployment of that endpoint is defined in the repository (known: ${names.join(', ')}). The update fails, or sends traffic to a deployment nobody reviewed. Fix the name, or add the deployment file.`,
        });
      }
    }
  },
});
