import type { Finding, Severity } from '../findings.js';
import { countFindings, countsText, hasFile, oneBased, plural, sorted, type ReportInput } from './shared.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escape the message of a workflow command, as `@actions/core` does. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a property value of a workflow command, as `@actions/core` does (also `:` and `,`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=rule-id::message%0ASee <docs>` */
export function workflowCommand(f: Finding): string {
  const props: Array<[string, string | number]> = [];
  if (hasFile(f.location)) {
    const p = oneBased(f.location);
    props.push(['file', f.location.file], ['line', p.line]);
    // GitHub accepts columns only when the annotation starts and ends on the same line.
    if (p.line === p.endLine) props.push(['col', p.column], ['endLine', p.endLine], ['endColumn', p.endColumn]);
    else props.push(['endLine', p.endLine]);
  }
  props.push(['title', f.ruleId]);
  const properties = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${COMMAND[f.severity]} ${properties}::${escapeData(`${f.message}\nSee ${f.docsUrl}`)}`;
}

/** One line of plain log text; never starts a workflow command. */
function logLine(text: string): string {
  return `aigate: ${text.replace(/\r\n|\r|\n/g, ' ')}`;
}

/**
 * GitHub Actions workflow commands, one per finding (all of them: the action budgets annotations itself),
 * then a summary line and the notes as plain log lines.
 */
export function formatGithub(input: ReportInput): string {
  const out = sorted(input.findings).map(workflowCommand);
  const c = countFindings(input.findings, input.suppressed);
  const suppressed = c.suppressed ? ` (${c.suppressed} suppressed)` : '';
  out.push(logLine(input.findings.length ? `${countsText(c)} in ${plural(input.filesChecked, 'file')} checked${suppressed}` : `no findings in ${plural(input.filesChecked, 'file')}${suppressed}`));
  for (const note of input.notes) out.push(logLine(`note: ${note}`));
  return `${out.join('\n')}\n`;
}
