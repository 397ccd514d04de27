import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'environments/lower-environment-present';
const endpoint = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const deployment = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);

describe(RULE, () => {
  it('fires on a prod endpoint that no lower environment has, once for the endpoint and its deployments', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat-dev\n`,
      'deploy/dev/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-dev\nmodel: azureml:chat:1\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\n`,
      'deploy/prod/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-prod\nmodel: azureml:chat:1\n`,
      'deploy/prod/scoring-endpoint.yml': `${endpoint}name: scoring-prod  # want: ${RULE}\n`,
      'deploy/prod/scoring.yml': `${deployment}name: blue\nendpoint_name: scoring-prod\nmodel: azureml:scoring:4\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = findings(files);
    expect(f!.severity).toBe('info');
    expect(f!.message).toContain("no lower environment has an endpoint 'scoring'");
    expect(f!.message).toContain('looked in dev');
    expect(f!.related.map((r) => r.file)).toEqual(['deploy/prod/scoring.yml']);
  });

  it('fires on a prod deployment without an endpoint file when nothing lower deploys into it', () => {
    const files = {
      'deploy/prod/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-prod  # want: ${RULE}\nmodel: azureml:chat:1\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(findings(files)[0]!.message).toContain('no dev, test or staging configuration was found');
  });

  it('counts lower variants deployed by workflow jobs and ignores sandbox and other workloads', () => {
    const base = {
      'aigate.yaml': 'version: 1\nworkloads:\n  - name: support\n    files: ["support/**"]\n  - name: sales\n    files: ["sales/**"]\n',
      'support/deploy/prod/endpoint.yml': `${endpoint}name: chat-prod  # want: ${RULE}\n`,
      'sales/deploy/test/endpoint.yml': `${endpoint}name: chat-test\n`,
      'sandbox/endpoint.yml': `${endpoint}name: chat-sandbox\n`,
    };
    expect(markerDiff(base, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const withJob = {
      ...base,
      'support/deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\n`,
      '.github/workflows/support.yml': 'on: push\njobs:\n  deploy-test:\n    runs-on: x\n    environment: test\n    steps:\n      - run: az ml online-deployment create -f support/common/d.yml --endpoint-name chat-test --name blue\n',
    };
    expect(findings(withJob)).toEqual([]);
  });

  it('does not fire when there is no prod configuration or every prod endpoint has a lower variant', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat-dev\n`,
      'deploy/test/endpoint.yml': `${endpoint}name: chat-test\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\n`,
      'deploy/prod/green.yml': `${deployment}name: green\nendpoint_name: chat-prod\nmodel: azureml:chat:2\n`,
      'endpoints/orders.yml': `${endpoint}name: orders\n`,
    };
    expect(findings(files)).toEqual([]);
  });
});
