import type { Tier } from './types.js';

const TIER_WORDS: Array<[Tier, RegExp]> = [
  ['sandbox', /^(sandbox|sbx|experiment|experiments|experimentation|playground|poc|lab|scratch)$/i],
  ['dev', /^(dev|develop|development)$/i],
  ['test', /^(test|testing|qa|uat|staging|stage|stg|preprod|pre-prod|preproduction|pre-production)$/i],
  ['prod', /^(prod|production|prd|live)$/i],
];

/** The tier a name stands for (`Production` -> prod, `staging` -> test), if any. */
export function tierOfName(name: string): Tier | undefined {
  for (const [tier, re] of TIER_WORDS) if (re.test(name)) return tier;
  return undefined;
}

const CANONICAL: Array<[string, RegExp]> = [
  ['sandbox', TIER_WORDS[0]![1]],
  ['dev', TIER_WORDS[1]![1]],
  ['staging', /^(staging|stage|stg|preprod|pre-prod|preproduction|pre-production)$/i],
  ['test', /^(test|testing|qa|uat)$/i],
  ['prod', TIER_WORDS[3]![1]],
];

/** Conventional environment name for a word (`production` -> prod, `stage` -> staging). */
export function canonicalEnvName(word: string): string | undefined {
  for (const [name, re] of CANONICAL) if (re.test(word)) return name;
  return undefined;
}

/** Promotion order of conventional environments (sandbox sits outside the chain). */
export const CONVENTIONAL_ORDER = ['dev', 'test', 'staging', 'prod'];

export const TIER_RANK: Record<Tier, number> = { sandbox: 0, dev: 1, test: 2, prod: 3 };
