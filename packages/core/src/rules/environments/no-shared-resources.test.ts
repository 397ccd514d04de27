import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'environments/no-shared-resources';
const endpoint = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const deployment = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);

describe(RULE, () => {
  it('fires once per higher environment when dev and prod use the same endpoint name', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat\nauth_mode: key\n`,
      'deploy/dev/deployment.yml': `${deployment}name: blue\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat  # want: ${RULE}\nauth_mode: key\n`,
      'deploy/prod/deployment.yml': `${deployment}name: blue\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = findings(files);
    expect(f!.severity).toBe('error');
    expect(f!.environment).toBe('prod');
    expect(f!.message).toContain("Endpoint 'chat' is used by prod and also by dev");
    expect(f!.message).toContain("'chat-prod'");
    expect(f!.related.map((r) => r.file).sort()).toEqual(['deploy/dev/deployment.yml', 'deploy/dev/endpoint.yml', 'deploy/prod/deployment.yml']);
  });

  it('reports the environment that borrows an endpoint named for another one', () => {
    const files = {
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\n`,
      'deploy/dev/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-prod  # want: ${RULE}\nmodel: azureml:chat:1\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(findings(files)[0]!.message).toMatch(/^The dev environment uses endpoint 'chat-prod', which by its name is prod's endpoint, and prod uses it too\./);
  });

  it('fires on workflow jobs of different environments that target one workspace', () => {
    const files = {
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  deploy-dev:',
        '    runs-on: ubuntu-latest',
        '    environment: dev',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/dev/d.yml -g rg-ml -w mlw-chat',
        '  deploy-prod:',
        '    runs-on: ubuntu-latest',
        '    environment: prod',
        '    steps:',
        `      - run: az ml online-deployment create -f deploy/prod/d.yml --resource-group rg-ml --workspace-name mlw-chat  # want: ${RULE}`,
        '',
      ].join('\n'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = findings(files);
    expect(f!.message).toContain("workspace 'mlw-chat' in resource group 'rg-ml'");
    expect(f!.related).toHaveLength(1);
  });

  it('does not fire for separate names, one environment, registries, unknown environments or templated names', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat-dev\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\n`,
      'deploy/prod/blue.yml': `${deployment}name: blue\nendpoint_name: chat-prod\nmodel: azureml://registries/shared/models/chat/versions/1\n`,
      'deploy/prod/green.yml': `${deployment}name: green\nendpoint_name: chat-prod\nmodel: azureml://registries/shared/models/chat/versions/1\n`,
      'deploy/dev/blue.yml': `${deployment}name: blue\nendpoint_name: chat-dev\nmodel: azureml://registries/shared/models/chat/versions/1\n`,
      'endpoints/endpoint.yml': `${endpoint}name: chat-prod\n`,
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  share-dev:',
        '    runs-on: x',
        '    environment: dev',
        '    steps:',
        '      - run: az ml model share --name chat --version 1 --registry-name shared -g rg-dev -w mlw-dev',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: az ml online-deployment create -f deploy/prod/blue.yml -g ${{ vars.RG }} -w ${{ vars.WS }}',
        '      - run: az ml model share --name chat --version 1 --registry-name shared -g rg-dev -w mlw-dev',
        '',
      ].join('\n'),
    };
    expect(findings(files)).toEqual([]);
  });

  it('leaves sandbox overlaps to environments/sandbox-isolated', () => {
    const files = {
      'sandbox/endpoint.yml': `${endpoint}name: chat\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat\n`,
    };
    expect(findings(files)).toEqual([]);
  });
});

describe(`${RULE}: names replaced by the workflow`, () => {
  it('does not count files whose endpoint name the deploying command replaces', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat\n`,
      'deploy/prod/deployment.yml': `${deployment}name: blue\nendpoint_name: chat\nmodel: azureml:chat:1\n`,
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  deploy-prod:',
        '    runs-on: x',
        '    environment: prod',
        '    steps:',
        '      - run: |',
        '          az ml online-endpoint create -f deploy/prod/endpoint.yml --name "chat-$SUFFIX"',
        '          az ml online-deployment create -f deploy/prod/deployment.yml \\',
        '            --endpoint-name "chat-$SUFFIX"',
        '',
      ].join('\n'),
    };
    expect(findings(files)).toEqual([]);
    const { '.github/workflows/cd.yml': _workflow, ...withoutWorkflow } = files;
    expect(findings(withoutWorkflow)).toHaveLength(1);
  });

  it('does not count files passed to a deploy action with an endpoint_name input', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat\n`,
      '.github/workflows/cd.yml': [
        'on: push',
        'jobs:',
        '  create-endpoint:',
        '    uses: Azure/mlops-templates/.github/workflows/create-endpoint.yml@main',
        '    with:',
        '      endpoint_file: deploy/prod/endpoint.yml',
        "      endpoint_name: ${{ format('chat-{0}', needs.get-config.outputs.oep) }}",
        '',
      ].join('\n'),
    };
    expect(findings(files)).toEqual([]);
    expect(findings({ ...files, '.github/workflows/cd.yml': files['.github/workflows/cd.yml'].replace(/\n\s+endpoint_name:.*\n/, '\n') })).toHaveLength(1);
  });
});
