import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'versioning/environment-pinned';
const dep = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const envAsset = '$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n';

describe(RULE, () => {
  it('fires on floating environment references and untagged or :latest images', () => {
    const files = {
      'deploy/prod/latest.yml': `${dep}name: a\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml:score-env@latest  # want: ${RULE}\n`,
      'deploy/prod/label.yml': `${dep}name: b\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml://registries/contoso/environments/score/labels/latest  # want: ${RULE}\n`,
      'deploy/dev/noversion.yml': `${dep}name: c\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml:score-env  # want: ${RULE}\n`,
      'deploy/dev/inline.yml': `${dep}name: d\nendpoint_name: e\nmodel: azureml:m:1\nenvironment:\n  conda_file: conda.yml\n  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest  # want: ${RULE}\n`,
      'deploy/dev/notag.yml': `${dep}name: f\nendpoint_name: e\nmodel: azureml:m:1\nenvironment:\n  image: mcr.microsoft.com/azureml/minimal-py312-inference  # want: ${RULE}\n`,
      'assets/env.yml': `${envAsset}name: score-env\nversion: 3\nimage: pytorch/pytorch:latest  # want: ${RULE}\n`,
      'deploy/dev/custom.yml': `${dep}name: g\nendpoint_name: e\nmodel: azureml:m:1\nenvironment:\n  image: '{{ACR_NAME}}.azurecr.io/triton-cc:latest'  # want: ${RULE}\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('is an error in test and prod and a warning elsewhere', () => {
    const body = `name: a\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml:score-env@latest\n`;
    const files = { 'deploy/prod/a.yml': dep + body, 'deploy/staging/a.yml': dep + body, 'deploy/dev/a.yml': dep + body, 'other/a.yml': dep + body };
    const sev = Object.fromEntries(check(files).findings.filter((f) => f.ruleId === RULE).map((f) => [f.location.file, f.severity]));
    expect(sev).toEqual({ 'deploy/prod/a.yml': 'error', 'deploy/staging/a.yml': 'error', 'deploy/dev/a.yml': 'warning', 'other/a.yml': 'warning' });
  });

  it('says what to write instead and points at the value', () => {
    const files = { 'deploy/prod/a.yml': `${dep}name: blue\nendpoint_name: chat\nmodel: azureml:m:1\nenvironment: azureml://registries/contoso/environments/score/labels/latest\n` };
    const [f] = check(files).findings.filter((x) => x.ruleId === RULE);
    expect(f?.message).toContain("azureml://registries/contoso/environments/score/versions/<version>");
    expect(f?.message).toContain("Deployment 'blue' of endpoint 'chat' in prod");
    expect(f?.location.path).toBe('environment');
    expect(f?.location.start).toEqual({ line: 4, character: 13 });
  });

  it('reports curated environments floating on latest only in test and prod', () => {
    const curated = `${dep}name: a\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest\n`;
    const curatedWs = `${dep}name: b\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml:AzureML-sklearn-1.5@latest\n`;
    const found = check({ 'deploy/dev/a.yml': curated, 'deploy/dev/b.yml': curatedWs, 'samples/a.yml': curated, 'deploy/prod/a.yml': curated })
      .findings.filter((f) => f.ruleId === RULE);
    expect(found.map((f) => [f.location.file, f.severity])).toEqual([['deploy/prod/a.yml', 'error']]);
    expect(found[0]!.message).toContain('curated environment');
  });

  it('does not fire on pinned, digested or templated environments and images', () => {
    const files = {
      'deploy/prod/a.yml': `${dep}name: a\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml:score-env:4\n`,
      'deploy/prod/b.yml': `${dep}name: b\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml://registries/azureml/environments/sklearn-1.5/versions/20\n`,
      'deploy/prod/c.yml': `${dep}name: c\nendpoint_name: e\nmodel: azureml:m:1\nenvironment: azureml:score-env:\${{ env.ENV_VERSION }}\n`,
      'deploy/prod/d.yml': `${dep}name: d\nendpoint_name: e\nmodel: azureml:m:1\nenvironment:\n  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20250601.v1\n`,
      'deploy/prod/e.yml': `${dep}name: e\nendpoint_name: e\nmodel: azureml:m:1\nenvironment:\n  image: contoso.azurecr.io/score@sha256:${'a'.repeat(64)}\n`,
      'deploy/prod/f.yml': `${dep}name: f\nendpoint_name: e\nmodel: azureml:m:1\nenvironment:\n  image: '{{ACR_NAME}}.azurecr.io/score'\n`,
      'deploy/prod/g.yml': `${dep}name: g\nendpoint_name: e\nmodel: azureml:m:1\nenvironment:\n  image: contoso.azurecr.io/score:\${{ env.IMAGE_TAG }}\n`,
      'assets/env.yml': `${envAsset}name: score-env\nversion: 3\nbuild:\n  path: ./docker\n`,
      'assets/env2.yml': `${envAsset}name: score-env\nversion: 3\nimage: \${{ vars.BASE_IMAGE }}\n`,
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
