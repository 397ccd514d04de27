import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'sharing/endpoint-single-workload';
const endpoint = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const deployment = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const policy = 'version: 1\nworkloads:\n  - name: support\n    files: ["support/**"]\n  - name: sales\n    files: ["sales/**"]\n';

const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);

describe(RULE, () => {
  it('fires on the deployment of the workload that does not own the endpoint', () => {
    const files = {
      'aigate.yaml': policy,
      'support/endpoint.yml': `${endpoint}name: chat\n`,
      'support/blue.yml': `${deployment}name: blue\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
      'sales/green.yml': `${deployment}name: green\nendpoint_name: chat  # want: ${RULE}\nmodel: azureml:quotes:1\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = findings(files);
    expect(f!.severity).toBe('warning');
    expect(f!.workload).toBe('sales');
    expect(f!.message).toContain("Workload 'sales' uses endpoint 'chat', which belongs to workload 'support'");
    expect(f!.related.map((r) => r.file)).toEqual(['support/endpoint.yml', 'support/blue.yml']);
  });

  it('fires for every workload when nobody owns the endpoint, including workloads from tags and workflow jobs', () => {
    const files = {
      'a/blue.yml': `${deployment}name: blue\nendpoint_name: chat  # want: ${RULE}\nmodel: azureml:chat:1\ntags:\n  workload: support\n`,
      'b/green.yml': `${deployment}name: green\nendpoint_name: chat  # want: ${RULE}\nmodel: azureml:chat:1\ntags:\n  workload: sales\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const viaJob = {
      'aigate.yaml': policy,
      'support/endpoint.yml': `${endpoint}name: chat\n`,
      '.github/workflows/sales.yml': `on: push\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - run: az ml online-deployment create -f sales/d.yml -e chat -n green  # want: ${RULE}\n`,
    };
    expect(markerDiff(viaJob, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('does not fire for one workload, unknown workloads or different endpoints', () => {
    const files = {
      'aigate.yaml': policy,
      'support/endpoint.yml': `${endpoint}name: chat\n`,
      'support/blue.yml': `${deployment}name: blue\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
      'support/green.yml': `${deployment}name: green\nendpoint_name: chat\nmodel: azureml:chat:2\n`,
      'other/green.yml': `${deployment}name: green\nendpoint_name: chat\nmodel: azureml:chat:2\n`,
      'sales/blue.yml': `${deployment}name: blue\nendpoint_name: quotes\nmodel: azureml:quotes:1\n`,
    };
    expect(findings(files)).toEqual([]);
  });
});
