import { defineRule } from '../../engine/rule.js';
import type { Resolved } from '../../model/records.js';
import { deploymentLabel, inEnv } from '../helpers.js';

/** Azure ML recommends at least this many instances for a highly available online deployment. */
export const MIN_HA_INSTANCES = 3;

export const haInstanceCount = defineRule({
  id: 'resilience/ha-instance-count',
  theme: 'resilience',
  description: 'Online deployments in prod run at least 3 instances (`instance_count`, or `scale_settings.min_instances` on Kubernetes), as Azure ML recommends for high availability.',
  defaultSeverity: 'warning',
  crossFile: false,
  fixable: true,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI business continuity',
      quote: 'These strategies minimize downtime and ensure that critical AI applications remain operational during regional outages or infrastructure failures.',
    },
  ],
  check({ model, report }) {
    for (const d of model.deployments) {
      if (d.kind === 'batch' || model.tier(d) !== 'prod') continue;
      // Kubernetes: the autoscaler minimum when set, else the fixed count.
      const useMin = d.kind === 'kubernetes-online' && d.minInstances !== undefined;
      const count: Resolved<number> | undefined = useMin ? d.minInstances : d.instanceCount;
      if (!count?.known || count.value >= MIN_HA_INSTANCES) continue;
      const key = useMin ? 'scale_settings.min_instances' : 'instance_count';
      const where = `${deploymentLabel(d)} ${inEnv(model, d)}`;
      report({
        loc: count.loc,
        record: d,
        message: `${where[0]!.toUpperCase()}${where.slice(1)} can run on ${count.value} instance${count.value === 1 ? '' : 's'} (${key}: ${count.value}): an update or a node failure leaves it with no spare capacity or takes it down. Set ${key} to at least ${MIN_HA_INSTANCES}, as Azure ML recommends for high availability.`,
        fixes: [{ title: `Set ${key} to ${MIN_HA_INSTANCES}`, edits: [{ file: count.loc.file, span: count.loc.span, newText: String(MIN_HA_INSTANCES) }] }],
      });
    }
  },
});
