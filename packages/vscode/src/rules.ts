// Rule documentation shown inside VS Code, from the docs the core carries (works offline). No `vscode` import.
import { ALL_RULES, THEME_TITLES, docsUrl, ruleById, ruleDoc, type RuleDefinition } from '@aigate/core';

/** URI scheme of the read-only Markdown documents the extension shows. */
export const DOC_SCHEME = 'aigate-rule';
/** Path of the rule list document. */
export const INDEX_PATH = '/rules.md';

/** Path of a rule's document under DOC_SCHEME: `/promotion/deploy-requires-approval.md`. */
export function docPath(ruleId: string): string {
  return `/${ruleId}.md`;
}

/** The rule id a document path stands for, or undefined for any other path. */
export function ruleIdOfPath(path: string): string | undefined {
  const m = /^\/([a-z0-9-]+\/[a-z0-9-]+)\.md$/.exec(path);
  return m && ruleById(m[1]!) ? m[1] : undefined;
}

export interface RulePickItem {
  label: string;
  description: string;
  detail: string;
  ruleId: string;
}

/** Quick pick entries: every documented rule, the checking rules first, in the registry's order. */
export function rulePickItems(rules: readonly RuleDefinition[] = ALL_RULES): RulePickItem[] {
  return rules.map((r) => ({
    label: r.id,
    description: `${THEME_TITLES[r.theme]} · ${r.defaultSeverity}${r.fixable ? ' · quick fix' : ''}`,
    detail: r.description,
    ruleId: r.id,
  }));
}

/** Finds the rule a diagnostic names: its `code` is the rule id, either plain or as `{ value, target }`. */
export function ruleIdOfCode(code: unknown): string | undefined {
  const value = typeof code === 'object' && code !== null && 'value' in code ? (code as { value: unknown }).value : code;
  return typeof value === 'string' && ruleById(value) ? value : undefined;
}

/** The Markdown shown for a document path: a rule's documentation, or the rule list. */
export function documentText(path: string): string {
  if (path === INDEX_PATH) return rulesMarkdown();
  const id = ruleIdOfPath(path);
  if (!id) return `# Unknown aigate document\n\n\`${path}\` names no aigate rule. Run **aigate: List Rules** to see them all.\n`;
  const doc = ruleDoc(id) ?? `# ${id}\n\n${ruleById(id)!.description}\n`;
  return `${doc.trimEnd()}\n\n---\n\nOnline: <${docsUrl(id)}>\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Markdown table of every rule, grouped by theme in the order themes first appear. */
export function rulesMarkdown(rules: readonly RuleDefinition[] = ALL_RULES): string {
  const byTheme = new Map<string, RuleDefinition[]>();
  for (const r of rules) {
    const list = byTheme.get(r.theme) ?? [];
    list.push(r);
    byTheme.set(r.theme, list);
  }
  const out = ['# aigate rules', '', `${rules.length} rules. Run **aigate: Explain Rule** to read one of them.`, ''];
  for (const [theme, list] of byTheme) {
    out.push(`## ${THEME_TITLES[theme as keyof typeof THEME_TITLES] ?? theme}`, '');
    out.push('| Rule | Default | Cross-file | Fix | What it checks |', '| --- | --- | --- | --- | --- |');
    for (const r of list) {
      out.push(`| \`${r.id}\` | ${r.defaultSeverity} | ${r.crossFile ? 'yes' : ''} | ${r.fixable ? 'yes' : ''} | ${cell(r.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
