export const MONITORING_RULES = [] as const;
