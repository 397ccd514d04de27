import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMarkers } from '../../core/src/testing/harness.js';

const BIN = fileURLToPath(new URL('../bin/aigate.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/contoso-chat', import.meta.url));

function filesUnder(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(abs).isDirectory()) Object.assign(out, filesUnder(abs, r));
    else if (/\.ya?ml$/.test(name)) out[r] = readFileSync(abs, 'utf8');
  }
  return out;
}

describe('examples/contoso-chat', () => {
  const r = spawnSync(process.execPath, [BIN, 'check', EXAMPLE, '--format', 'json'], { encoding: 'utf8' });
  const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; location: { file: string; line: number } }>; suppressed: Array<{ ruleId: string; suppression: { kind: string } }> };

  it('produces exactly the findings marked with `# expect:` in its files', () => {
    const want = readMarkers(filesUnder(EXAMPLE)).map((m) => `${m.file}:${m.line} ${m.ruleId}`).sort();
    const got = report.findings.map((f) => `${f.location.file}:${f.location.line} ${f.ruleId}`).sort();
    expect(want.length).toBeGreaterThan(4);
    expect(got).toEqual(want);
  });

  it('exits 1, since it holds errors', () => {
    expect(r.status).toBe(1);
  });

  it('shows both kinds of suppression at work', () => {
    expect(report.suppressed.map((s) => `${s.ruleId} ${s.suppression.kind}`).sort()).toEqual(['resilience/ha-instance-count policy', 'versioning/model-pinned inline']);
  });

  it('covers the four themes of the guidance', () => {
    const themes = new Set(report.findings.map((f) => f.ruleId.split('/')[0]));
    for (const t of ['promotion', 'environments', 'sharing']) expect(themes).toContain(t);
    const suppressedThemes = new Set(report.suppressed.map((f) => f.ruleId.split('/')[0]));
    expect(suppressedThemes).toContain('versioning');
  });
});
