import { modelPinned } from './model-pinned.js';

export const VERSIONING_RULES = [modelPinned] as const;
