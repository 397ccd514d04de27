import type { RuleDefinition } from '../engine/rule.js';
import { META_RULES } from '../engine/meta-rules.js';
import { ENVIRONMENTS_RULES } from './environments/index.js';
import { MODELS_RULES } from './models/index.js';
import { MONITORING_RULES } from './monitoring/index.js';
import { PROMOTION_RULES } from './promotion/index.js';
import { RESILIENCE_RULES } from './resilience/index.js';
import { SHARING_RULES } from './sharing/index.js';
import { VERSIONING_RULES } from './versioning/index.js';
import { RULE_DOCS } from './docs.generated.js';

const THEMED = [...PROMOTION_RULES, ...ENVIRONMENTS_RULES, ...VERSIONING_RULES, ...SHARING_RULES, ...MODELS_RULES, ...RESILIENCE_RULES, ...MONITORING_RULES] as const;

/** Ids of the rules that check configuration (not the engine's own findings). */
export type RuleId = (typeof THEMED)[number]['id'];

/** The checking rules, in alphabetical order of id. */
export const RULES: readonly RuleDefinition[] = [...THEMED].sort((a, b) => a.id.localeCompare(b.id));

/** Every documented id: the checking rules and the engine's own findings. */
export const ALL_RULES: readonly RuleDefinition[] = [...RULES, ...META_RULES];

export function ruleById(id: string): RuleDefinition | undefined {
  return ALL_RULES.find((r) => r.id === id);
}

/** A rule's Markdown documentation. */
export function ruleDoc(id: string): string | undefined {
  return RULE_DOCS[id];
}
