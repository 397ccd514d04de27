import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'sharing/shared-endpoint-limits';
const endpoint = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const deployment = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const policy = 'version: 1\nworkloads:\n  - name: support\n    files: ["support/**"]\n  - name: sales\n    files: ["sales/**"]\n';

const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);

describe(RULE, () => {
  it('fires on each deployment of an endpoint shared by two workloads that sets no concurrency cap', () => {
    const files = {
      'aigate.yaml': policy,
      'support/endpoint.yml': `${endpoint}name: chat\n`,
      'support/blue.yml': `${deployment}name: blue  # want: ${RULE}\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
      'sales/green.yml': `${deployment}name: green\nendpoint_name: chat\nmodel: azureml:quotes:1\nrequest_settings:  # want: ${RULE}\n  request_timeout_ms: 10000\n`,
      'sales/red.yml': `${deployment}name: red\nendpoint_name: chat\nmodel: azureml:quotes:1\nrequest_settings:\n  max_concurrent_requests_per_instance: 4\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const f = findings(files)[0]!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain("Endpoint 'chat' is shared by workloads 'support' and 'sales'");
    expect(f.related.map((r) => r.file)).toEqual(['support/endpoint.yml']);
  });

  it('fires when deployments of one workload serve different applications (app tags)', () => {
    const files = {
      'deploy/a.yml': `${deployment}name: a  # want: ${RULE}\nendpoint_name: chat\nmodel: azureml:chat:1\ntags:\n  app: web\n`,
      'deploy/b.yml': `${deployment}name: b  # want: ${RULE}\nendpoint_name: chat\nmodel: azureml:chat:1\ntags:\n  app: mobile\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('does not fire for one workload, templated caps, or batch deployments', () => {
    const files = {
      'aigate.yaml': policy,
      'support/blue.yml': `${deployment}name: blue\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
      'support/green.yml': `${deployment}name: green\nendpoint_name: chat\nmodel: azureml:chat:2\ntags:\n  app: web\n`,
      'other/x.yml': `${deployment}name: x\nendpoint_name: chat\nmodel: azureml:chat:2\n`,
      'support/c.yml': `${deployment}name: c\nendpoint_name: quotes\nmodel: azureml:chat:2\nrequest_settings:\n  max_concurrent_requests_per_instance: \${{ vars.MAX }}\n`,
      'sales/c.yml': `${deployment}name: c2\nendpoint_name: quotes\nmodel: azureml:chat:2\nrequest_settings:\n  max_concurrent_requests_per_instance: 2\n`,
      'support/batch.yml': '$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\nname: nightly\nendpoint_name: scoring\nmodel: azureml:chat:1\n',
      'sales/batch.yml': '$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\nname: nightly2\nendpoint_name: scoring\nmodel: azureml:chat:1\n',
    };
    expect(findings(files)).toEqual([]);
  });
});
