import { escapeMarkdown, markdownCode as code, ruleById, SEVERITY_RANK, type Finding, type Location, type Severity, type SuppressedFinding } from '@aigate/core';
import type { ChangeSet } from './changes.js';
import { hasFile, type RankedFinding, type Touch } from './rank.js';

/** GitHub refuses a step summary over 1 MiB; stay a little under it. */
export const JOB_SUMMARY_MAX_BYTES = 1_000_000;
/** A check run's `output.summary` holds at most 65,535 characters. */
export const CHECK_SUMMARY_MAX_CHARS = 65_000;

export interface BlobLinks {
  serverUrl: string;
  owner: string;
  repo: string;
  sha: string;
}

export interface SummaryInput {
  ranked: readonly RankedFinding[];
  suppressed: readonly SuppressedFinding[];
  notes: readonly string[];
  filesChecked: number;
  failOn: string;
  /** Whether the step fails, and why (one sentence). */
  verdict: { failing: boolean; reason: string };
  pullRequest?: { number: number; url?: string };
  changes?: ChangeSet;
  links?: BlobLinks;
  /** Sentences about how the results were published (annotations, check run, SARIF). */
  delivery: readonly string[];
}

export interface SummaryLimit {
  max: number;
  measure: (text: string) => number;
  /** What the limit is, for the note about left-out findings. */
  what: string;
}

export const JOB_SUMMARY_LIMIT: SummaryLimit = { max: JOB_SUMMARY_MAX_BYTES, measure: (t) => Buffer.byteLength(t, 'utf8'), what: "GitHub's 1 MiB limit for a step summary" };
export const CHECK_SUMMARY_LIMIT: SummaryLimit = { max: CHECK_SUMMARY_MAX_CHARS, measure: (t) => t.length, what: "GitHub's 65,535-character limit for a check run summary" };

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const LABEL: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Info' };
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const NO_ENV = '\u0000';

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function countBy(findings: readonly Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

function countsText(c: Record<Severity, number>, onlyNonZero = false): string {
  const parts = [
    [c.error, plural(c.error, 'error')],
    [c.warning, plural(c.warning, 'warning')],
    [c.info, `${c.info} info`],
  ] as const;
  return parts
    .filter(([n]) => !onlyNonZero || n > 0)
    .map(([, t]) => t)
    .join(', ');
}

/** A URL safe inside Markdown link parentheses. */
function linkTarget(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function blobUrl(links: BlobLinks, path: string, start?: number, end?: number): string {
  const anchor = start === undefined ? '' : end !== undefined && end !== start ? `#L${start}-L${end}` : `#L${start}`;
  return `${links.serverUrl}/${encodeURIComponent(links.owner)}/${encodeURIComponent(links.repo)}/blob/${links.sha}/${encodePath(path)}${anchor}`;
}

function lineRef(loc: Location, links: BlobLinks | undefined, exists: (p: string) => boolean): string {
  const line = loc.start.line + 1;
  const end = loc.end.line + 1;
  const text = `line ${line}`;
  return links && exists(loc.file) ? `[${text}](${linkTarget(blobUrl(links, loc.file, line, end))})` : text;
}

const TOUCH_NOTE: Record<Touch, string> = { line: ' · 🔀 changed line', file: '', none: '' };

function findingItem(r: RankedFinding, links: BlobLinks | undefined, exists: (p: string) => boolean): string {
  const f = r.finding;
  const where = hasFile(f.location) ? `${lineRef(f.location, links, exists)} · ` : '';
  const context = f.workload !== undefined ? ` · workload ${code(f.workload)}` : '';
  const out = [`- ${ICON[f.severity]} **${f.severity}** ${where}${escapeMarkdown(f.message)} · [${code(f.ruleId)}](${linkTarget(f.docsUrl)})${context}${TOUCH_NOTE[r.touch]}`];
  for (const rel of f.related) {
    const place = hasFile(rel) ? `${code(rel.file)} ${lineRef(rel, links, exists)}` : 'whole run';
    out.push(`  - ↳ ${place}${rel.message ? `: ${escapeMarkdown(rel.message)}` : ''}`);
  }
  for (const fix of f.fixes) out.push(`  - 🔧 fix available: ${escapeMarkdown(fix.title)}`);
  return out.join('\n');
}

interface Block {
  group: 'changed' | 'other';
  env: string;
  file: string;
  /** Position of its best finding in the ranking (lower is better). */
  best: number;
  findings: RankedFinding[];
  text: string;
}

function blocksOf(input: SummaryInput, exists: (p: string) => boolean): Block[] {
  const byKey = new Map<string, Block>();
  input.ranked.forEach((r, i) => {
    const group = input.pullRequest && r.touch !== 'none' ? 'changed' : 'other';
    const env = r.finding.environment ?? NO_ENV;
    const key = `${group}\u0001${env}\u0001${r.finding.location.file}`;
    let b = byKey.get(key);
    if (!b) byKey.set(key, (b = { group, env, file: r.finding.location.file, best: i, findings: [], text: '' }));
    b.findings.push(r);
  });
  for (const b of byKey.values()) {
    b.findings.sort((x, y) => x.finding.location.span.start - y.finding.location.span.start || SEVERITY_RANK[y.finding.severity] - SEVERITY_RANK[x.finding.severity]);
    const title = hasFile(b.findings[0]!.finding.location) ? (input.links && exists(b.file) ? `[${code(b.file)}](${linkTarget(blobUrl(input.links, b.file))})` : code(b.file)) : 'Whole run';
    b.text = [`**${title}**`, '', ...b.findings.map((r) => findingItem(r, input.links, exists))].join('\n');
  }
  return [...byKey.values()].sort((a, b) => a.best - b.best);
}

function header(input: SummaryInput): string[] {
  const all = input.ranked.map((r) => r.finding);
  const c = countBy(all);
  const out: string[] = [];
  const title = all.length ? `✖ ${countsText(c)}` : `✔ no findings in ${plural(input.filesChecked, 'file')}`;
  out.push(`## aigate: ${title}`, '');
  out.push(`${input.verdict.failing ? '🔴 **Failing**' : '🟢 **Passing**'}: ${escapeMarkdown(input.verdict.reason)}`, '');
  const facts = [`${plural(input.filesChecked, 'file')} checked`, `fail-on: ${code(input.failOn)}`];
  if (input.pullRequest) facts.unshift(input.pullRequest.url ? `[pull request #${input.pullRequest.number}](${linkTarget(input.pullRequest.url)})` : `pull request #${input.pullRequest.number}`);
  if (input.links) facts.push(`commit ${code(input.links.sha.slice(0, 7))}`);
  out.push(facts.join(' · '), '');

  const pr = Boolean(input.pullRequest);
  const line = (s: Severity): number => input.ranked.filter((r) => r.finding.severity === s && r.touch === 'line').length;
  const file = (s: Severity): number => input.ranked.filter((r) => r.finding.severity === s && r.touch === 'file').length;
  out.push(pr ? '| Severity | Findings | On changed lines | Elsewhere in this PR |' : '| Severity | Findings |', pr ? '| --- | ---: | ---: | ---: |' : '| --- | ---: |');
  for (const s of SEVERITIES) out.push(pr ? `| ${ICON[s]} ${LABEL[s]} | ${c[s]} | ${line(s)} | ${file(s)} |` : `| ${ICON[s]} ${LABEL[s]} | ${c[s]} |`);
  out.push(pr ? `| 🔕 Suppressed | ${input.suppressed.length} | | |` : `| 🔕 Suppressed | ${input.suppressed.length} |`);

  if (all.length) {
    const byRule = new Map<string, { counts: Record<Severity, number>; docs: string; changed: number }>();
    for (const r of input.ranked) {
      let e = byRule.get(r.finding.ruleId);
      if (!e) byRule.set(r.finding.ruleId, (e = { counts: { error: 0, warning: 0, info: 0 }, docs: r.finding.docsUrl, changed: 0 }));
      e.counts[r.finding.severity]++;
      if (r.touch !== 'none') e.changed++;
    }
    const rows = [...byRule].sort(([ia, a], [ib, b]) => b.counts.error - a.counts.error || b.counts.warning - a.counts.warning || b.counts.info - a.counts.info || ia.localeCompare(ib));
    out.push('', '| Rule | Errors | Warnings | Info |' + (pr ? ' In this PR |' : ''), '| --- | ---: | ---: | ---: |' + (pr ? ' ---: |' : ''));
    for (const [id, e] of rows) {
      const desc = ruleById(id)?.description;
      out.push(`| [${code(id)}](${linkTarget(e.docs)})${desc ? ` ${escapeMarkdown(desc)}` : ''} | ${e.counts.error} | ${e.counts.warning} | ${e.counts.info} |${pr ? ` ${e.changed} |` : ''}`);
    }
  }

  const notes: string[] = [];
  if (input.changes && !input.changes.complete) notes.push(`⚠️ **The change set is incomplete**: ${input.changes.problems.map(escapeMarkdown).join(' ')} Findings in files it does not show are ranked as outside this PR; every finding still counts for \`fail-on\`.`);
  else if (input.changes?.sources.length) notes.push(`Changed files and lines come from ${input.changes.sources.join(' and ')}.`);
  for (const d of input.delivery) notes.push(d);
  if (notes.length) out.push('', ...notes.map((n) => `> ${n}`).flatMap((n, i) => (i ? ['>', n] : [n])));
  return out;
}

function suppressedSection(input: SummaryInput, exists: (p: string) => boolean): string {
  const out = ['<details>', `<summary>🔕 ${plural(input.suppressed.length, 'suppressed finding')}</summary>`, ''];
  for (const s of input.suppressed) {
    const how = s.suppression.kind === 'inline' ? 'inline comment' : 'policy';
    const env = s.environment !== undefined ? ` (${code(s.environment)})` : '';
    const place = hasFile(s.location) ? `${code(s.location.file)} ${lineRef(s.location, input.links, exists)}` : 'whole run';
    out.push(`- [${code(s.ruleId)}](${linkTarget(s.docsUrl)}) ${place}${env} · ${how}: ${escapeMarkdown(s.suppression.reason || 'no reason given')}`);
  }
  out.push('', '</details>');
  return out.join('\n');
}

function envHeading(env: string, findings: readonly RankedFinding[]): string {
  const counts = countsText(countBy(findings.map((r) => r.finding)), true);
  return `#### ${env === NO_ENV ? 'No environment' : `Environment ${code(env)}`} (${counts})`;
}

function assemble(input: SummaryInput, head: string, blocks: readonly Block[], kept: number, withSuppressed: boolean, omittedNote: string | undefined, exists: (p: string) => boolean): string {
  const keep = new Set(blocks.slice(0, kept));
  const out: string[] = [head];
  for (const group of ['changed', 'other'] as const) {
    const inGroup = blocks.filter((b) => b.group === group && keep.has(b));
    if (!inGroup.length) continue;
    const total = inGroup.reduce((n, b) => n + b.findings.length, 0);
    const heading = group === 'changed' ? `### 🔀 In this pull request (${total})` : input.pullRequest ? `### Elsewhere in the repository (${total})` : `### Findings (${total})`;
    out.push('', heading);
    // Environments with the most severe findings first; "no environment" last.
    const envs = [...new Set(inGroup.map((b) => b.env))];
    const worst = (env: string): number => Math.max(...inGroup.filter((b) => b.env === env).flatMap((b) => b.findings.map((r) => SEVERITY_RANK[r.finding.severity])));
    envs.sort((a, b) => Number(a === NO_ENV) - Number(b === NO_ENV) || worst(b) - worst(a) || a.localeCompare(b));
    for (const env of envs) {
      const envBlocks = inGroup.filter((b) => b.env === env);
      out.push('', envHeading(env, envBlocks.flatMap((b) => b.findings)));
      for (const b of envBlocks) out.push('', b.text);
    }
  }
  if (omittedNote) out.push('', omittedNote);
  if (input.suppressed.length) out.push('', withSuppressed ? suppressedSection(input, exists) : `🔕 ${plural(input.suppressed.length, 'suppressed finding')}: not listed here, to stay within the size limit.`);
  if (input.notes.length) out.push('', '**Notes**', '', ...input.notes.map((n) => `- ${escapeMarkdown(n)}`));
  return `${out.join('\n')}\n`;
}

/**
 * The Markdown report: verdict, counts by severity and rule, then the findings grouped by environment and
 * file with links to the lines and the rules' docs, those in the PR's changes first. Over the limit, whole
 * sections are left out (suppressed details first, then files from the lowest-ranked up) and it says so.
 */
export function renderSummary(input: SummaryInput, limit: SummaryLimit, exists: (repoPath: string) => boolean = () => true): string {
  const head = header(input).join('\n');
  const blocks = blocksOf(input, exists);
  const full = assemble(input, head, blocks, blocks.length, true, undefined, exists);
  if (limit.measure(full) <= limit.max) return full;
  const noDetails = assemble(input, head, blocks, blocks.length, false, undefined, exists);
  if (limit.measure(noDetails) <= limit.max) return noDetails;

  const noteFor = (kept: number): string => {
    const left = blocks.slice(kept);
    const findings = left.flatMap((b) => b.findings.map((r) => r.finding));
    return `_✂️ ${plural(findings.length, 'finding')} (${countsText(countBy(findings), true)}) in ${plural(new Set(left.map((b) => b.file)).size, 'file')} left out of this summary to stay within ${limit.what}. The SARIF file, the check run and the job log list them all._`;
  };
  const attempt = (k: number): string => assemble(input, head, blocks, k, false, noteFor(k), exists);
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (limit.measure(attempt(mid)) <= limit.max) lo = mid;
    else hi = mid - 1;
  }
  const best = attempt(lo);
  if (limit.measure(best) <= limit.max) return best;
  // Even the header does not fit (an enormous rule table or note list): cut it, whole lines at a time.
  const lines = best.split('\n');
  while (lines.length > 1 && limit.measure(lines.join('\n')) > limit.max - 200) lines.pop();
  return `${lines.join('\n')}\n\n_✂️ The rest of this summary was left out to stay within ${limit.what}._\n`;
}
