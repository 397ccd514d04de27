import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'versioning/asset-versioned';
const modelSchema = '$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\n';
const envSchema = '$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n';

function applyFix(text: string, edit: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

describe(RULE, () => {
  it('fires on model and environment assets without a version, at the name', () => {
    const files = {
      'assets/model.yml': `${modelSchema}name: churn-model  # want: ${RULE}\npath: ./model\n`,
      'assets/env.yml': `${envSchema}name: score-env  # want: ${RULE}\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20250601.v1\n`,
      'assets/empty.yml': `${modelSchema}name: other-model  # want: ${RULE}\nversion:\npath: ./model\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = check(files).findings.filter((x) => x.ruleId === RULE && x.location.file === 'assets/model.yml');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toContain("The model 'churn-model' has no `version:`");
  });

  it('offers a fix that inserts version: 1 after name and clears the finding', () => {
    const text = `${modelSchema}name: churn-model\npath: ./model\ntype: mlflow_model\n`;
    const [f] = check({ 'assets/model.yml': text }).findings.filter((x) => x.ruleId === RULE);
    expect(f?.fixes[0]?.title).toContain('version: 1');
    const fixed = applyFix(text, f!.fixes[0]!.edits[0]!);
    expect(fixed).toBe(`${modelSchema}name: churn-model\nversion: 1\npath: ./model\ntype: mlflow_model\n`);
    expect(check({ 'assets/model.yml': fixed }).findings.filter((x) => x.ruleId === RULE)).toEqual([]);
  });

  it('fixes a file whose name is the last line without a line break', () => {
    const text = `${envSchema}image: python:3.11\nname: score-env`;
    const [f] = check({ 'assets/env.yml': text }).findings.filter((x) => x.ruleId === RULE);
    const fixed = applyFix(text, f!.fixes[0]!.edits[0]!);
    expect(fixed).toBe(`${envSchema}image: python:3.11\nname: score-env\nversion: 1\n`);
  });

  it('does not fire on literal or templated versions, or on other files', () => {
    const files = {
      'assets/model.yml': `${modelSchema}name: churn-model\nversion: 12\npath: ./model\n`,
      'assets/model2.yml': `${modelSchema}name: churn-model\nversion: \${{ github.run_number }}\npath: ./model\n`,
      'assets/env.yml': `${envSchema}name: score-env\nversion: <VERSION>\nimage: python:3.11\n`,
      'jobs/train.yml': '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\ncommand: python train.py\nenvironment:\n  image: python:3.11\n',
      'deploy/prod/d.yml': '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\nendpoint_name: e\nmodel: azureml:m:1\n',
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
