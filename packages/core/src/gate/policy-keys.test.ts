import { describe, expect, it } from 'vitest';
import { policyFromText } from '../api.js';
import { POLICY } from './fixture.js';

function load(text: string): ReturnType<typeof policyFromText> {
  return policyFromText('aigate.yaml', text);
}

function messages(text: string): string[] {
  return load(text).problems.map((p) => `${p.severity}: ${p.message}`);
}

const ENVS = 'version: 1\nenvironments:\n  - name: test\n  - name: prod\nworkloads:\n  - name: chat\n';

describe('policy keys of the promotion gate', () => {
  it('reads policy_owners, approval_roles and quality_gates', () => {
    const { policy, problems } = load(`${POLICY}approval_roles: [release-manager]\n`);
    expect(problems).toEqual([]);
    expect(policy.policyOwners).toEqual({ users: ['olga'], teams: [], required: 1 });
    expect(policy.approvalRoles).toEqual(['release-manager']);
    expect(policy.qualityGates).toEqual([
      {
        name: 'support-chat quality',
        models: ['support-chat-model'],
        workloads: [],
        environments: [],
        evidence: { path: 'evaluation/{model}/{version}.json', data: ['evaluation/data/**'], owners: { users: ['quinn'], teams: [], required: 1 } },
        metrics: [
          { metric: 'groundedness', atLeast: 4, atMost: undefined, loc: expect.anything() },
          { metric: 'p95_latency_ms', atLeast: undefined, atMost: 1500, loc: expect.anything() },
        ],
        loc: expect.anything(),
      },
    ]);
  });

  it('names a gate without a name by its position', () => {
    const { policy } = load(`${ENVS}quality_gates:\n  - evidence: { path: "e/{version}.json" }\n    metrics: { f1: { at_least: 0.8 } }\n`);
    expect(policy.qualityGates![0]!.name).toBe('quality_gates[0]');
  });

  it('gives clear errors for mistakes', () => {
    const bad = `${ENVS}policy_owners: { users: [] }
quality_gates:
  - name: q
    environments: [staging]
    workloads: [chatt]
    evidence: { path: "../outside/{model}.json", owner: [x] }
    metrics: { f1: { at_least: 0.9, at_most: 0.5 } }
  - name: r
    evidence: { path: "e/{modle}.json" }
    metrics: {}
  - name: s
    evidence: { path: "e/{version}.json" }
    metrics: { f1: {}, f2: { at_lest: 1 } }
  - name: q
    evidence: { path: "e.json" }
    metrics: { f1: { at_most: 1 } }
  - metrics: { f1: { at_most: 1 } }
`;
    expect(messages(bad)).toEqual([
      "error: quality_gates[0].evidence.owner: unknown key 'owner' (did you mean 'owners'?)",
      'error: quality_gates[1].metrics: name at least one metric, each with at_least and/or at_most',
      'error: quality_gates[2].metrics.f1: give at_least, at_most or both',
      "error: quality_gates[2].metrics.f2.at_lest: unknown key 'at_lest' (did you mean 'at_least'?)",
      "error: quality_gates[4]: missing required key 'evidence'",
      'error: policy_owners: names no users or teams',
      "error: quality_gates.q.evidence.path: '../outside/{model}.json' must not contain '.' or '..' segments",
      "error: quality_gates.r.evidence.path: 'e/{modle}.json' unknown placeholder '{modle}' (did you mean 'model'?); use {model}, {version}, {environment}, {workload}",
      "error: quality_gates: 'q' is declared twice",
    ]);
    const other = `${ENVS}quality_gates:\n  - name: q\n    environments: [staging]\n    workloads: [chatt]\n    evidence: { path: "e/{model}.json" }\n    metrics: { f1: { at_least: 0.9, at_most: 0.5 } }\napproval_roles: [triage]\n`;
    expect(messages(other)).toEqual([
      "warning: approval_roles: 'triage' cannot write to the repository, so its approvals never count; remove it",
      'error: quality_gates.q.metrics.f1: at_least (0.9) is above at_most (0.5), so no value can pass',
      "error: quality_gates.q.environments: unknown environment 'staging'",
      "error: quality_gates.q.workloads: unknown workload 'chatt' (did you mean 'chat'?)",
    ]);
  });

  it('refuses absolute evidence paths', () => {
    expect(messages(`${ENVS}quality_gates:\n  - evidence: { path: "/etc/{model}.json" }\n    metrics: { f1: { at_least: 1 } }\n`)).toEqual([
      "error: quality_gates.quality_gates[0].evidence.path: '/etc/{model}.json' must be relative to the policy file, not absolute",
    ]);
  });

  it('accepts conventional environment names when the policy declares none', () => {
    expect(messages('version: 1\nquality_gates:\n  - evidence: { path: "e/{model}.json" }\n    environments: [prod]\n    metrics: { f1: { at_least: 1 } }\n')).toEqual([]);
  });
});
