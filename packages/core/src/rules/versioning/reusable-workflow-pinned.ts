import { defineRule } from '../../engine/rule.js';
import { isTemplated } from '../../formats/templating.js';
import type { WorkflowStep } from '../../model/records.js';
import type { WorkspaceModel } from '../../model/workspace.js';
import type { Loc } from '../../yaml/nodes.js';
import { inEnv, isPromotionJob } from '../helpers.js';
import { CHANGES_THROUGH_GIT } from '../guidance.js';

const BRANCH_RE = /^(main|master|develop|development|dev|trunk|HEAD)$/i;

/** The branch a remote `uses:` reference follows, or undefined (local, docker, SHA, tag, unknown ref). */
export function floatingBranch(ref: string): string | undefined {
  const value = ref.trim();
  if (value.startsWith('./') || value.startsWith('docker://') || isTemplated(value)) return undefined;
  const at = value.lastIndexOf('@');
  if (at <= 0) return undefined;
  const v = value.slice(at + 1);
  return BRANCH_RE.test(v) ? v : undefined;
}

/** The location of a step's `uses:` value (steps keep only their own span). */
function usesLoc(model: WorkspaceModel, file: string, step: WorkflowStep, ref: string): Loc {
  const text = model.files.get(file)?.source.text;
  if (!text) return step.loc;
  const body = text.slice(step.loc.span.start, step.loc.span.end);
  for (const m of body.matchAll(/(^|[\s{,-])uses\s*:[ \t]*(["']?)/g)) {
    const at = m.index + m[0].length;
    if (body.startsWith(ref, at)) {
      const start = step.loc.span.start + at;
      return { file: step.loc.file, span: { start, end: start + ref.length }, path: [...step.loc.path, 'uses'] };
    }
  }
  return step.loc;
}

export const reusableWorkflowPinned = defineRule({
  id: 'versioning/reusable-workflow-pinned',
  theme: 'version-control',
  description: 'Jobs that deploy or shift traffic call reusable workflows and actions of other repositories by commit SHA or release tag, never by a branch such as `@main`.',
  defaultSeverity: 'warning',
  crossFile: false,
  fixable: false,
  guidance: [
    CHANGES_THROUGH_GIT,
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI business continuity',
      quote: 'For generative and nongenerative AI, automated auditing of model and system changes should be in place so that you can quickly identify and revert unplanned alterations.',
    },
  ],
  check({ model, report }) {
    for (const job of model.jobs) {
      if (!isPromotionJob(job)) continue;
      const where = `Job '${job.id}' ${inEnv(model, job)}`;
      if (job.uses && !job.uses.local) {
        const branch = floatingBranch(job.uses.ref);
        if (branch) {
          report({
            loc: job.uses.loc,
            record: job,
            key: job.uses.ref,
            message: `${where} deploys through the reusable workflow '${job.uses.ref}', which follows the branch ${branch} of another repository: the deploy logic can change with no commit in this repository. Pin it to a full commit SHA (@<40 hex digits>, with the tag in a comment) or a release tag.`,
          });
        }
      }
      for (const step of job.steps) {
        if (!step.uses) continue;
        const branch = floatingBranch(step.uses);
        if (!branch) continue;
        report({
          loc: usesLoc(model, job.file, step, step.uses),
          record: job,
          key: step.uses,
          message: `${where} deploys with the action '${step.uses}', which follows the branch ${branch} of another repository: what runs with the deployment credentials can change with no commit in this repository. Pin it to a full commit SHA (@<40 hex digits>) or a release tag.`,
        });
      }
    }
  },
});
