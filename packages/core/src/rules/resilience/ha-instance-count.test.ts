import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'resilience/ha-instance-count';
const managed = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const k8s = '$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json\ntype: kubernetes\n';
const batch = '$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\n';

function applyFix(text: string, edit: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

describe(RULE, () => {
  it('fires on prod managed deployments below 3 instances and Kubernetes minimums below 3', () => {
    const files = {
      'deploy/prod/one.yml': `${managed}name: a\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 1  # want: ${RULE}\n`,
      'deploy/production/two.yml': `${managed}name: b\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 2  # want: ${RULE}\n`,
      'deploy/prod/aks.yml': `${k8s}name: c\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 5\nscale_settings:\n  type: target_utilization\n  min_instances: 1  # want: ${RULE}\n  max_instances: 5\n`,
      'deploy/prod/aks-fixed.yml': `${k8s}name: d\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 1  # want: ${RULE}\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const found = check(files).findings.filter((f) => f.ruleId === RULE);
    expect(found.every((f) => f.severity === 'warning')).toBe(true);
    expect(found.find((f) => f.location.file === 'deploy/prod/aks.yml')?.message).toContain('scale_settings.min_instances: 1');
  });

  it('offers a fix that sets the count to 3 and clears the finding', () => {
    const text = `${managed}name: blue\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 1 # one is enough?\ninstance_type: Standard_DS3_v2\n`;
    const [f] = check({ 'deploy/prod/d.yml': text }).findings.filter((x) => x.ruleId === RULE);
    expect(f?.location.path).toBe('instance_count');
    expect(f?.fixes[0]?.title).toBe('Set instance_count to 3');
    const fixed = applyFix(text, f!.fixes[0]!.edits[0]!);
    expect(fixed).toContain('instance_count: 3 # one is enough?\n');
    expect(check({ 'deploy/prod/d.yml': fixed }).findings.filter((x) => x.ruleId === RULE)).toEqual([]);
  });

  it('does not fire outside prod, on batch, on enough instances, or on unknown counts', () => {
    const files = {
      'deploy/dev/a.yml': `${managed}name: a\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 1\n`,
      'deploy/test/b.yml': `${managed}name: b\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 1\n`,
      'deploy/prod/c.yml': `${managed}name: c\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 3\n`,
      'deploy/prod/d.yml': `${managed}name: d\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: \${{ vars.INSTANCES }}\n`,
      'deploy/prod/e.yml': `${managed}name: e\nendpoint_name: e\nmodel: azureml:m:1\n`,
      'deploy/prod/f.yml': `${batch}name: f\nendpoint_name: e\nmodel: azureml:m:1\ncompute: azureml:cpu\nresources:\n  instance_count: 1\n`,
      'deploy/prod/g.yml': `${k8s}name: g\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 1\nscale_settings:\n  type: target_utilization\n  min_instances: 3\n`,
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
