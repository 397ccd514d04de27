import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'promotion/rollback-target';
const found = (files: Record<string, string>): ReturnType<typeof check>['findings'] => check(files).findings.filter((f) => f.ruleId === RULE);
const DEPLOYMENT = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

describe(RULE, () => {
  it('fires when the old deployment is deleted right after all traffic moved, with no test between', () => {
    const files = {
      '.github/workflows/release.yml': [
        'on: push',
        'jobs:',
        '  release-prod:',
        '    runs-on: ubuntu-latest',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -n green -e chat-prod -f deploy/prod/green.yml',
        '      - run: az ml online-endpoint update -n chat-prod --traffic "blue=0 green=100"',
        '      - run: az ml online-deployment delete -n blue -e chat-prod --yes  # want: ' + RULE,
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = found(files);
    expect(f!.severity).toBe('warning');
    expect(f!.environment).toBe('prod');
    expect(f!.message).toContain("deletes deployment 'blue' of endpoint 'chat-prod' in prod right after sending all traffic to 'green'");
    expect(f!.related.map((r) => r.start.line + 1)).toEqual([8]);
  });

  it('fires when the only deployment of a prod endpoint is updated in place from its file', () => {
    const files = {
      'deploy/prod/deployment.yml': `${DEPLOYMENT}name: blue\nendpoint_name: chat-prod\nmodel: azureml:chat:4\ninstance_type: Standard_DS3_v2\ninstance_count: 3\n`,
      'deploy/prod/endpoint.yml': '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: chat-prod\nauth_mode: key\n',
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment update --file deploy/prod/deployment.yml  # want: ' + RULE,
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = found(files);
    expect(f!.environment).toBe('prod');
    expect(f!.related.map((r) => [r.file, r.start.line + 1])).toEqual([['deploy/prod/deployment.yml', 2]]);
  });

  it('accepts a smoke test between the cutover and the delete, and a delete in a later job', () => {
    const files = {
      '.github/workflows/a.yml': [
        'on: push',
        'jobs:',
        '  release-prod:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-endpoint update -n chat-prod --traffic "blue=0 green=100"',
        '      - run: az ml online-endpoint invoke -n chat-prod --request-file sample.json',
        '      - run: az ml online-deployment delete -n blue -e chat-prod --yes',
        '',
      ].join('\n'),
      '.github/workflows/b.yml': [
        'on: push',
        'jobs:',
        '  shift-prod:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-endpoint update -n chat-prod --traffic "blue=0 green=100"',
        '  cleanup-prod:',
        '    needs: shift-prod',
        '    runs-on: x',
        '    environment: prod-cleanup',
        '    steps:',
        '      - run: az ml online-deployment delete -n blue -e chat-prod --yes',
        '',
      ].join('\n'),
    };
    expect(found(files)).toEqual([]);
  });

  it('says nothing for blue/green endpoints, scale-only updates, dev endpoints or unknown names', () => {
    const files = {
      // Two deployments of the prod endpoint: the update keeps the other one.
      'deploy/prod/blue.yml': `${DEPLOYMENT}name: blue\nendpoint_name: chat-prod\nmodel: azureml:chat:4\ninstance_type: x\ninstance_count: 3\n`,
      'deploy/prod/green.yml': `${DEPLOYMENT}name: green\nendpoint_name: chat-prod\nmodel: azureml:chat:5\ninstance_type: x\ninstance_count: 3\n`,
      'deploy/dev/blue.yml': `${DEPLOYMENT}name: blue\nendpoint_name: chat-dev\nmodel: azureml:chat:5\ninstance_type: x\ninstance_count: 1\n`,
      'deploy/prod/solo.yml': `${DEPLOYMENT}name: main\nendpoint_name: solo-prod\nmodel: azureml:solo:1\ninstance_type: x\ninstance_count: 3\n`,
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment update --file deploy/prod/green.yml',
        '      - run: az ml online-deployment update -n main -e solo-prod --set instance_count=4',
        '      - run: az ml online-endpoint update -n chat-prod --traffic "$NEW=100"',
        '      - run: az ml online-deployment delete -n $OLD -e chat-prod --yes',
        '  deploy-dev:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-deployment update --file deploy/dev/blue.yml',
        '      - run: az ml online-endpoint update -n chat-dev --traffic "green=100"',
        '      - run: az ml online-deployment delete -n blue -e chat-dev --yes',
        '',
      ].join('\n'),
    };
    expect(found(files)).toEqual([]);
  });
});
