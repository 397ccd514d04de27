import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'environments/governance-parity';
const endpoint = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';
const deployment = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const k8sDeployment = '$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json\n';

const findings = (files: Record<string, string>) => check(files).findings.filter((f) => f.ruleId === RULE);

function applyFix(text: string, edit: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

describe(RULE, () => {
  it('reports endpoint auth and network differences on the higher environment, with a fix', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat-dev\nauth_mode: aml_token\npublic_network_access: disabled\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod\nauth_mode: key  # want: ${RULE}\npublic_network_access: enabled  # want: ${RULE}\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const auth = findings(files).find((f) => f.location.path === 'auth_mode')!;
    expect(auth.severity).toBe('warning');
    expect(auth.message).toContain("prod sets 'key', dev sets 'aml_token'");
    expect(auth.message).toContain("set prod to dev's value; prod should not be weaker than what dev tested");
    expect(auth.related[0]!.file).toBe('deploy/dev/endpoint.yml');
    expect(auth.fixes[0]!.title).toBe('Set auth_mode to aml_token as in dev');
    const fixed = applyFix(files['deploy/prod/endpoint.yml'], auth.fixes[0]!.edits[0]!);
    expect(fixed).toContain('auth_mode: aml_token');
    expect(findings({ ...files, 'deploy/prod/endpoint.yml': fixed }).map((f) => f.location.path)).toEqual(['public_network_access']);
  });

  it('compares each environment with the one before it and reports deployment settings, kind and model', () => {
    const files = {
      'deploy/dev/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-dev\nmodel: azureml:chat:1\ninstance_type: Standard_DS3_v2\ninstance_count: 1\negress_public_network_access: disabled\napp_insights_enabled: true\ndata_collector:\n  collections:\n    model_inputs:\n      enabled: true\n`,
      'deploy/test/deployment.yml': `${deployment}name: blue\nendpoint_name: chat-test\nmodel: azureml:chat:2\ninstance_type: Standard_DS4_v2\ninstance_count: 2\negress_public_network_access: disabled\napp_insights_enabled: true\ndata_collector:\n  collections:\n    model_inputs:\n      enabled: true\n`,
      'deploy/prod/deployment.yml': [
        `${k8sDeployment.trimEnd()}  # want: ${RULE}`,
        `name: blue  # want: ${RULE}`,
        'endpoint_name: chat-prod',
        `model: azureml:chat-large:2  # want: ${RULE}`,
        'instance_type: gpu',
        'instance_count: 3',
        `app_insights_enabled: false  # want: ${RULE}`,
        '',
      ].join('\n'),
    };
    // prod is compared with test, not dev. Kind, model, Application Insights and data collection differ
    // (the missing data_collector is reported on the name); egress is a managed-only setting.
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    for (const f of findings(files)) expect(f.related[0]!.file).toBe('deploy/test/deployment.yml');
    const dc = findings(files).find((f) => f.location.path === 'name')!;
    expect(dc.message).toContain('data_collector differs');
    expect(dc.message).toContain('prod collects no data (no data_collector), test collects model_inputs');
    expect(dc.fixes).toEqual([]);
  });

  it('treats an unset field as its default', () => {
    const files = {
      'deploy/dev/endpoint.yml': `${endpoint}name: chat-dev\nauth_mode: key\n`,
      'deploy/staging/endpoint.yml': `${endpoint}name: chat-staging\npublic_network_access: disabled  # want: ${RULE}\n`,
      'deploy/prod/endpoint.yml': `${endpoint}name: chat-prod  # want: ${RULE}\nauth_mode: key\n`,
    };
    // staging disables public access where dev keeps the default; prod goes back to the default.
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const prod = findings(files).find((f) => f.location.file === 'deploy/prod/endpoint.yml')!;
    expect(prod.message).toContain("prod leaves it unset (default 'enabled'), staging sets 'disabled'");
    expect(prod.fixes).toEqual([]);
    const staging = findings(files).find((f) => f.location.file === 'deploy/staging/endpoint.yml')!;
    expect(staging.message).toContain("raise dev to staging's setting, so that dev tests what staging enforces");
  });

  it('does not fire for sizes, unknown values, other deployments, other workloads, sandbox or a single environment', () => {
    const files = {
      'aigate.yaml': 'version: 1\nworkloads:\n  - name: support\n    files: ["support/**"]\n  - name: sales\n    files: ["sales/**"]\n',
      'support/deploy/dev/d.yml': `${deployment}name: blue\nendpoint_name: chat-dev\nmodel: azureml:chat:1\ninstance_type: Standard_DS2_v2\ninstance_count: 1\napp_insights_enabled: true\n`,
      'support/deploy/prod/d.yml': `${deployment}name: blue\nendpoint_name: chat-prod\nmodel: azureml:chat:7\ninstance_type: Standard_DS5_v2\ninstance_count: 5\napp_insights_enabled: \${{ vars.INSIGHTS }}\n`,
      'sales/deploy/prod/d.yml': `${deployment}name: blue\nendpoint_name: chat-prod2\nmodel: azureml:other:1\napp_insights_enabled: false\n`,
      'sales/deploy/dev/e.yml': `${endpoint}name: quotes-dev\nauth_mode: key\n`,
      'support/deploy/prod/e.yml': `${endpoint}name: quotes-prod\nauth_mode: aad_token\n`,
      'sandbox/d.yml': `${deployment}name: blue\nendpoint_name: chat-sandbox\nmodel: azureml:experimental:1\n`,
      'deploy/prod/green.yml': `${deployment}name: green\nendpoint_name: chat-prod\nmodel: azureml:chat:8\n`,
    };
    expect(findings(files)).toEqual([]);
  });
});
