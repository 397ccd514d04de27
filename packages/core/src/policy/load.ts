import { Ajv, type ErrorObject } from 'ajv';
import type { SeverityOrOff } from '../findings.js';
import type { SourceFile } from '../text/source.js';
import { parseYaml } from '../yaml/parse.js';
import { YNode, type Loc } from '../yaml/nodes.js';
import { didYouMean } from '../util/text.js';
import { policySchema } from './schema.js';
import { tierOfName } from './tiers.js';
import type { Approvers, EnvironmentPolicy, MetricThreshold, Policy, PolicyProblem, PolicySuppression, QualityGatePolicy, RuleSetting, Tier, WorkloadPolicy } from './types.js';

export function conventionPolicy(): Policy {
  return {
    fromConventions: true,
    environments: [],
    workloads: [],
    models: { allowed: [], denied: [], registries: [] },
    rules: {},
    suppressions: [],
    ignore: [],
    evaluationSignals: [],
  };
}

const validators = new Map<string, ReturnType<Ajv['compile']>>();

function validatorFor(ruleIds: readonly string[]): ReturnType<Ajv['compile']> {
  const key = ruleIds.join(',');
  let v = validators.get(key);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, code: { optimize: false } });
    v = ajv.compile(policySchema(ruleIds));
    validators.set(key, v);
  }
  return v;
}

function nodeAtPointer(root: YNode, pointer: string): YNode {
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur.isSeq && /^\d+$/.test(seg)) cur = cur.items()[Number(seg)] ?? cur;
    else cur = cur.get(seg);
  }
  return cur;
}

function displayPath(pointer: string): string {
  const segs = pointer.split('/').slice(1);
  let out = '';
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : out ? `.${s}` : s;
  return out || '(top level)';
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': ['$schema', 'version', 'docs_url', 'environments', 'workloads', 'models', 'rules', 'suppressions', 'ignore', 'evaluation', 'policy_owners', 'approval_roles', 'quality_gates'],
  environment: ['name', 'tier', 'files', 'aliases', 'protected', 'approvers'],
  approvers: ['users', 'teams', 'required'],
  workload: ['name', 'files', 'endpoints', 'content_filter', 'models'],
  models: ['allowed', 'denied', 'registries'],
  suppression: ['rule', 'paths', 'environments', 'reason', 'expires'],
  ruleSetting: ['severity', 'environments'],
  evaluation: ['signals'],
  qualityGate: ['name', 'models', 'workloads', 'environments', 'evidence', 'metrics'],
  gateEvidence: ['path', 'data', 'owners'],
  threshold: ['at_least', 'at_most'],
};

function knownKeysFor(pointer: string): string[] {
  if (pointer === '') return KNOWN_KEYS['']!;
  if (/^\/environments\/\d+$/.test(pointer)) return KNOWN_KEYS.environment!;
  if (/^\/environments\/\d+\/approvers$/.test(pointer)) return KNOWN_KEYS.approvers!;
  if (/^\/workloads\/\d+$/.test(pointer)) return KNOWN_KEYS.workload!;
  if (pointer === '/models') return KNOWN_KEYS.models!;
  if (/^\/suppressions\/\d+$/.test(pointer)) return KNOWN_KEYS.suppression!;
  if (/^\/rules\/[^/]+$/.test(pointer)) return KNOWN_KEYS.ruleSetting!;
  if (pointer === '/evaluation') return KNOWN_KEYS.evaluation!;
  if (pointer === '/policy_owners' || /^\/quality_gates\/\d+\/evidence\/owners$/.test(pointer)) return KNOWN_KEYS.approvers!;
  if (/^\/quality_gates\/\d+$/.test(pointer)) return KNOWN_KEYS.qualityGate!;
  if (/^\/quality_gates\/\d+\/evidence$/.test(pointer)) return KNOWN_KEYS.gateEvidence!;
  if (/^\/quality_gates\/\d+\/metrics\/[^/]+$/.test(pointer)) return KNOWN_KEYS.threshold!;
  return [];
}

function schemaProblems(errors: ErrorObject[], root: YNode, ruleIds: readonly string[]): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const seen = new Set<string>();
  // oneOf failures repeat each branch's errors; keep the most specific message per location.
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    let node = nodeAtPointer(root, e.instancePath);
    let where = displayPath(e.instancePath);
    let message: string;
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const isRules = e.instancePath === '/rules';
      const keyLoc = node.keyLoc(key);
      if (keyLoc) node = new YNode(root.doc, root.file, undefined, [...node.path, key], keyLoc.span, keyLoc.span);
      where = displayPath(`${e.instancePath}/${key}`);
      message = isRules ? `unknown rule '${key}'${didYouMean(key, ruleIds)}` : `unknown key '${key}'${didYouMean(key, knownKeysFor(e.instancePath))}`;
    } else if (e.keyword === 'propertyNames') {
      continue; // reported through additionalProperties with a better message
    } else if (e.keyword === 'enum' && e.instancePath.startsWith('/rules/') && e.instancePath.split('/').length === 3) {
      // a rule set to an unknown severity: reported once below by the oneOf branch on type
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => `'${String(v)}'`).join(', ')}`;
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const got = node.string() ?? '';
      message = allowed.length > 8 ? `'${got}' is not a known value${didYouMean(got, allowed)}` : `must be one of ${allowed.map((v) => `'${v}'`).join(', ')}${didYouMean(got, allowed)}`;
    } else if (e.keyword === 'required') {
      message = `missing required key '${(e.params as { missingProperty: string }).missingProperty}'`;
    } else if (e.keyword === 'type') {
      message = `must be ${(e.params as { type: string }).type}`;
    } else if (e.keyword === 'const') {
      message = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    } else if (e.keyword === 'minProperties') {
      message = /\/metrics$/.test(e.instancePath) ? 'name at least one metric, each with at_least and/or at_most' : /\/metrics\/[^/]+$/.test(e.instancePath) ? 'give at_least, at_most or both' : 'must not be empty';
    } else if (e.keyword === 'pattern') {
      message = `'${node.string() ?? ''}' does not have the expected form (${e.instancePath.includes('expires') ? 'YYYY-MM-DD' : e.instancePath.includes('teams') ? 'org/team-slug' : (e.params as { pattern: string }).pattern})`;
    } else message = e.message ?? 'is not valid';
    const key = `${where}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ message: `${where}: ${message}`, loc: node.exists ? node.pairLoc : { ...node.loc, path: node.path }, severity: 'error' });
  }
  return out;
}

function severityOf(n: YNode): SeverityOrOff | undefined {
  const s = n.string();
  return s === 'error' || s === 'warning' || s === 'info' || s === 'off' ? s : undefined;
}

function validRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Load `aigate.yaml`. Every mistake comes back as a problem with its location; the policy
 * returned keeps the parts that are valid, so the rest of the workspace can still be checked.
 */
export function loadPolicy(source: SourceFile, ruleIds: readonly string[]): { policy: Policy; problems: PolicyProblem[] } {
  const policy: Policy = { ...conventionPolicy(), fromConventions: false, file: source.path };
  const problems: PolicyProblem[] = [];
  const fileLoc: Loc = { file: source.path, span: { start: 0, end: 0 }, path: [] };
  const parsed = parseYaml(source);
  for (const e of parsed.errors) problems.push({ message: `YAML syntax: ${e.message}`, loc: { file: source.path, span: e.span, path: [] }, severity: 'error' });
  if (parsed.errors.length) return { policy, problems };
  const doc = parsed.docs[0];
  if (!doc || doc.contents === null) {
    problems.push({ message: 'the policy file is empty; it needs at least `version: 1`', loc: fileLoc, severity: 'error' });
    return { policy, problems };
  }
  if (parsed.docs.length > 1) problems.push({ message: 'the policy file holds more than one YAML document; only the first is read', loc: fileLoc, severity: 'warning' });
  const root = YNode.root(doc, source.path, { start: 0, end: source.text.length });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    problems.push({ message: `the policy could not be read: ${(err as Error).message}`, loc: fileLoc, severity: 'error' });
    return { policy, problems };
  }
  const validate = validatorFor(ruleIds);
  if (!validate(data)) problems.push(...schemaProblems(validate.errors ?? [], root, ruleIds));

  // Environments
  const names = new Set<string>();
  for (const e of root.get('environments').items()) {
    const name = e.get('name').string();
    if (!name) continue;
    if (names.has(name.toLowerCase())) {
      problems.push({ message: `environments: '${name}' is declared twice`, loc: e.get('name').loc, severity: 'error' });
      continue;
    }
    names.add(name.toLowerCase());
    const tierNode = e.get('tier').string();
    const tier: Tier = (tierNode === 'sandbox' || tierNode === 'dev' || tierNode === 'test' || tierNode === 'prod' ? tierNode : undefined) ?? tierOfName(name) ?? 'dev';
    if (!tierNode && !tierOfName(name)) {
      problems.push({ message: `environments: cannot tell what '${name}' is for; add \`tier: sandbox|dev|test|prod\` (taken as dev)`, loc: e.get('name').loc, severity: 'warning' });
    }
    const approvers = e.get('approvers');
    const env: EnvironmentPolicy = {
      name,
      tier,
      files: e.get('files').strings(),
      aliases: e.get('aliases').strings(),
      protected: e.get('protected').boolean() ?? false,
      loc: e.loc,
    };
    if (approvers.exists) {
      env.approvers = { users: approvers.get('users').strings(), teams: approvers.get('teams').strings(), required: approvers.get('required').number() ?? 1 };
      if (env.approvers.users.length + env.approvers.teams.length === 0) problems.push({ message: `environments.${name}.approvers: names no users or teams`, loc: approvers.pairLoc, severity: 'error' });
    }
    if (env.protected && !env.approvers) problems.push({ message: `environments.${name}: protected but no approvers are named; add \`approvers\``, loc: e.get('protected').pairLoc, severity: 'warning' });
    policy.environments.push(env);
  }
  const envNames = [...policy.environments.map((e) => e.name)];
  const checkEnvName = (n: YNode, context: string): boolean => {
    const s = n.string();
    if (s === undefined) return false;
    if (policy.environments.some((e) => e.name.toLowerCase() === s.toLowerCase())) return true;
    problems.push({ message: `${context}: unknown environment '${s}'${didYouMean(s, envNames)}${envNames.length ? '' : ' (no environments are declared)'}`, loc: n.loc, severity: 'error' });
    return false;
  };

  // Workloads
  const wnames = new Set<string>();
  for (const w of root.get('workloads').items()) {
    const name = w.get('name').string();
    if (!name) continue;
    if (wnames.has(name)) {
      problems.push({ message: `workloads: '${name}' is declared twice`, loc: w.get('name').loc, severity: 'error' });
      continue;
    }
    wnames.add(name);
    const wl: WorkloadPolicy = { name, files: w.get('files').strings(), endpoints: w.get('endpoints').strings(), contentFilter: w.get('content_filter').string(), models: w.get('models').strings(), loc: w.loc };
    policy.workloads.push(wl);
  }

  // Models
  const models = root.get('models');
  policy.models = { allowed: models.get('allowed').strings(), denied: models.get('denied').strings(), registries: models.get('registries').strings(), loc: models.exists ? models.pairLoc : undefined };

  // Rules
  for (const [id, setting] of root.get('rules').entries()) {
    if (!ruleIds.includes(id)) continue; // reported by the schema
    const rs: RuleSetting = { environments: {}, loc: setting.pairLoc };
    if (setting.isScalar) rs.severity = severityOf(setting);
    else {
      rs.severity = severityOf(setting.get('severity'));
      for (const [envName, sev] of setting.get('environments').entries()) {
        const keyLoc = setting.get('environments').keyLoc(envName);
        if (!policy.environments.some((e) => e.name.toLowerCase() === envName.toLowerCase())) {
          problems.push({ message: `rules.${id}.environments: unknown environment '${envName}'${didYouMean(envName, envNames)}`, loc: keyLoc ?? sev.loc, severity: 'error' });
          continue;
        }
        const s = severityOf(sev);
        if (s) rs.environments[envName.toLowerCase()] = s;
      }
    }
    policy.rules[id] = rs;
  }

  // Suppressions
  for (const s of root.get('suppressions').items()) {
    const rule = s.get('rule').string();
    if (!rule || !ruleIds.includes(rule)) continue;
    const sup: PolicySuppression = {
      rule,
      paths: s.get('paths').strings(),
      environments: s.get('environments').strings(),
      reason: s.get('reason').string()?.trim() || undefined,
      expires: s.get('expires').string(),
      loc: s.loc,
    };
    for (const envNode of s.get('environments').items()) checkEnvName(envNode, 'suppressions');
    if (sup.expires && (!/^\d{4}-\d{2}-\d{2}$/.test(sup.expires) || Number.isNaN(Date.parse(`${sup.expires}T00:00:00Z`)))) {
      problems.push({ message: `suppressions: '${sup.expires}' is not a valid date (YYYY-MM-DD)`, loc: s.get('expires').loc, severity: 'error' });
      sup.expires = undefined;
    }
    policy.suppressions.push(sup);
  }

  policy.ignore = root.get('ignore').strings();
  for (const sig of root.at('evaluation', 'signals').items()) {
    const s = sig.string();
    if (s === undefined) continue;
    if (validRegex(s)) policy.evaluationSignals.push(s);
    else problems.push({ message: `evaluation.signals: '${s}' is not a valid regular expression`, loc: sig.loc, severity: 'error' });
  }
  const docsUrl = root.get('docs_url').string();
  if (docsUrl) policy.docsBaseUrl = docsUrl;
  loadGateKeys(root, policy, problems, checkEnvName);
  return { policy, problems };
}

/** Placeholders an evidence path template may hold. */
export const EVIDENCE_PLACEHOLDERS = ['model', 'version', 'environment', 'workload'] as const;

function readOwners(n: YNode, context: string, problems: PolicyProblem[]): Approvers | undefined {
  if (!n.exists || !n.isMap) return undefined;
  const owners: Approvers = { users: n.get('users').strings(), teams: n.get('teams').strings(), required: Math.max(1, Math.ceil(n.get('required').number() ?? 1)) };
  if (owners.users.length + owners.teams.length === 0) problems.push({ message: `${context}: names no users or teams`, loc: n.pairLoc, severity: 'error' });
  return owners;
}

/** Problems of an evidence path template, or undefined when it is usable. */
export function evidencePathProblem(template: string): string | undefined {
  if (/^[/\\]|^[A-Za-z]:/.test(template)) return 'must be relative to the policy file, not absolute';
  if (template.includes('\\')) return 'must use forward slashes';
  if (template.split('/').some((seg) => seg === '..' || seg === '.')) return "must not contain '.' or '..' segments";
  for (const m of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(EVIDENCE_PLACEHOLDERS as readonly string[]).includes(m[1]!)) return `unknown placeholder '{${m[1]}}'${didYouMean(m[1]!, EVIDENCE_PLACEHOLDERS)}; use ${EVIDENCE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
  }
  if (/[{}]/.test(template.replace(/\{[a-z]+\}/g, ''))) return 'has an unbalanced { or }';
  return undefined;
}

/** The keys the promotion gate reads: policy_owners, approval_roles, quality_gates. */
function loadGateKeys(root: YNode, policy: Policy, problems: PolicyProblem[], checkEnvName: (n: YNode, context: string) => boolean): void {
  const owners = readOwners(root.get('policy_owners'), 'policy_owners', problems);
  if (owners) policy.policyOwners = owners;

  const roles = root.get('approval_roles');
  if (roles.exists) {
    policy.approvalRoles = [];
    for (const r of roles.items()) {
      const name = r.string()?.trim();
      if (!name) continue;
      if (['read', 'triage', 'none'].includes(name.toLowerCase())) {
        problems.push({ message: `approval_roles: '${name}' cannot write to the repository, so its approvals never count; remove it`, loc: r.loc, severity: 'warning' });
        continue;
      }
      policy.approvalRoles.push(name);
    }
  }

  const gates = root.get('quality_gates');
  if (!gates.exists) return;
  policy.qualityGates = [];
  const names = new Set<string>();
  gates.items().forEach((g, i) => {
    if (!g.isMap) return;
    const name = g.get('name').string()?.trim() || `quality_gates[${i}]`;
    const context = `quality_gates.${name}`;
    if (names.has(name.toLowerCase())) {
      problems.push({ message: `quality_gates: '${name}' is declared twice`, loc: g.get('name').loc, severity: 'error' });
      return;
    }
    names.add(name.toLowerCase());
    const evidence = g.get('evidence');
    const path = evidence.get('path').string()?.trim();
    if (!path) return; // reported by the schema
    const pathProblem = evidencePathProblem(path);
    if (pathProblem) {
      problems.push({ message: `${context}.evidence.path: '${path}' ${pathProblem}`, loc: evidence.get('path').loc, severity: 'error' });
      return;
    }
    const metrics: MetricThreshold[] = [];
    for (const [metric, t] of g.get('metrics').entries()) {
      const atLeast = t.get('at_least').number();
      const atMost = t.get('at_most').number();
      if (atLeast === undefined && atMost === undefined) continue; // reported by the schema
      if (atLeast !== undefined && atMost !== undefined && atLeast > atMost) {
        problems.push({ message: `${context}.metrics.${metric}: at_least (${atLeast}) is above at_most (${atMost}), so no value can pass`, loc: t.pairLoc, severity: 'error' });
      }
      metrics.push({ metric, atLeast, atMost, loc: t.pairLoc });
    }
    const environments: string[] = [];
    for (const e of g.get('environments').items()) {
      const s = e.string();
      if (s === undefined) continue;
      // Without declared environments, the conventional names (dev, test, prod...) are the environments.
      if (policy.environments.length === 0 ? tierOfName(s) !== undefined : checkEnvName(e, `${context}.environments`)) environments.push(s);
      else if (policy.environments.length === 0) problems.push({ message: `${context}.environments: '${s}' is not a known environment name (no environments are declared)`, loc: e.loc, severity: 'error' });
    }
    const workloads = g.get('workloads').strings();
    for (const w of g.get('workloads').items()) {
      const s = w.string();
      if (s && policy.workloads.length && !policy.workloads.some((x) => x.name === s)) {
        problems.push({ message: `${context}.workloads: unknown workload '${s}'${didYouMean(s, policy.workloads.map((x) => x.name))}`, loc: w.loc, severity: 'error' });
      }
    }
    const gate: QualityGatePolicy = {
      name,
      models: g.get('models').strings(),
      workloads,
      environments,
      evidence: { path, data: evidence.get('data').strings(), owners: readOwners(evidence.get('owners'), `${context}.evidence.owners`, problems) },
      metrics,
      loc: g.loc,
    };
    policy.qualityGates!.push(gate);
  });
}
