import { defineRule } from '../../engine/rule.js';

/** `East US` and `eastus` name the same region. */
function region(s: string): string {
  return s.replace(/[\s_-]+/g, '').toLowerCase();
}

export const registryReplication = defineRule({
  id: 'resilience/registry-replication',
  theme: 'resilience',
  description: 'Azure ML registries replicate their models to at least one region besides the primary `location`.',
  defaultSeverity: 'info',
  crossFile: false,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI business continuity',
      quote: 'Make sure to implement the necessary redundancy for trained and fine-tuned models to avoid the need for retraining during an outage.',
    },
  ],
  check({ model, report }) {
    for (const r of model.registries) {
      if (!r.location || !r.replicationLocations.length) continue; // unknown (templated) or not given
      const primary = region(r.location);
      if (r.replicationLocations.some((l) => region(l) !== primary)) continue;
      const name = r.name ? `Registry '${r.name}'` : 'This registry';
      report({
        loc: r.replicationLoc,
        record: r,
        message: `${name} replicates only to its primary location ${r.location}: during an outage of that region no deployment can pull its models, and trained models may have to be rebuilt. Add another region under replication_locations (for example the paired region of ${r.location}).`,
      });
    }
  },
});
