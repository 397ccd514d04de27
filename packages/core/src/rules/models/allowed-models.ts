import { defineRule } from '../../engine/rule.js';
import type { AssetRef } from '../../model/records.js';
import { globMatch } from '../../util/glob.js';
import { deploymentLabel, inEnv, related } from '../helpers.js';

/** The strings a policy glob may match: the name, `name:version`, `name@label`, `registry/name`, the reference as written. */
function candidates(ref: AssetRef): string[] {
  const out = new Set<string>();
  if (ref.name) {
    out.add(ref.name);
    if (ref.version) out.add(`${ref.name}:${ref.version}`);
    if (ref.label) out.add(`${ref.name}@${ref.label}`);
    if (ref.registry) out.add(`${ref.registry}/${ref.name}`);
  }
  if (ref.source !== 'inline' && ref.pinned !== undefined) out.add(ref.raw.trim());
  return [...out];
}

function firstMatch(globs: readonly string[], values: readonly string[]): string | undefined {
  return globs.find((g) => values.some((v) => globMatch(g, v)));
}

export const allowedModels = defineRule({
  id: 'models/allowed-models',
  theme: 'policy',
  description: 'Deployments use only models that aigate.yaml allows (`models.allowed`, `models.denied`) from the registries it allows (`models.registries`).',
  defaultSeverity: 'error',
  crossFile: false,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI deployment',
      quote: 'For example, create generative AI policies to enforce content filter settings and prevent the use of disallowed models.',
    },
  ],
  check({ model, report }) {
    const { allowed, denied, registries, loc: policyLoc } = model.policy.models;
    if (!allowed.length && !denied.length && !registries.length) return;
    const policyFile = model.policy.file ?? 'aigate.yaml';
    for (const d of model.deployments) {
      const ref = d.model;
      if (!ref) continue;
      const values = candidates(ref);
      const where = `${deploymentLabel(d)} ${inEnv(model, d)}`;
      const shown = ref.source === 'inline' ? `the inline model${ref.name ? ` '${ref.name}'` : ''}` : `the model '${ref.raw.trim()}'`;
      const rel = related(policyLoc, `models policy in ${policyFile}`);
      if (values.length) {
        const deniedBy = firstMatch(denied, values);
        if (deniedBy) {
          report({ loc: ref.loc, record: d, key: 'denied', related: rel, message: `${where[0]!.toUpperCase()}${where.slice(1)} uses ${shown}, which ${policyFile} denies (models.denied: '${deniedBy}'). Deploy an allowed model instead, or change the policy through its owners.` });
        } else if (allowed.length && ref.name && !firstMatch(allowed, values)) {
          report({ loc: ref.loc, record: d, key: 'allowed', related: rel, message: `${where[0]!.toUpperCase()}${where.slice(1)} uses ${shown}, which is not in models.allowed of ${policyFile} (${allowed.join(', ')}). Deploy an allowed model, or have the policy owners add this one.` });
        }
      }
      if (registries.length && ref.source === 'registry' && ref.registry && !registries.some((g) => globMatch(g, ref.registry!))) {
        report({ loc: ref.loc, record: d, key: 'registry', related: rel, message: `${where[0]!.toUpperCase()}${where.slice(1)} takes its model from the registry '${ref.registry}', which is not in models.registries of ${policyFile} (${registries.join(', ')}). Share the model to an allowed registry and deploy it from there.` });
      }
    }
  },
});
