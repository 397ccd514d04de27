import { describe, expect, it } from 'vitest';
import { ALL_RULES, docsUrl, ruleDoc } from '@aigate/core';
import { INDEX_PATH, docPath, documentText, ruleIdOfCode, ruleIdOfPath, rulePickItems, rulesMarkdown } from '../../src/rules.js';

describe('rule documents', () => {
  it('maps every rule to a document path and back', () => {
    for (const r of ALL_RULES) {
      expect(ruleIdOfPath(docPath(r.id))).toBe(r.id);
    }
  });

  it('knows no rule for other paths', () => {
    for (const p of ['/promotion/no-such-rule.md', '/promotion/deploy-requires-approval', 'promotion/deploy-requires-approval.md', '/../x.md', '', INDEX_PATH]) {
      expect(ruleIdOfPath(p)).toBeUndefined();
    }
  });

  it("shows the rule's own Markdown with a link to the online copy", () => {
    const id = 'promotion/deploy-requires-approval';
    const text = documentText(docPath(id));
    expect(text.startsWith(ruleDoc(id)!.trimEnd())).toBe(true);
    expect(text).toContain(docsUrl(id));
  });

  it('explains an unknown path instead of failing', () => {
    expect(documentText('/nope/nothing.md')).toMatch(/^# Unknown aigate document/);
  });

  it('lists every rule, grouped by theme', () => {
    const md = documentText(INDEX_PATH);
    expect(md).toBe(rulesMarkdown());
    for (const r of ALL_RULES) expect(md).toContain(`| \`${r.id}\` | ${r.defaultSeverity} |`);
    expect(md).toContain('## Model promotion');
    expect(md).toContain('## aigate itself');
  });
});

describe('rulePickItems', () => {
  it('offers every documented rule once, with its description', () => {
    const items = rulePickItems();
    expect(items.map((i) => i.ruleId)).toEqual(ALL_RULES.map((r) => r.id));
    for (const [i, r] of items.map((item, k) => [item, ALL_RULES[k]!] as const)) {
      expect(i.label).toBe(r.id);
      expect(i.detail).toBe(r.description);
      expect(i.description).toContain(r.defaultSeverity);
    }
    expect(items.find((i) => i.ruleId === 'promotion/deploy-requires-approval')!.description).toContain('quick fix');
  });
});

describe('ruleIdOfCode', () => {
  it('reads a plain code and a code with a target', () => {
    expect(ruleIdOfCode('versioning/model-pinned')).toBe('versioning/model-pinned');
    expect(ruleIdOfCode({ value: 'versioning/model-pinned', target: { toString: () => 'https://x' } })).toBe('versioning/model-pinned');
  });
  it('ignores codes that name no rule', () => {
    for (const code of [undefined, null, 42, 'no/such-rule', { value: 7 }, {}]) expect(ruleIdOfCode(code)).toBeUndefined();
  });
});
