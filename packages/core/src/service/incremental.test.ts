import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTexts } from '../api.js';
import { analyzeFile, releaseDocs } from '../model/file.js';
import { RULES } from '../rules/index.js';
import { WorkspaceIndex } from './workspace-index.js';

/**
 * The index re-evaluates a workspace incrementally (one-file rules per changed file, cross-file rules
 * from kept indexes and groups). After every edit of a random sequence, its findings must equal a
 * from-scratch check of the same texts.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const example = path.resolve(here, '../../../../examples/contoso-chat');
const NOW = new Date('2026-03-01T12:00:00Z');

function readExample(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.ya?ml$/.test(name)) out.set(path.relative(example, abs).split(path.sep).join('/'), readFileSync(abs, 'utf8'));
    }
  };
  walk(example);
  return out;
}

const ML = 'https://azuremlschemas.azureedge.net/latest';

/** Files that, with the example repository, make every rule find something. */
const EXTRA: Record<string, string> = {
  'deploy/prod/ranker-endpoint.yml': `$schema: ${ML}/kubernetesOnlineEndpoint.schema.json
name: ranker-prod
compute: azureml:k8s-prod
auth_mode: key
traffic:
  blue: 60
  ghost: 30
mirror_traffic:
  blue: 60
tags:
  workload: support-chat
`,
  'deploy/prod/ranker-blue.yml': `$schema: ${ML}/kubernetesOnlineDeployment.schema.json
name: blue
endpoint_name: ranker-prod
model: azureml:ranker@latest
environment: azureml:ranker-env@latest
instance_type: defaultinstancetype
# aigate-ignore resilience/ha-instance-count -- the pipeline scales it before traffic moves
instance_count: 1
app_insights_enabled: false
tags:
  app: web
`,
  'deploy/prod/ranker-green.yml': `$schema: ${ML}/kubernetesOnlineDeployment.schema.json
name: green
endpoint_name: ranker-prod
model: azureml:ranker:4
environment: azureml:ranker-env:2
instance_type: defaultinstancetype
instance_count: 1
tags:
  app: mobile
`,
  'deploy/test/ranker-blue.yml': `$schema: ${ML}/kubernetesOnlineDeployment.schema.json
name: blue
endpoint_name: ranker-test
model: azureml:ranker:3
environment: azureml:ranker-env:2
instance_type: defaultinstancetype
instance_count: 1
`,
  'deploy/prod/openai.yml': `$schema: ${ML}/managedOnlineDeployment.schema.json
name: chat
endpoint_name: assistant-prod
model: azureml://registries/azure-openai/models/gpt-35-turbo/versions/0301
instance_type: Standard_DS3_v2
instance_count: 3
app_insights_enabled: true
data_collector:
  collections:
    model_inputs:
      enabled: true
    model_outputs:
      enabled: true
`,
  'deploy/dev/templated.yml': `$schema: ${ML}/managedOnlineDeployment.schema.json
name: blue
endpoint_name: {{ENDPOINT_NAME}}
model: azureml:ranker:{{VERSION}}
instance_count: 1
`,
  'models/ranker.yml': `$schema: ${ML}/model.schema.json
name: ranker
type: mlflow_model
path: ../outputs/ranker
`,
  'environments/base.yml': `$schema: ${ML}/environment.schema.json
name: base
version: 1
image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
`,
  'registry.yml': `name: contoso-ml
location: eastus
replication_locations:
  - location: eastus
`,
  'sandbox/ranker.yml': `$schema: ${ML}/managedOnlineEndpoint.schema.json
name: assistant-prod
auth_mode: key
`,
  '.github/workflows/ranker.yml': `name: ranker
on:
  push:
    branches: [main]

jobs:
  deploy-dev:
    runs-on: ubuntu-latest
    steps:
      - uses: azure/login@v2
        with:
          creds: \${{ secrets.AZURE_CREDENTIALS }}
      - run: az ml online-deployment create --file deploy/test/ranker-blue.yml --workspace-name shared-ws --resource-group shared-rg

  deploy-prod:
    runs-on: ubuntu-latest
    steps:
      - uses: azure/login@v2
        with:
          creds: \${{ secrets.AZURE_CREDENTIALS }}
      - run: yq -i '.model = "azureml:ranker:4"' deploy/prod/ranker-green.yml
      - run: az ml online-deployment create --file deploy/prod/ranker-green.yml --name green --all-traffic --workspace-name shared-ws --resource-group shared-rg
      - run: az ml online-deployment delete --endpoint-name ranker-prod --name blue --yes
      - run: az ml online-deployment update --file deploy/prod/openai.yml
      - run: az ml online-endpoint update --name ranker-prod --mirror-traffic "green=70"

  release-prod:
    uses: contoso/shared/.github/workflows/deploy-model.yml@main
    with:
      environment: prod

  call-local:
    needs: deploy-prod
    uses: ./.github/workflows/reusable-deploy.yml
    with:
      environment: production
`,
  '.github/workflows/reusable-deploy.yml': `name: reusable-deploy
on:
  workflow_call:
    inputs:
      environment:
        type: string

jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@main
      - run: az ml online-deployment create --file deploy/prod/openai.yml --name chat
`,
  '.github/workflows/promote.yml': `name: promote
on:
  workflow_run:
    workflows: [ranker]
    types: [completed]

jobs:
  promote-prod:
    runs-on: ubuntu-latest
    environment: prod
    steps:
      - run: az ml online-endpoint update --name ranker-prod --traffic "blue=0 green=100"
`,
  'faq-bot/prod/limits.yml': `$schema: ${ML}/managedOnlineDeployment.schema.json
name: limits
endpoint_name: support-chat-prod
model: azureml://registries/contoso-ml/models/faq-model/versions/2
instance_count: 3
app_insights_enabled: true
`,
};

/** A seeded pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Edit = (text: string, pick: <T>(xs: readonly T[]) => T) => string;

const lines = (t: string): string[] => t.split('\n');

/** Edits of a file's text, each a small change an author could make. */
const EDITS: Record<string, Edit> = {
  'instance count': (t, pick) => t.replace(/instance_count: \d+/, `instance_count: ${pick([1, 2, 3, 4])}`),
  'model version': (t, pick) => t.replace(/(versions\/|:)(\d+)(\s*$|\s+#)/m, (_m, a: string, v: string, z: string) => `${a}${Math.max(0, Number(v) + pick([-1, 1, 2]))}${z}`),
  'environment word': (t, pick) => t.replace(/-(dev|test|prod)\b/, `-${pick(['dev', 'test', 'prod', 'sandbox'])}`),
  'endpoint name': (t, pick) => t.replace(/^endpoint_name: .*$/m, `endpoint_name: ${pick(['support-chat-prod', 'support-chat-test', 'ranker-prod', 'ranker-test', 'assistant-prod', 'shared'])}`),
  'app insights': (t) => (t.includes('app_insights_enabled: true') ? t.replace('app_insights_enabled: true', 'app_insights_enabled: false') : t.replace('app_insights_enabled: false', 'app_insights_enabled: true')),
  'line on top': (t, pick) => `${pick(['', '# edited', '# another comment'])}\n${t}`,
  'drop a line': (t, pick) => {
    const ls = lines(t);
    if (ls.length < 2) return t;
    ls.splice(pick(ls.map((_, i) => i)), 1);
    return ls.join('\n');
  },
  'traffic share': (t, pick) => t.replace(/(blue|green)[=:] ?(\d+)/, (_m, d: string) => `${d}=${pick([0, 10, 50, 90, 100])}`.replace('=', t.includes(`${d}:`) ? ': ' : '=')),
  'break the yaml': (t) => `${t}\n  : : broken: [\n`,
  'suppress': (t, pick) => {
    const ls = lines(t);
    const rule = pick(RULES).id;
    ls.splice(pick(ls.map((_, i) => i)), 0, `# aigate-ignore ${rule} -- accepted for this test`);
    return ls.join('\n');
  },
  'environment gate': (t) => (t.includes('    environment: prod\n') ? t.replace('    environment: prod\n', '') : t.replace('  promote-prod:\n    runs-on: ubuntu-latest\n', '  promote-prod:\n    runs-on: ubuntu-latest\n    environment: prod\n')),
  'needs': (t) => (t.includes('    needs: deploy-prod\n') ? t.replace('    needs: deploy-prod\n', '') : t.replace('  deploy-prod:\n', '  deploy-prod:\n    needs: deploy-dev\n')),
  'override': (t) => (t.includes('yq -i') ? t.replace(/^.*yq -i.*\n/m, '') : t.replace('      - run: az ml online-deployment delete', "      - run: yq -i '.model = \"azureml:ranker:9\"' deploy/prod/ranker-blue.yml\n      - run: az ml online-deployment delete")),
  'endpoint override': (t) => t.replace('--file deploy/test/ranker-blue.yml', '--file deploy/test/ranker-blue.yml --endpoint-name ranker-dev'),
  'workflow name': (t, pick) => t.replace(/^name: .*$/m, `name: ${pick(['ranker', 'deploy', 'promote', 'other'])}`),
};

const POLICY_EDITS: Record<string, Edit> = {
  severity: (t, pick) => t.replace(/monitoring\/prod-monitoring: \w+/, `monitoring/prod-monitoring: ${pick(['error', 'warning', 'info', 'off'])}`),
  'rule off': (t, pick) => t.replace('rules:\n', `rules:\n  ${pick(RULES).id}: ${pick(['off', 'warning'])}\n`),
  'environment files': (t, pick) => t.replace(/files: \["deploy\/test\/\*\*"\]/, `files: ["deploy/${pick(['test', 'stage', 'dev'])}/**"]`),
  'content filter': (t, pick) => t.replace(/content_filter: \w+(?![\s\S]*content_filter)/, `content_filter: ${pick(['strict', 'lenient'])}`),
  suppression: (t) => `${t}  - rule: promotion/traffic-valid\n    paths: ["deploy/prod/**"]\n    reason: a test of suppressions\n`,
  'line on top': (t) => `# policy\n${t}`,
  'denied models': (t, pick) => t.replace(/denied: \[.*\]/, `denied: [${pick(['"*gpt-35-turbo*"', '"ranker*"', ''])}]`),
};

function workspace(): Map<string, string> {
  const texts = readExample();
  for (const [p, t] of Object.entries(EXTRA)) texts.set(p, t);
  return texts;
}

function run(seed: number, steps: number): Set<string> {
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const original = workspace();
  const index = new WorkspaceIndex({ now: () => NOW });
  for (const [p, t] of original) index.setFile(p, t);
  const seen = new Set<string>();
  const check = (step: string): void => {
    index.evaluate();
    const texts = new Map<string, string>();
    for (const p of index.paths()) texts.set(p, index.text(p)!);
    const expected = checkTexts(texts, { now: NOW }).findings;
    const actual = index.allFindings();
    for (const f of actual) seen.add(f.ruleId);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      // Show the difference in the test output.
      expect({ step, findings: actual }).toEqual({ step, findings: expected });
    }
  };
  check('initial');
  let n = 0;
  for (let i = 0; i < steps; i++) {
    const paths = [...index.paths()];
    const choice = rand();
    let step: string;
    if (choice < 0.08) {
      const p = pick(paths.filter((x) => x !== 'aigate.yaml'));
      index.removeFile(p);
      step = `remove ${p}`;
    } else if (choice < 0.16) {
      const from = pick([...original.keys()]);
      const to = pick([from, `${pick(['deploy/dev', 'deploy/test', 'deploy/prod', 'sandbox', 'faq-bot/prod', 'other'])}/copy${n++}.yml`]);
      index.setFile(to, original.get(from)!);
      step = `copy ${from} to ${to}`;
    } else if (choice < 0.3) {
      const name = pick(Object.keys(POLICY_EDITS));
      const before = index.text('aigate.yaml') ?? original.get('aigate.yaml')!;
      index.setFile('aigate.yaml', rand() < 0.15 ? original.get('aigate.yaml')! : POLICY_EDITS[name]!(before, pick));
      step = `policy: ${name}`;
    } else {
      const p = pick(paths);
      const name = pick(Object.keys(EDITS));
      const before = index.text(p);
      if (before === undefined) continue;
      index.setFile(p, rand() < 0.1 ? (original.get(p) ?? before) : EDITS[name]!(before, pick));
      step = `${name} in ${p}`;
    }
    check(`${i}: ${step}`);
  }
  return seen;
}

describe('incremental evaluation', () => {
  it('the fixture makes every rule find something', () => {
    const found = new Set(checkTexts(workspace(), { now: NOW }).findings.map((f) => f.ruleId));
    expect(RULES.map((r) => r.id).filter((id) => !found.has(id))).toEqual([]);
  });

  it('gives the findings of a check from scratch after every edit of a random sequence', () => {
    const seen = new Set<string>();
    for (const seed of [1, 2, 3]) for (const id of run(seed, 40)) seen.add(id);
    expect(RULES.map((r) => r.id).filter((id) => !seen.has(id))).toEqual([]);
  });

  it('checks the retirement of models again when the day changes, and only then', () => {
    let now = new Date('2026-09-01T23:00:00Z');
    const index = new WorkspaceIndex({ now: () => now });
    const deployment = (model: string): string => `$schema: ${ML}/managedOnlineDeployment.schema.json\nname: chat\nendpoint_name: assistant-prod\nmodel: ${model}\ninstance_count: 3\n`;
    index.setFile('deploy/prod/openai.yml', deployment('azureml://registries/azure-openai/models/gpt-4o/versions/2024-05-13'));
    index.setFile('deploy/prod/other.yml', deployment('azureml:ranker:3'));
    const retirements = (): string[] => index.allFindings().filter((f) => f.ruleId === 'versioning/retired-model').map((f) => `${f.severity} ${f.message}`);
    const expected = (): string[] => {
      const texts = new Map([...index.paths()].map((p) => [p, index.text(p)!] as const));
      return checkTexts(texts, { now }).findings.filter((f) => f.ruleId === 'versioning/retired-model').map((f) => `${f.severity} ${f.message}`);
    };
    index.evaluate();
    const first = retirements();
    expect(first).toEqual(expected());
    expect(first[0]).toContain('in 30 days');
    // Later the same day, after an edit elsewhere: the same.
    now = new Date('2026-09-01T23:59:00Z');
    index.setFile('deploy/prod/other.yml', deployment('azureml:ranker:4'));
    index.evaluate();
    expect(retirements()).toEqual(first);
    expect(retirements()).toEqual(expected());
    // The next day: one day less.
    now = new Date('2026-09-02T00:30:00Z');
    index.setFile('deploy/prod/other.yml', deployment('azureml:ranker:5'));
    index.evaluate();
    expect(retirements()).toEqual(expected());
    expect(retirements()[0]).toContain('in 29 days');
  });

  it('finds again what a rule finds when it is turned back on', () => {
    const texts = workspace();
    const index = new WorkspaceIndex({ now: () => NOW });
    for (const [p, t] of texts) index.setFile(p, t);
    index.evaluate();
    const policy = texts.get('aigate.yaml')!;
    const pinned = (): number => index.allFindings().filter((f) => f.ruleId === 'versioning/model-pinned').length;
    const same = (): void => {
      const now = new Map([...index.paths()].map((p) => [p, index.text(p)!] as const));
      expect(index.allFindings()).toEqual(checkTexts(now, { now: NOW }).findings);
    };
    const before = pinned();
    expect(before).toBeGreaterThan(0);
    index.setFile('aigate.yaml', policy.replace('rules:\n', 'rules:\n  versioning/model-pinned: off\n'));
    index.evaluate();
    expect(pinned()).toBe(0);
    same();
    // A file changes while the rule is off.
    index.setFile('deploy/test/ranker-blue.yml', texts.get('deploy/test/ranker-blue.yml')!.replace('azureml:ranker:3', 'azureml:ranker@latest'));
    index.evaluate();
    same();
    index.setFile('aigate.yaml', policy);
    index.evaluate();
    expect(pinned()).toBe(before + 1);
    same();
  });

  it('parses a file again, the same, when its documents were let go', () => {
    const text = EXTRA['deploy/prod/ranker-blue.yml']!;
    const file = analyzeFile('deploy/prod/ranker-blue.yml', text);
    const before = file.docs.map((d) => d.toJS());
    let reloaded = 0;
    releaseDocs(file, () => reloaded++);
    expect(reloaded).toBe(0);
    expect(file.docs.map((d) => d.toJS())).toEqual(before);
    expect(reloaded).toBe(1);
    expect(file.docs[0]!.contents).toBe(file.docs[0]!.contents);
    expect(reloaded).toBe(1);
  });
});
