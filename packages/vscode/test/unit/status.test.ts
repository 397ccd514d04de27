import { describe, expect, it } from 'vitest';
import { NO_FINDINGS, countFindings, statusView, totalFindings, type CountableDiagnostic, type ServerState } from '../../src/status.js';

const d = (severity: number, source: string | undefined = 'aigate'): CountableDiagnostic => ({ severity, source });

describe('countFindings', () => {
  it('counts only aigate diagnostics, by severity, and the files that have any', () => {
    const counts = countFindings([
      ['a.yml', [d(0), d(1), d(1), d(0, 'yaml')]],
      ['b.yml', [d(2), d(3)]],
      ['c.yml', [d(0, 'eslint'), { severity: 1 }]],
      ['d.yml', []],
    ]);
    expect(counts).toEqual({ errors: 1, warnings: 2, infos: 2, files: 2 });
    expect(totalFindings(counts)).toBe(5);
  });

  it('is zero with no diagnostics', () => {
    expect(countFindings([])).toEqual(NO_FINDINGS);
  });
});

describe('statusView', () => {
  const some = { errors: 2, warnings: 3, infos: 1, files: 4 };

  it('shows the total and the error icon while running with errors', () => {
    const v = statusView('running', some);
    expect(v.text).toBe('$(error) aigate: 6');
    expect(v.tooltip).toBe('aigate language server: running. 6 findings in 4 files: 2 errors, 3 warnings, 1 info.');
    expect(v.alarm).toBe(false);
  });

  it('uses the warning icon when there are no errors, and singular words for one', () => {
    const v = statusView('running', { errors: 0, warnings: 1, infos: 0, files: 1 });
    expect(v.text).toBe('$(warning) aigate: 1');
    expect(v.tooltip).toContain('1 finding in 1 file: 0 errors, 1 warning, 0 info.');
  });

  it('shows a pass icon with no findings', () => {
    expect(statusView('running', NO_FINDINGS)).toEqual({ text: '$(pass) aigate', tooltip: 'aigate language server: running. No findings.', alarm: false });
  });

  it('shows each server state, and no counts unless running', () => {
    const states: ServerState[] = ['disabled', 'starting', 'stopped', 'failed'];
    const views = states.map((s) => statusView(s, some));
    expect(views.map((v) => v.text)).toEqual(['$(circle-slash) aigate', '$(sync~spin) aigate', '$(debug-stop) aigate', '$(error) aigate']);
    for (const v of views) expect(v.tooltip).not.toContain('finding');
    expect(views.map((v) => v.alarm)).toEqual([false, false, false, true]);
    expect(views[0]!.tooltip).toContain('aigate.enable');
  });
});
