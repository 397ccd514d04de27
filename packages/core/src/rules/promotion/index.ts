import { deployRequiresApproval } from './deploy-requires-approval.js';

export const PROMOTION_RULES = [deployRequiresApproval] as const;
