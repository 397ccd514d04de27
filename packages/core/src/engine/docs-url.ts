/** Where the rule documentation lives by default: the docs beside each rule in the repository. */
export const DEFAULT_DOCS_BASE = 'https://github.com/aigate-dev/aigate/blob/main/packages/core/src/rules';

export function docsUrl(ruleId: string, base: string = DEFAULT_DOCS_BASE): string {
  return `${base.replace(/\/+$/, '')}/${ruleId}.md`;
}
