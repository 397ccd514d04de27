import { defineRule, type FixSpec, type Report } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { DeploymentRecord, EndpointRecord } from '../../model/records.js';
import { defineIndex, type WorkspaceModel } from '../../model/workspace.js';
import type { Loc } from '../../yaml/nodes.js';
import { groupFindings } from '../helpers.js';
import { byEnvRank, endpointStem, recordField, unique } from './logical.js';
import { SAME_MODEL_ACROSS_ENVIRONMENTS } from '../guidance.js';

type Rec = DeploymentRecord | EndpointRecord;

/** A governance setting of one record, as compared across environments. */
interface Setting {
  /** Normalised value for comparison. */
  value: string;
  /** How to show it in messages. */
  shown: string;
  /** Where it is written; the record's name when it is left to its default. */
  loc: Loc;
  /** The scalar as written, when it is a plain scalar of the same key (for the fix). */
  scalar?: { loc: Loc; text: string };
}

interface Check<R extends Rec> {
  /** The key as written in YAML, for messages. */
  label: string;
  /** Rank of a normalised value when one value is the stricter governance (higher is stricter). */
  strictness?: (value: string) => number;
  read(model: WorkspaceModel, r: R): Setting | undefined;
}

function scalarSetting(model: WorkspaceModel, r: Rec, key: string, fallback: string, normalise: (s: string) => string = (s) => s.toLowerCase()): Setting | undefined {
  const field = recordField(model, r, key);
  if (field.state === 'unknown') return undefined;
  if (field.state === 'absent') return { value: normalise(fallback), shown: `leaves it unset (default '${fallback}')`, loc: r.nameLoc };
  return { value: normalise(field.value!), shown: `sets '${field.value}'`, loc: field.loc, scalar: { loc: field.loc, text: field.text } };
}

const DEPLOYMENT_CHECKS: Array<Check<DeploymentRecord>> = [
  {
    label: 'deployment kind',
    read(model, d) {
      if (d.kind === 'batch') return undefined;
      const schema = recordField(model, d, '$schema');
      const type = recordField(model, d, 'type');
      const loc = type.state !== 'absent' ? type.loc : schema.state !== 'absent' ? schema.loc : d.nameLoc;
      return { value: d.kind, shown: d.kind === 'kubernetes-online' ? 'is a Kubernetes online deployment' : 'is a managed online deployment', loc };
    },
  },
  {
    label: 'egress_public_network_access',
    strictness: (v) => (v === 'disabled' ? 1 : 0),
    read: (model, d) => (d.kind === 'managed-online' ? scalarSetting(model, d, 'egress_public_network_access', 'enabled') : undefined),
  },
  {
    label: 'app_insights_enabled',
    strictness: (v) => (v === 'true' ? 1 : 0),
    read: (model, d) => (d.kind === 'batch' ? undefined : scalarSetting(model, d, 'app_insights_enabled', 'false')),
  },
  {
    label: 'data_collector',
    strictness: (v) => (v === 'on' ? 1 : 0),
    read(_model, d) {
      if (d.kind === 'batch') return undefined;
      const dc = d.dataCollector;
      const on = !!dc && (dc.inputs || dc.outputs);
      const streams = dc ? [dc.inputs ? 'model_inputs' : '', dc.outputs ? 'model_outputs' : ''].filter(Boolean).join(' and ') : '';
      const shown = !dc ? 'collects no data (no data_collector)' : on ? `collects ${streams}` : 'collects no data (no model_inputs or model_outputs collection)';
      return { value: on ? 'on' : 'off', shown, loc: dc ? dc.loc : d.nameLoc };
    },
  },
  {
    label: 'model',
    read(_model, d) {
      const ref = d.model;
      if (!ref?.name || isTemplated(ref.name)) return undefined;
      return { value: ref.name.toLowerCase(), shown: `deploys model '${ref.name}'`, loc: ref.loc };
    },
  },
];

const ENDPOINT_CHECKS: Array<Check<EndpointRecord>> = [
  { label: 'auth_mode', strictness: (v) => ['key', 'aml_token', 'aad_token'].indexOf(v), read: (model, e) => scalarSetting(model, e, 'auth_mode', e.kind === 'batch' ? 'aad_token' : 'key') },
  { label: 'public_network_access', strictness: (v) => (v === 'disabled' ? 1 : 0), read: (model, e) => scalarSetting(model, e, 'public_network_access', 'enabled') },
];

function advice<R extends Rec>(c: Check<R>, higher: string, lower: string, env: string, lowerEnv: string): string {
  const same = `Use the same ${c.label} in every environment`;
  const order = c.strictness ? c.strictness(higher) - c.strictness(lower) : 0;
  if (order > 0) return `${same}: raise ${lowerEnv} to ${env}'s setting, so that ${lowerEnv} tests what ${env} enforces.`;
  if (order < 0) return `${same}: set ${env} to ${lowerEnv}'s value; ${env} should not be weaker than what ${lowerEnv} tested.`;
  return `${same}: set ${env} to ${lowerEnv}'s value, or change ${lowerEnv} as well.`;
}

function describe(r: Rec): string {
  if (r.type === 'endpoint') return `endpoint '${r.name}'`;
  return `deployment '${r.name}' of endpoint '${r.endpointName}'`;
}

export const governanceParity = defineRule({
  id: 'environments/governance-parity',
  theme: 'environment-separation',
  description: 'The dev, test and prod variants of one deployment keep the same governance: authentication, network access, deployment kind, monitoring, data collection and model.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: true,
  guidance: [
    SAME_MODEL_ACROSS_ENVIRONMENTS,
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI deployment',
      quote: 'Use Azure Policy to enforce governance consistently across all workload environments.',
    },
  ],
  check({ model, report }) {
    const rank = byEnvRank(model);
    const context = model.chain.join('\n');
    const compatible = (a: Rec, b: Rec): boolean => {
      const wa = model.workload(a);
      const wb = model.workload(b);
      return !wa || !wb || wa === wb;
    };

    const compare = <R extends Rec>(group: readonly R[]): Report[] => {
      const out: Report[] = [];
      const checks = (group[0]!.type === 'endpoint' ? ENDPOINT_CHECKS : DEPLOYMENT_CHECKS) as unknown as Array<Check<R>>;
      const envs = unique(group.map((r) => model.env(r)!)).sort(rank);
      for (let i = 1; i < envs.length; i++) {
        const env = envs[i]!;
        for (const higher of group.filter((r) => model.env(r) === env)) {
          let lower: R | undefined;
          for (let j = i - 1; j >= 0 && !lower; j--) lower = group.find((r) => model.env(r) === envs[j] && compatible(r, higher));
          if (!lower) continue;
          const lowerEnv = model.env(lower)!;
          for (const c of checks) {
            // A record's setting is read once, however many variants it is compared with.
            const h = model.derived(c, higher, () => c.read(model, higher));
            const l = model.derived(c, lower, () => c.read(model, lower));
            if (!h || !l || h.value === l.value) continue;
            const fixes: FixSpec[] = [];
            if (h.scalar && l.scalar) {
              fixes.push({ title: `Set ${c.label} to ${l.scalar.text} as in ${lowerEnv}`, edits: [{ file: h.scalar.loc.file, span: h.scalar.loc.span, newText: l.scalar.text }] });
            }
            const same = higher.type === 'endpoint' ? 'the same endpoint' : 'the same deployment';
            out.push({
              loc: h.loc,
              record: higher,
              key: c.label,
              related: [{ loc: l.loc, message: `${lowerEnv} ${l.shown} here (${describe(lower)})` }],
              fixes,
              message: `${c.label} differs between environments for ${same}: ${env} ${h.shown}, ${lowerEnv} ${l.shown} (${describe(higher)} in ${env}, ${describe(lower)} in ${lowerEnv}). What ${lowerEnv} tests is not what ${env} runs, which can hide breaking changes until release. ${advice(c, h.value, l.value, env, lowerEnv)}`,
            });
          }
        }
      }
      return out;
    };

    for (const r of groupFindings(model, 'governance-parity', VARIANTS, context, (_key, group) => (group.length < 2 ? [] : compare(group)))) report(r);
  },
});

/** Deployments and endpoints by the logical deployment (or endpoint) they are a variant of, outside the sandbox. */
const VARIANTS = defineIndex<Rec>('variants of a deployment or endpoint', ['deployment', 'endpoint'], (model, r) => {
  if (r.type !== 'deployment' && r.type !== 'endpoint') return [];
  const env = model.env(r);
  if (!env || model.tierOfEnv(env) === 'sandbox') return [];
  const kind = r.kind === 'batch' ? 'batch' : 'online';
  if (r.type === 'endpoint') return r.name ? [[`endpoint|${kind}|${endpointStem(model, r.name)}`, r]] : [];
  return r.name && r.endpointName ? [[`deployment|${kind}|${r.name.toLowerCase()}|${endpointStem(model, r.endpointName)}`, r]] : [];
});
