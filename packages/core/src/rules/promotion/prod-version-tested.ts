import { defineRule, type Report } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { AssetRef, DeploymentRecord } from '../../model/records.js';
import { defineIndex, type WorkspaceModel } from '../../model/workspace.js';
import { groupFindings, type IndexReader } from '../helpers.js';
import { tierOfName } from '../../policy/tiers.js';
import { QUALITY_GATES, SAME_MODEL_ACROSS_ENVIRONMENTS } from '../guidance.js';

/** A model reference with a fixed, known name and version. */
function comparable(ref: AssetRef | undefined): ref is AssetRef & { name: string; version: string } {
  return !!ref && ref.pinned === true && !!ref.name && !!ref.version && !isTemplated(ref.raw);
}

/** `chat-prod` and `chat-stg-eus` as `chat` and `chat-eus`: a name with its environment words removed. */
function stem(model: WorkspaceModel, name: string): string {
  return model.derivedByName('prod-version-tested/stem', name, (n) =>
    n
      .toLowerCase()
      .split(/[-_.]+/)
      .filter((t) => t && !tierOfName(t) && !model.envs.byName(t))
      .join('-'),
  );
}

function isBatch(d: DeploymentRecord): boolean {
  return d.kind === 'batch';
}

/** Deployments of an environment by their endpoint's name without environment words. */
const BY_ENDPOINT_STEM = defineIndex<DeploymentRecord>('prod-version-tested: deployments by endpoint stem', ['deployment'], (model, r) =>
  r.type === 'deployment' && r.endpointName && model.env(r) ? [[stem(model, r.endpointName), r]] : [],
);
/** Deployments of an environment by their name without environment words. */
const BY_NAME_STEM = defineIndex<DeploymentRecord>('prod-version-tested: deployments by name stem', ['deployment'], (model, r) => (r.type === 'deployment' && r.name && model.env(r) ? [[stem(model, r.name), r]] : []));
/** Prod deployments of a pinned model, by endpoint stem (or name stem when the endpoint is not named). */
const PROD = defineIndex<DeploymentRecord>('prod-version-tested: prod deployments', ['deployment'], (model, r) => {
  if (r.type !== 'deployment' || model.tier(r) !== 'prod' || !comparable(r.model) || !model.env(r)) return [];
  if (r.endpointName) return [[`endpoint:${stem(model, r.endpointName)}`, r]];
  return r.name ? [[`name:${stem(model, r.name)}`, r]] : [['none', r]];
});

/** The deployments of the lower environment that are the same logical deployment as `d`. */
function counterparts(model: WorkspaceModel, read: IndexReader, d: DeploymentRecord, lowerEnv: string): DeploymentRecord[] {
  const workload = model.workload(d);
  const fits = (c: DeploymentRecord): boolean => {
    if (c === d || isBatch(c) !== isBatch(d) || model.env(c) !== lowerEnv) return false;
    const w = model.workload(c);
    return !workload || !w || w === workload;
  };
  if (d.endpointName) {
    const byEndpoint = read(BY_ENDPOINT_STEM, stem(model, d.endpointName)).filter(fits);
    if (byEndpoint.length) return byEndpoint;
  }
  // Without a matching endpoint, the same deployment name (environment words removed) where an endpoint name is unknown.
  if (!d.name) return [];
  return read(BY_NAME_STEM, stem(model, d.name)).filter((c) => fits(c) && (!c.endpointName || !d.endpointName));
}

function refText(ref: AssetRef & { name: string; version: string }): string {
  return `${ref.name}:${ref.version}`;
}

export const prodVersionTested = defineRule({
  id: 'promotion/prod-version-tested',
  theme: 'model-promotion',
  description: 'Prod runs the model version that the environment before it runs: same model name and version for the same logical deployment.',
  defaultSeverity: 'error',
  crossFile: true,
  fixable: false,
  guidance: [
    QUALITY_GATES,
    SAME_MODEL_ACROSS_ENVIRONMENTS,
  ],
  check({ model, report }) {
    const context = model.chain.join('\n');
    const reports = groupFindings(model, 'prod-version-tested', PROD, context, (_key, group, read) => {
      const out: Report[] = [];
      for (const d of group) {
        const env = model.env(d)!;
        const lowerEnv = model.previousEnv(env);
        if (!lowerEnv) continue;
        const cands = counterparts(model, read, d, lowerEnv);
        // Unknown (templated, floating) versions below make the comparison impossible: say nothing.
        if (!cands.length || cands.some((c) => !comparable(c.model))) continue;
        const ref = d.model as AssetRef & { name: string; version: string };
        const tested = (r: AssetRef | undefined): boolean => comparable(r) && cands.some((c) => c.model!.name!.toLowerCase() === r.name.toLowerCase() && c.model!.version === r.version);
        if (tested(ref)) continue;
        // Another deployment of the same prod endpoint runs a newer version of the model: this one is the previous
        // deployment, kept to fall back to during the rollout. Only the newest version is compared.
        const sameEndpoint = d.endpointName ? read(BY_ENDPOINT_STEM, stem(model, d.endpointName)).filter((s) => model.env(s) === env && s.endpointName!.toLowerCase() === d.endpointName!.toLowerCase()) : [];
        const newer = sameEndpoint.some(
          (s) => s !== d && comparable(s.model) && s.model.name.toLowerCase() === ref.name.toLowerCase() && s.model.version.localeCompare(ref.version, undefined, { numeric: true }) > 0,
        );
        if (newer) continue;
        const lowerRefs = cands.map((c) => c.model as AssetRef & { name: string; version: string });
        const testedText = [...new Set(lowerRefs.map(refText))];
        const sameName = lowerRefs.find((c) => c.name.toLowerCase() === ref.name.toLowerCase());
        const bothLocal = ref.source === 'workspace' && lowerRefs.every((c) => c.source === 'workspace');
        const label = `deployment '${d.name ?? '(unnamed)'}'${d.endpointName ? ` of endpoint '${d.endpointName}'` : ''}`;
        const fix = sameName
          ? `Deploy ${refText(ref)} to ${lowerEnv} and evaluate it there first, or set ${env} back to ${refText(sameName)}.`
          : `Promote the model that ${lowerEnv} runs, or deploy ${refText(ref)} to ${lowerEnv} and evaluate it there first.`;
        const local = bothLocal
          ? ` Both are workspace references (azureml:name:version), and each workspace numbers its own versions, so equal numbers do not prove the same model: share the model to a registry and reference azureml://registries/<registry>/models/${ref.name}/versions/<version> in both environments to make this comparison exact.`
          : '';
        out.push({
          loc: ref.loc,
          record: d,
          related: cands.map((c) => ({ loc: c.model!.loc, message: `${lowerEnv} runs ${refText(c.model as AssetRef & { name: string; version: string })} here` })),
          message: `The ${env} ${label} runs model ${refText(ref)}, but ${lowerEnv}, the environment before ${env}, runs ${testedText.join(' and ')}, so the version reaching ${env} was not tested in ${lowerEnv}. ${fix}${local}`,
        });
      }
      return out;
    });
    for (const r of reports) report(r);
  },
});
