import { defineRule, type Report } from '../../engine/rule.js';
import type { WorkloadPolicy } from '../../policy/types.js';
import type { Loc } from '../../yaml/nodes.js';
import { foreignWorkloads, primaryUse, relatedUses, sharingFindings, workloadKeyLoc, workloadPolicy } from './usage.js';

/** How two workloads' declared needs differ; empty when they agree or either is undeclared. */
function differences(a: WorkloadPolicy, b: WorkloadPolicy): Array<{ key: 'content_filter' | 'models'; text: string }> {
  const out: Array<{ key: 'content_filter' | 'models'; text: string }> = [];
  if (a.contentFilter && b.contentFilter && a.contentFilter.toLowerCase() !== b.contentFilter.toLowerCase()) {
    out.push({ key: 'content_filter', text: `content_filter '${a.contentFilter}' for '${a.name}', '${b.contentFilter}' for '${b.name}'` });
  }
  const ma = [...new Set(a.models.map((m) => m.toLowerCase()))].sort();
  const mb = [...new Set(b.models.map((m) => m.toLowerCase()))].sort();
  if (ma.length && mb.length && ma.join('\n') !== mb.join('\n')) {
    out.push({ key: 'models', text: `models [${a.models.join(', ')}] for '${a.name}', [${b.models.join(', ')}] for '${b.name}'` });
  }
  return out;
}

export const sharedEndpointGovernance = defineRule({
  id: 'sharing/shared-endpoint-governance',
  theme: 'endpoint-sharing',
  description: 'Workloads that declare different content filters or model needs in aigate.yaml never share an endpoint.',
  defaultSeverity: 'error',
  crossFile: true,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI endpoint sharing',
      quote: 'Workloads that require different content filter settings, such as governance on input and output, shouldn\'t share an endpoint.',
    },
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI endpoint sharing',
      quote: 'These applications must share the same governance needs and AI model needs.',
    },
  ],
  check({ model, report }) {
    const reports = sharingFindings(model, 'shared-endpoint-governance', (s) => {
      const out: Report[] = [];
      if (s.workloads.length < 2) return out;
      const ownerPolicy = s.owner && s.workloads.includes(s.owner) ? workloadPolicy(model, s.owner) : undefined;
      for (const w of foreignWorkloads(s)) {
        const mine = workloadPolicy(model, w);
        if (!mine) continue;
        // Compare with the owner when there is one, else with every other workload on the endpoint.
        const against = ownerPolicy ? [ownerPolicy] : s.workloads.filter((o) => o !== w).map((o) => workloadPolicy(model, o)).filter((p): p is WorkloadPolicy => !!p);
        const diffs = against.map((other) => ({ other, diffs: differences(mine, other) })).filter((x) => x.diffs.length);
        if (!diffs.length) continue;
        const use = primaryUse(s, w);
        if (!use) continue;
        const related: Array<{ loc: Loc; message: string }> = [];
        for (const { other, diffs: ds } of diffs) {
          for (const d of ds) {
            const mineLoc = workloadKeyLoc(model, mine, d.key);
            const otherLoc = workloadKeyLoc(model, other, d.key);
            if (mineLoc && !related.some((r) => r.loc === mineLoc)) related.push({ loc: mineLoc, message: `workload '${w}' declares its ${d.key} here` });
            if (otherLoc) related.push({ loc: otherLoc, message: `workload '${other.name}' declares its ${d.key} here` });
          }
        }
        related.push(...relatedUses(s, w));
        const others = diffs.map(({ other }) => `'${other.name}'`).join(', ');
        const what = diffs.flatMap(({ diffs: ds }) => ds.map((d) => d.text)).join('; ');
        out.push({
          loc: use.loc,
          record: use.record,
          key: `${s.name.toLowerCase()}:${w}`,
          related,
          message: `Workload '${w}' deploys into endpoint '${s.name}', which it shares with ${others}, and aigate.yaml declares different needs for them: ${what}. What an endpoint enforces and serves applies to every workload on it, so one workload would run under the other's content filtering or models. Give '${w}' its own endpoint (for example '${s.name}-${w}').`,
        });
      }
      return out;
    });
    for (const r of reports) report(r);
  },
});
