export const RESILIENCE_RULES = [] as const;
