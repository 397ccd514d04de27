import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'environments/per-environment-credentials';
const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);

const job = (id: string, file: string, login: string[], extra: string[] = []): string[] => [
  `  ${id}:`,
  '    runs-on: ubuntu-latest',
  ...extra,
  '    steps:',
  '      - uses: azure/login@v2',
  '        with:',
  ...login.map((l) => `          ${l}`),
  `      - run: az ml online-deployment create --file ${file}`,
];

describe(RULE, () => {
  it('fires on the higher environment job when dev and prod sign in with one repository secret', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        ...job('deploy-dev', 'deploy/dev/d.yml', ['creds: ${{ secrets.AZURE_CREDENTIALS }}']),
        ...job('deploy-prod', 'deploy/prod/d.yml', [`creds: \${{ secrets.AZURE_CREDENTIALS }}  # want: ${RULE}`]),
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = findings(files);
    expect(f!.severity).toBe('warning');
    expect(f!.environment).toBe('prod');
    expect(f!.message).toContain("Job 'deploy-prod' deploys to prod and signs in with the repository secret AZURE_CREDENTIALS, which job 'deploy-dev' (dev) also uses for dev");
    expect(f!.location.start.character).toBe(21);
    expect(f!.related).toHaveLength(1);
  });

  it('fires across workflow files and on OIDC client ids, but not on tenant or subscription ids', () => {
    const oidc = (client: string) => [`client-id: \${{ secrets.AZURE_CLIENT_ID }}${client}`, 'tenant-id: ${{ secrets.AZURE_TENANT_ID }}', 'subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}'];
    const files = {
      '.github/workflows/dev.yml': ['on: push', 'jobs:', ...job('deploy', 'deploy/dev/d.yml', oidc('')), ''].join('\n'),
      '.github/workflows/prod.yml': ['on: push', 'jobs:', ...job('deploy', 'deploy/prod/d.yml', oidc(`  # want: ${RULE}`)), ''].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('does not fire for jobs with environment:, per-environment secret names, one environment or non-deploying jobs', () => {
    const files = {
      '.github/workflows/a.yml': [
        'on: push',
        'jobs:',
        ...job('deploy-dev', 'deploy/dev/d.yml', ['creds: ${{ secrets.AZURE_CREDENTIALS }}'], ['    environment: dev']),
        ...job('deploy-prod', 'deploy/prod/d.yml', ['creds: ${{ secrets.AZURE_CREDENTIALS }}'], ['    environment: prod']),
        '',
      ].join('\n'),
      '.github/workflows/b.yml': [
        'on: push',
        'jobs:',
        ...job('deploy-dev', 'deploy/dev/d.yml', ['creds: ${{ secrets.AZURE_CREDENTIALS_DEV }}']),
        ...job('deploy-prod', 'deploy/prod/d.yml', ['creds: ${{ secrets.AZURE_CREDENTIALS_PROD }}']),
        ...job('deploy-prod-eu', 'deploy/prod/eu.yml', ['creds: ${{ secrets.AZURE_CREDENTIALS_PROD }}']),
        '  test-dev:',
        '    runs-on: x',
        '    steps:',
        '      - uses: azure/login@v2',
        '        with:',
        '          creds: ${{ secrets.AZURE_CREDENTIALS_PROD }}',
        '      - run: pytest tests/',
        '',
      ].join('\n'),
    };
    expect(findings(files)).toEqual([]);
  });
});
