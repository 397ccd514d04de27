import { defineRule, type Report } from '../../engine/rule.js';
import { listWords } from '../environments/logical.js';
import { foreignWorkloads, primaryUse, relatedUses, sharingFindings } from './usage.js';

export const endpointSingleWorkload = defineRule({
  id: 'sharing/endpoint-single-workload',
  theme: 'endpoint-sharing',
  description: 'An Azure ML endpoint serves one workload: deployments from two or more workloads never share an endpoint.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI endpoint sharing',
      quote: 'Businesses should only share endpoints within a single workload with consistent needs, as shared usage across differing needs can complicate governance and increase costs.',
    },
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI endpoint sharing',
      quote: 'Sharing an AI endpoint works best when a workload team has multiple applications as part of the same workload.',
    },
  ],
  check({ model, report }) {
    const reports = sharingFindings(model, 'endpoint-single-workload', (s) => {
      const out: Report[] = [];
      if (s.workloads.length < 2) return out;
      for (const w of foreignWorkloads(s)) {
        const use = primaryUse(s, w);
        if (!use) continue;
        const belongs = s.owner && s.owner !== w ? `, which belongs to workload '${s.owner}'` : '';
        const others = s.workloads.filter((o) => o !== w && !(belongs && o === s.owner)).map((o) => `'${o}'`);
        const sharers = others.length ? `, ${belongs ? 'as' : 'and so'} ${others.length > 1 ? 'do workloads' : 'does workload'} ${listWords(others)}` : '';
        out.push({
          loc: use.loc,
          record: use.record,
          key: `${s.name.toLowerCase()}:${w}`,
          related: relatedUses(s, w),
          message: `Workload '${w}' uses endpoint '${s.name}'${belongs}${sharers}. Workloads that share an endpoint share its keys, network rules, capacity and outages, and one team's change reaches the other. Give '${w}' its own endpoint (for example '${s.name}-${w}'); if these are applications of one workload with the same governance and model needs, declare them as one workload in aigate.yaml.`,
        });
      }
      return out;
    });
    for (const r of reports) report(r);
  },
});
