import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'promotion/prod-version-tested';
const found = (files: Record<string, string>): ReturnType<typeof check>['findings'] => check(files).findings.filter((f) => f.ruleId === RULE);
const HEADER = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const dep = (name: string, endpoint: string, model: string): string => `${HEADER}name: ${name}\nendpoint_name: ${endpoint}\nmodel: ${model}\ninstance_type: Standard_DS3_v2\ninstance_count: 3\n`;

describe(RULE, () => {
  it('fires when prod runs another version than staging, for endpoints named after their environment', () => {
    const files = {
      'deploy/staging/deployment.yml': dep('blue', 'chat-stg', 'azureml://registries/contoso/models/chat-model/versions/6'),
      'deploy/prod/deployment.yml': dep('blue', 'chat-prod', 'azureml://registries/contoso/models/chat-model/versions/7  # want: ' + RULE),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const [f] = found(files);
    expect(f!.severity).toBe('error');
    expect(f!.environment).toBe('prod');
    expect(f!.location.path).toBe('model');
    expect(f!.message).toContain('runs model chat-model:7, but staging, the environment before prod, runs chat-model:6');
    expect(f!.message).not.toContain('workspace references');
    expect(f!.related.map((r) => [r.file, r.start.line + 1])).toEqual([['deploy/staging/deployment.yml', 4]]);
  });

  it('compares workspace references too, and says a registry makes the comparison exact', () => {
    const files = {
      'test/endpoint-a/deployment.yml': dep('green', 'fraud', 'azureml:fraud-model:3'),
      'prod/endpoint-a/deployment.yml': dep('green', 'fraud', 'azureml:fraud-model:4  # want: ' + RULE),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(found(files)[0]!.message).toContain('share the model to a registry');
  });

  it('follows the environments, workloads and chain of aigate.yaml', () => {
    const files = {
      'aigate.yaml': [
        'version: 1',
        'environments:',
        '  - name: qa',
        '    tier: test',
        '    files: ["qa/**"]',
        '  - name: live',
        '    tier: prod',
        '    files: ["live/**"]',
        'workloads:',
        '  - name: chat',
        '    files: ["**/chat/**"]',
        '  - name: search',
        '    files: ["**/search/**"]',
        '',
      ].join('\n'),
      'qa/chat/d.yml': dep('blue', 'chat-endpoint', 'azureml:chat:2'),
      'qa/search/d.yml': dep('blue', 'search-endpoint', 'azureml:search:9'),
      'live/chat/d.yml': dep('blue', 'chat-endpoint', 'azureml:chat:3  # want: ' + RULE),
      'live/search/d.yml': dep('blue', 'search-endpoint', 'azureml:search:9'),
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    expect(found(files)[0]!.message).toContain('live');
  });

  it('accepts the tested version among several deployments of the lower environment', () => {
    const files = {
      'deploy/staging/blue.yml': dep('blue', 'chat-staging', 'azureml:chat:6'),
      'deploy/staging/green.yml': dep('green', 'chat-staging', 'azureml:chat:7'),
      'deploy/prod/green.yml': dep('green', 'chat-prod', 'azureml:chat:7'),
    };
    expect(found(files)).toEqual([]);
  });

  it('skips unknown versions, other endpoints and dev-only pairs', () => {
    const files = {
      // Templated in prod, floating in staging: nothing to compare.
      'deploy/staging/a.yml': dep('blue', 'a-staging', 'azureml:a@latest'),
      'deploy/prod/a.yml': dep('blue', 'a-prod', 'azureml:a:3'),
      'deploy/staging/b.yml': dep('blue', 'b-staging', 'azureml:b:1'),
      'deploy/prod/b.yml': dep('blue', 'b-prod', 'azureml:b:${{ env.MODEL_VERSION }}'),
      // A different endpoint with the same deployment name is another deployment.
      'deploy/staging/c.yml': dep('blue', 'c-staging', 'azureml:c:1'),
      'deploy/prod/d.yml': dep('blue', 'd-prod', 'azureml:d:2'),
      // dev -> staging is not checked: only what reaches prod.
      'deploy/dev/e.yml': dep('blue', 'e-dev', 'azureml:e:9'),
      'deploy/staging/e.yml': dep('blue', 'e-staging', 'azureml:e:8'),
    };
    expect(found(files)).toEqual([]);
  });

  it('accepts the previous deployment kept next to the tested one, but not an untested canary', () => {
    const rollout = {
      'deploy/staging/green.yml': dep('green', 'chat-staging', 'azureml:chat:7'),
      'deploy/prod/blue.yml': dep('blue', 'chat-prod', 'azureml:chat:6'),
      'deploy/prod/green.yml': dep('green', 'chat-prod', 'azureml:chat:7'),
    };
    expect(found(rollout)).toEqual([]);
    const canary = {
      'deploy/staging/blue.yml': dep('blue', 'chat-staging', 'azureml:chat:7'),
      'deploy/prod/blue.yml': dep('blue', 'chat-prod', 'azureml:chat:6'),
      'deploy/prod/green.yml': dep('green', 'chat-prod', 'azureml:chat:8  # want: ' + RULE),
    };
    expect(markerDiff(canary, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
  });
});
