import { describe, expect, it } from 'vitest';
import { sampleInput } from './fixture.js';
import { formatReport } from './index.js';
import type { JsonReport } from './json.js';

describe('json output', () => {
  it('writes the documented version 1 document', () => {
    const input = sampleInput();
    const report = JSON.parse(formatReport('json', input)) as JsonReport;
    expect(Object.keys(report)).toEqual(['version', 'tool', 'summary', 'findings', 'suppressed', 'notes']);
    expect(report.version).toBe(1);
    expect(report.tool).toEqual({ name: 'aigate', version: '0.1.0' });
    expect(report.summary).toEqual({ errors: 2, warnings: 0, infos: 1, suppressed: 1, filesChecked: 5 });
    expect(report.notes).toEqual(['skipped 1 symlink: deploy/link.yml']);
    expect(report.findings.map((f) => [f.location.file, f.ruleId, f.severity])).toEqual([
      ['.github/workflows/cd.yml', 'promotion/deploy-requires-approval', 'error'],
      ['deploy/dev/d.yml', 'versioning/model-pinned', 'info'],
      ['deploy/prod/d.yml', 'versioning/model-pinned', 'error'],
    ]);
  });

  it('adds 1-based positions next to the 0-based ones, in locations, related locations and suppressions', () => {
    const input = sampleInput();
    const report = JSON.parse(formatReport('json', input)) as JsonReport;
    const prod = report.findings.find((f) => f.location.file === 'deploy/prod/d.yml')!;
    const original = input.findings.find((f) => f.location.file === 'deploy/prod/d.yml')!;
    expect(prod.location).toEqual({ ...original.location, line: 4, column: 8, endLine: 4, endColumn: 27 });
    expect(prod.location.start).toEqual({ line: 3, character: 7 });
    expect(prod.related).toEqual([expect.objectContaining({ file: '.github/workflows/cd.yml', message: "deployed by job 'deploy-prod'", line: 3, column: 3, endLine: 3, endColumn: 14 })]);
    expect(prod).toMatchObject({ docsUrl: original.docsUrl, fingerprint: original.fingerprint, environment: 'prod', fixes: [] });
    const [s] = report.suppressed;
    expect(s).toMatchObject({ ruleId: 'versioning/model-pinned', location: { file: 'deploy/dev/e.yml', line: 4, column: 8 }, suppression: { kind: 'inline', reason: 'dev tracks latest on purpose', location: { line: 4 } } });
    const job = report.findings[0]!;
    expect(job.fixes[0]!.edits[0]).toMatchObject({ newText: 'environment: prod\n    ', start: { line: 3, character: 4 } });
  });

  it('is valid JSON when there is nothing to report', () => {
    const report = JSON.parse(formatReport('json', { ...sampleInput(), findings: [], suppressed: [], notes: [] })) as JsonReport;
    expect(report).toMatchObject({ summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0, filesChecked: 5 }, findings: [], suppressed: [], notes: [] });
  });
});
