import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTexts } from '../api.js';
import { analyzeFile } from '../model/file.js';
import { SUPPRESSION_REASON_PLACEHOLDER } from '../model/suppressions.js';
import { suppressionEdit } from './code-actions.js';
import { declaredNames, policyCompletions } from './completion.js';
import { hoverAt } from './hover.js';
import { promotionLenses } from './lens.js';
import { WorkspaceIndex } from './workspace-index.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const EXAMPLE = fileURLToPath(new URL('../../../../examples/contoso-chat/', import.meta.url));

function readExample(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(abs).isDirectory()) walk(abs, r);
      else if (/\.ya?ml$/.test(name)) out.set(r, readFileSync(abs, 'utf8'));
    }
  };
  walk(EXAMPLE, '');
  return out;
}

function indexOf(texts: Map<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex({ now: () => NOW });
  for (const [p, t] of texts) index.setFile(p, t);
  return index;
}

const GREEN = 'deploy/prod/green.yml';
const TEST_BLUE = 'deploy/test/blue.yml';
const key = (f: { ruleId: string; location: { file: string; span: { start: number } }; message: string }): string => `${f.location.file}:${f.location.span.start}:${f.ruleId}:${f.message}`;

describe('WorkspaceIndex', () => {
  it('finds what the whole-workspace check finds, and keeps finding it after edits', () => {
    const texts = readExample();
    const index = indexOf(texts);
    const first = index.evaluate();
    expect(first.policyChanged).toBe(true);
    const same = (): void => {
      const full = checkTexts(texts, { now: NOW }).findings.map(key).sort();
      expect(index.allFindings().map(key).sort()).toEqual(full);
    };
    same();
    const edits: Array<[string, (t: string) => string]> = [
      [TEST_BLUE, (t) => t.replace('/versions/7', '/versions/8')],
      ['deploy/prod/endpoint.yml', (t) => t.replace('auth_mode: key', 'auth_mode: aml_token')],
      ['aigate.yaml', (t) => t.replace('monitoring/prod-monitoring: error', 'promotion/prod-version-tested: off')],
      [TEST_BLUE, (t) => t.replace('/versions/8', '/versions/7')],
      ['aigate.yaml', (t) => t.replace('promotion/prod-version-tested: off', 'monitoring/prod-monitoring: error')],
    ];
    for (const [file, edit] of edits) {
      const text = edit(texts.get(file)!);
      texts.set(file, text);
      index.setFile(file, text);
      index.evaluate();
      same();
    }
  });

  it('reports which files changed, including other files that depend on the edited one', () => {
    const texts = readExample();
    const index = indexOf(texts);
    index.evaluate();
    const greenId = index.resultId(GREEN);
    expect(index.findings(GREEN).map((f) => f.ruleId)).toEqual(['promotion/prod-version-tested']);
    // Same text: nothing to do.
    expect(index.setFile(TEST_BLUE, texts.get(TEST_BLUE)!)).toBe(false);
    expect(index.pending).toBe(false);
    index.setFile(TEST_BLUE, texts.get(TEST_BLUE)!.replace('/versions/7', '/versions/8'));
    const u = index.evaluate();
    expect(u.touched).toEqual([TEST_BLUE]);
    expect(u.changed).toEqual([GREEN]);
    expect(u.policyChanged).toBe(false);
    expect(index.findings(GREEN)).toEqual([]);
    expect(index.resultId(GREEN)).not.toBe(greenId);
    // A comment added to another file changes nothing anywhere.
    index.setFile('deploy/dev/endpoint.yml', `${texts.get('deploy/dev/endpoint.yml')!}# note\n`);
    expect(index.evaluate().changed).toEqual([]);
  });

  it('re-reads the policy when aigate.yaml changes or goes, and reports unreadable files', () => {
    const texts = readExample();
    const index = indexOf(texts);
    index.evaluate();
    expect(index.policyFile).toBe('aigate.yaml');
    index.setFile('aigate.yaml', 'version: 1\nrules:\n  no/such-rule: error\n');
    const u = index.evaluate();
    expect(u.policyChanged).toBe(true);
    expect(new Set(index.findings('aigate.yaml').map((f) => f.ruleId))).toEqual(new Set(['aigate/policy-error']));
    expect(index.findings('aigate.yaml').map((f) => f.message).join('\n')).toMatch(/unknown rule 'no\/such-rule'/);
    index.removeFile('aigate.yaml');
    index.evaluate();
    expect(index.policyFile).toBeUndefined();
    expect(index.policy.policy.fromConventions).toBe(true);
    index.setUnreadable('deploy/dev/blob.yml', 'deploy/dev/blob.yml is binary (it contains NUL bytes), and was not checked.');
    index.evaluate();
    expect(index.findings('deploy/dev/blob.yml').map((f) => f.ruleId)).toEqual(['aigate/unreadable-file']);
    expect(index.removeFolder('deploy/dev')).toEqual(expect.arrayContaining(['deploy/dev/blue.yml', 'deploy/dev/blob.yml']));
    const last = index.evaluate();
    expect(last.changed).toContain('deploy/dev/blob.yml');
    expect(index.has('deploy/dev/blue.yml')).toBe(false);
  });

  it('reads the policy from a configured path, inside or outside the folder, and leaves aigate.yaml alone then', () => {
    const texts = readExample();
    const policy = texts.get('aigate.yaml')!;
    const severityOf = (index: WorkspaceIndex, rule: string): string[] => index.allFindings().filter((f) => f.ruleId === rule).map((f) => f.severity);
    const plain = indexOf(texts);
    plain.evaluate();
    const rule = plain.allFindings().find((f) => f.severity === 'warning' && !f.ruleId.startsWith('aigate/'))!.ruleId;
    const lowered = policy.replace('rules:\n', `rules:\n  ${rule}: info\n`);

    for (const policyFile of ['config/governance.yaml', '../policies/aigate.yaml']) {
      const index = new WorkspaceIndex({ now: () => NOW, policyFile });
      // The root aigate.yaml says the opposite: it must not count.
      for (const [p, t] of texts) index.setFile(p, p === 'aigate.yaml' ? lowered : t);
      index.setFile(policyFile, policy);
      index.evaluate();
      expect(index.policyFile).toBe(policyFile);
      expect(index.isPolicy(policyFile)).toBe(true);
      expect(index.isPolicy('aigate.yaml')).toBe(false);
      expect(index.file(policyFile)!.kind).toBe('policy');
      expect(index.file('aigate.yaml')!.kind).toBe('yaml');
      expect(index.allFindings().map(key).sort()).toEqual(plain.allFindings().map(key).sort());
      // Editing it re-evaluates everything under it.
      index.setFile(policyFile, lowered);
      expect(index.evaluate().policyChanged).toBe(true);
      expect(new Set(severityOf(index, rule))).toEqual(new Set(['info']));
      // Its mistakes are reported in it.
      index.setFile(policyFile, 'version: 1\nrules:\n  no/such-rule: error\n');
      index.evaluate();
      expect(new Set(index.findings(policyFile).map((f) => f.ruleId))).toEqual(new Set(['aigate/policy-error']));
      expect(index.findings(policyFile).map((f) => f.message).join('\n')).toMatch(/unknown rule 'no\/such-rule'/);
    }
  });

  it('reports a configured policy file that is missing or unreadable, and never falls back to conventions silently', () => {
    const texts = readExample();
    const index = new WorkspaceIndex({ now: () => NOW, policyFile: 'config/aigate.yaml' });
    for (const [p, t] of texts) index.setFile(p, t);
    index.evaluate();
    const errors = index.findings('config/aigate.yaml');
    expect(errors.map((f) => [f.ruleId, f.severity])).toEqual([['aigate/policy-error', 'error']]);
    expect(errors[0]!.message).toMatch(/config\/aigate\.yaml was not found/);
    index.setUnreadable('config/aigate.yaml', 'config/aigate.yaml is binary (it contains NUL bytes), and was not checked.');
    index.evaluate();
    expect(index.findings('config/aigate.yaml').map((f) => f.message).join('\n')).toMatch(/binary/);
    index.setFile('config/aigate.yaml', texts.get('aigate.yaml')!);
    index.evaluate();
    expect(index.findings('config/aigate.yaml')).toEqual([]);
  });
});

describe('suppressionEdit', () => {
  it('writes an indented comment before the node, and the placeholder is no reason until replaced', () => {
    const texts = readExample();
    const result = checkTexts(texts, { now: NOW });
    const f = result.findings.find((x) => x.ruleId === 'promotion/deploy-requires-approval')!;
    const file = analyzeFile(f.location.file, texts.get(f.location.file)!);
    const s = suppressionEdit(file, f)!;
    expect(s.edit.newText).toBe(`  # aigate-ignore promotion/deploy-requires-approval -- ${SUPPRESSION_REASON_PLACEHOLDER}\n`);
    expect(s.edit.newText.slice(s.placeholder.start, s.placeholder.end)).toBe(SUPPRESSION_REASON_PLACEHOLDER);
    const text = texts.get(f.location.file)!;
    const edited = text.slice(0, s.edit.span.start) + s.edit.newText + text.slice(s.edit.span.end);
    const pending = checkTexts(new Map([...texts, [f.location.file, edited]]), { now: NOW });
    const mine = pending.findings.filter((x) => x.location.file === f.location.file).map((x) => x.ruleId);
    expect(mine).toContain('aigate/invalid-suppression');
    expect(mine).toContain('promotion/deploy-requires-approval');
    const done = checkTexts(new Map([...texts, [f.location.file, edited.replace(SUPPRESSION_REASON_PLACEHOLDER, 'the rollout job runs after an approved canary')]]), { now: NOW });
    const after = done.findings.filter((x) => x.location.file === f.location.file).map((x) => x.ruleId);
    expect(after).not.toContain('aigate/invalid-suppression');
    expect(after).not.toContain('promotion/deploy-requires-approval');
    expect(done.suppressed.map((x) => x.ruleId)).toContain('promotion/deploy-requires-approval');
  });

  it('goes above the key of a block scalar, keeps CRLF line ends, and leaves engine findings alone', () => {
    const text = 'on: push\r\njobs:\r\n  deploy:\r\n    runs-on: ubuntu-latest\r\n    steps:\r\n      - run: |\r\n          echo one\r\n          az ml online-endpoint update --name chat-prod --traffic "blue=100"\r\n';
    const file = analyzeFile('.github/workflows/x.yml', text);
    const offset = text.indexOf('az ml');
    const pos = file.source.positionAt(offset);
    const finding = { ruleId: 'promotion/no-direct-full-cutover', severity: 'warning' as const, message: 'm', docsUrl: '', location: { file: file.source.path, span: { start: offset, end: offset + 5 }, start: pos, end: pos, path: '' }, related: [], fixes: [], fingerprint: 'x' };
    const s = suppressionEdit(file, finding)!;
    expect(s.edit.start.line).toBe(5);
    expect(s.edit.newText).toBe(`      # aigate-ignore promotion/no-direct-full-cutover -- ${SUPPRESSION_REASON_PLACEHOLDER}\r\n`);
    expect(suppressionEdit(file, { ...finding, ruleId: 'aigate/parse-error' })).toBeUndefined();
  });
});

describe('hover and lens', () => {
  it('explains a finding and shows where a model runs', () => {
    const index = indexOf(readExample());
    index.evaluate();
    const text = index.text(GREEN)!;
    const h = hoverAt(index.model, index.findings(GREEN), GREEN, text.indexOf('versions/8'), NOW)!;
    expect(h.markdown).toContain('`promotion/prod-version-tested`');
    expect(h.markdown).toContain('> Use quality gates to promote trained');
    expect(h.markdown).toMatch(/\| test \| 7 \| `blue` on `support-chat-test`/);
    expect(h.span.start).toBe(text.indexOf('azureml://'));
    expect(hoverAt(index.model, index.findings(GREEN), GREEN, 0, NOW)).toBeUndefined();
  });

  it('shows the version of each environment of the chain on each deployment', () => {
    const index = indexOf(readExample());
    index.evaluate();
    expect(promotionLenses(index.model, GREEN).map((l) => l.title)).toEqual(['support-chat-model: dev @latest → test 7 → [prod] 6, 8']);
    expect(promotionLenses(index.model, TEST_BLUE).map((l) => l.title)).toEqual(['support-chat-model: dev @latest → [test] 7 → prod 6, 8']);
    // A sandbox deployment shows the chain and its own environment.
    expect(promotionLenses(index.model, 'sandbox/experiment.yml')[0]!.title).toMatch(/\[sandbox\] support-chat-rerank-exp:2$/);
  });
});

describe('policyCompletions', () => {
  const labels = (text: string, marker = '|'): string[] => {
    const at = text.indexOf(marker);
    return policyCompletions(text.replace(marker, ''), at).map((c) => c.label);
  };

  it('completes top-level keys that are not there yet', () => {
    const l = labels('version: 1\n|\nrules: {}\n');
    expect(l).toContain('environments');
    expect(l).toContain('suppressions');
    expect(l).not.toContain('version');
    expect(l).not.toContain('rules');
  });

  it('completes keys of sequence items, with both indentation styles', () => {
    expect(labels('environments:\n  - name: dev\n    |\n').sort()).toEqual(['aliases', 'approvers', 'files', 'protected', 'tier']);
    expect(labels('environments:\n- name: dev\n  tier: dev\n  |\n').sort()).toEqual(['aliases', 'approvers', 'files', 'protected']);
    expect(labels('environments:\n  - name: prod\n    approvers:\n      |\n').sort()).toEqual(['required', 'teams', 'users']);
  });

  it('completes values: tiers, severities, rule ids, environment names', () => {
    expect(labels('environments:\n  - name: qa\n    tier: |\n')).toEqual(['sandbox', 'dev', 'test', 'prod']);
    expect(labels('rules:\n  versioning/model-pinned: |\n')).toEqual(['error', 'warning', 'info', 'off']);
    expect(labels('rules:\n  versioning/model-pinned:\n    severity: |\n')).toEqual(['error', 'warning', 'info', 'off']);
    const rules = labels('rules:\n  versioning/model-pinned: off\n  vers|\n');
    expect(rules).toContain('versioning/retired-model');
    expect(rules).not.toContain('versioning/model-pinned');
    const envs = 'environments:\n  - name: dev\n  - name: prod\n    tier: prod\n';
    expect(labels(`${envs}suppressions:\n  - rule: versioning/model-pinned\n    environments: [dev, |\n`)).toEqual(['dev', 'prod']);
    expect(labels(`${envs}rules:\n  versioning/model-pinned:\n    environments:\n      |\n`)).toEqual(['dev', 'prod']);
    expect(labels(`${envs}suppressions:\n  - rule: vers|\n`)).toContain('versioning/model-pinned');
  });

  it('replaces the partial word and stays quiet in comments', () => {
    const text = 'rules:\n  promotion/prod\n';
    const items = policyCompletions(text, text.indexOf('prod\n') + 4);
    const item = items.find((c) => c.label === 'promotion/prod-version-tested')!;
    expect(item.replace).toEqual({ start: text.indexOf('promotion/'), end: text.indexOf('prod\n') + 4 });
    expect(item.insertText).toBe('promotion/prod-version-tested: ');
    expect(item.documentation).toMatch(/Prod runs the model version/);
    expect(labels('# a comment |\nversion: 1\n')).toEqual([]);
  });

  it('reads declared names from half-typed text', () => {
    expect(declaredNames('version: 1\nenvironments:\n  - name: dev\n    files: [x]\n  - name: "prod"\nworkloads:\n  - name: chat\nrules: {', 'environments')).toEqual(['dev', 'prod']);
    expect(declaredNames('version: 1\n', 'environments')).toEqual([]);
  });
});
