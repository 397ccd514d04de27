import { RETIREMENT_CATALOG_AS_OF } from '../catalog/retirements.js';
import type { Finding } from '../findings.js';
import type { AssetRef, DeploymentRecord } from '../model/records.js';
import type { WorkspaceModel } from '../model/workspace.js';
import { ruleById } from '../rules/index.js';
import type { Span } from '../text/source.js';
import { modelRunsByEnvironment, retirementOf, versionText } from './promotion.js';

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  /** What the hover is about, in the hovered file. */
  span: Span;
}

const contains = (span: Span, offset: number): boolean => offset >= span.start && (offset < span.end || (span.start === span.end && offset === span.start) || offset === span.end);

/** Markdown inline code that survives backticks in the value. */
function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${s.replace(/\n/g, ' ')}${fence}`;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The rule's reason and docs, for a finding under the cursor. */
export function findingHover(f: Finding): string {
  const rule = ruleById(f.ruleId);
  const lines = [`**aigate** ${code(f.ruleId)} · ${f.severity}`, '', f.message];
  if (rule) {
    lines.push('', `_${rule.description}_`);
    for (const g of rule.guidance) lines.push('', `> ${g.quote}`, `>`, `> — ${g.heading}`);
  }
  lines.push('', `[Documentation of ${f.ruleId}](${f.docsUrl})`);
  return lines.join('\n');
}

function deploymentCell(d: DeploymentRecord): string {
  const name = d.name ?? '(unnamed)';
  return `${code(name)}${d.endpointName ? ` on ${code(d.endpointName)}` : ''} (${escapeCell(d.file)})`;
}

/** Retirement status and where the model runs in each environment, for a model reference. */
export function modelHover(model: WorkspaceModel, d: DeploymentRecord, ref: AssetRef, now: Date = new Date()): string {
  const lines: string[] = [];
  const name = ref.name ?? ref.raw;
  const from = ref.source === 'registry' && ref.registry ? ` from registry ${code(ref.registry)}` : ref.source === 'workspace' ? ' from the workspace' : '';
  lines.push(`**Model ${code(name)}** version ${code(versionText(ref))}${from}`);
  lines.push('');
  const info = retirementOf(ref);
  if (info) {
    const days = Math.ceil((Date.parse(`${info.retirementDate}T00:00:00Z`) - now.getTime()) / 86_400_000);
    const when = Number.isNaN(days) ? info.retirementDate : days <= 0 ? `retired on ${info.retirementDate}` : `retires on ${info.retirementDate} (in ${days} day${days === 1 ? '' : 's'})`;
    lines.push(`**Retirement:** ${info.lifecycle}, ${when}.${info.replacement ? ` Suggested replacement: ${code(info.replacement)}.` : ''} Source: [Azure OpenAI model retirements](${info.source}), as of ${info.asOf}.`);
  } else if (ref.name && ref.version) {
    lines.push(`**Retirement:** not in the built-in retirement catalog (as of ${RETIREMENT_CATALOG_AS_OF}); that is not proof the version is current.`);
  } else {
    lines.push('**Retirement:** unknown, the reference has no fixed version.');
  }
  if (ref.name) {
    const runs = modelRunsByEnvironment(model, ref.name);
    if (runs.length) {
      lines.push('', `**Where ${code(ref.name)} runs:**`, '', '| Environment | Version | Deployment |', '| --- | --- | --- |');
      for (const { env, deployments } of runs) {
        if (!deployments.length) {
          lines.push(`| ${escapeCell(env)} | — | not deployed |`);
          continue;
        }
        for (const x of deployments) {
          const v = versionText(x.model);
          const same = x.model?.version !== undefined && x.model.version === ref.version;
          const here = x === d ? ' ← this one' : '';
          lines.push(`| ${escapeCell(env)} | ${same ? `**${escapeCell(v)}**` : escapeCell(v)} | ${deploymentCell(x)}${here} |`);
        }
      }
    }
  }
  const env = model.env(d);
  if (env) lines.push('', `This deployment is in ${code(env)}${model.workload(d) ? `, workload ${code(model.workload(d)!)}` : ''}.`);
  return lines.join('\n');
}

/** Hover at an offset of a file: the findings there, and the model reference there. */
export function hoverAt(model: WorkspaceModel, findings: readonly Finding[], file: string, offset: number, now: Date = new Date()): HoverResult | undefined {
  const parts: string[] = [];
  let span: Span | undefined;
  const widen = (s: Span): void => {
    span = span ? { start: Math.min(span.start, s.start), end: Math.max(span.end, s.end) } : { ...s };
  };
  for (const f of findings) {
    if (f.location.file !== file || !contains(f.location.span, offset)) continue;
    parts.push(findingHover(f));
    widen(f.location.span);
  }
  for (const d of model.deployments) {
    if (d.file !== file || !d.model || !contains(d.model.loc.span, offset)) continue;
    parts.push(modelHover(model, d, d.model, now));
    widen(d.model.loc.span);
  }
  if (!parts.length || !span) return undefined;
  return { markdown: parts.join('\n\n---\n\n'), span };
}
