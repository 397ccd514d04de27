import { allowedModels } from './allowed-models.js';

export const MODELS_RULES = [allowedModels] as const;
