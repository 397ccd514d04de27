/**
 * A small repository for the gate's tests: dev → test → prod, a quality gate with evidence, approvers
 * and policy owners. Not used by the gate itself.
 */
import { type InMemoryGateGitHub, ghUser } from './fake.js';
import type { FileChange, TreeSource } from './sources.js';

const DEPLOYMENT = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
const ENDPOINT = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n';

export function deployment(env: string, version: string | number, extra: { name?: string; instanceType?: string; instanceCount?: number; model?: string } = {}): string {
  const model = extra.model ?? `azureml://registries/contoso-ml/models/support-chat-model/versions/${version}`;
  return `${DEPLOYMENT}name: ${extra.name ?? 'blue'}\nendpoint_name: support-chat-${env}\nmodel: ${model}\ninstance_type: ${extra.instanceType ?? 'Standard_DS3_v2'}\ninstance_count: ${extra.instanceCount ?? 3}\n`;
}

export function endpoint(env: string, traffic?: Record<string, number>): string {
  const t = traffic ? `traffic:\n${Object.entries(traffic).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n` : '';
  return `${ENDPOINT}name: support-chat-${env}\nauth_mode: aml_token\n${t}`;
}

export const POLICY = `version: 1
environments:
  - name: dev
    files: ["deploy/dev/**"]
  - name: test
    files: ["deploy/test/**"]
    protected: true
    approvers:
      teams: [contoso/ml-release]
      required: 1
  - name: prod
    files: ["deploy/prod/**"]
    protected: true
    approvers:
      users: [dana]
      teams: [contoso/ml-release]
      required: 2
workloads:
  - name: support-chat
    files: ["deploy/**", "evaluation/**"]
policy_owners:
  users: [olga]
quality_gates:
  - name: support-chat quality
    models: [support-chat-model]
    evidence:
      path: evaluation/{model}/{version}.json
      data: ["evaluation/data/**"]
      owners:
        users: [quinn]
    metrics:
      groundedness: { at_least: 4.0 }
      p95_latency_ms: { at_most: 1500 }
`;

export function evidence(version: string | number, metrics: Record<string, number> = { groundedness: 4.5, p95_latency_ms: 900 }, model = 'support-chat-model'): string {
  return `${JSON.stringify({ model, version: String(version), dataset: { name: 'support-golden-set', version: '4' }, commit: '3f9c2a17', metrics }, null, 2)}\n`;
}

/** The base branch: dev and test run version 7, prod runs 6; evidence for 6 and 7. */
export function baseFiles(): Record<string, string> {
  return {
    'aigate.yaml': POLICY,
    'deploy/dev/blue.yml': deployment('dev', 7),
    'deploy/test/blue.yml': deployment('test', 7),
    'deploy/prod/blue.yml': deployment('prod', 6),
    'deploy/prod/endpoint.yml': endpoint('prod'),
    'evaluation/support-chat-model/6.json': evidence(6),
    'evaluation/support-chat-model/7.json': evidence(7),
    'evaluation/data/golden.jsonl': '{"q": "reset my password", "a": "..."}\n',
  };
}

/** The usual promotion: prod goes from 6 to 7. */
export function promoteProd(files = baseFiles()): Record<string, string> {
  return { ...files, 'deploy/prod/blue.yml': deployment('prod', 7) };
}

/** A TreeSource over in-memory commits, and the changes between two of them. */
export function memorySource(commits: Record<string, Record<string, string>>): TreeSource {
  return {
    async listFiles(ref) {
      const files = commits[ref];
      if (!files) throw new Error(`unknown ref ${ref}`);
      return Object.entries(files).map(([path, text]) => ({ path, size: text.length }));
    },
    async readText(ref, path) {
      const files = commits[ref];
      if (!files) throw new Error(`unknown ref ${ref}`);
      return files[path];
    },
  };
}

export function diff(base: Record<string, string>, head: Record<string, string>): FileChange[] {
  const out: FileChange[] = [];
  for (const [p, t] of Object.entries(head)) {
    if (!(p in base)) out.push({ path: p, status: 'added' });
    else if (base[p] !== t) out.push({ path: p, status: 'modified' });
  }
  for (const p of Object.keys(base)) if (!(p in head)) out.push({ path: p, status: 'removed' });
  return out;
}

export const PEOPLE = {
  author: ghUser('alex', 101),
  dana: ghUser('dana', 102),
  erin: ghUser('erin', 103),
  frank: ghUser('frank', 104),
  olga: ghUser('olga', 105),
  quinn: ghUser('quinn', 106),
  mallory: ghUser('mallory', 107),
  bot: ghUser('release-bot[bot]', 900, 'Bot'),
};

/** A fake GitHub with the fixture's people: dana, erin, frank, olga and quinn can write; erin and frank are in contoso/ml-release. */
export function seedPeople(gh: InMemoryGateGitHub): void {
  for (const p of ['alex', 'dana', 'erin', 'frank', 'olga', 'quinn']) gh.setPermission(p, 'write');
  gh.setPermission('mallory', 'read');
  gh.addTeamMember('contoso/ml-release', 'erin');
  gh.addTeamMember('contoso/ml-release', 'frank');
  gh.addTeamMember('contoso/ml-release', 'alex');
}
