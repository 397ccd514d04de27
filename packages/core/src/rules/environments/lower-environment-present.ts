import { defineRule, type Report } from '../../engine/rule.js';
import { defineIndex } from '../../model/workspace.js';
import type { DeploymentRecord, EndpointRecord } from '../../model/records.js';
import { TIER_RANK } from '../../policy/tiers.js';
import { deploymentLabel, groupFindings } from '../helpers.js';
import { ENDPOINT_USES, endpointStem, listWords, type EndpointUse } from './logical.js';
import { PRODUCTION_AFTER_APPROVALS, QUALITY_GATES } from '../guidance.js';

export const lowerEnvironmentPresent = defineRule({
  id: 'environments/lower-environment-present',
  theme: 'environment-separation',
  description: 'Every prod endpoint and deployment has a variant in a lower environment (dev, test or staging) where changes are tried first.',
  defaultSeverity: 'info',
  crossFile: true,
  fixable: false,
  guidance: [
    QUALITY_GATES,
    PRODUCTION_AFTER_APPROVALS,
  ],
  check({ model, report }) {
    const prodRank = TIER_RANK.prod;
    const tierRank = (env: string | undefined): number | undefined => {
      const t = env ? model.tierOfEnv(env) : undefined;
      return t && t !== 'sandbox' ? TIER_RANK[t] : undefined;
    };
    const lowerEnvs = model.chain.filter((e) => (tierRank(e) ?? prodRank) < prodRank);
    const checked = lowerEnvs.length ? `looked in ${listWords(lowerEnvs)}` : 'no dev, test or staging configuration was found in this repository';

    const reports = groupFindings(model, 'lower-environment-present', BY_STEM, checked, (stem, items) => {
      const out: Report[] = [];
      const lowerUses = items.filter((i): i is { lower: EndpointUse } => 'lower' in i).map((i) => i.lower);
      const hasLowerVariant = (workload: string | undefined): boolean => lowerUses.some((u) => !workload || !u.workload || u.workload === workload);
      const prodEndpoints = items.filter((i): i is { prod: EndpointRecord } => 'prod' in i && i.prod.type === 'endpoint').map((i) => i.prod);
      const prodDeployments = items.filter((i): i is { prod: DeploymentRecord } => 'prod' in i && i.prod.type === 'deployment').map((i) => i.prod);
      const prodEndpointEnvs = new Set(prodEndpoints.map((e) => model.env(e)));
      for (const e of prodEndpoints) {
        if (hasLowerVariant(model.workload(e))) continue;
        const env = model.env(e)!;
        const deps = prodDeployments.filter((d) => model.env(d) === env);
        out.push({
          loc: e.nameLoc,
          record: e,
          related: deps.map((d) => ({ loc: d.endpointLoc ?? d.nameLoc, message: `${deploymentLabel(d)} is deployed into it here` })),
          message: `Endpoint '${e.name}' exists only in ${env}: no lower environment has an endpoint '${stem}' or deploys into one (${checked}). Changes to it reach users untried. Add a test or dev variant (for example '${stem}-test' with the same settings) and promote through it.`,
        });
      }
      for (const d of prodDeployments) {
        const env = model.env(d)!;
        // The endpoint's own finding covers its deployments.
        if (prodEndpointEnvs.has(env)) continue;
        if (hasLowerVariant(model.workload(d))) continue;
        out.push({
          loc: d.endpointLoc ?? d.nameLoc,
          record: d,
          message: `${deploymentLabel(d)[0]!.toUpperCase()}${deploymentLabel(d).slice(1)} exists only in ${env}: no lower environment deploys into an endpoint '${stem}' (${checked}). Changes to it reach users untried. Add a test or dev variant of this deployment and promote through it.`,
        });
      }
      return out;
    });
    for (const r of reports) report(r);
  },
});

type StemItem = { lower: EndpointUse } | { prod: EndpointRecord | DeploymentRecord };

/** By endpoint stem: the uses of an endpoint below prod, and prod's endpoints and deployments. */
const BY_STEM = defineIndex<StemItem>('endpoints by stem, below and in prod', ['endpoint', 'deployment', 'job'], (model, r) => {
  const out: Array<[string, StemItem]> = [];
  const prodRank = TIER_RANK.prod;
  const tierRank = (env: string | undefined): number | undefined => {
    const t = env ? model.tierOfEnv(env) : undefined;
    return t && t !== 'sandbox' ? TIER_RANK[t] : undefined;
  };
  for (const [, u] of ENDPOINT_USES.entries(model, r)) if ((tierRank(u.env) ?? prodRank) < prodRank) out.push([endpointStem(model, u.name), { lower: u }]);
  if (r.type === 'endpoint' && r.name && model.tier(r) === 'prod') out.push([endpointStem(model, r.name), { prod: r }]);
  if (r.type === 'deployment' && r.endpointName && model.tier(r) === 'prod') out.push([endpointStem(model, r.endpointName), { prod: r }]);
  return out;
});
