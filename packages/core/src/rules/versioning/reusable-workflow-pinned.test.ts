import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';
import { floatingBranch } from './reusable-workflow-pinned.js';

const RULE = 'versioning/reusable-workflow-pinned';
const SHA = '3f1c2a9d8b7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a';

describe('floatingBranch', () => {
  it('recognises branches and lets SHAs, tags, local and docker references pass', () => {
    expect(floatingBranch('Azure/mlops-templates/.github/workflows/create-deployment.yml@main')).toBe('main');
    expect(floatingBranch('contoso/action@master')).toBe('master');
    expect(floatingBranch(`contoso/action@${SHA}`)).toBeUndefined();
    expect(floatingBranch('contoso/action@v2')).toBeUndefined();
    expect(floatingBranch('contoso/action@v1.4.0')).toBeUndefined();
    expect(floatingBranch('./.github/workflows/deploy.yml')).toBeUndefined();
    expect(floatingBranch('docker://alpine@main')).toBeUndefined();
    expect(floatingBranch('contoso/action@${{ inputs.ref }}')).toBeUndefined();
  });
});

describe(RULE, () => {
  it('fires on remote reusable deploy and traffic workflows called at a branch', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: workflow_dispatch',
        'jobs:',
        '  create-deployment:',
        `    uses: Azure/mlops-templates/.github/workflows/create-deployment.yml@main  # want: ${RULE}`,
        '    with:',
        '      endpoint_name: churn',
        '      deployment_file: deploy/prod/blue.yml',
        '  allocate-traffic:',
        '    needs: create-deployment',
        `    uses: Azure/mlops-templates/.github/workflows/allocate-traffic.yml@master  # want: ${RULE}`,
        '    with:',
        '      traffic_allocation: blue=100',
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const found = check(files).findings.filter((f) => f.ruleId === RULE);
    expect(found.every((f) => f.severity === 'warning')).toBe(true);
    expect(found[0]!.message).toContain('follows the branch main');
    expect(found[0]!.message).toContain('commit SHA');
  });

  it('fires on remote actions at a branch in deploying jobs, at the uses value', () => {
    const text = [
      'on: push',
      'jobs:',
      '  deploy-prod:',
      '    runs-on: ubuntu-latest',
      '    environment: prod',
      '    steps:',
      '      - uses: actions/checkout@v4',
      `      - uses: contoso/aml-login@main  # want: ${RULE}`,
      '      - name: login',
      `        uses: "contoso/other@HEAD"  # want: ${RULE}`,
      '      - run: az ml online-deployment create --file deploy/prod/blue.yml',
      '',
    ].join('\n');
    const files = { '.github/workflows/release.yml': text };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [first] = check(files).findings.filter((f) => f.ruleId === RULE);
    expect(text.slice(first!.location.span.start, first!.location.span.end)).toBe('contoso/aml-login@main');
  });

  it('does not fire on SHAs, tags, local workflows or jobs that do not deploy', () => {
    const files = {
      '.github/workflows/a.yml': `on: push\njobs:\n  create-deployment:\n    uses: Azure/mlops-templates/.github/workflows/create-deployment.yml@${SHA}\n    with:\n      deployment_file: deploy/prod/blue.yml\n`,
      '.github/workflows/b.yml': 'on: push\njobs:\n  create-deployment:\n    uses: Azure/mlops-templates/.github/workflows/create-deployment.yml@v1.2.0\n',
      '.github/workflows/c.yml': 'on: push\njobs:\n  create-deployment:\n    uses: ./.github/workflows/create-deployment.yml\n',
      '.github/workflows/d.yml': 'on: push\njobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: contoso/lint@main\n      - run: pytest\n',
      '.github/workflows/e.yml': 'on: push\njobs:\n  register:\n    uses: Azure/mlops-templates/.github/workflows/register-model.yml@main\n',
      '.github/workflows/f.yml': `on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    steps:\n      - uses: azure/login@${SHA}\n      - uses: ./.github/actions/deploy\n      - run: az ml online-deployment create -f deploy/prod/d.yml\n`,
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
