import { haInstanceCount } from './ha-instance-count.js';
import { registryReplication } from './registry-replication.js';

export const RESILIENCE_RULES = [haInstanceCount, registryReplication] as const;
