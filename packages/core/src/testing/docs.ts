import type { Files } from './harness.js';

export interface RuleDoc {
  title: string;
  sections: Map<string, string>;
  failing: Files[];
  passing: Files[];
}

/** Code blocks of a section, grouped into example workspaces: blocks separated by prose start a new example. */
function examples(section: string | undefined): Files[] {
  if (!section) return [];
  const out: Files[] = [];
  let current: Files | undefined;
  const re = /```ya?ml\n([\s\S]*?)```|(^[^\n`#][^\n]*$)/gm;
  for (const m of section.matchAll(re)) {
    if (m[2] !== undefined) {
      if (m[2].trim()) current = undefined;
      continue;
    }
    const body = m[1]!;
    const fileLine = /^#\s*file:\s*(\S+)\s*\n/.exec(body);
    const path = fileLine ? fileLine[1]! : 'config.yml';
    const text = fileLine ? body.slice(fileLine[0].length) : body;
    if (!current) {
      current = {};
      out.push(current);
    }
    current[path] = text;
  }
  return out;
}

/** Parse a rule's Markdown documentation into sections and runnable examples. */
export function parseRuleDoc(markdown: string): RuleDoc {
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? '';
  const sections = new Map<string, string>();
  const parts = markdown.split(/^(##+)\s+(.+)$/m);
  for (let i = 1; i + 2 < parts.length + 1; i += 3) {
    const heading = parts[i + 1]?.trim();
    if (heading) sections.set(heading, parts[i + 2] ?? '');
  }
  return { title, sections, failing: examples(sections.get('Failing')), passing: examples(sections.get('Passing')) };
}
