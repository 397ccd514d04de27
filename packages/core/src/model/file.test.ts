import { describe, expect, it } from 'vitest';
import { check } from '../testing/harness.js';
import { analyzeFile } from './file.js';

const DEPLOYMENT = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

describe('analyzeFile', () => {
  it('reads files written as {{ }} templates, with the placeholders unknown', () => {
    const text = `${DEPLOYMENT}name: blue\nendpoint_name: {{ENDPOINT_NAME}}\nmodel: azureml:chat@latest\nenvironment:\n  image: {{ACR_NAME}}.azurecr.io/scoring:1\n`;
    const f = analyzeFile('deploy/prod/blue.yml', text);
    expect(f.parseErrors).toEqual([]);
    expect(f.records).toHaveLength(1);
    const d = f.records[0]!;
    expect(d.type === 'deployment' && d.endpointName).toBeUndefined();
    expect(d.type === 'deployment' && d.model?.pinned).toBe(false);
    const found = check({ 'deploy/prod/blue.yml': text }).findings.filter((x) => x.ruleId === 'versioning/model-pinned');
    expect(found[0]?.location.start).toEqual({ line: 3, character: 7 });
  });

  it('still reports a real syntax error in a template', () => {
    const f = analyzeFile('deploy/prod/blue.yml', `${DEPLOYMENT}name: "blue\nendpoint_name: {{ENDPOINT_NAME}}\n`);
    expect(f.recognised).toBe(true);
    expect(f.parseErrors.length).toBeGreaterThan(0);
  });

  it('leaves Azure ML kinds it does not analyse unparsed (pipeline jobs, components)', () => {
    const f = analyzeFile('pipelines/eval.yml', '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\njobs:\n  a:\n    prompt: "one\n    two"\n');
    expect(f.recognised).toBe(false);
    expect(f.parseErrors).toEqual([]);
  });

  it('leaves YAML it does not recognise alone (Helm charts, app settings)', () => {
    const f = analyzeFile('charts/app/templates/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n');
    expect(f.recognised).toBe(false);
    expect(check({ 'charts/app/templates/deploy.yaml': 'a: {{ b }}\n' }).findings).toEqual([]);
  });
});
