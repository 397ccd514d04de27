// Writes a synthetic AI workload repository of N files: Azure ML endpoints, deployments, models and
// environments across dev/test/prod for many workloads, plus deploy workflows and an aigate.yaml.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export function generateWorkspace(root, fileCount) {
  rmSync(root, { recursive: true, force: true });
  const write = (rel, text) => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  const envs = ['dev', 'test', 'prod'];
  const perWorkload = envs.length * 3 + 3; // endpoint + 2 deployments per env, model, environment, workflow
  const workloads = Math.max(1, Math.ceil(fileCount / perWorkload));
  let written = 0;
  const policy = ['version: 1', 'environments:'];
  for (const e of envs) policy.push(`  - name: ${e}`, `    files: ["services/*/${e}/**"]`, ...(e === 'dev' ? [] : ['    protected: true', '    approvers: { teams: [contoso/release], required: 1 }']));
  policy.push('workloads:');
  for (let w = 0; w < workloads && written < fileCount; w++) {
    const name = `svc${w}`;
    policy.push(`  - name: ${name}`, `    files: ["services/${name}/**"]`);
    for (const e of envs) {
      if (written >= fileCount) break;
      write(`services/${name}/${e}/endpoint.yml`, `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: ${name}-${e}\nauth_mode: aml_token\npublic_network_access: disabled\ntags:\n  workload: ${name}\n`);
      written++;
      for (const color of ['blue', 'green']) {
        if (written >= fileCount) break;
        const version = color === "green" && e !== "dev" ? 4 : 3;
        write(
          `services/${name}/${e}/${color}.yml`,
          `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: ${color}\nendpoint_name: ${name}-${e}\nmodel: azureml://registries/contoso/models/${name}-model/versions/${version}\nenvironment: azureml://registries/contoso/environments/${name}-env/versions/2\ncode_configuration:\n  code: ../src\n  scoring_script: score.py\ninstance_type: Standard_DS3_v2\ninstance_count: ${e === 'prod' ? 3 : 1}\napp_insights_enabled: true\nrequest_settings:\n  max_concurrent_requests_per_instance: 4\ndata_collector:\n  collections:\n    model_inputs:\n      enabled: true\n    model_outputs:\n      enabled: true\n`,
        );
        written++;
      }
    }
    if (written < fileCount) {
      write(`services/${name}/model.yml`, `$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\nname: ${name}-model\nversion: 3\npath: ./model\ntype: mlflow_model\n`);
      written++;
    }
    if (written < fileCount) {
      write(`services/${name}/environment.yml`, `$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\nname: ${name}-env\nversion: 2\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20240709.v1\n`);
      written++;
    }
    if (written < fileCount) {
      const jobs = envs
        .map((e, i) => `  deploy-${e}:\n${i ? `    needs: deploy-${envs[i - 1]}\n` : ''}    runs-on: ubuntu-latest\n    environment: ${e}\n    steps:\n      - uses: actions/checkout@v4\n${e === 'dev' ? '' : `      - run: az ml job create --file pipelines/evaluate-${name}.yml --stream\n`}      - run: az ml online-deployment create --file services/${name}/${e}/green.yml\n      - run: az ml online-endpoint update --name ${name}-${e} --traffic "blue=90 green=10"\n`)
        .join('\n');
      write(`.github/workflows/deploy-${name}.yml`, `name: deploy ${name}\non:\n  push:\n    branches: [main]\njobs:\n${jobs}`);
      written++;
    }
  }
  write('aigate.yaml', `${policy.join('\n')}\n`);
  return written + 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n] = process.argv.slice(2);
  console.log(`${generateWorkspace(path.resolve(dir ?? '.tmp/bench-workspace'), Number(n ?? 10000))} files written`);
}
