import { endpointSingleWorkload } from './endpoint-single-workload.js';
import { sharedEndpointGovernance } from './shared-endpoint-governance.js';
import { sharedEndpointLimits } from './shared-endpoint-limits.js';

export const SHARING_RULES = [endpointSingleWorkload, sharedEndpointGovernance, sharedEndpointLimits] as const;
