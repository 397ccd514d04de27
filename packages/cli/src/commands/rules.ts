import { ALL_RULES, THEME_TITLES } from '@aigate/core';
import { UsageError, type Io } from '../io.js';

export function runRulesCommand(args: { format?: string }, io: Io): number {
  const format = args.format ?? 'text';
  if (format === 'json') {
    io.stdout(`${JSON.stringify(ALL_RULES.map((r) => ({ id: r.id, theme: r.theme, defaultSeverity: r.defaultSeverity, crossFile: r.crossFile, fixable: r.fixable, description: r.description, guidance: r.guidance })), null, 2)}\n`);
    return 0;
  }
  if (format !== 'text') throw new UsageError(`aigate rules --format takes text or json, not '${format}'`);
  const width = Math.max(...ALL_RULES.map((r) => r.id.length));
  let theme = '';
  const lines: string[] = [];
  for (const r of [...ALL_RULES].sort((a, b) => Object.keys(THEME_TITLES).indexOf(a.theme) - Object.keys(THEME_TITLES).indexOf(b.theme) || a.id.localeCompare(b.id))) {
    if (r.theme !== theme) {
      theme = r.theme;
      lines.push('', THEME_TITLES[r.theme]);
    }
    lines.push(`  ${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(7)}  ${r.description}`);
  }
  lines.push('', `${ALL_RULES.length} rules. \`aigate explain <rule>\` shows one.`);
  io.stdout(`${lines.join('\n').trimStart()}\n`);
  return 0;
}
