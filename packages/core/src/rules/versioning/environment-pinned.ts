import { defineRule } from '../../engine/rule.js';
import type { AssetRef, ImageRef } from '../../model/records.js';
import { deploymentLabel, inEnv } from '../helpers.js';
import { CHANGES_THROUGH_GIT, VERSION_CONTROL_AND_ROLLBACK } from '../guidance.js';

/** Microsoft's curated environments: the `azureml` system registry, or workspace names starting with `AzureML-`. */
function isCurated(ref: AssetRef): boolean {
  if (ref.source === 'registry') return ref.registry?.toLowerCase() === 'azureml';
  return ref.source === 'workspace' && /^azureml-/i.test(ref.name ?? '');
}

/** Floating images: untagged or `:latest`. A templated host or name still floats when the tag is literally `latest`. */
function floats(image: ImageRef): boolean {
  if (image.pinned !== undefined) return !image.pinned;
  if (image.raw.includes('@')) return false;
  const last = image.raw.trim().split('/').pop() ?? '';
  return /:latest$/.test(last);
}

function imageProblem(image: ImageRef): string {
  return image.tag === 'latest' || /:latest$/.test(image.raw.trim()) ? 'uses the tag :latest' : 'has no tag, so it pulls :latest';
}

function pinnedImageExample(image: ImageRef): string {
  const base = image.raw.trim().replace(/:latest$/, '');
  return `${base}:<tag>' or '${base}@sha256:<digest>`;
}

export const environmentPinned = defineRule({
  id: 'versioning/environment-pinned',
  theme: 'version-control',
  description: 'Deployments and environment assets name an exact environment version and container image tag or digest, never `@latest`, a label, or an untagged image.',
  defaultSeverity: 'warning',
  crossFile: false,
  fixable: false,
  guidance: [
    VERSION_CONTROL_AND_ROLLBACK,
    CHANGES_THROUGH_GIT,
  ],
  check({ model, report }) {
    for (const d of model.deployments) {
      const protectedTier = model.isProtectedTier(d);
      const severity = protectedTier ? 'error' : 'warning';
      const where = `${deploymentLabel(d)} ${inEnv(model, d)}`;
      const env = d.environment;
      if (env && env.source !== 'inline' && env.pinned === false && !model.isOverridden(d.file, 'environment')) {
        // Curated environments follow Microsoft's patches; floating on them is accepted outside test and prod.
        const curated = isCurated(env);
        if (!curated || protectedTier) {
          const example = env.source === 'registry' ? `azureml://registries/${env.registry ?? '<registry>'}/environments/${env.name ?? '<name>'}/versions/<version>` : `azureml:${env.name ?? '<name>'}:<version>`;
          const what = curated ? `the curated environment '${env.raw}'` : `the environment '${env.raw}'`;
          let why: string;
          switch (env.unpinnedBecause) {
            case 'latest':
              why = 'floats on latest: a redeploy or scale-out can pick up other packages than the ones that were tested';
              break;
            case 'label':
              why = `follows the label '${env.label}', which can move to another version`;
              break;
            default:
              why = 'has no version, so Azure ML resolves one at deploy time';
          }
          report({ loc: env.loc, record: d, severity, message: `${where[0]!.toUpperCase()}${where.slice(1)} uses ${what}, which ${why}. Name the tested version, for example '${example}'.` });
        }
      }
      const image = d.image;
      if (image && floats(image)) {
        report({
          loc: image.loc,
          record: d,
          severity,
          message: `The container image '${image.raw}' of ${where} ${imageProblem(image)}: the image can change under the same configuration. Pin a version tag or a digest, for example '${pinnedImageExample(image)}'.`,
        });
      }
    }
    for (const e of model.environmentAssets) {
      const image = e.image;
      if (!image || !floats(image)) continue;
      const severity = model.isProtectedTier(e) ? 'error' : 'warning';
      const name = e.name ? `environment '${e.name}${e.version ? `:${e.version}` : ''}'` : 'this environment';
      report({
        loc: image.loc,
        record: e,
        severity,
        message: `The base image '${image.raw}' of ${name} ${imageProblem(image)}: rebuilding the same environment version can produce a different image. Pin a version tag or a digest, for example '${pinnedImageExample(image)}'.`,
      });
    }
  },
});
