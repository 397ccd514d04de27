import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';
import { mlopsTemplateDeploy } from '../../testing/workflows.js';

const RULE = 'promotion/evaluation-before-promotion';
const found = (files: Record<string, string>): ReturnType<typeof check>['findings'] => check(files).findings.filter((f) => f.ruleId === RULE);

const MLOPS_TEMPLATE = mlopsTemplateDeploy(RULE);

describe(RULE, () => {
  it('fires on prod and test promotions with no evaluation before them, once per staging -> prod chain', () => {
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
        '      - run: az ml online-deployment create -f deploy/staging/green.yml --all-traffic',
        '  deploy-prod:  # want: ' + RULE,
        '    needs: deploy-staging',
        '    runs-on: ubuntu-latest',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/prod/green.yml',
        '      - run: az ml online-endpoint update -n chat-prod --traffic "blue=0 green=100"',
        '      - run: az ml online-endpoint invoke -n chat-prod --request-file sample.json',
        '',
      ].join('\n'),
      '.github/workflows/test-only.yml': 'on: push\njobs:\n  deploy-test:  # want: ' + RULE + '\n    runs-on: x\n    steps:\n      - run: az ml online-deployment create -f deploy/test/d.yml --all-traffic\n',
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const prod = found(files).find((f) => f.environment === 'prod')!;
    expect(prod.severity).toBe('warning');
    expect(prod.message).toContain('az ml online-endpoint update --traffic');
    // The related location is the step that exposes the model.
    expect(prod.related[0]!.start.line + 1).toBe(16);
  });

  it('names an evaluation job of the same workflow that the promotion does not wait for', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  evaluate:',
        '    runs-on: x',
        '    steps:',
        '      - run: pf run create --flow flows/eval --data data/golden.jsonl --run $BASE_RUN',
        '  deploy-prod:  # want: ' + RULE,
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/prod/d.yml --all-traffic',
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(found(files)[0]!.message).toContain("Job 'evaluate' of this workflow evaluates, but 'deploy-prod' does not wait for it");
  });

  it('accepts an evaluation earlier in the job, in a needed job, or in the triggering workflow', () => {
    const files = {
      // Deploy at 0%, smoke test, then shift traffic: the test comes before any traffic.
      '.github/workflows/same-job.yml': [
        'on: push',
        'jobs:',
        '  release-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/prod/green.yml',
        '      - run: az ml online-endpoint invoke -n chat --deployment-name green --request-file s.json',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=90 green=10"',
        '',
      ].join('\n'),
      '.github/workflows/needs.yml': [
        'on: push',
        'jobs:',
        '  quality-gate:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml job create --file pipelines/evaluate.yml --stream',
        '  deploy-test:',
        '    needs: quality-gate',
        '    runs-on: x',
        '    environment: test',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/test/d.yml --all-traffic',
        '',
      ].join('\n'),
      '.github/workflows/evaluate.yml': 'name: Evaluate\non: push\njobs:\n  eval:\n    runs-on: x\n    steps:\n      - run: python -m promptflow.evals.run --config eval.yml\n',
      '.github/workflows/promote.yml': 'name: Promote\non:\n  workflow_run:\n    workflows: [Evaluate]\njobs:\n  deploy-prod:\n    runs-on: x\n    environment: prod\n    steps:\n      - run: az ml online-deployment create -f deploy/prod/d.yml --all-traffic\n',
    };
    expect(found(files)).toEqual([]);
  });

  it('does not fire on the nfmoore flow (staging tested after its deployment), on dev deployments, or on templated environments', () => {
    const files = {
      '.github/workflows/deploy-endpoint-online.yml': [
        'name: Deploy Model to Online Endpoint',
        'on:',
        '  workflow_run:',
        '    workflows: [Build Model]',
        'jobs:',
        '  deploy-staging:',
        '    runs-on: ubuntu-latest',
        '    environment:',
        '      name: Staging',
        '    steps:',
        '      - name: Create online deployment',
        '        uses: "./.github/templates/create-deployment"',
        '        with:',
        '          deployment_type: online',
        '          deployment_file: core/endpoints/online/deployment.yml',
        '      - run: az ml online-deployment create --name main --endpoint $ENDPOINT_NAME --file core/endpoints/online/deployment.yml',
        '  end-to-end-testing:',
        '    runs-on: ubuntu-latest',
        '    needs: deploy-staging',
        '    environment:',
        '      name: Staging',
        '    steps:',
        '      - run: |',
        '          ENDPOINT_NAME=$(yq .name < core/endpoints/online/endpoint.yml)',
        '          az ml online-endpoint invoke --name $ENDPOINT_NAME --deployment $DEPLOYMENT_NAME --request-file core/endpoints/online/sample.json',
        '      - run: az ml online-endpoint update --name $ENDPOINT_NAME --traffic "$DEPLOYMENT_NAME=100"',
        '  deploy-production:',
        '    runs-on: ubuntu-latest',
        '    needs: end-to-end-testing',
        '    environment:',
        '      name: Production',
        '    steps:',
        '      - run: az ml online-deployment create --name main --endpoint $ENDPOINT_NAME --file core/endpoints/online/deployment.yml',
        '',
      ].join('\n'),
      '.github/workflows/dev.yml': 'on: push\njobs:\n  deploy-dev:\n    runs-on: x\n    steps:\n      - run: az ml online-deployment create -f deploy/dev/d.yml --all-traffic\n',
      '.github/workflows/any.yml': 'on: workflow_dispatch\njobs:\n  deploy:\n    runs-on: x\n    environment: ${{ inputs.env }}\n    steps:\n      - run: az ml online-deployment create -f $FILE --all-traffic\n',
    };
    expect(found(files)).toEqual([]);
  });

  it('counts commands named by evaluation.signals in aigate.yaml, before the promotion only', () => {
    const workflow = (first: string, second: string): string =>
      `on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    environment: prod\n    steps:\n      - run: ${first}\n      - run: ${second}\n`;
    const policy = 'version: 1\nevaluation:\n  signals:\n    - "^make quality-gate"\n';
    const before = { 'aigate.yaml': policy, '.github/workflows/cd.yml': workflow('make quality-gate', 'az ml online-deployment create -f deploy/prod/d.yml --all-traffic') };
    expect(found(before)).toEqual([]);
    const after = { 'aigate.yaml': policy, '.github/workflows/cd.yml': workflow('az ml online-deployment create -f deploy/prod/d.yml --all-traffic', 'make quality-gate') };
    expect(found(after)).toHaveLength(1);
    expect(found({ '.github/workflows/cd.yml': before['.github/workflows/cd.yml'] })).toHaveLength(1);
  });

  it('looks into the local reusable workflow a job calls', () => {
    const files = {
      '.github/workflows/release.yml': 'on: push\njobs:\n  deploy-prod:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: prod\n',
      '.github/workflows/deploy.yml': 'on: workflow_call\njobs:\n  go:\n    runs-on: x\n    environment: ${{ inputs.environment }}\n    steps:\n      - run: python scripts/evaluate_model.py\n      - run: az ml online-deployment create -f deploy/d.yml\n',
    };
    expect(found(files)).toEqual([]);
  });

  it('fires once on a staging -> production flow where nothing is tested, and ignores Data Factory templates', () => {
    const files = {
      '.github/workflows/deploy-endpoint-batch.yml': [
        'on:',
        '  workflow_run:',
        '    workflows: [Build Model]',
        'jobs:',
        '  deploy-staging:',
        '    runs-on: x',
        '    environment:',
        '      name: Staging',
        '    steps:',
        '      - run: az ml batch-deployment create --file core/endpoints/batch/deployment.yml --endpoint $ENDPOINT_NAME',
        '  deploy-production:  # want: ' + RULE,
        '    needs: deploy-staging',
        '    runs-on: x',
        '    environment:',
        '      name: Production',
        '    steps:',
        '      - run: az ml batch-deployment create --file core/endpoints/batch/deployment.yml --endpoint $ENDPOINT_NAME',
        '',
      ].join('\n'),
      '.github/workflows/deploy-adf.yml': [
        'on: push',
        'jobs:',
        '  deploy-production:',
        '    runs-on: x',
        '    environment:',
        '      name: Production',
        '    steps:',
        '      - uses: Azure/data-factory-deploy-action@v1.2.0',
        '        with:',
        '          armTemplateFile: ARMTemplateForFactory.json',
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(found(files)[0]!.message).toContain("Test what job 'deploy-staging' deployed to staging");
  });

  it('reports the first job of a chain of prod jobs only (the mlops-project-template shape)', () => {
    expect(markerDiff({ '.github/workflows/deploy.yml': MLOPS_TEMPLATE }, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('skips rollback workflows: traffic goes back to what already ran', () => {
    expect(found({ '.github/workflows/rollback.yml': 'name: Rollback prod\non: workflow_dispatch\njobs:\n  prod:\n    runs-on: x\n    environment: production\n    steps:\n      - run: az ml online-endpoint update -n chat-prod --traffic "blue=100 green=0"\n' })).toEqual([]);
  });
});
