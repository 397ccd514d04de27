import { assetVersioned } from './asset-versioned.js';
import { environmentPinned } from './environment-pinned.js';
import { modelPinned } from './model-pinned.js';
import { retiredModel } from './retired-model.js';
import { reusableWorkflowPinned } from './reusable-workflow-pinned.js';

export const VERSIONING_RULES = [assetVersioned, environmentPinned, modelPinned, retiredModel, reusableWorkflowPinned] as const;
