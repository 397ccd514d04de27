import { defineRule } from '../../engine/rule.js';
import { deploymentLabel, inEnv } from '../helpers.js';

export const modelPinned = defineRule({
  id: 'versioning/model-pinned',
  theme: 'version-control',
  description: 'Deployments name an exact model version, never `@latest`, a label, or an unregistered inline model in test or prod.',
  defaultSeverity: 'warning',
  crossFile: false,
  fixable: false,
  guidance: [
    { seed: '000_a682b06f95e9be02.txt', heading: 'Manage AI models', quote: 'Maintain version control for models and ensure a rollback mechanism for underperforming versions.' },
    { seed: '003_f49c51cbe2b5b53b.txt', heading: 'AI models', quote: 'Track every model version and use centralized governance to control updates.' },
  ],
  check({ model, report }) {
    for (const d of model.deployments) {
      const ref = d.model;
      if (!ref || ref.pinned !== false) continue;
      if (model.isOverridden(d.file, 'model')) continue; // the pipeline writes the version before deploying
      const protectedTier = model.isProtectedTier(d);
      if (ref.unpinnedBecause === 'inline' && !protectedTier) continue;
      const severity = protectedTier ? 'error' : 'warning';
      const where = `${deploymentLabel(d)} ${inEnv(model, d)}`;
      let message: string;
      switch (ref.unpinnedBecause) {
        case 'latest':
          message = `The model '${ref.raw}' of ${where} floats on @latest: whatever was registered last gets deployed. Name the version that was tested, for example '${ref.name ? `azureml:${ref.name}:<version>` : '<name>:<version>'}'.`;
          break;
        case 'label':
          message = `The model '${ref.raw}' of ${where} follows the label '${ref.label}', which can move to another version. Name the version that was tested.`;
          break;
        case 'inline':
          message = `${where[0]!.toUpperCase()}${where.slice(1)} registers an anonymous inline model on every deploy, so the version that runs is not tracked. Register the model with a version (model.yml) and reference it as azureml:<name>:<version>.`;
          break;
        default:
          message = `The model '${ref.raw}' of ${where} has no version. Name the version that was tested.`;
      }
      report({ loc: ref.loc, message, severity, record: d });
    }
  },
});
