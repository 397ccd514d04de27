import { describe, expect, it } from 'vitest';
import { sampleInput } from './fixture.js';
import { formatReport, OUTPUT_FORMATS, type OutputFormat } from './index.js';

describe('formatReport', () => {
  it('knows the five formats, stylish first', () => {
    expect(OUTPUT_FORMATS).toEqual(['stylish', 'json', 'sarif', 'github', 'markdown']);
  });

  it.each(OUTPUT_FORMATS)('%s ends with a newline and has no escape codes when colour is off', (format) => {
    const out = formatReport(format, sampleInput({ color: false }));
    expect(out.endsWith('\n')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/\u001b/);
  });

  it('only stylish uses colour', () => {
    for (const format of OUTPUT_FORMATS.filter((f) => f !== 'stylish')) {
      expect(formatReport(format, sampleInput({ color: true }))).toBe(formatReport(format, sampleInput({ color: false })));
    }
  });

  it('rejects an unknown format', () => {
    expect(() => formatReport('xml' as OutputFormat, sampleInput())).toThrow(/unknown output format 'xml'/);
  });
});
