import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'sharing/shared-endpoint-governance';
const endpoint = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const deployment = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

const policy = (support: string, sales: string): string =>
  `version: 1\nworkloads:\n  - name: support\n    files: ["support/**"]\n${support}  - name: sales\n    files: ["sales/**"]\n${sales}`;
const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);
const shared = {
  'support/endpoint.yml': `${endpoint}name: chat\n`,
  'support/blue.yml': `${deployment}name: blue\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
};

describe(RULE, () => {
  it('fires when workloads on one endpoint declare different content filters', () => {
    const files = {
      'aigate.yaml': policy('    content_filter: strict\n', '    content_filter: default\n'),
      ...shared,
      'sales/green.yml': `${deployment}name: green\nendpoint_name: chat  # want: ${RULE}\nmodel: azureml:quotes:1\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = findings(files);
    expect(f!.severity).toBe('error');
    expect(f!.message).toContain("content_filter 'default' for 'sales', 'strict' for 'support'");
    expect(f!.related.slice(0, 2).map((r) => [r.file, r.start.line])).toEqual([
      ['aigate.yaml', 7],
      ['aigate.yaml', 4],
    ]);
  });

  it('fires when they declare different models', () => {
    const files = {
      'aigate.yaml': policy('    models: ["gpt-4o*"]\n', '    models: ["phi-3*"]\n'),
      ...shared,
      'sales/green.yml': `${deployment}name: green\nendpoint_name: chat  # want: ${RULE}\nmodel: azureml:quotes:1\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('does not fire when needs agree, are undeclared, or the endpoint is not shared', () => {
    const green = { 'sales/green.yml': `${deployment}name: green\nendpoint_name: chat\nmodel: azureml:quotes:1\n` };
    expect(findings({ 'aigate.yaml': policy('    content_filter: strict\n', '    content_filter: Strict\n'), ...shared, ...green })).toEqual([]);
    expect(findings({ 'aigate.yaml': policy('    content_filter: strict\n', ''), ...shared, ...green })).toEqual([]);
    expect(findings({ 'aigate.yaml': policy('    content_filter: strict\n', '    content_filter: default\n'), ...shared })).toEqual([]);
  });
});
