/**
 * Workflows shaped like public repositories', shared by rule tests. Each takes the rule whose finding is
 * expected (as a `# want:` marker) on the job that promotes without what the rule asks for.
 */

/** Azure/mlops-project-template's online deployment workflow: prod deployed straight from a push to main, through reusable workflows. */
export function mlopsTemplateDeploy(rule: string): string {
  return [
    'name: deploy-online-endpoint-pipeline',
    'on:',
    '  push:',
    '    branches: [main]',
    'jobs:',
    `  create-deployment-prod:  # want: ${rule}`,
    '    uses: Azure/mlops-templates/.github/workflows/create-deployment.yml@main',
    '    with:',
    '      endpoint_file: classical/aml-cli-v2/mlops/azureml/deploy/online/online-deployment.yml',
    '      deployment_name: taxi-online-dp',
    '  allocate-traffic-prod:',
    '    needs: [create-deployment-prod]',
    '    uses: Azure/mlops-templates/.github/workflows/allocate-traffic.yml@main',
    '    with:',
    '      traffic_allocation: taxi-online-dp=100',
    '',
  ].join('\n');
}
