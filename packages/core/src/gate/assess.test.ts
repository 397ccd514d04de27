import { describe, expect, it } from 'vitest';
import { assessLocal } from './evaluate.js';
import { baseFiles, deployment, diff, evidence, memorySource, POLICY, promoteProd } from './fixture.js';
import { loadGateInputs } from './sources.js';
import type { GateVerdict } from './types.js';

async function local(base: Record<string, string>, head: Record<string, string>, options: { root?: string; changes?: ReturnType<typeof diff>; extraCommits?: Record<string, Record<string, string>> } = {}): Promise<GateVerdict> {
  const inputs = await loadGateInputs({ source: memorySource({ base, head, ...options.extraCommits }), baseRef: 'base', headRef: 'head', changes: options.changes ?? diff(base, head), root: options.root });
  return assessLocal(inputs, { base: { ref: 'base' }, head: { ref: 'head' } });
}

describe('order', () => {
  it('passes when the promoted version already runs in the previous environment on the base branch', async () => {
    const v = await local(baseFiles(), promoteProd());
    const [pa] = v.promotions;
    expect(pa!.order.state).toBe('pass');
    expect(pa!.order.message).toBe('support-chat-model:7 runs in test on the base branch (deploy/test/blue.yml:4)');
    expect(pa!.order.runsIn).toEqual([{ file: 'deploy/test/blue.yml', line: 4, deployment: 'blue', endpoint: 'support-chat-test' }]);
    expect(v.localPass).toBe(true);
  });

  it('fails when the version has not run in the previous environment', async () => {
    const base = { ...baseFiles(), 'evaluation/support-chat-model/8.json': evidence(8) };
    const v = await local(base, { ...base, 'deploy/prod/blue.yml': deployment('prod', 8) });
    expect(v.promotions[0]!.order).toMatchObject({ state: 'fail', message: 'support-chat-model:8 does not run in test on the base branch (test runs support-chat-model:7): promote it to test first, in a pull request of its own' });
    expect(v.localPass).toBe(false);
    expect(v.missing.join('\n')).toMatch(/^order, prod \(blue on support-chat-prod\): support-chat-model:8 does not run in test/m);
  });

  it('judges order on the base branch: promoting test and prod together fails for prod', async () => {
    const base = { ...baseFiles(), 'deploy/dev/blue.yml': deployment('dev', 8), 'evaluation/support-chat-model/8.json': evidence(8) };
    const head = { ...base, 'deploy/test/blue.yml': deployment('test', 8), 'deploy/prod/blue.yml': deployment('prod', 8) };
    const v = await local(base, head);
    expect(v.promotions.map((p) => `${p.promotion.environment} ${p.order.state}`)).toEqual(['test pass', 'prod fail']);
  });

  it('does not apply to the first environment of the chain, or to changes that bring no new model', async () => {
    const base = baseFiles();
    const v = await local(base, { ...base, 'deploy/dev/blue.yml': deployment('dev', 9), 'deploy/prod/blue.yml': deployment('prod', 6, { instanceCount: 4 }) });
    expect(v.promotions.map((p) => `${p.promotion.environment} ${p.order.state} ${p.evidence.state}`)).toEqual(['dev not-applicable not-applicable', 'prod not-applicable not-applicable']);
    expect(v.promotions[0]!.order.message).toBe('dev is the first environment of the promotion chain');
    expect(v.promotions[1]!.order.message).toBe('the model it serves does not change');
    expect(v.localPass).toBe(true);
    // The prod capacity change still needs the prod approvers.
    expect(v.promotions[1]!.requirements).toEqual(['environment:prod']);
  });

  it('fails on a version that is not fixed', async () => {
    const base = baseFiles();
    const v = await local(base, { ...base, 'deploy/prod/blue.yml': deployment('prod', 0, { model: 'azureml:support-chat-model@latest' }) });
    expect(v.promotions[0]!.order.state).toBe('fail');
    expect(v.promotions[0]!.order.message).toMatch(/does not name a fixed version/);
    expect(v.promotions[0]!.evidence.state).toBe('fail');
  });
});

describe('quality evidence', () => {
  it('reports each metric against its threshold, with the data set and commit', async () => {
    const v = await local(baseFiles(), promoteProd());
    const [r] = v.promotions[0]!.evidence.results;
    expect(r).toMatchObject({ gate: 'support-chat quality', path: 'evaluation/support-chat-model/7.json', state: 'pass', model: 'support-chat-model', version: '7', dataset: 'support-golden-set version 4', commit: '3f9c2a17', ownersBecause: [] });
    expect(r!.metrics.map((m) => `${m.metric} ${m.value} ${m.state}`)).toEqual(['groundedness 4.5 pass', 'p95_latency_ms 900 pass']);
  });

  it('fails when the evidence is missing at head', async () => {
    const base = baseFiles();
    delete base['evaluation/support-chat-model/7.json'];
    const v = await local(base, promoteProd(base));
    expect(v.promotions[0]!.evidence.state).toBe('fail');
    expect(v.missing.join('\n')).toMatch(/the evaluation evidence evaluation\/support-chat-model\/7\.json for support-chat-model:7 is missing at head/);
  });

  it('fails when a metric misses its threshold or is absent', async () => {
    const base = { ...baseFiles(), 'evaluation/support-chat-model/7.json': evidence(7, { groundedness: 3.9, p95_latency_ms: 2000 }) };
    const v = await local(base, promoteProd(base));
    const r = v.promotions[0]!.evidence.results[0]!;
    expect(r.metrics.map((m) => m.message)).toEqual(['groundedness is 3.9, below the minimum 4', 'p95_latency_ms is 2000, above the maximum 1500']);
    const base2 = { ...baseFiles(), 'evaluation/support-chat-model/7.json': evidence(7, { groundedness: 4.2 }) };
    const v2 = await local(base2, promoteProd(base2));
    expect(v2.promotions[0]!.evidence.results[0]!.metrics[1]!.message).toBe('p95_latency_ms is missing from the evidence (needs ≤ 1500)');
    expect(v2.localPass).toBe(false);
  });

  it('fails on evidence for another version or another model, and on a malformed file', async () => {
    for (const [text, want] of [
      [evidence(6), /is for version 6 of support-chat-model, but the promotion brings version 7/],
      [evidence(7, undefined, 'faq-answerer'), /is for model faq-answerer, not support-chat-model/],
      ['{"model": "support-chat-model", "version": 7, ', /is not valid JSON/],
      [JSON.stringify({ model: 'support-chat-model', version: 7, metrics: { groundedness: 5 } }), /has no "dataset"/],
      [JSON.stringify({ model: 'support-chat-model', version: 7, dataset: 'd', metrics: { groundedness: 'high' } }), /metric "groundedness" is not a finite number/],
    ] as const) {
      const base = { ...baseFiles(), 'evaluation/support-chat-model/7.json': text };
      const v = await local(base, promoteProd(base));
      expect(v.promotions[0]!.evidence.state).toBe('fail');
      expect(v.promotions[0]!.evidence.message).toMatch(want);
    }
  });

  it('fails in a protected environment that no quality gate covers, and asks nothing of other environments', async () => {
    const policy = POLICY.replace('models: [support-chat-model]', 'models: [other-model]');
    const base = { ...baseFiles(), 'aigate.yaml': policy };
    const v = await local(base, { ...promoteProd(base), 'deploy/dev/blue.yml': deployment('dev', 9) });
    expect(v.promotions.map((p) => `${p.promotion.environment} ${p.evidence.state}`)).toEqual(['dev not-applicable', 'prod fail']);
    expect(v.promotions[1]!.evidence.message).toMatch(/no quality gate in aigate\.yaml covers support-chat-model:7 in prod, a protected environment/);
  });

  it('follows the environments a quality gate names', async () => {
    const policy = POLICY.replace('    models: [support-chat-model]\n', '    models: [support-chat-model]\n    environments: [test]\n');
    const base = { ...baseFiles(), 'aigate.yaml': policy };
    const v = await local(base, promoteProd(base));
    expect(v.promotions[0]!.evidence).toMatchObject({ state: 'not-applicable', message: 'the quality gates of support-chat-model:7 do not apply to prod' });
  });

  it('reads evidence as the change leaves it: from head when the change touches it, from the base otherwise', async () => {
    const base = baseFiles();
    // The base branch moved on after the change was branched off: the merge result is what counts.
    const head = { ...base, 'deploy/prod/blue.yml': deployment('prod', 7), 'evaluation/support-chat-model/7.json': evidence(6) };
    const v = await local(base, head, { changes: [{ path: 'deploy/prod/blue.yml', status: 'modified' }] });
    expect(v.promotions[0]!.evidence.state).toBe('pass');
    const v2 = await local(base, head);
    expect(v2.promotions[0]!.evidence.state).toBe('fail');
  });

  it('resolves the evidence path against the policy folder inside a larger repository', async () => {
    const prefix = (files: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(files).map(([k, t]) => [`examples/app/${k}`, t]));
    const base = prefix(baseFiles());
    const head = prefix(promoteProd());
    const v = await local(base, head, { root: 'examples/app' });
    expect(v.promotions[0]!.evidence.state).toBe('pass');
    expect(v.promotions[0]!.promotion.file).toBe('deploy/prod/blue.yml');
  });
});

describe('approval requirements', () => {
  it('names the environment approvers a promotion needs', async () => {
    const v = await local(baseFiles(), promoteProd());
    expect(v.requirements.map((r) => r.requirement)).toEqual([
      { id: 'environment:prod', kind: 'environment', title: 'prod approvers', reasons: ['promotion into prod'], users: ['dana'], teams: ['contoso/ml-release'], roles: [], required: 2 },
    ]);
    expect(v.requirements[0]!.state).toBe('not-checked');
    expect(v.requirements[0]!.message).toBe('checked by the action on the pull request');
  });

  it('needs the evidence owners when the same change touches the evidence, its data or its thresholds', async () => {
    const base = baseFiles();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'evaluation/support-chat-model/7.json': evidence(7, { groundedness: 4.9, p95_latency_ms: 100 }) }, /changes the evidence file evaluation\/support-chat-model\/7\.json/],
      [{ 'evaluation/data/golden.jsonl': 'easier questions\n' }, /changes evaluation data \(evaluation\/data\/golden\.jsonl\)/],
      [{ 'aigate.yaml': POLICY.replace('at_least: 4.0', 'at_least: 3.0') }, /changes the thresholds or evidence settings of quality gate 'support-chat quality'/],
      [{ 'aigate.yaml': POLICY.replace('path: evaluation/{model}/{version}.json', 'path: other/{model}/{version}.json') }, /changes the thresholds or evidence settings/],
      [{ 'aigate.yaml': `${POLICY}  - broken` }, /does not load at head/],
    ];
    for (const [extra, want] of cases) {
      const v = await local(base, { ...promoteProd(), ...extra });
      const owners = v.requirements.find((r) => r.requirement.kind === 'evidence-owners');
      expect(owners, String(want)).toBeDefined();
      expect(owners!.requirement).toMatchObject({ id: 'evidence-owners:support-chat quality', users: ['quinn'], required: 1 });
      expect(owners!.requirement.reasons.join('\n')).toMatch(want);
      expect(v.promotions[0]!.requirements).toContain('evidence-owners:support-chat quality');
    }
  });

  it('keeps the base thresholds when the change lowers them', async () => {
    const base = { ...baseFiles(), 'evaluation/support-chat-model/7.json': evidence(7, { groundedness: 3.5, p95_latency_ms: 900 }) };
    const head = { ...promoteProd(base), 'aigate.yaml': POLICY.replace('at_least: 4.0', 'at_least: 3.0') };
    const v = await local(base, head);
    expect(v.promotions[0]!.evidence.state).toBe('fail');
    expect(v.promotions[0]!.evidence.results[0]!.metrics[0]!.message).toBe('groundedness is 3.5, below the minimum 4');
  });

  it('fails closed when escalation is needed but the gate names no evidence owners', async () => {
    const policy = POLICY.replace('      owners:\n        users: [quinn]\n', '');
    const base = { ...baseFiles(), 'aigate.yaml': policy };
    const v = await local(base, { ...promoteProd(base), 'evaluation/data/golden.jsonl': 'x\n' });
    const owners = v.requirements.find((r) => r.requirement.kind === 'evidence-owners')!;
    expect(owners.requirement.problem).toMatch(/names no evidence owners/);
    expect(owners.message).toMatch(/names no evidence owners/);
  });

  it('needs the policy owners for a change to aigate.yaml, and passes a change with neither promotion nor policy edit', async () => {
    const base = baseFiles();
    const v = await local(base, { ...base, 'aigate.yaml': `${POLICY}# a comment\n` });
    expect(v.promotions).toEqual([]);
    expect(v.policyChange).toEqual({ changed: true, paths: ['aigate.yaml'], headProblems: [] });
    expect(v.requirements.map((r) => [r.requirement.id, r.requirement.users])).toEqual([['policy-owners', ['olga']]]);
    expect(v.title).toMatch(/policy change needs the policy owners/);
    const none = await local(base, { ...base, 'README.md': 'hello' });
    expect(none).toMatchObject({ conclusion: 'success', title: 'No promotion in this change', requirements: [], missing: [] });
  });

  it('falls back to repository admins and maintainers when no policy owners are named', async () => {
    const policy = POLICY.replace('policy_owners:\n  users: [olga]\n', '');
    const base = { ...baseFiles(), 'aigate.yaml': policy };
    const v = await local(base, { ...base, 'aigate.yaml': `${policy}# edit\n` });
    expect(v.requirements[0]!.requirement).toMatchObject({ id: 'policy-owners', roles: ['admin', 'maintain'], users: [], teams: [], required: 1 });
  });

  it('makes a protected environment without approvers, or with too few, a requirement that cannot be met', async () => {
    const noApprovers = POLICY.replace('    approvers:\n      users: [dana]\n      teams: [contoso/ml-release]\n      required: 2\n', '');
    const base = { ...baseFiles(), 'aigate.yaml': noApprovers };
    const v = await local(base, promoteProd(base));
    expect(v.requirements[0]!.requirement.problem).toMatch(/prod is protected, but aigate\.yaml names no approvers for it/);
    const tooFew = POLICY.replace('      teams: [contoso/ml-release]\n      required: 2', '      required: 2');
    const base2 = { ...baseFiles(), 'aigate.yaml': tooFew };
    const v2 = await local(base2, promoteProd(base2));
    expect(v2.requirements[0]!.requirement.problem).toBe('prod approvers need 2 approvals, but only 1 person is named');
  });
});

describe('fail closed', () => {
  it('fails when the base policy has errors', async () => {
    const base = { ...baseFiles(), 'aigate.yaml': POLICY.replace('version: 1', 'version: 1\nunknown_key: 1') };
    const v = await local(base, promoteProd(base));
    expect(v.conclusion).toBe('failure');
    expect(v.problems[0]!.message).toMatch(/aigate\.yaml on the base commit has an error \(unknown_key: unknown key 'unknown_key'\)/);
  });

  it('fails when a changed file cannot be read at head', async () => {
    const base = baseFiles();
    const v = await local(base, { ...promoteProd(), 'deploy/prod/big.yml': `# ${'x'.repeat(2 * 1024 * 1024)}\n` });
    expect(v.problems.map((p) => p.message)).toContain('deploy/prod/big.yml cannot be read at head (over the 1024 KiB limit), so the gate cannot tell what it changes');
  });

  it('works on conventions without a policy and says who is missing', async () => {
    const base = { 'deploy/test/blue.yml': deployment('test', 7), 'deploy/prod/blue.yml': deployment('prod', 6) };
    const v = await local(base, { ...base, 'deploy/prod/blue.yml': deployment('prod', 7) });
    expect(v.notes[0]).toMatch(/no aigate\.yaml/);
    expect(v.promotions[0]!.evidence.state).toBe('fail');
    expect(v.requirements[0]!.requirement.problem).toMatch(/prod is protected, but aigate\.yaml names no approvers/);
  });
});
