import { describe, expect, it } from 'vitest';
import { policyFromText } from '../api.js';
import { analyzeFile, type AnalyzedFile } from '../model/file.js';
import { WorkspaceModel } from '../model/workspace.js';
import type { Policy } from '../policy/types.js';
import { baseFiles, deployment, endpoint, POLICY, promoteProd } from './fixture.js';
import { modelIdentity, planPromotions, sameModel } from './plan.js';

function modelOf(files: Record<string, string>, policy: Policy): WorkspaceModel {
  const m = new Map<string, AnalyzedFile>();
  for (const [p, t] of Object.entries(files)) m.set(p, analyzeFile(p, t));
  return new WorkspaceModel(m, policy);
}

function plan(base: Record<string, string>, head: Record<string, string>, policyText = POLICY): ReturnType<typeof planPromotions> {
  const policy = policyFromText('aigate.yaml', policyText).policy;
  return planPromotions(modelOf(base, policy), modelOf(head, policy), policy);
}

describe('planPromotions', () => {
  it('finds no promotion when nothing that runs changes', () => {
    const base = baseFiles();
    const head = { ...base, 'evaluation/data/golden.jsonl': 'changed\n', 'README.md': 'docs' };
    const p = plan(base, head);
    expect(p.promotions).toEqual([]);
    expect(p.chain).toEqual(['dev', 'test', 'prod']);
  });

  it('sees a model version change as a promotion into that environment, with old and new version', () => {
    const p = plan(baseFiles(), promoteProd());
    expect(p.promotions).toHaveLength(1);
    const [x] = p.promotions;
    expect(x).toMatchObject({ environment: 'prod', tier: 'prod', protected: true, previousEnvironment: 'test', endpoint: 'support-chat-prod', deployment: 'blue', workload: 'support-chat', bringsModel: true, file: 'deploy/prod/blue.yml' });
    expect(x!.from).toMatchObject({ name: 'support-chat-model', version: '6', fixed: true });
    expect(x!.to).toMatchObject({ name: 'support-chat-model', version: '7', fixed: true });
    expect(x!.changes).toEqual([{ kind: 'model', before: 'support-chat-model:6', after: 'support-chat-model:7', file: 'deploy/prod/blue.yml', line: 4 }]);
  });

  it('holds several promotions of one change, in chain order', () => {
    const base = baseFiles();
    const head = { ...base, 'deploy/prod/blue.yml': deployment('prod', 8), 'deploy/test/blue.yml': deployment('test', 8), 'deploy/dev/blue.yml': deployment('dev', 8) };
    expect(plan(base, head).promotions.map((x) => `${x.environment} ${x.to?.version}`)).toEqual(['dev 8', 'test 8', 'prod 8']);
  });

  it('counts instance type and instance count as promotions that bring no new model', () => {
    const base = baseFiles();
    const head = { ...base, 'deploy/prod/blue.yml': deployment('prod', 6, { instanceType: 'Standard_DS4_v2', instanceCount: 5 }) };
    const [x] = plan(base, head).promotions;
    expect(x!.bringsModel).toBe(false);
    expect(x!.changes.map((c) => `${c.kind} ${c.before}→${c.after}`)).toEqual(['instance-type Standard_DS3_v2→Standard_DS4_v2', 'instance-count 3→5']);
  });

  it('sees a new deployment (a canary) as a promotion that brings its model, and a removed one as a change', () => {
    const base = baseFiles();
    const head = { ...base, 'deploy/prod/green.yml': deployment('prod', 7, { name: 'green', instanceCount: 2 }) };
    const [added] = plan(base, head).promotions;
    expect(added).toMatchObject({ deployment: 'green', bringsModel: true });
    expect(added!.from).toBeUndefined();
    expect(added!.changes[0]).toMatchObject({ kind: 'added', after: 'support-chat-model:7' });
    const removed = { ...base };
    delete removed['deploy/prod/blue.yml'];
    const [gone] = plan(base, removed).promotions;
    expect(gone).toMatchObject({ deployment: 'blue', bringsModel: false });
    expect(gone!.changes[0]).toMatchObject({ kind: 'removed', before: 'support-chat-model:6' });
  });

  it('attaches a traffic shift to the deployment that gains traffic, which then brings its model', () => {
    const base = { ...baseFiles(), 'deploy/prod/green.yml': deployment('prod', 7, { name: 'green' }), 'deploy/prod/endpoint.yml': endpoint('prod', { blue: 90, green: 10 }) };
    const head = { ...base, 'deploy/prod/endpoint.yml': endpoint('prod', { blue: 0, green: 100 }) };
    const ps = plan(base, head).promotions;
    expect(ps.map((x) => `${x.deployment} ${x.changes.map((c) => `${c.kind} ${c.before}→${c.after}`).join()} ${x.bringsModel}`)).toEqual(['blue traffic 90%→0% false', 'green traffic 10%→100% true']);
    expect(ps[1]!.to).toMatchObject({ version: '7' });
  });

  it('counts a content-filter change where the record knows the filter', () => {
    const policy = policyFromText('aigate.yaml', POLICY).policy;
    const base = modelOf(baseFiles(), policy);
    const head = modelOf(baseFiles(), policy);
    const withFilter = (m: WorkspaceModel, f: string): void => {
      for (const d of m.deployments) if (d.file === 'deploy/prod/blue.yml') (d as unknown as { contentFilter: string }).contentFilter = f;
    };
    withFilter(base, 'strict');
    withFilter(head, 'lenient');
    const [x] = planPromotions(base, head, policy).promotions;
    expect(x!.changes).toMatchObject([{ kind: 'content-filter', before: 'strict', after: 'lenient' }]);
  });

  it('reads both sides with the base policy, so a change cannot move a file out of an environment', () => {
    const base = baseFiles();
    // The head policy would put deploy/prod under an unprotected environment; the plan ignores it.
    const sneaky = POLICY.replace('files: ["deploy/prod/**"]', 'files: ["elsewhere/**"]');
    const head = { ...promoteProd(), 'aigate.yaml': sneaky };
    const policy = policyFromText('aigate.yaml', POLICY).policy;
    const headPolicy = policyFromText('aigate.yaml', sneaky).policy;
    const p = planPromotions(modelOf(base, policy), modelOf(head, headPolicy), policy);
    expect(p.promotions.map((x) => x.environment)).toEqual(['prod']);
  });

  it('says when a changed deployment belongs to no known environment, and blocks on a file that no longer parses', () => {
    const base = baseFiles();
    const head = { ...base, 'misc/blue.yml': deployment('x', 9), 'deploy/prod/blue.yml': 'model: [unclosed\n  instance_count: 3\n$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n' };
    const p = plan(base, head);
    expect(p.notes.join('\n')).toMatch(/misc\/blue\.yml changes a deployment, but aigate cannot tell which environment/);
    expect(p.blockers.join('\n')).toMatch(/deploy\/prod\/blue\.yml does not parse at head/);
  });

  it('ignores sandbox changes', () => {
    const policyText = POLICY.replace('environments:\n', 'environments:\n  - name: sandbox\n    tier: sandbox\n    files: ["sandbox/**"]\n');
    const base = { ...baseFiles(), 'sandbox/x.yml': deployment('sandbox', 1) };
    const head = { ...base, 'sandbox/x.yml': deployment('sandbox', 2) };
    const p = plan(base, head, policyText);
    expect(p.promotions).toEqual([]);
    expect(p.notes).toEqual([]);
  });

  it('works on conventions when there is no policy', () => {
    const base = { 'deploy/test/blue.yml': deployment('test', 7), 'deploy/prod/blue.yml': deployment('prod', 6) };
    const head = { ...base, 'deploy/prod/blue.yml': deployment('prod', 7) };
    const policy = policyFromText(undefined, undefined).policy;
    const p = planPromotions(modelOf(base, policy), modelOf(head, policy), policy);
    expect(p.promotions).toMatchObject([{ environment: 'prod', previousEnvironment: 'test', protected: true }]);
  });

  it('compares model identities by name, version and registry', () => {
    const loc = { file: 'x', span: { start: 0, end: 0 }, path: [] };
    const a = modelIdentity({ raw: 'azureml://registries/r1/models/m/versions/3', loc, source: 'registry', registry: 'r1', name: 'm', version: '3', pinned: true });
    const b = modelIdentity({ raw: 'azureml://registries/r2/models/m/versions/3', loc, source: 'registry', registry: 'r2', name: 'm', version: '3', pinned: true });
    const c = modelIdentity({ raw: 'azureml:M:3', loc, source: 'workspace', name: 'M', version: '3', pinned: true });
    const latest = modelIdentity({ raw: 'azureml:m@latest', loc, source: 'workspace', name: 'm', label: 'latest', pinned: false });
    expect(sameModel(a, b)).toBe(false);
    expect(sameModel(a, c)).toBe(true);
    expect(sameModel(latest, c)).toBe(false);
    expect(latest!.fixed).toBe(false);
  });
});
