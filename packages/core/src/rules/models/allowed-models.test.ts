import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'models/allowed-models';
const dep = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const deployment = (name: string, model: string, marker = ''): string => `${dep}name: ${name}\nendpoint_name: chat\nmodel: ${model}${marker}\ninstance_count: 3\n`;
const policy = (models: string): string => `version: 1\nmodels:\n${models}`;
const want = (n = 1): string => `  # want: ${Array(n).fill(RULE).join(', ')}`;

describe(RULE, () => {
  it('fires on denied models, by name or by reference', () => {
    const files = {
      'aigate.yaml': policy('  denied: ["gpt-35-turbo*", "azureml://registries/azureml-meta/**"]\n'),
      'deploy/prod/a.yml': deployment('a', 'azureml://registries/azure-openai/models/gpt-35-turbo/versions/0125', want()),
      'deploy/dev/b.yml': deployment('b', 'azureml:gpt-35-turbo-16k:0613', want()),
      'deploy/prod/c.yml': deployment('c', 'azureml://registries/azureml-meta/models/Llama-2-7b/versions/24', want()),
      'deploy/prod/d.yml': deployment('d', 'azureml://registries/azure-openai/models/gpt-4.1/versions/2025-04-14'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = check(files).findings.filter((x) => x.ruleId === RULE && x.location.file === 'deploy/prod/a.yml');
    expect(f?.severity).toBe('error');
    expect(f?.message).toContain("models.denied: 'gpt-35-turbo*'");
    expect(f?.related[0]?.file).toBe('aigate.yaml');
  });

  it('fires on models outside the allowed list, and reports a denied model only once', () => {
    const files = {
      'aigate.yaml': policy('  allowed: ["gpt-4.1*", "churn-*", "azure-openai/text-embedding-3-*"]\n  denied: ["gpt-4.1-nano"]\n'),
      'deploy/prod/a.yml': deployment('a', 'azureml:fraud-model:3', want()),
      'deploy/prod/b.yml': deployment('b', 'azureml://registries/azure-openai/models/gpt-4.1-nano/versions/2025-04-14', want()),
      'deploy/prod/c.yml': deployment('c', 'azureml://registries/azure-openai/models/gpt-4.1-mini/versions/2025-04-14'),
      'deploy/prod/d.yml': deployment('d', 'azureml:churn-model:12'),
      'deploy/prod/e.yml': deployment('e', 'azureml://registries/azure-openai/models/text-embedding-3-large/versions/1'),
      'deploy/prod/f.yml': `${dep}name: f\nendpoint_name: chat\nmodel:${want()}\n  name: scratch-model\n  path: ./model\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const messages = check(files).findings.filter((x) => x.ruleId === RULE).map((x) => x.message);
    expect(messages.some((m) => m.includes('not in models.allowed'))).toBe(true);
  });

  it('fires on registries outside models.registries, but not on workspace models or environments', () => {
    const files = {
      'aigate.yaml': policy('  registries: ["contoso-*", "azure-openai"]\n'),
      'deploy/prod/a.yml': deployment('a', 'azureml://registries/HuggingFace/models/bert-base-uncased/versions/5', want()),
      'deploy/prod/b.yml': deployment('b', 'azureml://registries/contoso-ml/models/churn/versions/2'),
      'deploy/prod/c.yml': deployment('c', 'azureml:churn:2'),
      'deploy/prod/d.yml': `${dep}name: d\nendpoint_name: chat\nmodel: azureml:churn:2\nenvironment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest\n`,
      'deploy/prod/e.yml': deployment('e', 'azureml://registries/${{ vars.REGISTRY }}/models/churn/versions/2'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = check(files).findings.filter((x) => x.ruleId === RULE);
    expect(f?.message).toContain("registry 'HuggingFace'");
  });

  it('reports a model both denied and from a disallowed registry twice, with distinct fingerprints', () => {
    const files = {
      'aigate.yaml': policy('  denied: ["Llama-*"]\n  registries: ["contoso-ml"]\n'),
      'deploy/prod/a.yml': deployment('a', 'azureml://registries/azureml-meta/models/Llama-2-7b/versions/24', want(2)),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const fps = check(files).findings.filter((x) => x.ruleId === RULE).map((x) => x.fingerprint);
    expect(new Set(fps).size).toBe(2);
  });

  it('is silent without a models policy and on templated model names', () => {
    const files = {
      'deploy/prod/a.yml': deployment('a', 'azureml://registries/anything/models/gpt-35-turbo/versions/0301'),
    };
    expect(check(files).findings.filter((x) => x.ruleId === RULE)).toEqual([]);
    const withPolicy = {
      'aigate.yaml': policy('  allowed: ["churn-*"]\n'),
      'deploy/prod/b.yml': deployment('b', '${{ vars.MODEL_REF }}'),
      'deploy/dev/c.yml': deployment('c', 'azureml:{{MODEL_NAME}}:1'),
    };
    expect(check(withPolicy).findings.filter((x) => x.ruleId === RULE)).toEqual([]);
  });
});
