import { deployRequiresApproval } from './deploy-requires-approval.js';
import { evaluationBeforePromotion } from './evaluation-before-promotion.js';
import { noDirectFullCutover } from './no-direct-full-cutover.js';
import { prodAfterLowerEnvironment } from './prod-after-lower-environment.js';
import { prodVersionTested } from './prod-version-tested.js';
import { rollbackTarget } from './rollback-target.js';
import { trafficValid } from './traffic-valid.js';

export const PROMOTION_RULES = [
  deployRequiresApproval,
  evaluationBeforePromotion,
  noDirectFullCutover,
  prodAfterLowerEnvironment,
  prodVersionTested,
  rollbackTarget,
  trafficValid,
] as const;
