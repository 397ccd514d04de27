import { defineRule } from '../../engine/rule.js';
import { deploymentLabel, inEnv } from '../helpers.js';
import { TRACK_EVERY_VERSION, VERSION_CONTROL_AND_ROLLBACK } from '../guidance.js';

export const modelPinned = defineRule({
  id: 'versioning/model-pinned',
  theme: 'version-control',
  description: 'Deployments name an exact model version, never `@latest`, a label, or an unregistered inline model in test or prod.',
  defaultSeverity: 'warning',
  crossFile: false,
  fixable: false,
  guidance: [
    VERSION_CONTROL_AND_ROLLBACK,
    TRACK_EVERY_VERSION,
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
