import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'promotion/traffic-valid';
const found = (files: Record<string, string>): ReturnType<typeof check>['findings'] => check(files).findings.filter((f) => f.ruleId === RULE);
const ENDPOINT = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const DEPLOYMENT = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const dep = (name: string, endpoint: string): string => `${DEPLOYMENT}name: ${name}\nendpoint_name: ${endpoint}\nmodel: azureml:chat:3\ninstance_type: Standard_DS3_v2\ninstance_count: 3\n`;

describe(RULE, () => {
  it('fires on endpoint YAML whose traffic does not add up, names a missing deployment, or mirrors too much', () => {
    const files = {
      'endpoints/chat/blue.yml': dep('blue', 'chat'),
      'endpoints/chat/green.yml': dep('green', 'chat'),
      'endpoints/chat/endpoint.yml': [
        `${ENDPOINT}name: chat`,
        'auth_mode: key',
        'traffic:  # want: ' + RULE,
        '  blue: 90',
        '  green: 20',
        'mirror_traffic:',
        '  green: 60  # want: ' + RULE + ', ' + RULE,
        '',
      ].join('\n'),
      'endpoints/chat/endpoint-typo.yml': [`${ENDPOINT}name: chat`, 'auth_mode: key', 'traffic:', '  blue: 90', '  gren: 10  # want: ' + RULE, ''].join('\n'),
      'endpoints/chat/endpoint-range.yml': [`${ENDPOINT}name: chat`, 'auth_mode: key', 'traffic:', '  blue: 120  # want: ' + RULE, '  green: -20  # want: ' + RULE, ''].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const all = found(files);
    expect(all.every((f) => f.severity === 'error')).toBe(true);
    const typo = all.find((f) => f.location.file === 'endpoints/chat/endpoint-typo.yml')!;
    expect(typo.message).toContain("names deployment 'gren'");
    expect(typo.related.map((r) => r.file).sort()).toEqual(['endpoints/chat/blue.yml', 'endpoints/chat/green.yml']);
    const messages = all.filter((f) => f.location.file === 'endpoints/chat/endpoint.yml').map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('adds up to 110%'),
        expect.stringContaining('mirrors at most 50%'),
        expect.stringContaining('both live traffic (20%) and mirrored traffic'),
      ]),
    );
  });

  it('checks --traffic and --mirror-traffic on command lines', () => {
    const files = {
      'deploy/blue.yml': dep('blue', 'chat'),
      'deploy/green.yml': dep('green', 'chat'),
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  rollout:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=80 green=10"  # want: ' + RULE,
        '      - run: az ml online-endpoint update -n chat --traffic "blue:90 green:10"  # want: ' + RULE,
        '      - run: az ml online-endpoint update -n chat --mirror-traffic "blue=10 green=10"  # want: ' + RULE,
        '      - run: az ml online-endpoint update -n chat --traffic "blue=90 red=10"  # want: ' + RULE,
        '      - run: az ml online-endpoint update -n chat --traffic "blue=90 green=10"',
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('counts deployments created by workflow steps under another name', () => {
    const files = {
      'deploy/blue.yml': dep('blue', 'chat'),
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  rollout:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-deployment create --name green --endpoint-name chat -f deploy/blue.yml',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=90 green=10"',
        '',
      ].join('\n'),
    };
    expect(found(files)).toEqual([]);
  });

  it('skips templated percents and names, unknown endpoints, and endpoints without deployment files', () => {
    const files = {
      'deploy/blue.yml': dep('blue', 'chat'),
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  rollout:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=${{ inputs.old }} $NEW=${{ inputs.new }}"',
        '      - run: az ml online-endpoint update --name $ENDPOINT_NAME --traffic "$DEPLOYMENT_NAME=100"',
        '      - run: az ml online-endpoint update -n other --traffic "x=100"',
        '      - run: az ml online-endpoint update -n chat --traffic "blue=0"',
        '      - run: az ml online-deployment create --name green -e chat -f deploy/blue.yml --all-traffic',
        '      - run: az ml online-endpoint update -n chat --mirror-traffic "green=0"',
        '',
      ].join('\n'),
      'deploy/endpoint.yml': `${ENDPOINT}name: chat\nauth_mode: key\ntraffic:\n  blue: \${{ vars.BLUE }}\n  green: 10\n`,
    };
    expect(found(files)).toEqual([]);
  });

  it('reports mirrored traffic on Kubernetes endpoints', () => {
    const files = {
      'k8s/endpoint.yml': '$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint.schema.json\nname: k\ncompute: azureml:aks\nauth_mode: key\nmirror_traffic:  # want: ' + RULE + '\n  green: 10\n',
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });
});
