import { governanceParity } from './governance-parity.js';
import { lowerEnvironmentPresent } from './lower-environment-present.js';
import { noSharedResources } from './no-shared-resources.js';
import { perEnvironmentCredentials } from './per-environment-credentials.js';
import { sandboxIsolated } from './sandbox-isolated.js';

export const ENVIRONMENTS_RULES = [governanceParity, lowerEnvironmentPresent, noSharedResources, perEnvironmentCredentials, sandboxIsolated] as const;
