export const ENVIRONMENTS_RULES = [] as const;
