export const SHARING_RULES = [] as const;
