import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'environments/sandbox-isolated';
const endpoint = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const deployment = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);

describe(RULE, () => {
  it('fires on a prod deployment whose code comes from a sandbox folder', () => {
    const files = {
      'deploy/prod/deployment.yml': [
        deployment.trimEnd(),
        'name: blue',
        'endpoint_name: chat-prod',
        'model: azureml:chat:3',
        'code_configuration:',
        `  code: ../../experiments/chat/src  # want: ${RULE}`,
        '  scoring_script: score.py',
        '',
      ].join('\n'),
      'deploy/dev/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-dev\nmodel: azureml:chat:3\ncode_configuration:\n  code: ../../src\n  scoring_script: score.py\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = findings(files);
    expect(f!.severity).toBe('warning');
    expect(f!.location.path).toBe('code_configuration.code');
    expect(f!.message).toContain('experiments/chat/src');
  });

  it('fires on deployments into an endpoint of the other side, and on a sandbox endpoint reusing a prod name', () => {
    const files = {
      'sandbox/endpoint.yml': `${endpoint}name: chat-lab\n`,
      'sandbox/clash.yml': `${endpoint}name: chat-prod  # want: ${RULE}\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\n`,
      'deploy/test/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-lab  # want: ${RULE}\nmodel: azureml:chat:3\n`,
      'sandbox/deployment.yml': `${deployment}name: try\nendpoint_name: orders-prod  # want: ${RULE}\nmodel: azureml:chat:3\n`,
      'deploy/prod/orders.yml': `${endpoint}name: orders-prod\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('fires on a sandbox job that deploys prod files, and on a prod job that deploys sandbox files', () => {
    const files = {
      '.github/workflows/sandbox.yml': [
        'on: workflow_dispatch',
        'jobs:',
        '  try-it:',
        '    runs-on: ubuntu-latest',
        '    environment: sandbox',
        '    steps:',
        `      - run: az ml online-deployment create --file deploy/prod/deployment.yml  # want: ${RULE}`,
        '',
      ].join('\n'),
      '.github/workflows/release.yml': [
        'on: push',
        'jobs:',
        '  release:',
        '    runs-on: ubuntu-latest',
        '    environment: production',
        '    steps:',
        `      - run: az ml online-deployment create --file experiments/deployment.yml  # want: ${RULE}`,
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const messages = findings(files).map((f) => f.message);
    expect(messages.some((m) => m.startsWith("Sandbox job 'try-it' reaches prod"))).toBe(true);
    expect(messages.some((m) => m.startsWith("Job 'release' of prod deploys experiments/deployment.yml from a sandbox folder"))).toBe(true);
  });

  it('fires on a sandbox job that works in the workspace a prod job deploys to', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/prod/d.yml -g rg-ml -w mlw-chat',
        '  sandbox-deploy:',
        '    runs-on: x',
        '    steps:',
        `      - run: az ml online-deployment create -f sandbox/d.yml -g rg-ml -w mlw-chat  # want: ${RULE}`,
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });

  it('does not take "experiment" in a job name for a sandbox job, nor registration for deploying', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  deploy-dev:',
        '    runs-on: x',
        '    environment: dev',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/dev/d.yml -g rg-ml -w mlw-chat',
        '  flow-experiment-and-evaluation:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml online-deployment create -f flows/d.yml -g rg-ml -w mlw-chat',
        '  sandbox-register:',
        '    runs-on: x',
        '    steps:',
        '      - run: az ml model create --name chat --path model -g rg-ml -w mlw-chat',
        '',
      ].join('\n'),
    };
    expect(findings(files)).toEqual([]);
  });

  it('does not fire when sandbox and higher environments keep to their own files and endpoints', () => {
    const files = {
      'sandbox/endpoint.yml': `${endpoint}name: chat-sandbox\n`,
      'sandbox/deployment.yml': `${deployment}name: try\nendpoint_name: chat-sandbox\nmodel: azureml:chat:3\ncode_configuration:\n  code: ./src\n  scoring_script: score.py\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\n`,
      'deploy/prod/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-prod\nmodel: azureml:chat:3\ncode_configuration:\n  code: ../../src/experiment_utils\n  scoring_script: score.py\n`,
      'deploy/dev/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-unknown\nmodel: azureml:chat:3\ncode_configuration:\n  code: \${{ inputs.code }}\n  scoring_script: score.py\n`,
      '.github/workflows/sandbox.yml': [
        'on: workflow_dispatch',
        'jobs:',
        '  try-it:',
        '    runs-on: x',
        '    environment: sandbox',
        '    steps:',
        '      - run: az ml online-deployment create --file sandbox/deployment.yml -g rg-sbx -w mlw-sbx',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create --file deploy/prod/deployment.yml -g rg-prod -w mlw-prod',
        '',
      ].join('\n'),
    };
    expect(findings(files)).toEqual([]);
  });
});
