import { shortSha } from './approvals.js';
import { promotionLabel } from './evaluate.js';
import { modelText } from './plan.js';
import type { ApprovalRecord, CheckState, GateVerdict, PromotionAssessment, PromotionChange, RequirementResult } from './types.js';

/** GitHub caps a check run summary (and a job summary section) at 65,535 characters. */
export const DOSSIER_LIMIT = 65_535;

const CHANGE_LABEL: Record<PromotionChange['kind'], string> = {
  added: 'new deployment',
  removed: 'deployment removed',
  model: 'model',
  'content-filter': 'content filter',
  'instance-type': 'instance type',
  'instance-count': 'instance count',
  traffic: 'traffic share',
  'mirror-traffic': 'mirrored traffic',
};

function changeText(c: PromotionChange): string {
  if (c.kind === 'added') return `new deployment running ${c.after ?? '?'}`;
  if (c.kind === 'removed') return `deployment removed (it ran ${c.before ?? '?'})`;
  return `${CHANGE_LABEL[c.kind]} ${c.before ?? '(not set)'} → ${c.after ?? '(not set)'}`;
}

/** Escape text for a Markdown table cell or line (no HTML, no table breaks, no mentions). */
export function md(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .replace(/(^|[\s(,])@(?=[A-Za-z0-9])/g, '$1@\u200b')
    .replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

const ICON: Record<CheckState | 'pass' | 'fail', string> = { pass: '✅', fail: '❌', 'not-applicable': '➖', 'not-checked': '⏳' };

function where(file: string, line: number | undefined, root: string | undefined): string {
  const f = root ? `${root}/${file}` : file;
  return line ? `${f}:${line}` : f;
}

function approvalRow(a: ApprovalRecord): string {
  return `| ${md(a.login)} | ${md(a.state)} | ${a.commit ? code(shortSha(a.commit)) : ''} | ${md(a.submittedAt ?? '')} | ${a.counted ? '✅ counts' : '❌ does not count'} | ${md(a.reason)} |`;
}

function requirementBlock(r: RequirementResult, mode: GateVerdict['mode']): string[] {
  const req = r.requirement;
  const who = [req.users.length ? `users ${req.users.map(md).join(', ')}` : '', req.teams.length ? `teams ${req.teams.map(md).join(', ')}` : '', req.roles.length ? `roles ${req.roles.join(', ')}` : ''].filter(Boolean).join('; ') || 'nobody is named';
  const out = [`#### ${ICON[r.state]} ${md(req.title)}: ${md(r.message)}`, '', `Needs ${req.required} approval${req.required === 1 ? '' : 's'} from ${who}. Why: ${req.reasons.map(md).join('; ')}.`, ''];
  if (mode === 'pull-request') {
    if (r.approvals.length) out.push('| Reviewer | Latest state | Commit | When | | Why |', '| --- | --- | --- | --- | --- | --- |', ...r.approvals.map(approvalRow), '');
    else out.push('No approving review yet.', '');
  }
  return out;
}

function promotionBlock(pa: PromotionAssessment, i: number, n: number, root: string | undefined): string[] {
  const p = pa.promotion;
  const out = [`### Promotion ${i + 1} of ${n}: ${md(promotionLabel(p))}`, ''];
  out.push('| | |', '| --- | --- |');
  out.push(`| Environment | ${md(p.environment)} (${p.tier}${p.protected ? ', protected' : ''})${p.workload ? `, workload ${md(p.workload)}` : ''} |`);
  out.push(`| Version | ${md(modelText(p.from))} → ${md(modelText(p.to))} |`);
  out.push(`| Where | ${code(where(p.file, p.line, root))} |`);
  out.push(`| Changes | ${p.changes.map((c) => `${md(changeText(c))} (${code(where(c.file, c.line, root))})`).join('<br>')} |`);
  out.push(`| Order | ${ICON[pa.order.state]} ${md(pa.order.message)} |`);
  out.push(`| Evidence | ${ICON[pa.evidence.state]} ${md(pa.evidence.message)} |`);
  out.push('');
  for (const r of pa.evidence.results) {
    if (!r.metrics.length && !r.path) continue;
    const meta = [r.path ? `evidence ${code(root ? `${root}/${r.path}` : r.path)}` : '', r.model ? `model ${md(r.model)} version ${md(r.version ?? '?')}` : '', r.dataset ? `dataset ${md(r.dataset)}` : '', r.commit ? `commit ${code(r.commit)}` : '', r.evaluatedAt ? `evaluated ${md(r.evaluatedAt)}` : ''].filter(Boolean).join(', ');
    out.push(`Quality gate **${md(r.gate)}**: ${meta}`, '');
    if (r.metrics.length) {
      out.push('| Metric | Value | Threshold | |', '| --- | --- | --- | --- |');
      for (const m of r.metrics) {
        const t = [m.atLeast !== undefined ? `≥ ${m.atLeast}` : '', m.atMost !== undefined ? `≤ ${m.atMost}` : ''].filter(Boolean).join(' and ');
        out.push(`| ${md(m.metric)} | ${m.value ?? 'missing'} | ${t} | ${ICON[m.state]} |`);
      }
      out.push('');
    }
    if (r.ownersBecause.length) out.push(`Needs the evidence owners too: ${r.ownersBecause.map(md).join('; ')}.`, '');
  }
  return out;
}

/** The promotion dossier as Markdown, for the check run and the job summary (under 65,535 characters). */
export function renderDossierMarkdown(v: GateVerdict, options: { root?: string; limit?: number } = {}): string {
  const limit = options.limit ?? DOSSIER_LIMIT;
  const root = options.root;
  const head: string[] = [`## ${v.conclusion === 'success' ? '✅' : '❌'} ${md(v.title)}`, ''];
  const facts = [
    v.pullRequest ? `pull request #${v.pullRequest.number}${v.pullRequest.author ? ` by ${md(v.pullRequest.author)}` : ''}` : '',
    `head ${code(v.head.sha ? shortSha(v.head.sha) : v.head.ref)}`,
    `base ${code(v.base.sha ? shortSha(v.base.sha) : v.base.ref)}`,
    v.stopped ? 'policy not read' : `policy ${v.policyFile ? code(root ? `${root}/${v.policyFile}` : v.policyFile) : 'conventions (no aigate.yaml)'} read from the base commit`,
  ].filter(Boolean);
  head.push(facts.join(' · '), '');
  if (v.missing.length) head.push('### Still missing', '', ...v.missing.map((m) => `- ${md(m)}`), '');
  const body: string[] = [];
  if (v.stopped) body.push('The gate stopped before it could read the change, so nothing is known yet about what it promotes.', '');
  else if (!v.promotions.length) body.push(v.policyChange.changed ? 'This pull request promotes nothing, but it changes the policy.' : 'No promotion in this pull request: it changes nothing that runs in an environment of the promotion chain.', '');
  v.promotions.forEach((pa, i) => body.push(...promotionBlock(pa, i, v.promotions.length, root)));
  if (v.policyChange.changed) {
    body.push('### Policy change', '', `This pull request changes ${v.policyChange.paths.map((p) => code(p)).join(', ')}. The gate keeps using the base commit's policy; the new rules apply after the merge.`, '');
  }
  if (v.requirements.length) {
    body.push('### Approvals', '');
    if (v.mode === 'local') body.push('Approvals are checked by the action on the pull request.', '');
    for (const r of v.requirements) body.push(...requirementBlock(r, v.mode));
  }
  if (v.notes.length) body.push('### Notes', '', ...v.notes.map((n) => `- ${md(n)}`), '');
  let text = [...head, ...body].join('\n');
  if (text.length > limit) {
    const tail = '\n\n… the dossier is cut here to fit GitHub\'s limit; the full verdict is in the job log.\n';
    text = text.slice(0, limit - tail.length);
    const nl = text.lastIndexOf('\n');
    if (nl > 0) text = text.slice(0, nl);
    text += tail;
  }
  return text;
}

/** The verdict as plain text, for a terminal. */
export function renderGateText(v: GateVerdict, options: { root?: string } = {}): string {
  const root = options.root;
  const out: string[] = [];
  const mark = (s: CheckState | 'pass' | 'fail'): string => ({ pass: 'ok', fail: 'MISSING', 'not-applicable': 'n/a', 'not-checked': 'pending' })[s];
  out.push(`aigate gate: ${v.base.ref}${v.base.sha ? ` (${shortSha(v.base.sha)})` : ''} → ${v.head.ref}${v.head.sha ? ` (${shortSha(v.head.sha)})` : ''}`);
  out.push(v.stopped ? 'policy: not read' : `policy: ${v.policyFile ? `${root ? `${root}/` : ''}${v.policyFile} from the base` : 'conventions (no aigate.yaml at the base)'}; chain: ${v.plan.chain.join(' → ') || '(none)'}`);
  out.push('');
  if (v.stopped) out.push('The gate stopped before it could read the change.');
  else if (!v.promotions.length) out.push(v.policyChange.changed ? 'No promotion; the change edits the policy.' : 'No promotion in this change.');
  v.promotions.forEach((pa, i) => {
    const p = pa.promotion;
    out.push(`Promotion ${i + 1} of ${v.promotions.length}: ${promotionLabel(p)}`);
    out.push(`  where     ${where(p.file, p.line, root)}`);
    for (const c of p.changes) out.push(`  change    ${changeText(c)} (${where(c.file, c.line, root)})`);
    out.push(`  order     ${mark(pa.order.state)}: ${pa.order.message}`);
    out.push(`  evidence  ${mark(pa.evidence.state)}: ${pa.evidence.message}`);
    for (const r of pa.evidence.results) {
      for (const m of r.metrics) out.push(`            ${m.state === 'pass' ? 'ok' : 'MISSING'}: ${m.message}`);
      if (r.dataset || r.commit) out.push(`            measured on ${r.dataset ?? '?'}${r.commit ? ` at commit ${r.commit}` : ''}`);
      if (r.ownersBecause.length) out.push(`            needs the evidence owners: ${r.ownersBecause.join('; ')}`);
    }
    const reqs = v.requirements.filter((r) => pa.requirements.includes(r.requirement.id));
    for (const r of reqs) out.push(`  approvals ${r.requirement.title}: ${r.requirement.required} needed (${r.state === 'not-checked' ? r.message : `${mark(r.state)}: ${r.message}`})`);
    out.push('');
  });
  const policyReq = v.requirements.find((r) => r.requirement.kind === 'policy-owners');
  if (policyReq) out.push(`Policy change (${v.policyChange.paths.join(', ')}): needs ${policyReq.requirement.title} (${policyReq.message}); the new rules apply after the merge.`, '');
  if (v.mode === 'pull-request') {
    for (const r of v.requirements) {
      out.push(`${r.requirement.title}: ${mark(r.state)}: ${r.message}`);
      for (const a of r.approvals) out.push(`  ${a.counted ? 'counts' : 'does not count'}: ${a.login} (${a.state} on ${shortSha(a.commit)}): ${a.reason}`);
    }
    if (v.requirements.length) out.push('');
  }
  if (v.missing.length) {
    out.push('Still missing:');
    for (const m of v.missing) out.push(`  - ${m}`);
    out.push('');
  }
  for (const n of v.notes) out.push(`note: ${n}`);
  out.push(v.title);
  return `${out.join('\n')}\n`;
}
