import type { Policy, Tier } from '../policy/types.js';
import { canonicalEnvName, CONVENTIONAL_ORDER, TIER_RANK, tierOfName } from '../policy/tiers.js';
import { anyGlob } from '../util/glob.js';

export interface EnvMatch {
  name: string;
  tier: Tier;
  /** How the environment was found, for explanations. */
  source: 'policy files' | 'name' | 'path' | 'tag' | 'job environment' | 'job name' | 'deployed file';
}

/** Finds the environment of files and names: policy first, then conventions. */
export class EnvResolver {
  constructor(readonly policy: Policy) {}

  /** Environment named by a word: a policy name or alias, else a conventional name. */
  byName(word: string): { name: string; tier: Tier } | undefined {
    const w = word.trim();
    if (!w) return undefined;
    const lower = w.toLowerCase();
    const envs = this.policy.environments;
    if (envs.length) {
      const exact = envs.find((e) => e.name.toLowerCase() === lower || e.aliases.some((a) => a.toLowerCase() === lower));
      if (exact) return { name: exact.name, tier: exact.tier };
      const tier = tierOfName(w);
      if (!tier) return undefined;
      const sameTier = envs.filter((e) => e.tier === tier);
      if (sameTier.length === 1) return { name: sameTier[0]!.name, tier };
      const canon = canonicalEnvName(w);
      const byCanon = sameTier.find((e) => canonicalEnvName(e.name) === canon);
      return byCanon ? { name: byCanon.name, tier } : undefined;
    }
    const canon = canonicalEnvName(w);
    if (!canon) return undefined;
    return { name: canon, tier: tierOfName(canon)! };
  }

  /** Environment of a file: policy globs, then file-name tokens, then folders (deepest first). */
  byPath(path: string): EnvMatch | undefined {
    for (const e of this.policy.environments) {
      if (e.files.length && anyGlob(e.files, path)) return { name: e.name, tier: e.tier, source: 'policy files' };
    }
    const parts = path.split('/');
    const fileName = parts.pop() ?? '';
    const stem = fileName.replace(/\.[^.]+$/, '');
    const candidates: Array<{ name: string; tier: Tier }> = [];
    for (const token of stem.split(/[-_.\s]+/)) {
      const m = this.byName(token);
      if (m) candidates.push(m);
    }
    if (candidates.length) return { ...highest(candidates), source: 'path' };
    for (let i = parts.length - 1; i >= 0; i--) {
      const seg = parts[i]!;
      if (seg === '.github' || seg === 'workflows') continue;
      const m = this.byName(seg);
      if (m) return { ...m, source: 'path' };
    }
    return undefined;
  }

  byTags(tags: Record<string, string>): EnvMatch | undefined {
    for (const key of ['environment', 'Environment', 'env', 'Env', 'stage', 'azd-env-name']) {
      const v = tags[key];
      if (v) {
        const m = this.byName(v);
        if (m) return { ...m, source: 'tag' };
      }
    }
    return undefined;
  }

  /** Environments in promotion order (sandbox excluded). */
  chain(present: Iterable<string>): string[] {
    if (this.policy.environments.length) return this.policy.environments.filter((e) => e.tier !== 'sandbox').map((e) => e.name);
    const seen = new Set(present);
    return CONVENTIONAL_ORDER.filter((n) => seen.has(n));
  }

  tierOf(env: string): Tier | undefined {
    const p = this.policy.environments.find((e) => e.name === env);
    if (p) return p.tier;
    return tierOfName(env);
  }
}

export function highest<T extends { tier: Tier }>(list: T[]): T {
  return list.reduce((a, b) => (TIER_RANK[b.tier] > TIER_RANK[a.tier] ? b : a));
}
