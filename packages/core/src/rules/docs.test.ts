import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THEME_TITLES } from '../engine/rule.js';
import { parseRuleDoc } from '../testing/docs.js';
import { check, markerDiff } from '../testing/harness.js';
import { ALL_RULES, RULES } from './index.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const seedsDir = here('../../../../../shared/seeds/');
const REQUIRED = ['What it checks', 'Why', 'Examples', 'How to fix', 'How to suppress'];

describe('rule documentation', () => {
  it('registers rules in alphabetical order with unique ids', () => {
    const ids = RULES.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
  });

  for (const rule of ALL_RULES) {
    describe(rule.id, () => {
      const path = here(`./${rule.id}.md`);
      it('has a documentation file with every section', () => {
        expect(existsSync(path), `${rule.id} needs ${path}`).toBe(true);
        const doc = parseRuleDoc(readFileSync(path, 'utf8'));
        expect(doc.title).toBe(rule.id);
        for (const s of REQUIRED) expect([...doc.sections.keys()], `section "${s}"`).toContain(s);
        expect(readFileSync(path, 'utf8')).toContain(rule.description);
        expect(readFileSync(path, 'utf8')).toContain(THEME_TITLES[rule.theme]);
      });

      it('quotes the guidance it enforces', () => {
        const text = readFileSync(path, 'utf8');
        expect(rule.guidance.length).toBeGreaterThan(0);
        for (const g of rule.guidance) {
          expect(text).toContain(g.quote);
          expect(text).toContain(g.seed);
          if (existsSync(seedsDir)) {
            const seed = readFileSync(`${seedsDir}${g.seed}`, 'utf8');
            expect(seed, `quote of ${rule.id} is in ${g.seed}`).toContain(g.quote);
            expect(seed).toMatch(new RegExp(`^#+\\s+${g.heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
          }
        }
      });

      if (rule.id.startsWith('aigate/')) return;
      const doc = existsSync(path) ? parseRuleDoc(readFileSync(path, 'utf8')) : undefined;
      it('has failing and passing examples', () => {
        expect(doc?.failing.length).toBeGreaterThan(0);
        expect(doc?.passing.length).toBeGreaterThan(0);
      });
      doc?.failing.forEach((files, i) => {
        it(`failing example ${i + 1} produces the marked findings`, () => {
          expect(check(files).findings.filter((f) => f.ruleId === rule.id).length).toBeGreaterThan(0);
          expect(markerDiff(files, { rules: [rule.id] })).toEqual({ missing: [], unexpected: [] });
        });
      });
      doc?.passing.forEach((files, i) => {
        it(`passing example ${i + 1} produces no finding of the rule`, () => {
          expect(check(files).findings.filter((f) => f.ruleId === rule.id)).toEqual([]);
        });
      });
    });
  }
});
