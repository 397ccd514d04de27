import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'versioning/model-pinned';
const header = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

describe(RULE, () => {
  it('fires on @latest, labels and missing versions, as an error in prod and a warning in dev', () => {
    const files = {
      'deploy/prod/latest.yml': `${header}name: blue\nendpoint_name: e\nmodel: azureml:chat@latest  # want: ${RULE}\n`,
      'deploy/prod/label.yml': `${header}name: green\nendpoint_name: e\nmodel: azureml://registries/reg/models/chat/labels/champion  # want: ${RULE}\n`,
      'deploy/dev/latest.yml': `${header}name: blue\nendpoint_name: e\nmodel: azureml:chat@latest  # want: ${RULE}\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const bySeverity = Object.fromEntries(check(files).findings.filter((f) => f.ruleId === RULE).map((f) => [f.location.file, f.severity]));
    expect(bySeverity).toEqual({ 'deploy/prod/latest.yml': 'error', 'deploy/prod/label.yml': 'error', 'deploy/dev/latest.yml': 'warning' });
  });

  it('reports inline models in prod only', () => {
    const files = {
      'deploy/prod/d.yml': `${header}name: blue\nendpoint_name: e\nmodel:  # want: ${RULE}\n  path: ./model\n`,
      'deploy/dev/d.yml': `${header}name: blue\nendpoint_name: e\nmodel:\n  path: ./model\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('does not fire on pinned, registry-versioned or templated references', () => {
    const files = {
      'deploy/prod/a.yml': `${header}name: a\nendpoint_name: e\nmodel: azureml:chat:3\n`,
      'deploy/prod/b.yml': `${header}name: b\nendpoint_name: e\nmodel: azureml://registries/reg/models/chat/versions/4\n`,
      'deploy/prod/c.yml': `${header}name: c\nendpoint_name: e\nmodel: azureml:chat:\${{ env.MODEL_VERSION }}\n`,
      'deploy/prod/d.yml': `${header}name: d\nendpoint_name: e\nmodel: azureml:/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/models/chat/versions/2\n`,
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it('does not fire when a workflow writes the model before deploying the file', () => {
    const files = {
      'deploy/prod/d.yml': `${header}name: blue\nendpoint_name: e\nmodel: azureml:chat@latest\n`,
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        `      - run: yq -i '.model = "azureml://registries/r/models/chat/versions/\${{ env.V }}"' deploy/prod/d.yml`,
        '      - run: az ml online-deployment create -f deploy/prod/d.yml',
        '',
      ].join('\n'),
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    delete (files as Record<string, string>)['.github/workflows/cd.yml'];
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toHaveLength(1);
  });

  it('points at the model value and takes a severity from aigate.yaml per environment', () => {
    const files = {
      'aigate.yaml': 'version: 1\nenvironments:\n  - name: dev\n  - name: prod\nrules:\n  versioning/model-pinned:\n    environments:\n      prod: warning\n      dev: "off"\n',
      'deploy/prod/d.yml': `${header}name: blue\nendpoint_name: e\nmodel: azureml:chat@latest\n`,
      'deploy/dev/d.yml': `${header}name: blue\nendpoint_name: e\nmodel: azureml:chat@latest\n`,
    };
    const found = check(files).findings.filter((f) => f.ruleId === RULE);
    expect(found.map((f) => [f.location.file, f.severity])).toEqual([['deploy/prod/d.yml', 'warning']]);
    expect(found[0]!.location.start).toEqual({ line: 3, character: 7 });
    expect(found[0]!.location.path).toBe('model');
  });
});
