import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings.js';
import { sampleInput } from './fixture.js';
import { formatReport } from './index.js';
import { code, escapeMarkdown, formatMarkdown } from './markdown.js';

describe('markdown output', () => {
  it('writes a counts table, findings by environment then file with docs links, suppressed findings and notes', () => {
    const out = formatReport('markdown', sampleInput());
    expect(out).toContain('## aigate: ✖ 2 errors, 0 warnings, 1 info (1 suppressed)\n\n| Severity | Count |\n| --- | ---: |\n| ❌ Errors | 2 |\n| ⚠️ Warnings | 0 |\n| ℹ️ Info | 1 |\n| 🔕 Suppressed | 1 |\n\n5 files checked.\n');
    const headings = out.split('\n').filter((l) => l.startsWith('### ') || l.startsWith('**`'));
    expect(headings).toEqual(['### Environment `prod` (2 errors)', '**`.github/workflows/cd.yml`**', '**`deploy/prod/d.yml`**', '### Environment `dev` (1 info)', '**`deploy/dev/d.yml`**']);
    expect(out).toContain(
      "- ❌ **error** line 4:8 · The model 'azureml:chat@&#8203;latest' of deployment 'blue' of endpoint 'chat' in prod floats on @&#8203;latest: whatever was registered last gets deployed. Name the version that was tested, for example 'azureml:chat:\\<version\\>'. · [`versioning/model-pinned`](https://github.com/aigate-dev/aigate/blob/main/packages/core/src/rules/versioning/model-pinned.md)\n  - ↳ `.github/workflows/cd.yml` line 3:3: deployed by job 'deploy-prod'\n",
    );
    expect(out).toContain("  - 🔧 fix available: Add `environment: prod` to job 'deploy-prod'\n");
    expect(out).toContain('<details>\n<summary>🔕 1 suppressed finding</summary>\n\n- [`versioning/model-pinned`](');
    expect(out).toContain('`deploy/dev/e.yml` line 4:8 (`dev`) · inline comment: dev tracks latest on purpose');
    expect(out.trimEnd().endsWith('**Notes**\n\n- skipped 1 symlink: deploy/link.yml')).toBe(true);
  });

  it('says when there is nothing to report', () => {
    const out = formatReport('markdown', { ...sampleInput(), findings: [], suppressed: [], notes: [] });
    expect(out.split('\n')[0]).toBe('## aigate: ✔ no findings in 5 files');
    expect(out).not.toContain('###');
    expect(out).not.toContain('<details>');
  });

  it('puts findings without an environment last', () => {
    const input = sampleInput();
    const findings: Finding[] = input.findings.map((f) => (f.ruleId === 'promotion/deploy-requires-approval' ? { ...f, environment: undefined } : f));
    const headings = formatReport('markdown', { ...input, findings }).split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### Environment `prod` (1 error)', '### Environment `dev` (1 info)', '### Other findings (1 error)']);
  });

  it('escapes Markdown and mentions outside code spans and keeps code spans', () => {
    expect(escapeMarkdown('use `a|b` then *x* <b> @team #12 [l](u) & done\nnext')).toBe('use `a|b` then \\*x\\* \\<b\\> @&#8203;team #&#8203;12 \\[l\\](u) &amp; done next');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
  });

  it('stays within the size cap by dropping suppressed details first, then the least severe findings', () => {
    const input = sampleInput();
    const full = formatMarkdown(input);
    const noDetails = formatMarkdown(input, { maxChars: full.length - 1 });
    expect(noDetails).not.toContain('<details>');
    expect(noDetails).toContain('🔕 1 suppressed finding not listed here.');
    expect(noDetails).toContain('ℹ️ **info**');
    const trimmed = formatMarkdown(input, { maxChars: noDetails.length - 1 });
    expect(trimmed.length).toBeLessThan(noDetails.length);
    expect(trimmed).not.toContain('ℹ️ **info**');
    expect(trimmed).toContain('_1 more finding (1 info) not shown here');
    expect(trimmed.match(/❌ \*\*error\*\*/g)).toHaveLength(2);
  });

  it('fits many findings into a PR comment', () => {
    const input = sampleInput();
    const base = input.findings[2]!;
    const many: Finding[] = Array.from({ length: 2000 }, (_, i) => ({ ...base, severity: i < 10 ? 'error' : 'warning', fingerprint: String(i) }));
    const out = formatReport('markdown', { ...input, findings: many });
    expect(out.length).toBeLessThanOrEqual(60_000);
    expect(out).toContain('| ❌ Errors | 10 |');
    expect(out.match(/❌ \*\*error\*\*/g)).toHaveLength(10);
    expect(out).toMatch(/_\d+ more findings \(\d+ warnings\) not shown here/);
  });
});
