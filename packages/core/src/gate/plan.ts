import { isTemplated } from '../formats/templating.js';
import { EnvResolver } from '../model/environments.js';
import type { AnalyzedFile } from '../model/file.js';
import type { AssetRef, DeploymentRecord, EndpointRecord, TrafficSplit } from '../model/records.js';
import { WorkspaceModel } from '../model/workspace.js';
import type { Policy } from '../policy/types.js';
import type { Loc } from '../yaml/nodes.js';
import type { ChangeKind, ModelIdentity, Promotion, PromotionChange, PromotionPlan } from './types.js';

/** What one deployment runs, as far as the gate compares it. */
interface DeploymentState {
  key: string;
  env: string;
  record: DeploymentRecord;
  model?: ModelIdentity;
  contentFilter?: string;
  instanceType?: string;
  instanceCount?: string;
}

export function modelIdentity(ref: AssetRef | undefined): ModelIdentity | undefined {
  if (!ref) return undefined;
  const fixed = ref.pinned === true && !!ref.name && !!ref.version && !isTemplated(ref.raw);
  return { raw: ref.raw.trim(), name: ref.name, version: ref.version, registry: ref.registry, fixed };
}

/** `support-chat-model:7` (fixed) or the reference as written. */
export function modelText(m: ModelIdentity | undefined): string {
  if (!m) return '(none)';
  return m.fixed ? `${m.name}:${m.version}` : m.raw;
}

/** Two identities name the same model version (registry compared when both name one). */
export function sameModel(a: ModelIdentity | undefined, b: ModelIdentity | undefined): boolean {
  if (!a || !b) return false;
  if (a.fixed && b.fixed) {
    if (a.name!.toLowerCase() !== b.name!.toLowerCase() || a.version !== b.version) return false;
    return !a.registry || !b.registry || a.registry.toLowerCase() === b.registry.toLowerCase();
  }
  return !a.fixed && !b.fixed && a.raw === b.raw;
}

/** The content-filter policy a deployment record carries, where its format names one. */
function contentFilterOf(d: DeploymentRecord): string | undefined {
  const v = (d as unknown as { contentFilter?: unknown }).contentFilter;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'known' in v) {
    const r = v as { known: boolean; value?: unknown; raw?: unknown };
    return r.known ? String(r.value) : `${String(r.raw)} (computed at deploy time)`;
  }
  return undefined;
}

function lineOf(files: ReadonlyMap<string, AnalyzedFile>, loc: Loc | undefined): number | undefined {
  if (!loc) return undefined;
  const f = files.get(loc.file);
  return f ? f.source.positionAt(loc.span.start).line + 1 : undefined;
}

function keyOf(env: string, endpoint: string | undefined, deployment: string | undefined, file: string): string {
  if (!endpoint && !deployment) return `${env}|file:${file}`;
  return `${env}|${(endpoint ?? '').toLowerCase()}|${(deployment ?? '').toLowerCase()}`;
}

function states(model: WorkspaceModel, chain: ReadonlySet<string>): DeploymentState[] {
  const out: DeploymentState[] = [];
  for (const d of model.deployments) {
    const env = model.env(d);
    if (!env || !chain.has(env)) continue;
    out.push({
      key: keyOf(env, d.endpointName, d.name, d.file),
      env,
      record: d,
      model: modelIdentity(d.model),
      contentFilter: contentFilterOf(d),
      instanceType: d.instanceType,
      instanceCount: d.instanceCount ? (d.instanceCount.known ? String(d.instanceCount.value) : `${d.instanceCount.raw} (computed at deploy time)`) : undefined,
    });
  }
  return out;
}

function group<T extends { key: string }>(items: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const l = m.get(i.key);
    if (l) l.push(i);
    else m.set(i.key, [i]);
  }
  return m;
}

function percentText(split: TrafficSplit | undefined, deployment: string): string | undefined {
  if (!split) return undefined;
  const s = split.shares.find((x) => x.deployment.toLowerCase() === deployment.toLowerCase());
  if (!s) return '0%';
  return s.percent === undefined ? 'unknown (computed at deploy time)' : `${s.percent}%`;
}

function percentValue(text: string | undefined): number | undefined {
  const m = text ? /^(-?\d+(?:\.\d+)?)%$/.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * The promotion plan of a change: every difference, between the base and the head workspace, in what
 * runs in an environment of the promotion chain (a deployment added or removed; its model, content
 * filter, instance type or instance count; its share of an endpoint's traffic). A pure function of the
 * two workspaces and the policy. Both workspaces are read with the base policy, so a change cannot
 * move a file out of an environment to escape the gate.
 */
export function planPromotions(baseModel: WorkspaceModel, headModel: WorkspaceModel, policy: Policy = baseModel.policy): PromotionPlan {
  const base = baseModel.policy === policy ? baseModel : new WorkspaceModel(baseModel.files, policy);
  const head = headModel.policy === policy ? headModel : new WorkspaceModel(headModel.files, policy);
  const present = new Set<string>();
  for (const m of [base, head]) for (const r of [...m.deployments, ...m.endpoints]) {
    const e = m.env(r);
    if (e) present.add(e);
  }
  const chainList = new EnvResolver(policy).chain(present);
  const chain = new Set(chainList);
  const notes: string[] = [];
  const blockers: string[] = [];
  const promotions = new Map<string, Promotion>();

  const promotionFor = (s: DeploymentState, model: WorkspaceModel): Promotion => {
    let p = promotions.get(s.key);
    if (!p) {
      const d = s.record;
      const i = chainList.indexOf(s.env);
      p = {
        id: s.key,
        environment: s.env,
        tier: base.tierOfEnv(s.env) ?? head.tierOfEnv(s.env) ?? 'dev',
        protected: base.isProtectedEnv(s.env),
        previousEnvironment: i > 0 ? chainList[i - 1] : undefined,
        workload: model.workload(d),
        endpoint: d.endpointName,
        deployment: d.name,
        file: d.file,
        line: lineOf(model.files, d.nameLoc ?? d.loc),
        changes: [],
        bringsModel: false,
      };
      promotions.set(s.key, p);
    }
    return p;
  };
  const change = (p: Promotion, kind: ChangeKind, before: string | undefined, after: string | undefined, model: WorkspaceModel, loc: Loc | undefined): void => {
    const c: PromotionChange = { kind, file: loc?.file ?? p.file, line: lineOf(model.files, loc) };
    if (before !== undefined) c.before = before;
    if (after !== undefined) c.after = after;
    p.changes.push(c);
  };

  const baseStates = group(states(base, chain));
  const headStates = group(states(head, chain));
  const keys = new Set([...baseStates.keys(), ...headStates.keys()]);
  for (const key of keys) {
    const b = [...(baseStates.get(key) ?? [])];
    const h = [...(headStates.get(key) ?? [])];
    const pairs: Array<[DeploymentState | undefined, DeploymentState | undefined]> = [];
    if (b.length === 1 && h.length === 1) pairs.push([b[0], h[0]]);
    else {
      // The same deployment declared in several files: pair them by file.
      for (const hs of h) {
        const i = b.findIndex((bs) => bs.record.file === hs.record.file);
        pairs.push([i >= 0 ? b.splice(i, 1)[0] : undefined, hs]);
      }
      for (const bs of b) pairs.push([bs, undefined]);
    }
    for (const [bs, hs] of pairs) {
      if (!bs && hs) {
        const p = promotionFor(hs, head);
        p.to = hs.model;
        p.bringsModel = true;
        change(p, 'added', undefined, modelText(hs.model), head, hs.record.nameLoc ?? hs.record.loc);
      } else if (bs && !hs) {
        const p = promotionFor(bs, base);
        p.from = bs.model;
        change(p, 'removed', modelText(bs.model), undefined, base, bs.record.nameLoc ?? bs.record.loc);
      } else if (bs && hs) {
        const diffs: Array<() => void> = [];
        let p: Promotion | undefined;
        const at = (): Promotion => (p ??= promotionFor(hs, head));
        if (!sameModel(bs.model, hs.model) && (bs.model || hs.model)) {
          diffs.push(() => {
            const x = at();
            x.bringsModel = x.bringsModel || !!hs.model;
            change(x, 'model', modelText(bs.model), modelText(hs.model), head, hs.record.model?.loc ?? hs.record.loc);
          });
        }
        if ((bs.contentFilter ?? '') !== (hs.contentFilter ?? '')) diffs.push(() => change(at(), 'content-filter', bs.contentFilter ?? '(not set)', hs.contentFilter ?? '(not set)', head, hs.record.loc));
        if ((bs.instanceType ?? '').toLowerCase() !== (hs.instanceType ?? '').toLowerCase()) diffs.push(() => change(at(), 'instance-type', bs.instanceType ?? '(not set)', hs.instanceType ?? '(not set)', head, hs.record.loc));
        if ((bs.instanceCount ?? '') !== (hs.instanceCount ?? '')) diffs.push(() => change(at(), 'instance-count', bs.instanceCount ?? '(not set)', hs.instanceCount ?? '(not set)', head, hs.record.instanceCountLoc ?? hs.record.loc));
        if (diffs.length) {
          const x = at();
          x.from = bs.model;
          x.to = hs.model;
          for (const d of diffs) d();
        }
      }
    }
  }

  // Traffic: endpoint by endpoint, every deployment whose share changes.
  const endpointsOf = (m: WorkspaceModel): Map<string, EndpointRecord> => {
    const out = new Map<string, EndpointRecord>();
    for (const e of m.endpoints) {
      const env = m.env(e);
      if (env && chain.has(env) && e.name) out.set(`${env}|${e.name.toLowerCase()}`, e);
    }
    return out;
  };
  const baseEndpoints = endpointsOf(base);
  const headEndpoints = endpointsOf(head);
  const findState = (m: Map<string, DeploymentState[]>, key: string): DeploymentState | undefined => m.get(key)?.[0];
  for (const key of new Set([...baseEndpoints.keys(), ...headEndpoints.keys()])) {
    const be = baseEndpoints.get(key);
    const he = headEndpoints.get(key);
    const env = key.slice(0, key.indexOf('|'));
    const endpointName = he?.name ?? be?.name;
    for (const [field, kind] of [['traffic', 'traffic'], ['mirrorTraffic', 'mirror-traffic']] as const) {
      const bSplit = be?.[field];
      const hSplit = he?.[field];
      if (!bSplit && !hSplit) continue;
      const names = new Map<string, string>();
      for (const s of [...(bSplit?.shares ?? []), ...(hSplit?.shares ?? [])]) names.set(s.deployment.toLowerCase(), s.deployment);
      for (const name of names.values()) {
        const before = percentText(bSplit, name) ?? '(not set)';
        const after = percentText(hSplit, name) ?? '(not set)';
        if (before === after) continue;
        const dKey = keyOf(env, endpointName, name, '');
        const state = findState(headStates, dKey) ?? findState(baseStates, dKey);
        let p: Promotion;
        if (state) p = promotionFor(state, findState(headStates, dKey) ? head : base);
        else {
          p = promotions.get(dKey) ?? {
            id: dKey,
            environment: env,
            tier: base.tierOfEnv(env) ?? 'dev',
            protected: base.isProtectedEnv(env),
            previousEnvironment: chainList.indexOf(env) > 0 ? chainList[chainList.indexOf(env) - 1] : undefined,
            workload: (he ? head.workload(he) : undefined) ?? (be ? base.workload(be) : undefined),
            endpoint: endpointName,
            deployment: name,
            file: (he ?? be)!.file,
            line: lineOf((he ? head : base).files, (he ?? be)!.nameLoc),
            changes: [],
            bringsModel: false,
          };
          promotions.set(dKey, p);
        }
        const hState = findState(headStates, dKey);
        if (hState) p.to ??= hState.model;
        const bState = findState(baseStates, dKey);
        if (bState) p.from ??= bState.model;
        const split = hSplit ?? bSplit!;
        const shareLoc = split.shares.find((s) => s.deployment.toLowerCase() === name.toLowerCase())?.loc ?? split.loc;
        change(p, kind, before, after, hSplit ? head : base, shareLoc);
        if (kind === 'traffic') {
          const bv = percentValue(before) ?? 0;
          const hv = percentValue(after);
          if (after !== '(not set)' && (hv === undefined || hv > bv)) p.bringsModel = true;
        }
      }
    }
  }

  // Files the plan cannot read at head, and deployment changes outside the chain.
  for (const [path, f] of head.files) {
    if (!f.parseErrors.length) continue;
    const before = base.files.get(path);
    if (before && before.source.text === f.source.text) continue;
    const env = head.fileEnv(path)?.name;
    if (f.recognised || (env && chain.has(env)) || (before?.records.length ?? 0) > 0) {
      blockers.push(`${path} does not parse at head (${f.parseErrors[0]!.message}), so the gate cannot tell what it deploys; fix the YAML`);
    }
  }
  const outside = new Set<string>();
  for (const [m, other] of [
    [head, base],
    [base, head],
  ] as const) {
    for (const d of m.deployments) {
      const env = m.env(d);
      if (env && chain.has(env)) continue;
      if (env && m.tierOfEnv(env) === 'sandbox') continue;
      const twin = other.files.get(d.file);
      if (twin && twin.source.text === m.files.get(d.file)?.source.text) continue;
      outside.add(d.file);
    }
  }
  for (const file of [...outside].sort()) notes.push(`${file} changes a deployment, but aigate cannot tell which environment it belongs to, so the gate does not cover it; add it to an environment's \`files\` in aigate.yaml`);

  const order = (p: Promotion): number => chainList.indexOf(p.environment);
  const list = [...promotions.values()].sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id));
  return { chain: chainList, promotions: list, notes, blockers };
}
