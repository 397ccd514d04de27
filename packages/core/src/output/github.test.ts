import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings.js';
import { sampleInput } from './fixture.js';
import { escapeData, escapeProperty, workflowCommand } from './github.js';
import { formatReport } from './index.js';

describe('github output', () => {
  it('writes one workflow command per finding, with the docs URL, then plain log lines', () => {
    const lines = formatReport('github', sampleInput()).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      "::error file=.github/workflows/cd.yml,line=3,col=3,endLine=3,endColumn=14,title=promotion/deploy-requires-approval::Job 'deploy-prod' promotes to prod (az ml online-deployment create) without `environment:`, so it runs with no manual approval. Add `environment: prod` and require reviewers on that GitHub environment.%0ASee https://github.com/aigate-dev/aigate/blob/main/packages/core/src/rules/promotion/deploy-requires-approval.md",
    );
    expect(lines[1]).toMatch(/^::notice file=deploy\/dev\/d\.yml,line=4,col=8,endLine=4,endColumn=27,title=versioning\/model-pinned::The model /);
    expect(lines[2]).toMatch(/^::error file=deploy\/prod\/d\.yml,line=4,col=8,endLine=4,endColumn=27,title=versioning\/model-pinned::.*%0ASee https:\/\/\S+\/versioning\/model-pinned\.md$/);
    expect(lines.slice(3)).toEqual(['aigate: 2 errors, 0 warnings, 1 info in 5 files checked (1 suppressed)', 'aigate: note: skipped 1 symlink: deploy/link.yml']);
  });

  it('escapes %, CR and LF in data and also : and , in properties, as the Actions toolkit does', () => {
    expect(escapeData('100% done:\r\nnext, line')).toBe('100%25 done:%0D%0Anext, line');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    const input = sampleInput();
    const base = input.findings.find((f) => f.ruleId === 'versioning/model-pinned' && f.severity === 'error')!;
    const odd: Finding = { ...base, severity: 'warning', ruleId: 'x/y:z,w', message: '50% of traffic: blue\nnext line', location: { ...base.location, file: 'deploy/a,b:c.yml' } };
    const cmd = workflowCommand(odd);
    expect(cmd).toBe(`::warning file=deploy/a%2Cb%3Ac.yml,line=4,col=8,endLine=4,endColumn=27,title=x/y%3Az%2Cw::50%25 of traffic: blue%0Anext line%0ASee ${base.docsUrl}`);
    expect(cmd).not.toContain('\n');
  });

  it('drops columns for multi-line ranges and file properties for whole-run findings', () => {
    const base = sampleInput().findings[0]!;
    const multi: Finding = { ...base, location: { ...base.location, start: { line: 2, character: 2 }, end: { line: 5, character: 0 } } };
    expect(workflowCommand(multi)).toMatch(/^::error file=\.github\/workflows\/cd\.yml,line=3,endLine=6,title=/);
    const whole: Finding = { ...base, ruleId: 'aigate/rule-failed', location: { ...base.location, file: '.' } };
    expect(workflowCommand(whole)).toMatch(/^::error title=aigate\/rule-failed::/);
  });

  it('keeps notes from starting a workflow command', () => {
    const out = formatReport('github', { ...sampleInput(), findings: [], suppressed: [], notes: ['odd\n::error::injected'] });
    expect(out).toBe('aigate: no findings in 5 files\naigate: note: odd ::error::injected\n');
    expect(out.split('\n').some((l) => l.startsWith('::'))).toBe(false);
  });
});
