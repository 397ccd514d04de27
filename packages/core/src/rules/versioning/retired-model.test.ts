import { describe, expect, it } from 'vitest';
import { lookupRetirement } from '../../catalog/retirements.js';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'versioning/retired-model';
const dep = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const aoai = (name: string, version: string): string => `azureml://registries/azure-openai/models/${name}/versions/${version}`;
const deployment = (name: string, model: string, marker = ''): string => `${dep}name: ${name}\nendpoint_name: chat\nmodel: ${model}${marker ? `  # want: ${marker}` : ''}\ninstance_count: 3\n`;

describe('lookupRetirement', () => {
  it('finds a version, a whole retired model, and nothing for unknown models', () => {
    expect(lookupRetirement('gpt-4o', '2024-05-13')).toMatchObject({ lifecycle: 'Deprecated', retirementDate: '2026-10-01', replacement: 'gpt-5.1', asOf: '2026-09-02' });
    expect(lookupRetirement('gpt-4o', '2024-05-13')?.source).toMatch(/^https:\/\/learn\.microsoft\.com\/.*model-retirement-schedule$/);
    expect(lookupRetirement('GPT-35-Turbo', '0613')).toMatchObject({ lifecycle: 'Retired', retirementDate: '2025-02-13', asOf: '2026-04-23' });
    expect(lookupRetirement('text-davinci-003', 'anything')).toMatchObject({ lifecycle: 'Retired', retirementDate: '2024-06-14' });
    expect(lookupRetirement('text-davinci-003')?.version).toBeUndefined();
    expect(lookupRetirement('gpt-4o', '2099-01-01')).toBeUndefined();
    expect(lookupRetirement('churn-model', '1')).toBeUndefined();
  });

  it('keeps the earliest date when the source lists a version twice', () => {
    expect(lookupRetirement('gpt-realtime-mini', '2025-10-06')?.retirementDate).toBe('2026-09-21');
  });
});

describe(RULE, () => {
  it('fires on retired and soon-retiring Azure OpenAI models, with a severity by date', () => {
    // "today" is 2026-11-23 in the harness.
    const files = {
      'deploy/prod/retired.yml': deployment('a', aoai('gpt-4o', '2024-05-13'), RULE),
      'deploy/prod/past-date.yml': deployment('b', aoai('codex-mini', '2025-05-16'), RULE),
      'deploy/prod/whole.yml': deployment('c', aoai('text-davinci-003', '1'), RULE),
      'deploy/prod/soon.yml': deployment('d', aoai('gpt-5', '2025-08-07'), RULE),
      'deploy/prod/year.yml': deployment('e', aoai('gpt-5.1', '2025-11-13'), RULE),
      'deploy/prod/legacy.yml': deployment('f', aoai('gpt-4.1', '2025-04-14'), RULE),
      'deploy/dev/workspace.yml': deployment('g', 'azureml:gpt-35-turbo:0613', RULE),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const sev = Object.fromEntries(check(files).findings.filter((f) => f.ruleId === RULE).map((f) => [f.location.file, f.severity]));
    expect(sev).toEqual({
      'deploy/prod/retired.yml': 'error',
      'deploy/prod/past-date.yml': 'error',
      'deploy/prod/whole.yml': 'error',
      'deploy/prod/soon.yml': 'warning',
      'deploy/prod/year.yml': 'info',
      'deploy/prod/legacy.yml': 'info',
      'deploy/dev/workspace.yml': 'error',
    });
  });

  it('names the model, version, date, replacement and source', () => {
    const [retired] = check({ 'deploy/prod/a.yml': deployment('blue', aoai('gpt-4o', '2024-05-13')) }).findings.filter((f) => f.ruleId === RULE);
    expect(retired?.message).toContain('gpt-4o version 2024-05-13');
    expect(retired?.message).toContain('retired on 2026-10-01');
    expect(retired?.message).toContain('Move to gpt-5.1');
    expect(retired?.message).toContain('as of 2026-09-02');
    expect(retired?.location.path).toBe('model');
    const [soon] = check({ 'deploy/prod/a.yml': deployment('blue', aoai('gpt-5', '2025-08-07')) }).findings.filter((f) => f.ruleId === RULE);
    expect(soon?.message).toContain('retires on 2027-02-09, in 78 days');
    expect(soon?.message).toContain('Pick a current model version');
  });

  it('uses the clock of the run', () => {
    const files = { 'deploy/prod/a.yml': deployment('blue', aoai('gpt-4o-mini', '2024-07-18')) };
    const at = (iso: string): string[] => check(files, { now: new Date(iso) }).findings.filter((f) => f.ruleId === RULE).map((f) => f.severity);
    expect(at('2025-01-01T00:00:00Z')).toEqual(['info']); // Deprecated, retirement more than a year away
    expect(at('2027-03-01T00:00:00Z')).toEqual(['warning']);
    expect(at('2027-04-14T00:00:00Z')).toEqual(['error']);
  });

  it('does not fire on current, unknown, floating, templated or look-alike models', () => {
    const files = {
      'deploy/prod/a.yml': deployment('a', aoai('gpt-5.6-sol', '2026-07-09')),
      'deploy/prod/b.yml': deployment('b', aoai('text-embedding-3-large', '1')),
      'deploy/prod/c.yml': deployment('c', 'azureml://registries/azure-openai/models/gpt-4o/labels/latest'),
      'deploy/prod/d.yml': deployment('d', aoai('gpt-4o', '${{ env.GPT_VERSION }}')),
      'deploy/prod/e.yml': deployment('e', 'azureml:davinci:3'),
      'deploy/prod/f.yml': deployment('f', 'azureml:churn-model:12'),
      'deploy/prod/g.yml': deployment('g', 'azureml://registries/contoso/models/ada/versions/2'),
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
