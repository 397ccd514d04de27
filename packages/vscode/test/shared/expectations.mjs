// What the end-to-end scenarios expect, shared by the code-server run (test/e2e) and the
// @vscode/test-electron run (test/electron). The example repository marks each finding beside the line
// that causes it with `# expect: <rule>[, <rule>...]`; these helpers read those markers.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The example repository the scenarios open (a temporary copy of it). */
export const EXAMPLE = 'examples/contoso-chat';

/** The quick-fix scenario: the job that deploys to production without `environment:`. */
export const QUICK_FIX = {
  file: '.github/workflows/deploy.yml',
  ruleId: 'promotion/deploy-requires-approval',
  /** The text the cursor goes to (the finding's range starts at the job id). */
  anchor: 'rollout-prod',
  fixTitle: /environment: prod\b.*rollout-prod/,
  /** The line the fix inserts. */
  inserted: 'environment: prod',
};

/** The policy-path scenario: a policy file of the folder's own, named by `aigate.policyPath`, that turns a rule off. */
export const POLICY_PATH = { file: 'governance/team-policy.yaml', ruleOff: 'promotion/prod-version-tested' };

/** The rule the explain scenario opens, and a line of its documentation. */
export const EXPLAIN = { ruleId: 'promotion/deploy-requires-approval', heading: 'How to fix' };

const MARKER = /#\s*expect:\s*([a-z0-9/,\s-]+?)\s*$/;
const SKIP = new Set(['.git', 'node_modules']);

function* yamlFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(full);
    else if (/\.ya?ml$/.test(entry.name)) yield full;
  }
}

/**
 * Every `# expect:` marker under root: one entry per (file, 0-based line, rule id), sorted.
 * @param {string} root
 * @returns {{ file: string; line: number; ruleId: string }[]}
 */
export function readExpectations(root) {
  const out = [];
  for (const full of yamlFiles(root)) {
    const file = relative(root, full).split(sep).join('/');
    readFileSync(full, 'utf8')
      .split(/\r?\n/)
      .forEach((text, line) => {
        const m = MARKER.exec(text);
        if (!m) return;
        for (const ruleId of m[1].split(',').map((s) => s.trim()).filter(Boolean)) out.push({ file, line, ruleId });
      });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}
