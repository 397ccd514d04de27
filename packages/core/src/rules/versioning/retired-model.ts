import type { Severity } from '../../findings.js';
import { lookupRetirement, type RetirementInfo } from '../../catalog/retirements.js';
import { defineRule } from '../../engine/rule.js';
import type { AssetRef } from '../../model/records.js';
import { deploymentLabel, inEnv } from '../helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Retirement within this many days is a warning. */
export const WARN_WITHIN_DAYS = 120;
/** Retirement within this many days (or a Deprecated or Legacy lifecycle) is an info. */
export const INFO_WITHIN_DAYS = 365;

/** Azure OpenAI models published in Azure ML's `azure-openai` system registry. */
function isAzureOpenAiRegistry(ref: AssetRef): boolean {
  return ref.source === 'registry' && ref.registry?.toLowerCase() === 'azure-openai';
}

/** The catalog row for a model reference: by name for the azure-openai registry, by exact name and version elsewhere. */
function catalogEntry(ref: AssetRef): RetirementInfo | undefined {
  if (!ref.name || ref.pinned === undefined) return undefined;
  if (isAzureOpenAiRegistry(ref)) return lookupRetirement(ref.name, ref.version);
  if (!ref.version) return undefined;
  const info = lookupRetirement(ref.name, ref.version);
  // Outside the azure-openai registry, a workspace model that merely shares a name (`davinci`) is not the vendor model.
  return info?.version !== undefined ? info : undefined;
}

function dayOf(date: string): number | undefined {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) ? undefined : t;
}

export const retiredModel = defineRule({
  id: 'versioning/retired-model',
  theme: 'version-control',
  description: 'Deployments do not use an Azure OpenAI model version that is retired or about to retire, per the built-in retirement catalog.',
  defaultSeverity: 'error',
  crossFile: false,
  fixable: false,
  guidance: [
    { seed: '000_a682b06f95e9be02.txt', heading: 'Manage AI models', quote: 'Track retirement for pretrained models to prevent performance issues as vendor support ends.' },
  ],
  check(ctx) {
    const { model, report } = ctx;
    // Read "today" only when a deployment runs a model of the catalog: findings of the others do not depend on it.
    let today: number | undefined;
    for (const d of model.deployments) {
      const ref = d.model;
      if (!ref) continue;
      const info = catalogEntry(ref);
      if (!info) continue;
      const at = dayOf(info.retirementDate);
      if (at === undefined) continue;
      today ??= (ctx.now ?? new Date()).getTime();
      const days = Math.ceil((at - today) / DAY_MS);
      const retired = info.lifecycle === 'Retired' || days <= 0;
      let severity: Severity;
      if (retired) severity = 'error';
      else if (days <= WARN_WITHIN_DAYS) severity = 'warning';
      else if (days <= INFO_WITHIN_DAYS || info.lifecycle === 'Deprecated' || info.lifecycle === 'Legacy') severity = 'info';
      else continue;
      const what = `${info.name}${ref.version ? ` version ${ref.version}` : ''}`;
      const where = `${deploymentLabel(d)} ${inEnv(model, d)}`;
      const source = `Azure OpenAI retirement data as of ${info.asOf}, ${info.source}`;
      const next = info.replacement
        ? `Move to ${info.replacement}, evaluate it, and deploy that version by name.`
        : 'Pick a current model version from the retirement schedule, evaluate it, and deploy that version by name.';
      const message = retired
        ? `The model ${what} of ${where} was retired on ${info.retirementDate} (${source}): calls to it fail. ${next}`
        : `The model ${what} of ${where} is ${info.lifecycle} and retires on ${info.retirementDate}, in ${days} day${days === 1 ? '' : 's'} (${source}). ${next}`;
      report({ loc: ref.loc, record: d, severity, message });
    }
  },
});
