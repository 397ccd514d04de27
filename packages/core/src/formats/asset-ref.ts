import type { AssetRef, ImageRef } from '../model/records.js';
import type { Loc } from '../yaml/nodes.js';
import { isTemplated } from './templating.js';

const REGISTRY_RE = /^azureml:\/\/registries\/([^/]+)\/(models|environments|components)\/([^/]+)(?:\/(versions|labels)\/([^/]+))?\/?$/i;
const ARM_RE = /^azureml:\/?(?:\/)?subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/(models|environments)\/([^/]+)(?:\/versions\/([^/]+))?\/?$/i;
const LOCATION_RE = /^azureml:\/\/(?:locations\/[^/]+\/workspaces\/[^/]+|subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/workspaces\/[^/]+)\/(models|environments)\/([^/]+)(?:\/(versions|labels)\/([^/]+))?\/?$/i;

/** Parse an Azure ML asset reference (`azureml:name:1`, `azureml:name@latest`, `azureml://registries/...`). */
export function parseAssetRef(raw: string, loc: Loc): AssetRef {
  const value = raw.trim();
  if (isTemplated(value)) {
    const base: AssetRef = { raw, loc, source: 'unknown', pinned: undefined };
    // A name can often still be read even when the version is templated.
    const m = /^azureml:([A-Za-z0-9][\w.-]*)[:@]/.exec(value);
    if (m) return { ...base, source: 'workspace', name: m[1] };
    const r = REGISTRY_RE.exec(value.replace(/\$\{\{[^}]*\}\}|\$\{[^}]*\}/g, '<X>'));
    if (r) return { ...base, source: 'registry', registry: isTemplated(r[1]!) ? undefined : r[1], name: isTemplated(r[3]!) ? undefined : r[3] };
    return base;
  }
  let m = REGISTRY_RE.exec(value);
  if (m) {
    const [, registry, , name, kind, v] = m;
    if (kind === 'versions') return { raw, loc, source: 'registry', registry, name, version: v, pinned: true };
    if (kind === 'labels') return { raw, loc, source: 'registry', registry, name, label: v, pinned: false, unpinnedBecause: v === 'latest' ? 'latest' : 'label' };
    return { raw, loc, source: 'registry', registry, name, pinned: false, unpinnedBecause: 'no-version' };
  }
  m = ARM_RE.exec(value);
  if (m) {
    const [, , name, version] = m;
    return version
      ? { raw, loc, source: 'arm-id', name, version, pinned: true }
      : { raw, loc, source: 'arm-id', name, pinned: false, unpinnedBecause: 'no-version' };
  }
  m = LOCATION_RE.exec(value);
  if (m) {
    const [, , name, kind, v] = m;
    if (kind === 'versions') return { raw, loc, source: 'workspace', name, version: v, pinned: true };
    if (kind === 'labels') return { raw, loc, source: 'workspace', name, label: v, pinned: false, unpinnedBecause: v === 'latest' ? 'latest' : 'label' };
    return { raw, loc, source: 'workspace', name, pinned: false, unpinnedBecause: 'no-version' };
  }
  m = /^azureml:([^:@/\s]+)(?::([^:@\s]+)|@([^:@\s]+))?$/.exec(value);
  if (m) {
    const [, name, version, label] = m;
    if (version) return { raw, loc, source: 'workspace', name, version, pinned: true };
    if (label) return { raw, loc, source: 'workspace', name, label, pinned: false, unpinnedBecause: label === 'latest' ? 'latest' : 'label' };
    return { raw, loc, source: 'workspace', name, pinned: false, unpinnedBecause: 'no-version' };
  }
  // `name:version` without the azureml: prefix is accepted by the CLI too.
  m = /^([A-Za-z0-9][\w.-]*):([\w.-]+)$/.exec(value);
  if (m) return { raw, loc, source: 'workspace', name: m[1], version: m[2], pinned: true };
  m = /^([A-Za-z0-9][\w.-]*)@([\w.-]+)$/.exec(value);
  if (m) return { raw, loc, source: 'workspace', name: m[1], label: m[2], pinned: false, unpinnedBecause: m[2] === 'latest' ? 'latest' : 'label' };
  return { raw, loc, source: 'unknown', pinned: undefined };
}

/** Parse a container image reference; an image without a tag or digest floats on `latest`. */
export function parseImageRef(raw: string, loc: Loc): ImageRef {
  const value = raw.trim();
  if (isTemplated(value)) return { raw, loc, pinned: undefined };
  const at = value.indexOf('@');
  if (at >= 0) {
    const digest = value.slice(at + 1);
    return { raw, loc, digest, pinned: /^sha256:[0-9a-f]{64}$/i.test(digest) ? true : undefined };
  }
  const lastSlash = value.lastIndexOf('/');
  const last = value.slice(lastSlash + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return { raw, loc, pinned: false };
  const tag = last.slice(colon + 1);
  return { raw, loc, tag, pinned: tag !== 'latest' && tag !== '' };
}
