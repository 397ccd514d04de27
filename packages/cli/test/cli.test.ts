import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/aigate.js', import.meta.url));

function run(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const DEPLOYMENT = (model: string): string =>
  `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\nendpoint_name: chat-prod\nmodel: ${model}\ninstance_type: Standard_DS3_v2\ninstance_count: 3\napp_insights_enabled: true\n`;

let dir: string;
function repo(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(dir, 'repo-'));
  mkdirSync(path.join(root, '.git'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
  return root;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aigate-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aigate check', () => {
  it('exits 1 with findings at or above --fail-on and 0 below it', () => {
    const root = repo({ 'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat@latest') });
    const r = run(['check'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('versioning/model-pinned');
    expect(r.stdout).toContain('deploy/prod/blue.yml');
    expect(r.stdout).toMatch(/4:8/);
    expect(run(['check', '--fail-on', 'never'], root).code).toBe(0);
  });

  it('exits 0 on a clean repository and says it worked on conventions', () => {
    const root = repo({ 'deploy/dev/blue.yml': DEPLOYMENT('azureml:chat:3') });
    const r = run(['check', '--fail-on', 'warning'], root);
    expect(r.stdout).toMatch(/No aigate\.yaml/);
    expect(r.code, r.stdout).toBe(0);
  });

  it('writes json, sarif, github and markdown reports', () => {
    const root = repo({ 'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat@latest') });
    const json = JSON.parse(run(['check', '-f', 'json'], root).stdout) as { findings: Array<{ ruleId: string; fingerprint: string }> };
    expect(json.findings.map((f) => f.ruleId)).toContain('versioning/model-pinned');
    const sarifPath = path.join(root, 'out.sarif');
    const r = run(['check', '-f', 'sarif', '-o', sarifPath], root);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as { version: string; runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
    expect(run(['check', '-f', 'github'], root).stdout).toMatch(/^::error file=deploy\/prod\/blue\.yml,line=4,/m);
    expect(run(['check', '-f', 'markdown'], root).stdout).toContain('versioning/model-pinned');
  });

  it('reports only the given paths but reads the whole repository', () => {
    const root = repo({ 'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat@latest'), 'deploy/dev/blue.yml': DEPLOYMENT('azureml:chat@latest') });
    const out = JSON.parse(run(['check', 'deploy/dev', '-f', 'json'], root).stdout) as { findings: Array<{ location: { file: string } }> };
    expect(new Set(out.findings.map((f) => f.location.file))).toEqual(new Set(['deploy/dev/blue.yml']));
  });

  it('filters by --env', () => {
    const root = repo({ 'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat@latest'), 'deploy/dev/blue.yml': DEPLOYMENT('azureml:chat@latest') });
    const out = JSON.parse(run(['check', '--env', 'dev', '-f', 'json'], root).stdout) as { findings: Array<{ environment?: string }> };
    expect(out.findings.length).toBeGreaterThan(0);
    expect(out.findings.every((f) => f.environment === 'dev')).toBe(true);
  });

  it('keeps checking other files when one is malformed, binary, not UTF-8 or a link outside', () => {
    const outside = path.join(dir, 'outside.yml');
    writeFileSync(outside, DEPLOYMENT('azureml:x@latest'));
    const root = repo({
      'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat@latest'),
      'deploy/prod/broken.yml': '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: "blue\nendpoint_name: x\n',
      'deploy/prod/binary.yml': Buffer.from([0x6e, 0x61, 0x00, 0x01]),
      'deploy/prod/latin1.yml': Buffer.from('name: caf\xe9\n', 'latin1'),
      'deploy/prod/bomb.yml': `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nname: bomb\nendpoint_name: chat-prod\nmodel: azureml:chat:1\n`,
      'deploy/prod/deep.yml': `endpoint_name: x\nmodel: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    });
    symlinkSync(outside, path.join(root, 'deploy/prod/link.yml'));
    const r = run(['check', '-f', 'json'], root);
    const out = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; location: { file: string; line: number } }>; notes: string[] };
    const byRule = (id: string): string[] => out.findings.filter((f) => f.ruleId === id).map((f) => f.location.file).sort();
    expect(byRule('versioning/model-pinned')).toEqual(['deploy/prod/blue.yml']);
    expect(byRule('aigate/parse-error')).toEqual(['deploy/prod/broken.yml', 'deploy/prod/deep.yml']);
    expect(byRule('aigate/unreadable-file')).toEqual(['deploy/prod/binary.yml', 'deploy/prod/latin1.yml']);
    expect(out.notes.join('\n')).toMatch(/link\.yml: symbolic link to a path outside/);
    expect(r.code).toBe(1);
  });

  it('reports files over the size cap', () => {
    const root = repo({ 'deploy/prod/big.yml': `# ${'x'.repeat(3000)}\n${DEPLOYMENT('azureml:chat:1')}` });
    const out = JSON.parse(run(['check', '-f', 'json', '--max-file-size', '1'], root).stdout) as { findings: Array<{ ruleId: string; message: string }> };
    expect(out.findings.map((f) => f.ruleId)).toEqual(['aigate/unreadable-file']);
    expect(out.findings[0]!.message).toMatch(/over the 1 KiB limit/);
  });

  it('skips git-ignored files', () => {
    const root = repo({ '.gitignore': 'generated/\n', 'generated/prod/blue.yml': DEPLOYMENT('azureml:chat@latest') });
    expect(run(['check'], root).code).toBe(0);
  });

  it('exits 2 with the file, line and path of a mistake in aigate.yaml', () => {
    const root = repo({ 'aigate.yaml': 'version: 1\nenvironments:\n  - name: prod\n    fiels: ["deploy/**"]\n', 'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat:1') });
    const r = run(['check'], root);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('aigate.yaml');
    expect(r.stdout).toMatch(/4:5/);
    expect(r.stdout).toContain("environments[0].fiels: unknown key 'fiels' (did you mean 'files'?)");
  });

  it('reads the policy given with --policy, inside or outside the repository, and leaves aigate.yaml alone then', () => {
    const latest = { 'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat@latest') };
    // The root policy turns the finding off; the team policy keeps it.
    const root = repo({ ...latest, 'aigate.yaml': 'version: 1\nrules:\n  versioning/model-pinned: off\n', 'governance/team.yml': 'version: 1\nrules:\n  versioning/model-pinned: error\n' });
    const own = run(['check'], root);
    expect(own.code, own.stdout).toBe(0);
    expect(own.stdout).not.toContain('versioning/model-pinned');
    const inside = run(['check', '--policy', 'governance/team.yml'], root);
    expect(inside.code, inside.stdout).toBe(1);
    expect(inside.stdout).toMatch(/error .*versioning\/model-pinned/);
    expect(inside.stdout).toContain('Policy read from governance/team.yml.');
    const shared = path.join(dir, `shared-${path.basename(root)}.yaml`);
    writeFileSync(shared, 'version: 1\nrules:\n  versioning/model-pinned: info\n');
    const outside = run(['check', '--fail-on', 'info', '--policy', shared, '-f', 'json'], root);
    expect(outside.code).toBe(1);
    const json = JSON.parse(outside.stdout) as { findings: Array<{ ruleId: string; severity: string }> };
    expect(json.findings.filter((f) => f.ruleId === 'versioning/model-pinned').map((f) => f.severity)).toEqual(['info']);
  });

  it('exits 2 when the --policy file is missing or broken, with its line, and never falls back to conventions', () => {
    const root = repo({ 'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat:1') });
    const missing = run(['check', '--policy', 'governance/none.yaml'], root);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/governance\/none\.yaml\n +1:1 +error +The policy file does not exist/);
    expect(missing.stdout).not.toMatch(/No aigate\.yaml/);
    expect(missing.stderr).toContain('the policy governance/none.yaml has errors');
    const shared = path.join(dir, `broken-${path.basename(root)}.yaml`);
    writeFileSync(shared, 'version: 1\nenvironmnts: []\n');
    const broken = run(['check', '--policy', shared], root);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/2:1 +error +environmnts: unknown key 'environmnts'/);
    expect(run(['check', '--policy', 'deploy'], root).stderr).toMatch(/--policy takes a file/);
  });

  it('exits 2 on usage errors', () => {
    const root = repo({});
    expect(run(['check', '--format', 'xml'], root)).toMatchObject({ code: 2 });
    expect(run(['check', '--fail-on', 'sometimes'], root).stderr).toMatch(/--fail-on takes/);
    expect(run(['check', 'nope/'], root).stderr).toMatch(/no such file or folder/);
    expect(run(['frobnicate'], root).code).toBe(2);
    expect(run(['check', '--bogus'], root).code).toBe(2);
  });
});

describe('aigate rules, explain, init, help', () => {
  it('lists rules and explains one', () => {
    const root = repo({});
    const rules = run(['rules'], root);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toContain('versioning/model-pinned');
    const json = JSON.parse(run(['rules', '--format', 'json'], root).stdout) as Array<{ id: string }>;
    expect(json.map((r) => r.id)).toContain('promotion/deploy-requires-approval');
    const explain = run(['explain', 'versioning/model-pinned'], root);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('## How to suppress');
    expect(run(['explain', 'model-pinned'], root).stderr).toContain('did you mean versioning/model-pinned');
  });

  it('prints help for every command', () => {
    const root = repo({});
    for (const cmd of ['check', 'rules', 'explain', 'init']) {
      const r = run([cmd, '--help'], root);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: aigate ${cmd}`);
    }
    expect(run(['--help'], root).stdout).toContain('Commands:');
    expect(run(['--version'], root).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('init writes a policy inferred from the layout and never overwrites it', () => {
    const root = repo({
      'deploy/dev/blue.yml': DEPLOYMENT('azureml:chat:1'),
      'deploy/prod/blue.yml': DEPLOYMENT('azureml:chat:1'),
      '.github/workflows/cd.yml': 'on: push\njobs:\n  deploy-prod:\n    runs-on: x\n    environment: Production\n    steps:\n      - run: az ml online-deployment create -f deploy/prod/blue.yml\n',
    });
    const r = run(['init'], root);
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(root, 'aigate.yaml'), 'utf8');
    expect(text).toContain('- name: dev');
    expect(text).toMatch(/- name: prod\n {4}files: \[deploy\/prod\/\*\*\]/);
    expect(text).toContain('aliases: [Production]');
    expect(run(['check', '--fail-on', 'never'], root).code).toBe(0);
    const again = run(['init'], root);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('never overwrites');
    expect(readFileSync(path.join(root, 'aigate.yaml'), 'utf8')).toBe(text);
  });
});
