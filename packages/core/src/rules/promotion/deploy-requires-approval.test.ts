import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'promotion/deploy-requires-approval';

function applyFix(text: string, edit: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

describe(RULE, () => {
  it('fires on a prod deploy job without environment, found by the file it deploys', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  release:  # want: ' + RULE,
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          az ml online-deployment create \\',
        '            --file deploy/production/blue.yml',
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('offers a fix that adds environment and clears the finding', () => {
    const text = 'on: push\njobs:\n  deploy-prod:\n    runs-on: ubuntu-latest\n    steps:\n      - run: az ml online-endpoint update --name chat --traffic "green=100"\n';
    const files = { '.github/workflows/cd.yml': text };
    const [finding] = check(files).findings.filter((f) => f.ruleId === RULE);
    expect(finding?.fixes[0]?.title).toContain('environment: prod');
    const fixed = applyFix(text, finding!.fixes[0]!.edits[0]!);
    expect(fixed).toContain('  deploy-prod:\n    environment: prod\n    runs-on: ubuntu-latest');
    expect(check({ '.github/workflows/cd.yml': fixed }).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it('does not fire for dev deploys, jobs with an environment, or an environment expression', () => {
    const files = {
      '.github/workflows/a.yml': 'on: push\njobs:\n  deploy-dev:\n    runs-on: x\n    steps:\n      - run: az ml online-deployment create -f deploy/dev/d.yml\n',
      '.github/workflows/b.yml': 'on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    environment:\n      name: Production\n      url: https://example.test\n    steps:\n      - run: az ml online-deployment create -f deploy/prod/d.yml\n',
      '.github/workflows/c.yml': 'on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    environment: ${{ inputs.target }}\n    steps:\n      - run: az ml online-deployment create -f deploy/prod/d.yml\n',
      '.github/workflows/d.yml': 'on: push\njobs:\n  build-prod-image:\n    runs-on: x\n    steps:\n      - run: docker build .\n',
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it('warns on remote reusable deploy workflows and checks local ones', () => {
    const files = {
      '.github/workflows/remote.yml': [
        'on: push',
        'jobs:',
        '  deploy-prod:',
        '    uses: Azure/mlops-templates/.github/workflows/create-deployment.yml@main  # want: ' + RULE,
        '    with:',
        '      deployment_file: deploy/prod/d.yml',
        '',
      ].join('\n'),
      '.github/workflows/local.yml': 'on: push\njobs:\n  deploy-prod:\n    uses: ./.github/workflows/reusable-deploy.yml  # want: ' + RULE + '\n    with:\n      deployment_file: deploy/prod/d.yml\n',
      '.github/workflows/reusable-deploy.yml': 'on: workflow_call\njobs:\n  go:\n    runs-on: x\n    steps:\n      - run: echo deploying\n',
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const sev = check(files).findings.filter((f) => f.ruleId === RULE).map((f) => [f.location.file, f.severity]);
    expect(sev).toEqual([
      ['.github/workflows/local.yml', 'error'],
      ['.github/workflows/remote.yml', 'warning'],
    ]);
  });
});
