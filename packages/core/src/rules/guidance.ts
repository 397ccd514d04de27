import type { Guidance } from '../engine/rule.js';

/** Sentences of the guidance that several rules enforce, cited once. */

export const VERSION_CONTROL_AND_ROLLBACK: Guidance = {
  seed: '000_a682b06f95e9be02.txt',
  heading: 'Manage AI models',
  quote: 'Maintain version control for models and ensure a rollback mechanism for underperforming versions.',
};

export const CHANGES_THROUGH_GIT: Guidance = {
  seed: '000_a682b06f95e9be02.txt',
  heading: 'Manage AI business continuity',
  quote: 'Ensure that all changes to models, data, and configurations are managed through version control systems such as Git.',
};

export const TRACK_EVERY_VERSION: Guidance = {
  seed: '003_f49c51cbe2b5b53b.txt',
  heading: 'AI models',
  quote: 'Track every model version and use centralized governance to control updates.',
};

export const SAME_MODEL_ACROSS_ENVIRONMENTS: Guidance = {
  seed: '000_a682b06f95e9be02.txt',
  heading: 'Manage AI operations',
  quote: 'If you change deployment and governance models between dev, test, and prod environments, it can hide and introduce breaking changes.',
};

export const PRODUCTION_AFTER_APPROVALS: Guidance = {
  seed: '000_a682b06f95e9be02.txt',
  heading: 'Manage AI operations',
  quote: 'Finally, incorporate production deployment steps, such as promoting releases to test and production environments following manual approvals.',
};

export const QUALITY_GATES: Guidance = {
  seed: '000_a682b06f95e9be02.txt',
  heading: 'Manage AI models',
  quote: 'Use quality gates to promote trained, fine-tuned, and retrained models to higher environments based on performance criteria.',
};
