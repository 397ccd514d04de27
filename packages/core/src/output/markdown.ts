import type { Finding, Location, Severity } from '../findings.js';
import { SEVERITY_RANK } from '../findings.js';
import { bySeverity, countFindings, countsText, groupBy, hasFile, maxSeverity, oneBased, plural, sorted, visibleControls, type Counts, type ReportInput } from './shared.js';

/**
 * Default size cap: a PR comment holds at most 65,536 characters; leave room for what the action
 * adds around the report. Job summaries (1 MiB) fit too.
 */
export const MARKDOWN_MAX_CHARS = 60_000;

export interface MarkdownOptions {
  /** Leave out the lowest-severity findings (and first the suppressed details) to stay under this size. */
  maxChars?: number;
}

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const NO_ENV = '\u0000none';

/**
 * Escape text for Markdown while keeping the `code spans` rule messages use. Outside code, Markdown
 * punctuation is backslash-escaped and `@name` / `#123` are broken so GitHub neither mentions nor links.
 */
export function escapeMarkdown(text: string): string {
  const oneLine = visibleControls(text).replace(/\r\n|\r|\n/g, ' ');
  return oneLine
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/[\\`*_{}[\]<>|~&@]|#(?=\d)/g, (c) => (c === '&' ? '&amp;' : c === '@' ? '@&#8203;' : c === '#' ? '#&#8203;' : `\\${c}`))
            .replace(/^([#+\-=]|\d+\.)/, '\\$1'),
    )
    .join('');
}

/** A code span that survives backticks inside. */
export function code(text: string): string {
  const t = visibleControls(text).replace(/\r\n|\r|\n/g, ' ');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

function linkTarget(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function where(loc: Location): string {
  const p = oneBased(loc);
  return `line ${p.line}:${p.column}`;
}

function findingItem(f: Finding): string[] {
  const context = f.workload !== undefined ? ` · workload ${code(f.workload)}` : '';
  const lines = [`- ${ICON[f.severity]} **${f.severity}** ${hasFile(f.location) ? `${where(f.location)} ` : ''}· ${escapeMarkdown(f.message)} · [${code(f.ruleId)}](${linkTarget(f.docsUrl)})${context}`];
  for (const r of f.related) lines.push(`  - ↳ ${hasFile(r) ? `${code(r.file)} ${where(r)}` : 'whole run'}${r.message ? `: ${escapeMarkdown(r.message)}` : ''}`);
  for (const fix of f.fixes) lines.push(`  - 🔧 fix available: ${escapeMarkdown(fix.title)}`);
  return lines;
}

function summaryTitle(c: Counts, filesChecked: number, anyFindings: boolean): string {
  const suppressed = c.suppressed ? ` (${c.suppressed} suppressed)` : '';
  return anyFindings ? `✖ ${countsText(c)}${suppressed}` : `✔ no findings in ${plural(filesChecked, 'file')}${suppressed}`;
}

/** Only the non-zero counts: `2 errors, 1 info`. */
function shortCounts(c: Counts): string {
  return [c.errors && plural(c.errors, 'error'), c.warnings && plural(c.warnings, 'warning'), c.infos && `${c.infos} info`].filter(Boolean).join(', ');
}

interface RenderParts {
  shown: Finding[];
  omitted: Finding[];
  suppressedDetails: boolean;
}

function render(input: ReportInput, parts: RenderParts): string {
  const c = countFindings(input.findings, input.suppressed);
  const out: string[] = [];
  out.push(`## aigate: ${summaryTitle(c, input.filesChecked, input.findings.length > 0)}`, '');
  out.push('| Severity | Count |', '| --- | ---: |');
  out.push(`| ${ICON.error} Errors | ${c.errors} |`, `| ${ICON.warning} Warnings | ${c.warnings} |`, `| ${ICON.info} Info | ${c.infos} |`, `| 🔕 Suppressed | ${c.suppressed} |`);
  out.push('', `${plural(input.filesChecked, 'file')} checked.`);

  const byEnv = groupBy(sorted(parts.shown), (f) => f.environment ?? NO_ENV);
  const envs = [...byEnv.keys()].sort((a, b) => {
    if (a === NO_ENV || b === NO_ENV) return (a === NO_ENV ? 1 : 0) - (b === NO_ENV ? 1 : 0);
    return SEVERITY_RANK[maxSeverity(byEnv.get(b)!)!] - SEVERITY_RANK[maxSeverity(byEnv.get(a)!)!] || a.localeCompare(b);
  });
  for (const env of envs) {
    const findings = byEnv.get(env)!;
    const heading = env === NO_ENV ? (envs.length > 1 ? 'Other findings' : 'Findings') : `Environment ${code(env)}`;
    out.push('', `### ${heading} (${shortCounts(countFindings(findings, []))})`);
    for (const [file, inFile] of groupBy(findings, (f) => f.location.file)) {
      out.push('', `**${hasFile(inFile[0]!.location) ? code(file) : 'Whole run'}**`, '');
      for (const f of inFile) out.push(...findingItem(f));
    }
  }

  if (parts.omitted.length) {
    const what = shortCounts(countFindings(parts.omitted, []));
    out.push('', `_${plural(parts.omitted.length, 'more finding')} (${what}) not shown here, to keep this report within GitHub's size limits. The job log and \`aigate check\` list them all._`);
  }

  if (input.suppressed.length) {
    out.push('');
    if (parts.suppressedDetails) {
      out.push('<details>', `<summary>🔕 ${plural(input.suppressed.length, 'suppressed finding')}</summary>`, '');
      for (const s of sorted(input.suppressed)) {
        const how = s.suppression.kind === 'inline' ? 'inline comment' : 'policy';
        const env = s.environment !== undefined ? ` (${code(s.environment)})` : '';
        out.push(`- [${code(s.ruleId)}](${linkTarget(s.docsUrl)}) ${hasFile(s.location) ? `${code(s.location.file)} ${where(s.location)}` : 'whole run'}${env} · ${how}: ${escapeMarkdown(s.suppression.reason || 'no reason given')}`);
      }
      out.push('', '</details>');
    } else {
      out.push(`🔕 ${plural(input.suppressed.length, 'suppressed finding')} not listed here.`);
    }
  }

  if (input.notes.length) {
    out.push('', '**Notes**', '');
    for (const note of input.notes) out.push(`- ${escapeMarkdown(note)}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * A Markdown report for PR comments and job summaries: a counts table, then the findings grouped by
 * environment (most severe first) and file, with links to the rule docs, then suppressed findings and notes.
 * Over `maxChars`, the suppressed details go first, then the lowest-severity findings, whole items at a time.
 */
export function formatMarkdown(input: ReportInput, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? MARKDOWN_MAX_CHARS;
  const all = sorted(input.findings);
  const full = render(input, { shown: all, omitted: [], suppressedDetails: true });
  if (full.length <= max) return full;
  const noDetails = render(input, { shown: all, omitted: [], suppressedDetails: false });
  if (noDetails.length <= max) return noDetails;

  // Keep the k most severe findings, with the largest k that fits.
  const ranked = bySeverity(all);
  const attempt = (k: number): string => {
    const keep = new Set(ranked.slice(0, k));
    return render(input, { shown: all.filter((f) => keep.has(f)), omitted: all.filter((f) => !keep.has(f)), suppressedDetails: false });
  };
  let lo = 0;
  let hi = ranked.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (attempt(mid).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return attempt(lo);
}
