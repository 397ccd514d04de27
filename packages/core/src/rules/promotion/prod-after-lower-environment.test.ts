import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';
import { mlopsTemplateDeploy } from '../../testing/workflows.js';

const RULE = 'promotion/prod-after-lower-environment';
const found = (files: Record<string, string>): ReturnType<typeof check>['findings'] => check(files).findings.filter((f) => f.ruleId === RULE);

/** The shape of nfmoore/azureml-mlops-example-scenarios deploy-endpoint-online.yml, with its composite actions written out. */
const NFMOORE = [
  'name: Deploy Model to Online Endpoint',
  'on:',
  '  workflow_run:',
  '    workflows: [Build Model]',
  '    types: [completed]',
  'jobs:',
  '  deploy-staging:',
  '    name: Deploy to Staging',
  '    runs-on: ubuntu-latest',
  '    environment:',
  '      name: Staging',
  '    steps:',
  '      - run: az ml online-deployment create --name main --endpoint $ENDPOINT_NAME --file core/endpoints/online/deployment.yml',
  '  end-to-end-testing:',
  '    runs-on: ubuntu-latest',
  '    needs: deploy-staging',
  '    environment:',
  '      name: Staging',
  '    steps:',
  '      - run: az ml online-endpoint invoke --name $ENDPOINT_NAME --deployment $DEPLOYMENT_NAME --request-file core/endpoints/online/sample.json',
  '      - run: az ml online-endpoint update --name $ENDPOINT_NAME --traffic "$DEPLOYMENT_NAME=100"',
  '  deploy-production:',
  '    name: Deploy to Production',
  '    runs-on: ubuntu-latest',
  '    needs: end-to-end-testing',
  '    environment:',
  '      name: Production',
  '    steps:',
  '      - run: az ml online-deployment create --name main --endpoint $ENDPOINT_NAME --file core/endpoints/online/deployment.yml',
  '',
].join('\n');

const MLOPS_TEMPLATE = mlopsTemplateDeploy(RULE);

describe(RULE, () => {
  it('fires on a push to main that goes straight to prod, pointing at where staging is deployed', () => {
    const files = {
      '.github/workflows/release.yml': [
        'name: release',
        'on:',
        '  push:',
        '    branches: [main]',
        'jobs:',
        '  deploy-prod:  # want: ' + RULE,
        '    runs-on: ubuntu-latest',
        '    environment: production',
        '    steps:',
        '      - run: az ml online-deployment create --file deploy/prod/deployment.yml --all-traffic',
        '',
      ].join('\n'),
      '.github/workflows/staging.yml': [
        'name: staging',
        'on: pull_request',
        'jobs:',
        '  deploy-staging:',
        '    runs-on: ubuntu-latest',
        '    environment: staging',
        '    steps:',
        '      - run: az ml online-deployment create --file deploy/staging/deployment.yml --all-traffic',
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = found(files);
    expect(f!.severity).toBe('warning');
    expect(f!.environment).toBe('prod');
    expect(f!.message).toContain('staging');
    expect(f!.message).toContain('workflow_run');
    expect(f!.related.map((r) => [r.file, r.start.line + 1])).toEqual([['.github/workflows/staging.yml', 4]]);
  });

  it('fires when the staging job of the same workflow is not in needs', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on:',
        '  push:',
        '    branches: [main]',
        'jobs:',
        '  deploy-staging:',
        '    runs-on: ubuntu-latest',
        '    environment: staging',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/staging/blue.yml',
        '  deploy-prod:  # want: ' + RULE,
        '    runs-on: ubuntu-latest',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/prod/blue.yml',
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(found(files)[0]!.message).toContain("add 'deploy-staging' to the `needs:` of 'deploy-prod'");
  });

  it('fires when no lower environment exists at all', () => {
    const files = {
      '.github/workflows/deploy.yml': 'on:\n  push:\n    branches: [main]\njobs:\n  deploy-prod:  # want: ' + RULE + '\n    runs-on: x\n    environment: prod\n    steps:\n      - run: az ml online-endpoint update -n chat --traffic "green=100"\n',
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(found(files)[0]!.message).toContain('on every push to main');
  });

  it('does not fire on the nfmoore Staging -> end-to-end test -> Production flow', () => {
    expect(found({ '.github/workflows/deploy-endpoint-online.yml': NFMOORE })).toEqual([]);
  });

  it('accepts a workflow_run trigger from the workflow that deploys the lower environment', () => {
    const files = {
      '.github/workflows/staging.yml': 'name: Deploy staging\non: push\njobs:\n  deploy:\n    runs-on: x\n    environment: staging\n    steps:\n      - run: az ml online-deployment create -f deploy/staging/d.yml\n',
      '.github/workflows/prod.yml': 'name: Deploy prod\non:\n  workflow_run:\n    workflows: [Deploy staging]\n    types: [completed]\njobs:\n  deploy:\n    runs-on: x\n    environment: prod\n    steps:\n      - run: az ml online-deployment create -f deploy/prod/d.yml\n',
    };
    expect(found(files)).toEqual([]);
  });

  it('accepts one job that deploys the staging files and then the prod files', () => {
    const files = {
      '.github/workflows/cd.yml': 'on: push\njobs:\n  release:\n    runs-on: x\n    steps:\n      - run: az ml online-deployment create -f deploy/staging/d.yml\n      - run: az ml online-deployment create -f deploy/prod/d.yml\n',
    };
    expect(found(files)).toEqual([]);
  });

  it('does not fire on dev or test jobs, templated environments, or reusable workflows checked through their caller', () => {
    const files = {
      '.github/workflows/dev.yml': 'on: push\njobs:\n  deploy-dev:\n    runs-on: x\n    steps:\n      - run: az ml online-deployment create -f deploy/dev/d.yml\n',
      '.github/workflows/any.yml': 'on: workflow_dispatch\njobs:\n  deploy:\n    runs-on: x\n    environment: ${{ inputs.target }}\n    steps:\n      - run: az ml online-deployment create -f $FILE\n',
      '.github/workflows/reusable-deploy-prod.yml': 'on: workflow_call\njobs:\n  deploy:\n    runs-on: x\n    environment: prod\n    steps:\n      - run: az ml online-deployment create -f deploy/prod/d.yml\n',
    };
    expect(found(files)).toEqual([]);
  });

  it('follows the chain of aigate.yaml: nothing is required before its first environment', () => {
    const workflow = 'on: push\njobs:\n  deploy:\n    runs-on: x\n    environment: live\n    steps:\n      - run: az ml online-deployment create -f deploy/live/d.yml\n';
    const onlyProd = { 'aigate.yaml': 'version: 1\nenvironments:\n  - name: live\n    tier: prod\n', '.github/workflows/cd.yml': workflow };
    expect(found(onlyProd)).toEqual([]);
    const withQa = { 'aigate.yaml': 'version: 1\nenvironments:\n  - name: qa\n    tier: test\n  - name: live\n    tier: prod\n', '.github/workflows/cd.yml': workflow };
    expect(found(withQa).map((f) => f.message)).toEqual([expect.stringContaining('no job deploys to qa')]);
  });

  it('reports the first job of a chain of prod jobs only (the mlops-project-template shape)', () => {
    expect(markerDiff({ '.github/workflows/deploy.yml': MLOPS_TEMPLATE }, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('skips rollback workflows: traffic goes back to what already ran', () => {
    expect(found({ '.github/workflows/rollback.yml': 'name: Rollback prod\non: workflow_dispatch\njobs:\n  prod:\n    runs-on: x\n    environment: production\n    steps:\n      - run: az ml online-endpoint update -n chat-prod --traffic "blue=100 green=0"\n' })).toEqual([]);
  });
});
