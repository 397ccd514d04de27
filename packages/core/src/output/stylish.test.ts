import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings.js';
import { SourceFile } from '../text/source.js';
import { sampleInput } from './fixture.js';
import { formatReport } from './index.js';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b/;

describe('stylish output', () => {
  it('groups by file with 1-based positions, a code frame, related locations, environment, fixes, summary and notes', () => {
    const out = formatReport('stylish', sampleInput());
    expect(out).toBe(
      [
        '.github/workflows/cd.yml',
        "  3:3  error  Job 'deploy-prod' promotes to prod (az ml online-deployment create) without `environment:`, so it runs with no manual approval. Add `environment: prod` and require reviewers on that GitHub environment.  promotion/deploy-requires-approval",
        '       3 |   deploy-prod:',
        '         |   ^^^^^^^^^^^',
        '       environment: prod',
        "       fix available: Add `environment: prod` to job 'deploy-prod'",
        '',
        'deploy/dev/d.yml',
        "  4:8  info  The model 'azureml:chat@latest' of deployment 'blue' of endpoint 'chat' in dev floats on @latest: whatever was registered last gets deployed. Name the version that was tested, for example 'azureml:chat:<version>'.  versioning/model-pinned",
        '       4 | model: azureml:chat@latest',
        '         |        ^^^^^^^^^^^^^^^^^^^',
        '       environment: dev',
        '',
        'deploy/prod/d.yml',
        "  4:8  error  The model 'azureml:chat@latest' of deployment 'blue' of endpoint 'chat' in prod floats on @latest: whatever was registered last gets deployed. Name the version that was tested, for example 'azureml:chat:<version>'.  versioning/model-pinned",
        '       4 | model: azureml:chat@latest',
        '         |        ^^^^^^^^^^^^^^^^^^^',
        "       ↳ .github/workflows/cd.yml:3:3  deployed by job 'deploy-prod'",
        '       environment: prod',
        '',
        '✖ 2 errors, 0 warnings, 1 info (1 suppressed)',
        'note: skipped 1 symlink: deploy/link.yml',
        '',
      ].join('\n'),
    );
  });

  it('writes no escape codes with colour off, and colours severities with colour on', () => {
    const plain = formatReport('stylish', sampleInput({ color: false }));
    expect(plain).not.toMatch(ESC);
    const coloured = formatReport('stylish', sampleInput({ color: true }));
    expect(coloured).toContain('\u001b[31merror\u001b[39m');
    expect(coloured).toContain('\u001b[34minfo\u001b[39m');
    // Same text once the escape codes are gone.
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('omits code frames without sources and says when there is nothing to report', () => {
    const out = formatReport('stylish', sampleInput({ sources: undefined }));
    expect(out).not.toContain(' | ');
    const clean = formatReport('stylish', sampleInput({}, { 'deploy/prod/d.yml': '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: b\nendpoint_name: e\nmodel: azureml:chat:3\n' }));
    expect(clean).toBe('✔ no findings in 1 file\nnote: skipped 1 symlink: deploy/link.yml\n');
    const suppressedOnly = formatReport('stylish', { ...sampleInput(), findings: [], notes: [], filesChecked: 2 });
    expect(suppressedOnly).toBe('✔ no findings in 2 files (1 suppressed)\n');
  });

  it('aligns columns within a file, lines up carets after tabs, and neutralises control characters', () => {
    const input = sampleInput();
    const base = input.findings.find((f) => f.location.file === 'deploy/prod/d.yml')!;
    const text = 'a:\n\tkey: value\n';
    const src = new SourceFile('x.yml', text);
    const at = (start: number, end: number, severity: Finding['severity'], message: string): Finding => ({
      ...base,
      severity,
      message,
      related: [],
      fixes: [],
      environment: undefined,
      location: { file: 'x.yml', span: { start, end }, start: src.positionAt(start), end: src.positionAt(end), path: 'a.key' },
    });
    const out = formatReport('stylish', { ...input, findings: [at(9, 14, 'warning', 'evil \u001b[2J message'), at(0, 1, 'info', 'first')], notes: [], sources: new Map([['x.yml', src]]) });
    const lines = out.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'x.yml',
      '  1:1  info     first  versioning/model-pinned',
      '       1 | a:',
      '         | ^',
      '  2:7  warning  evil \\u001b[2J message  versioning/model-pinned',
      '       2 | \tkey: value',
    ]);
    expect(lines[6]).toBe('         | \t     ^^^^^');
    expect(out).not.toMatch(ESC);
  });
});
