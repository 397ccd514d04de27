export { WorkspaceIndex, type IndexOptions, type IndexUpdate } from './workspace-index.js';
export { hoverAt, findingHover, modelHover, type HoverResult } from './hover.js';
export { promotionLenses, type PromotionLens } from './lens.js';
export { policyCompletions, type PolicyCompletion, type PolicyCompletionOptions, type CompletionKind } from './completion.js';
export { suppressionEdit, findingsInRange, type SuppressionEdit } from './code-actions.js';
export { counterpartsByEnvironment, modelRunsByEnvironment, environmentsInOrder, logicalName, retirementOf, versionText, type EnvironmentRun } from './promotion.js';
