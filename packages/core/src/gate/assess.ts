import { analyzeFile, type AnalyzedFile } from '../model/file.js';
import { WorkspaceModel } from '../model/workspace.js';
import type { Approvers, Policy, QualityGatePolicy } from '../policy/types.js';
import { POLICY_FILE_NAMES } from '../policy/types.js';
import { anyGlob } from '../util/glob.js';
import { checkMetrics, expandEvidencePath, parseEvidence } from './evidence.js';
import { modelIdentity, modelText, planPromotions, sameModel } from './plan.js';
import type { GateInputs } from './sources.js';
import type { ApprovalRequirement, EvidenceResult, GateProblem, OrderResult, Promotion, PromotionAssessment, PromotionPlan } from './types.js';

/** What the gate decides without GitHub: the plan, order, evidence, and who must approve. */
export interface Assessment {
  plan: PromotionPlan;
  promotions: PromotionAssessment[];
  requirements: ApprovalRequirement[];
  policyChange: { changed: boolean; paths: string[]; headProblems: string[] };
  problems: GateProblem[];
  notes: string[];
  policyFile?: string;
}

/** Repository roles that count as write access by default. */
export const DEFAULT_APPROVAL_ROLES = ['admin', 'maintain', 'write'];
/** Who approves a policy change when the policy names no policy_owners. */
export const FALLBACK_POLICY_OWNER_ROLES = ['admin', 'maintain'];

function model(texts: ReadonlyMap<string, string>, policy: Policy): WorkspaceModel {
  const files = new Map<string, AnalyzedFile>();
  for (const [p, t] of texts) files.set(p, analyzeFile(p, t));
  return new WorkspaceModel(files, policy);
}

function lineOf(m: WorkspaceModel, file: string, offset: number): number | undefined {
  const f = m.files.get(file);
  return f ? f.source.positionAt(offset).line + 1 : undefined;
}

/** The promoted model already runs in the previous environment of the chain on the base branch. */
export function checkOrder(p: Promotion, base: WorkspaceModel): OrderResult {
  if (!p.bringsModel) return { state: 'not-applicable', message: p.changes.some((c) => c.kind === 'removed') ? 'a deployment is removed; no model is promoted' : 'the model it serves does not change' };
  if (!p.previousEnvironment) return { state: 'not-applicable', message: `${p.environment} is the first environment of the promotion chain` };
  const prev = p.previousEnvironment;
  if (!p.to) return { state: 'fail', message: `aigate cannot tell which model deployment '${p.deployment ?? '?'}' runs (its file is not in the repository), so it cannot prove the model ran in ${prev}` };
  if (!p.to.fixed) return { state: 'fail', message: `the model reference ${p.to.raw} does not name a fixed version, so the gate cannot prove that it ran in ${prev}; pin a version (for example azureml://registries/<registry>/models/<name>/versions/<n>)` };
  const lower = base.deployments.filter((d) => base.env(d) === prev);
  const sameWorkload = lower.filter((d) => {
    const w = base.workload(d);
    return !p.workload || !w || w === p.workload;
  });
  const runs = sameWorkload.filter((d) => sameModel(modelIdentity(d.model), p.to));
  if (runs.length) {
    const where = runs.map((d) => ({ file: d.file, line: lineOf(base, d.file, (d.model?.loc ?? d.loc).span.start), deployment: d.name, endpoint: d.endpointName }));
    return { state: 'pass', message: `${modelText(p.to)} runs in ${prev} on the base branch (${where.map((w) => `${w.file}${w.line ? `:${w.line}` : ''}`).join(', ')})`, runsIn: where };
  }
  const others = [...new Set(sameWorkload.filter((d) => d.model?.name?.toLowerCase() === p.to!.name!.toLowerCase()).map((d) => modelText(modelIdentity(d.model))))];
  return {
    state: 'fail',
    message: `${modelText(p.to)} does not run in ${prev} on the base branch${others.length ? ` (${prev} runs ${others.join(' and ')})` : ''}: promote it to ${prev} first, in a pull request of its own`,
  };
}

/** The quality gates that cover a promotion's model and workload, whatever the environment. */
export function gatesForModel(p: Promotion, policy: Policy): QualityGatePolicy[] {
  return (policy.qualityGates ?? []).filter((g) => {
    const name = p.to?.name;
    // An unknown model or workload cannot escape a gate that names models or workloads.
    const modelOk = !g.models.length || !name || anyGlob(g.models, name) || anyGlob(g.models, name.toLowerCase());
    const workloadOk = !g.workloads.length || !p.workload || g.workloads.includes(p.workload);
    return modelOk && workloadOk;
  });
}

/** The quality gates that apply to a promotion: its model and workload, and its environment (the protected ones by default). */
export function gatesFor(p: Promotion, policy: Policy): QualityGatePolicy[] {
  return gatesForModel(p, policy).filter((g) => (g.environments.length ? g.environments.some((e) => e.toLowerCase() === p.environment.toLowerCase()) : p.protected));
}

function gateShape(g: QualityGatePolicy): string {
  const t = [...g.metrics].sort((a, b) => a.metric.localeCompare(b.metric)).map((m) => [m.metric, m.atLeast ?? null, m.atMost ?? null]);
  return JSON.stringify([t, g.evidence.path, [...g.evidence.data].sort(), [...g.models].sort(), [...g.workloads].sort(), [...g.environments].sort(), g.evidence.owners ?? null]);
}

function approversOf(a: Approvers | undefined): { users: string[]; teams: string[]; required: number } | undefined {
  if (!a || a.users.length + a.teams.length === 0) return undefined;
  return { users: a.users, teams: a.teams, required: Math.max(1, Math.ceil(a.required || 1)) };
}

function capacityProblem(title: string, a: { users: string[]; teams: string[]; required: number }): string | undefined {
  if (!a.teams.length && a.users.length < a.required) return `${title} need ${a.required} approvals, but only ${a.users.length} ${a.users.length === 1 ? 'person is' : 'people are'} named`;
  return undefined;
}

function envRequirement(env: string, protectedEnv: boolean, policy: Policy): ApprovalRequirement | undefined {
  const e = policy.environments.find((x) => x.name.toLowerCase() === env.toLowerCase());
  const a = approversOf(e?.approvers);
  const title = `${env} approvers`;
  if (!a && !protectedEnv) return undefined;
  const req: ApprovalRequirement = { id: `environment:${env}`, kind: 'environment', title, reasons: [], users: a?.users ?? [], teams: a?.teams ?? [], roles: [], required: a?.required ?? 1 };
  if (!a) req.problem = `${env} is protected, but ${policy.file ?? 'aigate.yaml'} names no approvers for it; add \`approvers\` (users or teams) to environment ${env}`;
  else req.problem = capacityProblem(title, a);
  return req;
}

/**
 * Plan the change and check what can be checked without GitHub: order, quality evidence, and the
 * approvals each promotion needs (evaluated later by {@link evaluatePullRequest}).
 */
export async function assessChange(inputs: GateInputs): Promise<Assessment> {
  const policy = inputs.policy.policy;
  const problems: GateProblem[] = [];
  const notes: string[] = [];
  const policyName = inputs.policyFile ?? 'aigate.yaml';
  const policyErrors = inputs.policy.problems.filter((p) => p.severity === 'error');
  if (policyErrors.length) {
    problems.push({
      message: `${policyName} on the base commit has ${policyErrors.length === 1 ? 'an error' : `${policyErrors.length} errors`} (${policyErrors
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')}${policyErrors.length > 3 ? '; …' : ''}), so the gate cannot trust it; fix it on the base branch (aigate check lists every problem)`,
    });
  }
  if (!inputs.policyFile) notes.push('The base commit has no aigate.yaml: environments come from conventions, nobody is named to approve, and no quality gate is declared.');

  const base = model(inputs.base.texts, policy);
  const head = model(inputs.head.texts, policy);
  const plan = planPromotions(base, head, policy);
  for (const b of plan.blockers) problems.push({ message: b });
  for (const c of inputs.changes) {
    const why = inputs.head.unreadable.get(c.path);
    if (why && c.status !== 'removed') problems.push({ message: `${c.path} cannot be read at head (${why}), so the gate cannot tell what it changes` });
  }

  const changedPaths = new Set(inputs.changes.map((c) => c.path));
  const policyPaths = inputs.changes.filter((c) => POLICY_FILE_NAMES.includes(c.path)).map((c) => c.path);
  const headPolicy = inputs.headPolicy;
  const headProblems = headPolicy ? headPolicy.problems.filter((p) => p.severity === 'error').map((p) => p.message) : [];
  const policyChange = { changed: policyPaths.length > 0, paths: policyPaths, headProblems };

  const requirements = new Map<string, ApprovalRequirement>();
  const need = (r: ApprovalRequirement, reason: string): string => {
    const existing = requirements.get(r.id);
    const target = existing ?? r;
    if (!existing) requirements.set(r.id, r);
    if (!target.reasons.includes(reason)) target.reasons.push(reason);
    return target.id;
  };

  const promotions: PromotionAssessment[] = [];
  for (const p of plan.promotions) {
    const order = checkOrder(p, base);
    const reqIds: string[] = [];
    const envReq = envRequirement(p.environment, p.protected, policy);
    if (envReq) reqIds.push(need(envReq, `promotion into ${p.environment}`));

    const results: EvidenceResult[] = [];
    let evidence: PromotionAssessment['evidence'];
    const gates = gatesFor(p, policy);
    if (!p.bringsModel) evidence = { state: 'not-applicable', message: 'no model is newly served, so no evaluation evidence is needed', results };
    else if (!gates.length) {
      if (gatesForModel(p, policy).length) evidence = { state: 'not-applicable', message: `the quality gates of ${modelText(p.to)} do not apply to ${p.environment}`, results };
      else if (p.protected) evidence = { state: 'fail', message: `no quality gate in ${policyName} covers ${modelText(p.to)} in ${p.environment}, a protected environment; add one under \`quality_gates\` with the evidence path and metric thresholds`, results };
      else evidence = { state: 'not-applicable', message: `${p.environment} needs no quality evidence (no quality gate applies to it)`, results };
    } else {
      for (const g of gates) {
        const r = await checkEvidence(p, g, inputs);
        // Escalation: the same change touches the evidence, its data, or the gate itself.
        const because: string[] = [];
        if (r.path !== undefined) {
          const rel = r.path;
          if (changedPaths.has(rel)) because.push(`the pull request changes the evidence file ${rel}`);
        }
        const headGate = headPolicy?.policy.qualityGates?.find((x) => x.name.toLowerCase() === g.name.toLowerCase());
        const dataGlobs = [...g.evidence.data, ...(headGate?.evidence.data ?? [])];
        const dataChanged = [...changedPaths].filter((c) => dataGlobs.length && anyGlob(dataGlobs, c));
        if (dataChanged.length) because.push(`the pull request changes evaluation data (${dataChanged.slice(0, 5).join(', ')}${dataChanged.length > 5 ? ', …' : ''})`);
        if (policyChange.changed) {
          if (headProblems.length || !headPolicy) because.push(`${policyName} does not load at head, so the gate cannot tell whether the thresholds of '${g.name}' change`);
          else if (!headGate) because.push(`the pull request removes or renames quality gate '${g.name}' in ${policyName}`);
          else if (gateShape(headGate) !== gateShape(g)) because.push(`the pull request changes the thresholds or evidence settings of quality gate '${g.name}' in ${policyName}`);
        }
        r.ownersBecause = because;
        if (because.length) {
          const owners = approversOf(g.evidence.owners);
          const title = `evidence owners of '${g.name}'`;
          const req: ApprovalRequirement = { id: `evidence-owners:${g.name}`, kind: 'evidence-owners', title, reasons: [], users: owners?.users ?? [], teams: owners?.teams ?? [], roles: [], required: owners?.required ?? 1 };
          if (!owners) req.problem = `quality gate '${g.name}' names no evidence owners (quality_gates[].evidence.owners), so nobody can approve a change to its evidence, thresholds or data in the same pull request as a promotion; add owners, or split the pull request`;
          else req.problem = capacityProblem(title, owners);
          for (const b of because) reqIds.push(need(req, `${b} (promotion of ${modelText(p.to)} into ${p.environment})`));
        }
        results.push(r);
      }
      const failed = results.filter((r) => r.state === 'fail');
      evidence = failed.length ? { state: 'fail', message: failed.map((r) => r.message).join('; '), results } : { state: 'pass', message: results.map((r) => r.message).join('; '), results };
    }
    promotions.push({ promotion: p, order, evidence, requirements: [...new Set(reqIds)] });
  }

  if (policyChange.changed) {
    const owners = approversOf(policy.policyOwners);
    const req: ApprovalRequirement = owners
      ? { id: 'policy-owners', kind: 'policy-owners', title: 'policy owners', reasons: [], users: owners.users, teams: owners.teams, roles: [], required: owners.required }
      : { id: 'policy-owners', kind: 'policy-owners', title: 'policy owners (repository admins and maintainers: the base policy names no policy_owners)', reasons: [], users: [], teams: [], roles: [...FALLBACK_POLICY_OWNER_ROLES], required: 1 };
    if (owners) req.problem = capacityProblem('policy owners', owners);
    need(req, `the pull request changes ${policyPaths.join(', ')}; its new rules apply only after the merge`);
    if (headProblems.length) notes.push(`${policyPaths.join(', ')} has errors at head (${headProblems.slice(0, 3).join('; ')}); fix them before merging`);
  }
  notes.push(...plan.notes);
  return { plan, promotions, requirements: [...requirements.values()], policyChange, problems, notes, policyFile: inputs.policyFile };
}

async function checkEvidence(p: Promotion, g: QualityGatePolicy, inputs: GateInputs): Promise<EvidenceResult> {
  const r: EvidenceResult = { gate: g.name, state: 'fail', message: '', metrics: [], ownersBecause: [] };
  if (!p.to || !p.to.fixed) {
    r.message = `${g.name}: the promoted model ${p.to ? p.to.raw : '(unknown)'} has no fixed version, so its evidence cannot be found`;
    return r;
  }
  const expanded = expandEvidencePath(g.evidence.path, { model: p.to.name, version: p.to.version, environment: p.environment, workload: p.workload });
  if ('error' in expanded) {
    r.message = `${g.name}: ${expanded.error}`;
    return r;
  }
  r.path = expanded.path;
  const shown = expanded.path;
  let text: string | undefined;
  try {
    text = await inputs.readMerged(expanded.path);
  } catch (err) {
    r.message = `${g.name}: the evidence ${shown} could not be read (${(err as Error).message}); the gate does not pass evidence it cannot read`;
    return r;
  }
  if (text === undefined) {
    r.message = `${g.name}: the evaluation evidence ${shown} for ${modelText(p.to)} is missing at head; run the evaluation of this version and commit its result there`;
    return r;
  }
  const parsed = parseEvidence(text);
  if ('error' in parsed) {
    r.message = `${g.name}: the evidence ${shown} cannot be used: ${parsed.error}`;
    return r;
  }
  const ev = parsed.evidence;
  r.model = ev.model;
  r.version = ev.version;
  r.dataset = ev.dataset;
  r.commit = ev.commit;
  r.evaluatedAt = ev.evaluatedAt;
  if (ev.model.toLowerCase() !== p.to.name!.toLowerCase()) {
    r.message = `${g.name}: the evidence ${shown} is for model ${ev.model}, not ${p.to.name}`;
    return r;
  }
  if (ev.version !== p.to.version) {
    r.message = `${g.name}: the evidence ${shown} is for version ${ev.version} of ${ev.model}, but the promotion brings version ${p.to.version}`;
    return r;
  }
  if (ev.registry && p.to.registry && ev.registry.toLowerCase() !== p.to.registry.toLowerCase()) {
    r.message = `${g.name}: the evidence ${shown} is for registry ${ev.registry}, but the promotion uses ${p.to.registry}`;
    return r;
  }
  if (!g.metrics.length) {
    r.message = `${g.name}: the quality gate declares no usable metric thresholds, so the evidence proves nothing; add metrics with at_least or at_most`;
    return r;
  }
  r.metrics = checkMetrics(ev, g.metrics);
  const failed = r.metrics.filter((m) => m.state === 'fail');
  if (failed.length) {
    r.message = `${g.name}: ${failed.map((m) => m.message).join('; ')} (${shown})`;
    return r;
  }
  r.state = 'pass';
  r.message = `${g.name}: ${shown} meets all ${r.metrics.length} threshold${r.metrics.length === 1 ? '' : 's'}`;
  return r;
}
