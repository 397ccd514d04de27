import type { WorkspaceModel } from '../model/workspace.js';
import type { Span } from '../text/source.js';
import { counterpartsByEnvironment, versionText } from './promotion.js';

export interface PromotionLens {
  /** Where the lens sits: the deployment's name, or the start of its document. */
  span: Span;
  /** One line: the version running in each environment of the promotion chain. */
  title: string;
  /** The same as data, for clients that render it themselves. */
  environments: Array<{ env: string; versions: string[]; current: boolean }>;
}

/**
 * One lens per deployment of a file: which model version the same logical deployment runs in each
 * environment of the promotion chain (`dev 8 → test 7 → prod 6, 8`).
 */
export function promotionLenses(model: WorkspaceModel, file: string): PromotionLens[] {
  const out: PromotionLens[] = [];
  for (const d of model.deployments) {
    if (d.file !== file) continue;
    const runs = counterpartsByEnvironment(model, d);
    if (!runs.length) continue;
    const here = model.env(d);
    const names = new Set(runs.flatMap((r) => r.deployments.map((x) => x.model?.name?.toLowerCase() ?? '')));
    const showName = names.size > 1;
    const environments = runs.map(({ env, deployments }) => {
      const versions = [...new Set(deployments.map((x) => (showName && x.model?.name ? `${x.model.name}:${versionText(x.model)}` : versionText(x.model))))].sort((a, b) =>
        a.localeCompare(b, undefined, { numeric: true }),
      );
      return { env, versions, current: env === here };
    });
    const parts = environments.map((e) => `${e.current ? `[${e.env}]` : e.env} ${e.versions.length ? e.versions.join(', ') : '—'}`);
    const what = d.model?.name && !showName ? `${d.model.name}: ` : '';
    out.push({ span: d.nameLoc.span, title: `${what}${parts.join(' → ')}`, environments });
  }
  return out;
}
