export const MODELS_RULES = [] as const;
