import type { Finding, Location, Severity } from '../findings.js';
import type { SourceFile } from '../text/source.js';
import { countFindings, countsText, groupBy, hasFile, oneBased, plural, sorted, visibleControls, type ReportInput } from './shared.js';

/** The few SGR codes we need, each with its own reset so styles nest. */
const SGR = {
  bold: [1, 22],
  dim: [2, 22],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  gray: [90, 39],
} as const;

type Style = keyof typeof SGR;
type Paint = (style: Style, text: string) => string;

function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => (text ? `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m` : text);
}

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'blue' };

/** The line of the finding with `^^^` under its range (only the first line of a multi-line range). */
function codeFrame(loc: Location, source: SourceFile, indent: string, paint: Paint): string[] {
  const line = source.lineText(loc.start.line);
  if (loc.start.line >= source.lineCount || line.trim() === '') return [];
  const MAX = 160;
  const startChar = Math.min(loc.start.character, line.length);
  const endChar = loc.end.line === loc.start.line ? Math.min(Math.max(loc.end.character, startChar), line.length) : line.length;
  // Keep long lines readable: cut to a window around the range.
  let from = 0;
  if (line.length > MAX && startChar > MAX / 2) from = startChar - 20;
  const shown = line.slice(from, from + MAX);
  const cutLeft = from > 0 ? '…' : '';
  const cutRight = from + MAX < line.length ? '…' : '';
  const caretStart = startChar - from;
  const caretLen = Math.max(1, Math.min(endChar, from + MAX) - startChar);
  // Copy tabs from the line so the carets line up whatever the tab width.
  const pad = (cutLeft ? ' ' : '') + shown.slice(0, caretStart).replace(/[^\t]/g, ' ');
  const num = String(loc.start.line + 1);
  const gutter = ' '.repeat(num.length);
  return [`${indent}${paint('gray', `${num} |`)} ${cutLeft}${visibleControls(shown)}${cutRight}`, `${indent}${paint('gray', `${gutter} |`)} ${pad}${paint('red', '^'.repeat(caretLen))}`];
}

function position(loc: Location): string {
  const p = oneBased(loc);
  return `${p.line}:${p.column}`;
}

function indentLines(text: string, indent: string): string {
  return visibleControls(text).replace(/\r\n|\r|\n/g, `\n${indent}`);
}

/**
 * ESLint-like output for terminals:
 *
 * ```
 * deploy/prod/d.yml
 *   4:8  error  The model 'azureml:chat@latest' ... floats on @latest ...  versioning/model-pinned
 *        4 | model: azureml:chat@latest
 *          |        ^^^^^^^^^^^^^^^^^^^
 *        environment: prod
 *
 * ✖ 1 error, 0 warnings, 0 info (1 suppressed)
 * ```
 */
export function formatStylish(input: ReportInput): string {
  const paint = painter(input.color);
  const out: string[] = [];
  const groups = groupBy(sorted(input.findings), (f) => f.location.file);
  for (const [file, findings] of groups) {
    out.push(paint('underline', hasFile(findings[0]!.location) ? file : '(whole run)'));
    const posWidth = Math.max(...findings.map((f) => position(f.location).length));
    const sevWidth = Math.max(...findings.map((f) => f.severity.length));
    const detailIndent = ' '.repeat(2 + posWidth + 2);
    for (const f of findings) {
      const pos = position(f.location).padEnd(posWidth);
      const sev = paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(sevWidth));
      out.push(`  ${paint('dim', pos)}  ${sev}  ${indentLines(f.message, detailIndent)}  ${paint('gray', f.ruleId)}`);
      out.push(...details(f, input.sources, detailIndent, paint));
    }
    out.push('');
  }

  const c = countFindings(input.findings, input.suppressed);
  const suppressed = c.suppressed ? ` (${c.suppressed} suppressed)` : '';
  if (input.findings.length === 0) {
    out.push(`${paint('green', '✔')} no findings in ${plural(input.filesChecked, 'file')}${suppressed}`);
  } else {
    const style: Style = c.errors ? 'red' : c.warnings ? 'yellow' : 'blue';
    out.push(paint(style, paint('bold', `✖ ${countsText(c)}`)) + suppressed);
  }
  for (const note of input.notes) out.push(paint('dim', `note: ${indentLines(note, '      ')}`));
  return `${out.join('\n')}\n`;
}

function details(f: Finding, sources: ReadonlyMap<string, SourceFile> | undefined, indent: string, paint: Paint): string[] {
  const out: string[] = [];
  const source = sources?.get(f.location.file);
  if (source && hasFile(f.location)) out.push(...codeFrame(f.location, source, indent, paint));
  for (const r of f.related) {
    const where = hasFile(r) ? `${r.file}:${position(r)}` : '(whole run)';
    out.push(`${indent}${paint('gray', '↳')} ${paint('dim', where)}${r.message ? `  ${indentLines(r.message, `${indent}  `)}` : ''}`);
  }
  const context = [f.environment !== undefined ? `environment: ${f.environment}` : '', f.workload !== undefined ? `workload: ${f.workload}` : ''].filter(Boolean).join(', ');
  if (context) out.push(`${indent}${paint('dim', visibleControls(context))}`);
  for (const fix of f.fixes) out.push(`${indent}${paint('green', 'fix available:')} ${indentLines(fix.title, indent)}`);
  return out;
}
