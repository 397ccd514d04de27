// Generates a realistic multi-team Azure ML repository for the language-server benchmark:
// teams of services, each with endpoints and deployments in dev, test and prod, a model asset,
// a training pipeline and a GitHub workflow that promotes it, plus one aigate.yaml.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const SCHEMA = 'https://azuremlschemas.azureedge.net/latest';
const ENVS = ['dev', 'test', 'prod'];

const pad = (n, w = 3) => String(n).padStart(w, '0');

function endpoint(name, env, team, auth) {
  return `$schema: ${SCHEMA}/managedOnlineEndpoint.schema.json
name: ${name}
auth_mode: ${auth}
public_network_access: disabled
tags:
  workload: ${team}
  environment: ${env}
`;
}

function deployment({ name, endpointName, model, version, instances, env }) {
  return `$schema: ${SCHEMA}/managedOnlineDeployment.schema.json
name: ${name}
endpoint_name: ${endpointName}
model: azureml://registries/contoso-ml/models/${model}/versions/${version}
environment: azureml://registries/contoso-ml/environments/${model}-scoring/versions/3
code_configuration:
  code: ../../src
  scoring_script: score.py
instance_type: Standard_DS3_v2
request_settings:
  max_concurrent_requests_per_instance: 4
  request_timeout_ms: 5000
liveness_probe:
  initial_delay: 30
  period: 10
instance_count: ${instances}
app_insights_enabled: true
data_collector:
  collections:
    model_inputs:
      enabled: true
    model_outputs:
      enabled: true
tags:
  environment: ${env}
  owner: ml-platform
`;
}

function modelAsset(model, version) {
  return `$schema: ${SCHEMA}/model.schema.json
name: ${model}
version: ${version}
type: mlflow_model
path: ../outputs/model
description: Ranking model of ${model}.
`;
}

function pipeline(model) {
  return `$schema: ${SCHEMA}/pipelineJob.schema.json
type: pipeline
display_name: train-${model}
settings:
  default_compute: azureml:cpu-cluster
jobs:
  train:
    type: command
    code: ../src
    command: python train.py --data \${{inputs.data}} --out \${{outputs.model}}
    environment: azureml:${model}-train:2
    inputs:
      data:
        type: uri_folder
        path: azureml:${model}-data:5
    outputs:
      model:
        type: mlflow_model
`;
}

function workflow(svc, dir) {
  const login = `      - uses: actions/checkout@v4
      - uses: azure/login@v2
        with:
          client-id: \${{ secrets.AZURE_CLIENT_ID }}
          tenant-id: \${{ secrets.AZURE_TENANT_ID }}
          subscription-id: \${{ secrets.AZURE_SUBSCRIPTION_ID }}
`;
  return `name: deploy-${svc}
on:
  push:
    branches: [main]
    paths: ["${dir}/**"]

permissions:
  id-token: write
  contents: read

jobs:
  deploy-dev:
    runs-on: ubuntu-latest
    environment: dev
    steps:
${login}      - run: az ml online-deployment create --file ${dir}/deploy/dev/blue.yml --all-traffic

  deploy-test:
    needs: deploy-dev
    runs-on: ubuntu-latest
    environment: test
    steps:
${login}      - name: Evaluate the candidate
        run: az ml job create --file ${dir}/pipelines/evaluate.yml --stream
      - run: az ml online-deployment create --file ${dir}/deploy/test/blue.yml --all-traffic

  deploy-prod:
    needs: deploy-test
    runs-on: ubuntu-latest
    environment: prod
    steps:
${login}      - run: az ml online-deployment create --file ${dir}/deploy/prod/green.yml
      - name: Send 10% of traffic to green
        run: az ml online-endpoint update --name ${svc}-prod --traffic "blue=90 green=10"
`;
}

function policy(teams) {
  const workloads = teams
    .map((t) => `  - name: ${t}\n    files: ["services/${t}-*/**"]\n    endpoints: ["${t}-*"]\n    content_filter: strict`)
    .join('\n');
  return `version: 1
environments:
  - name: dev
    files: ["services/*/deploy/dev/**"]
  - name: test
    files: ["services/*/deploy/test/**"]
    protected: true
    approvers:
      teams: [contoso/ml-release]
  - name: prod
    files: ["services/*/deploy/prod/**"]
    protected: true
    approvers:
      teams: [contoso/ml-release]
      required: 2
workloads:
${workloads}
models:
  registries: [contoso-ml]
  denied: ["*gpt-35-turbo*"]
rules:
  monitoring/prod-monitoring: error
`;
}

/**
 * Write a workspace of about `files` files under `root` and return the list of relative paths
 * (10 files per service: 7 deployments and endpoints, a model, a pipeline and a workflow).
 */
export function generateWorkspace(root, files = 5000) {
  const services = Math.max(1, Math.round((files - 1) / 10));
  const teamCount = Math.max(1, Math.round(services / 20));
  const teams = Array.from({ length: teamCount }, (_, i) => `team${pad(i, 2)}`);
  const written = [];
  const write = (rel, text) => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    written.push(rel);
  };
  mkdirSync(path.join(root, '.git'), { recursive: true });
  write('aigate.yaml', policy(teams));
  for (let i = 0; i < services; i++) {
    const team = teams[i % teamCount];
    const svc = `${team}-svc${pad(i)}`;
    const dir = `services/${svc}`;
    const model = `${svc}-model`;
    const v = 3 + (i % 5);
    for (const env of ENVS) {
      // Every 25th service weakens prod's auth mode (governance drift between environments).
      write(`${dir}/deploy/${env}/endpoint.yml`, endpoint(`${svc}-${env}`, env, team, env === 'prod' && i % 25 === 0 ? 'key' : 'aml_token'));
      // prod keeps the previous version on blue as its rollback target; green gets the tested one.
      const version = env === 'dev' ? v + 1 : env === 'test' ? v : v - 1;
      write(`${dir}/deploy/${env}/blue.yml`, deployment({ name: 'blue', endpointName: `${svc}-${env}`, model, version, instances: env === 'prod' ? 3 : 1, env }));
    }
      // Every tenth service promotes a version to prod that test never ran (a cross-file finding).
    write(`${dir}/deploy/prod/green.yml`, deployment({ name: 'green', endpointName: `${svc}-prod`, model, version: i % 10 === 0 ? v + 1 : v, instances: 3, env: 'prod' }));
    write(`${dir}/models/model.yml`, modelAsset(model, v + 1));
    write(`${dir}/pipelines/train.yml`, pipeline(model));
    write(`.github/workflows/deploy-${svc}.yml`, workflow(svc, dir));
  }
  return written;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [out = 'bench-workspace', n = '5000'] = process.argv.slice(2);
  const list = generateWorkspace(out, Number(n));
  console.log(`${list.length} files written to ${out}`);
}
