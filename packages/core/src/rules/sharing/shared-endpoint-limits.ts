import { defineRule, type Report } from '../../engine/rule.js';
import type { DeploymentRecord } from '../../model/records.js';
import { deploymentLabel } from '../helpers.js';
import { listWords, recordField } from '../environments/logical.js';
import { sharingFindings } from './usage.js';

/** Tags that name the application a deployment serves, within a workload. */
const APP_TAGS = ['app', 'application', 'app_name', 'application_name'];

function appOf(d: DeploymentRecord): string | undefined {
  for (const k of APP_TAGS) if (d.tags[k]) return d.tags[k];
  return undefined;
}

export const sharedEndpointLimits = defineRule({
  id: 'sharing/shared-endpoint-limits',
  theme: 'endpoint-sharing',
  description: 'Deployments of an online endpoint shared by several workloads or applications cap their concurrency with `request_settings.max_concurrent_requests_per_instance`.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI endpoint sharing',
      quote: 'Sharing endpoints can cause you to hit rate limits and quota limitations.',
    },
  ],
  check({ model, report }) {
    const reports = sharingFindings(model, 'shared-endpoint-limits', (s) => {
      const out: Report[] = [];
      if (s.workloads.length < 2 && s.deploys.length < 2) return out;
      const deployments = s.deploys.filter((u) => u.kind === 'deployment').map((u) => u.record as DeploymentRecord);
      const apps = [...new Set(deployments.map(appOf).filter((a): a is string => !!a))];
      let sharedBy: string;
      if (s.workloads.length >= 2) sharedBy = `workloads ${listWords(s.workloads.map((w) => `'${w}'`))}`;
      else if (apps.length >= 2) sharedBy = `applications ${listWords(apps.map((a) => `'${a}'`))}`;
      else return out;
      for (const d of deployments) {
        if (d.kind === 'batch') continue;
        if (recordField(model, d, 'request_settings', 'max_concurrent_requests_per_instance').state !== 'absent') continue;
        const rs = recordField(model, d, 'request_settings');
        out.push({
          loc: rs.state !== 'absent' ? rs.pairLoc : d.nameLoc,
          record: d,
          related: s.declarations.map((e) => ({ loc: e.loc, message: `endpoint '${s.name}' is declared here` })),
          message: `Endpoint '${s.name}' is shared by ${sharedBy}, and ${deploymentLabel(d)} does not set request_settings.max_concurrent_requests_per_instance. Without a per-instance cap, one consumer's burst queues or throttles the others and all of them hit the same quota. Set max_concurrent_requests_per_instance (and request_timeout_ms) to what one instance of this model can serve, and size instance_count for the combined load.`,
        });
      }
      return out;
    });
    for (const r of reports) report(r);
  },
});
