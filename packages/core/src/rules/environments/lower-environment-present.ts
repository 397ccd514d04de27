import { defineRule } from '../../engine/rule.js';
import type { DeploymentRecord, EndpointRecord } from '../../model/records.js';
import { TIER_RANK } from '../../policy/tiers.js';
import { deploymentLabel } from '../helpers.js';
import { endpointStem, endpointUses, listWords, type EndpointUse } from './logical.js';

export const lowerEnvironmentPresent = defineRule({
  id: 'environments/lower-environment-present',
  theme: 'environment-separation',
  description: 'Every prod endpoint and deployment has a variant in a lower environment (dev, test or staging) where changes are tried first.',
  defaultSeverity: 'info',
  crossFile: true,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI models',
      quote: 'Use quality gates to promote trained, fine-tuned, and retrained models to higher environments based on performance criteria.',
    },
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI operations',
      quote: 'Finally, incorporate production deployment steps, such as promoting releases to test and production environments following manual approvals.',
    },
  ],
  check({ model, report }) {
    const tierRank = (env: string | undefined): number | undefined => {
      const t = env ? model.tierOfEnv(env) : undefined;
      return t && t !== 'sandbox' ? TIER_RANK[t] : undefined;
    };
    const prodRank = TIER_RANK.prod;
    const lowerEnvs = model.chain.filter((e) => (tierRank(e) ?? prodRank) < prodRank);
    const lowerUses: EndpointUse[] = endpointUses(model).filter((u) => (tierRank(u.env) ?? prodRank) < prodRank);
    const lowerByStem = new Map<string, EndpointUse[]>();
    for (const u of lowerUses) {
      const k = endpointStem(model, u.name);
      const l = lowerByStem.get(k);
      if (l) l.push(u);
      else lowerByStem.set(k, [u]);
    }
    const hasLowerVariant = (stem: string, workload: string | undefined): boolean =>
      (lowerByStem.get(stem) ?? []).some((u) => !workload || !u.workload || u.workload === workload);
    const checked = lowerEnvs.length ? `looked in ${listWords(lowerEnvs)}` : 'no dev, test or staging configuration was found in this repository';

    const prodEndpoints = model.endpoints.filter((e) => e.name && model.tier(e) === 'prod');
    const prodDeployments = model.deployments.filter((d) => d.endpointName && model.tier(d) === 'prod');
    const stemOf = (r: EndpointRecord | DeploymentRecord): string => endpointStem(model, r.type === 'endpoint' ? r.name! : r.endpointName!);

    const prodEndpointKeys = new Set(prodEndpoints.map((e) => `${model.env(e)}\u0000${stemOf(e)}`));
    const prodDeploymentsByKey = new Map<string, DeploymentRecord[]>();
    for (const d of prodDeployments) {
      const k = `${model.env(d)}\u0000${stemOf(d)}`;
      const l = prodDeploymentsByKey.get(k);
      if (l) l.push(d);
      else prodDeploymentsByKey.set(k, [d]);
    }
    for (const e of prodEndpoints) {
      const stem = stemOf(e);
      if (hasLowerVariant(stem, model.workload(e))) continue;
      const env = model.env(e)!;
      const deps = prodDeploymentsByKey.get(`${env}\u0000${stem}`) ?? [];
      report({
        loc: e.nameLoc,
        record: e,
        related: deps.map((d) => ({ loc: d.endpointLoc ?? d.nameLoc, message: `${deploymentLabel(d)} is deployed into it here` })),
        message: `Endpoint '${e.name}' exists only in ${env}: no lower environment has an endpoint '${stem}' or deploys into one (${checked}). Changes to it reach users untried. Add a test or dev variant (for example '${stem}-test' with the same settings) and promote through it.`,
      });
    }
    for (const d of prodDeployments) {
      const stem = stemOf(d);
      const env = model.env(d)!;
      // The endpoint's own finding covers its deployments.
      if (prodEndpointKeys.has(`${env}\u0000${stem}`)) continue;
      if (hasLowerVariant(stem, model.workload(d))) continue;
      report({
        loc: d.endpointLoc ?? d.nameLoc,
        record: d,
        message: `${deploymentLabel(d)[0]!.toUpperCase()}${deploymentLabel(d).slice(1)} exists only in ${env}: no lower environment deploys into an endpoint '${stem}' (${checked}). Changes to it reach users untried. Add a test or dev variant of this deployment and promote through it.`,
      });
    }
  },
});
