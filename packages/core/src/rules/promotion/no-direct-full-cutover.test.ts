import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'promotion/no-direct-full-cutover';
const found = (files: Record<string, string>): ReturnType<typeof check>['findings'] => check(files).findings.filter((f) => f.ruleId === RULE);

describe(RULE, () => {
  it('fires on --traffic "x=100", --all-traffic and traffic_allocation: x=100 in test and prod', () => {
    const files = {
      '.github/workflows/prod.yml': [
        'on: push',
        'jobs:',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -n green -e chat-prod -f deploy/prod/green.yml',
        '      - run: |',
        '          az ml online-endpoint invoke -n chat-prod -d green --request-file sample.json',
        '          az ml online-endpoint update -n chat-prod --traffic "blue=0 green=100"  # want: ' + RULE,
        '',
      ].join('\n'),
      '.github/workflows/staging.yml': [
        'on: push',
        'jobs:',
        '  deploy-staging:',
        '    runs-on: x',
        '    environment: staging',
        '    steps:',
        '      - run: az ml online-deployment create --name blue --endpoint chat-stg -f deploy/staging/blue.yml --all-traffic  # want: ' + RULE,
        '',
      ].join('\n'),
      '.github/workflows/template.yml': [
        'on: workflow_dispatch',
        'jobs:',
        '  allocate-traffic-prod:',
        '    uses: Azure/mlops-templates/.github/workflows/allocate-traffic.yml@main',
        '    with:',
        '      endpoint_name: taxi-online-prod',
        '      traffic_allocation: taxi-online-dp=100  # want: ' + RULE,
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const prod = found(files).find((f) => f.location.file === '.github/workflows/prod.yml')!;
    expect(prod.severity).toBe('warning');
    expect(prod.fixes).toEqual([]);
    expect(prod.message).toContain("to deployment 'green' away from 'blue'");
    expect(prod.message).toContain('--traffic "blue=90 green=10"');
    expect(found(files).find((f) => f.location.file === '.github/workflows/staging.yml')!.message).toContain('without `--all-traffic`');
  });

  it('fires on a templated target when the deployment it replaces is known', () => {
    const files = {
      '.github/workflows/cd.yml': 'on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    steps:\n      - run: az ml online-endpoint update -n chat --traffic "blue=0 $NEW_DEPLOYMENT=100"  # want: ' + RULE + '\n',
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('accepts a mirrored or partial step earlier in the job or in a job it needs', () => {
    const files = {
      '.github/workflows/same-job.yml': [
        'on: push',
        'jobs:',
        '  release-prod:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-endpoint update -n chat --mirror-traffic "green=10"',
        '      - run: az ml online-endpoint update -n chat --mirror-traffic "green=0" --traffic "blue=0 green=100"',
        '',
      ].join('\n'),
      '.github/workflows/canary.yml': [
        'on: push',
        'jobs:',
        '  canary-prod:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=90 green=10"',
        '  promote-prod:',
        '    needs: canary-prod',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=0 green=100"',
        '',
      ].join('\n'),
    };
    expect(found(files)).toEqual([]);
  });

  it('does not count a canary on another endpoint or in another environment', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  canary-staging:',
        '    runs-on: x',
        '    environment: staging',
        '    steps:',
        '      - run: az ml online-endpoint update -n $ENDPOINT --traffic "blue=90 green=10"',
        '  promote-prod:',
        '    needs: canary-staging',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-endpoint update -n other --traffic "blue=90 green=10"',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=0 green=100"  # want: ' + RULE,
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('says nothing about unknown targets, dev environments or partial splits', () => {
    const files = {
      // nfmoore end-to-end-testing: the deployment name is read at run time.
      '.github/workflows/nfmoore.yml': 'on: push\njobs:\n  end-to-end-testing:\n    runs-on: x\n    environment:\n      name: Staging\n    steps:\n      - run: az ml online-endpoint update --name $ENDPOINT_NAME --traffic "$DEPLOYMENT_NAME=100"\n',
      '.github/workflows/dev.yml': 'on: push\njobs:\n  deploy-dev:\n    runs-on: x\n    steps:\n      - run: az ml online-deployment create --name blue -e chat-dev -f deploy/dev/blue.yml --all-traffic\n',
      '.github/workflows/pct.yml': 'on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    steps:\n      - run: az ml online-endpoint update -n chat --traffic "blue=${{ inputs.old }} green=${{ inputs.new }}"\n',
    };
    expect(found(files)).toEqual([]);
  });

  it('treats the first traffic of an endpoint the job has just created as no cutover', () => {
    const script = (create: string): string =>
      `on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    steps:\n      - run: |\n${create}          az ml online-deployment create --name blue --endpoint $ENDPOINT_NAME -f endpoints/online/managed/sample/blue-deployment.yml --all-traffic\n`;
    // azureml-examples deploy-managed-online-endpoint.sh: `online-endpoint create` fails when the endpoint exists.
    expect(found({ '.github/workflows/a.yml': script('          az ml online-endpoint create --name $ENDPOINT_NAME -f endpoints/online/managed/sample/endpoint.yml\n') })).toEqual([]);
    const [f] = found({ '.github/workflows/b.yml': script('') });
    expect(f!.message).toContain('--traffic "<current>=90 blue=10"');
  });

  it('skips rollback workflows: traffic goes back to what already ran', () => {
    expect(found({ '.github/workflows/rollback.yml': 'name: Rollback prod\non: workflow_dispatch\njobs:\n  prod:\n    runs-on: x\n    environment: production\n    steps:\n      - run: az ml online-endpoint update -n chat-prod --traffic "blue=100 green=0"\n' })).toEqual([]);
  });
});
