/**
 * A small workspace run through the real engine, for the output tests (and for trying formats by hand).
 * Not used by the formatters themselves.
 */
import { checkTexts } from '../api.js';
import type { Finding } from '../findings.js';
import { ALL_RULES } from '../rules/index.js';
import { SourceFile } from '../text/source.js';
import type { ReportInput } from './shared.js';

const header = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';

/** prod floats on @latest (error), a prod deploy job has no `environment:` (error, with a fix), dev floats too (info by policy), one suppressed. */
export const SAMPLE_FILES: Readonly<Record<string, string>> = {
  'aigate.yaml': 'version: 1\nenvironments:\n  - name: dev\n  - name: prod\nrules:\n  versioning/model-pinned:\n    environments:\n      dev: info\n',
  'deploy/prod/d.yml': `${header}name: blue\nendpoint_name: chat\nmodel: azureml:chat@latest\n`,
  'deploy/dev/d.yml': `${header}name: blue\nendpoint_name: chat\nmodel: azureml:chat@latest\n`,
  'deploy/dev/e.yml': `${header}name: green\nendpoint_name: chat\nmodel: azureml:chat@latest  # aigate-ignore versioning/model-pinned -- dev tracks latest on purpose\n`,
  '.github/workflows/cd.yml': 'on: push\njobs:\n  deploy-prod:\n    runs-on: ubuntu-latest\n    steps:\n      - run: az ml online-deployment create -f deploy/prod/d.yml\n',
};

export const SAMPLE_RULES: readonly string[] = ['versioning/model-pinned', 'promotion/deploy-requires-approval'];

export function sampleInput(overrides: Partial<ReportInput> = {}, files: Readonly<Record<string, string>> = SAMPLE_FILES): ReportInput {
  const result = checkTexts({ ...files }, { now: new Date('2026-11-23T12:00:00Z') });
  // Only the rules this fixture is about, so the expected output does not change when rules are added.
  const findings: Finding[] = result.findings.filter((f) => SAMPLE_RULES.includes(f.ruleId)).map((f) => ({ ...f }));
  // No rule with related locations exists yet: link the prod model to the job that deploys it, as a cross-file rule would.
  const model = findings.find((f) => f.ruleId === 'versioning/model-pinned' && f.environment === 'prod');
  const job = findings.find((f) => f.ruleId === 'promotion/deploy-requires-approval');
  if (model && job) model.related = [{ ...job.location, message: "deployed by job 'deploy-prod'" }];
  return {
    findings,
    suppressed: result.suppressed.filter((f) => SAMPLE_RULES.includes(f.ruleId)),
    notes: ['skipped 1 symlink: deploy/link.yml'],
    rules: ALL_RULES,
    root: '/work/contoso chat',
    filesChecked: Object.keys(files).length,
    sources: new Map(Object.entries(files).map(([p, t]) => [p, new SourceFile(p, t)])),
    color: false,
    toolVersion: '0.1.0',
    ...overrides,
  };
}
