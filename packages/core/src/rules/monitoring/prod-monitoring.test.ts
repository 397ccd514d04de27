import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'monitoring/prod-monitoring';
const managed = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const collector = (inputs: string, outputs: string): string => `data_collector:\n  collections:\n    ${inputs}:\n      enabled: 'True'\n    ${outputs}:\n      enabled: 'True'\n`;

function applyFix(text: string, edit: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

describe(RULE, () => {
  it('fires once per prod online deployment, at what is missing', () => {
    const files = {
      'deploy/prod/none.yml': `${managed}name: a  # want: ${RULE}\nendpoint_name: e\nmodel: azureml:m:1\ninstance_count: 3\n`,
      'deploy/prod/off.yml': `${managed}name: b\nendpoint_name: e\nmodel: azureml:m:1\napp_insights_enabled: false  # want: ${RULE}\n${collector('model_inputs', 'model_outputs')}`,
      'deploy/prod/half.yml': `${managed}name: c\nendpoint_name: e\nmodel: azureml:m:1\napp_insights_enabled: true\ndata_collector:  # want: ${RULE}\n  collections:\n    model_inputs:\n      enabled: 'True'\n    model_outputs:\n      enabled: 'False'\n`,
      'deploy/prod/aks.yml': `$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json\ntype: kubernetes\nname: d  # want: ${RULE}\nendpoint_name: e\nmodel: azureml:m:1\napp_insights_enabled: true\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const byFile = Object.fromEntries(check(files).findings.filter((f) => f.ruleId === RULE).map((f) => [f.location.file, f]));
    expect(byFile['deploy/prod/none.yml']?.message).toContain('app_insights_enabled is not set');
    expect(byFile['deploy/prod/none.yml']?.message).toContain('no data_collector');
    expect(byFile['deploy/prod/half.yml']?.message).toContain('does not collect model_outputs');
    expect(byFile['deploy/prod/half.yml']?.message).not.toContain('app_insights');
    expect(byFile['deploy/prod/none.yml']?.severity).toBe('warning');
  });

  it('adds app_insights_enabled: true after name, or flips a false value', () => {
    const text = `${managed}name: blue\nendpoint_name: e\nmodel: azureml:m:1\n${collector('model_inputs', 'model_outputs')}`;
    const [f] = check({ 'deploy/prod/d.yml': text }).findings.filter((x) => x.ruleId === RULE);
    const fixed = applyFix(text, f!.fixes[0]!.edits[0]!);
    expect(fixed).toContain('name: blue\napp_insights_enabled: true\nendpoint_name: e\n');
    expect(check({ 'deploy/prod/d.yml': fixed }).findings.filter((x) => x.ruleId === RULE)).toEqual([]);

    const off = `${managed}name: blue\nendpoint_name: e\napp_insights_enabled: false\n${collector('request', 'response')}`;
    const [g] = check({ 'deploy/prod/d.yml': off }).findings.filter((x) => x.ruleId === RULE);
    const flipped = applyFix(off, g!.fixes[0]!.edits[0]!);
    expect(flipped).toContain('app_insights_enabled: true\n');
    expect(check({ 'deploy/prod/d.yml': flipped }).findings.filter((x) => x.ruleId === RULE)).toEqual([]);
  });

  it('offers no fix when only the data collector is missing', () => {
    const text = `${managed}name: blue\nendpoint_name: e\napp_insights_enabled: true\n`;
    const [f] = check({ 'deploy/prod/d.yml': text }).findings.filter((x) => x.ruleId === RULE);
    expect(f?.fixes).toEqual([]);
    expect(f?.location.path).toBe('name');
  });

  it('does not fire outside prod, on batch, on complete or payload-logging setups, or on templated values', () => {
    const files = {
      'deploy/dev/a.yml': `${managed}name: a\nendpoint_name: e\nmodel: azureml:m:1\n`,
      'deploy/test/b.yml': `${managed}name: b\nendpoint_name: e\nmodel: azureml:m:1\n`,
      'deploy/prod/c.yml': `${managed}name: c\nendpoint_name: e\nmodel: azureml:m:1\napp_insights_enabled: true\n${collector('model_inputs', 'model_outputs')}`,
      'deploy/prod/d.yml': `${managed}name: d\nendpoint_name: e\nmodel: azureml:m:1\napp_insights_enabled: true\n${collector('request', 'response')}`,
      'deploy/prod/e.yml': `${managed}name: e\nendpoint_name: e\nmodel: azureml:m:1\napp_insights_enabled: \${{ vars.INSIGHTS }}\n${collector('model_inputs', 'model_outputs')}`,
      'deploy/prod/f.yml': '$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\nname: f\nendpoint_name: e\nmodel: azureml:m:1\ncompute: azureml:cpu\n',
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
