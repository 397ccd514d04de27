import { defineRule, type FixSpec } from '../../engine/rule.js';
import type { JobRecord } from '../../model/records.js';
import type { WorkspaceModel } from '../../model/workspace.js';
import { isPromotionJob } from '../helpers.js';
import { PRODUCTION_AFTER_APPROVALS } from '../guidance.js';

function insertEnvironmentFix(model: WorkspaceModel, job: JobRecord, envName: string): FixSpec | undefined {
  const file = model.files.get(job.file);
  if (!file) return undefined;
  const src = file.source;
  const at = job.bodyLoc.span.start;
  const pos = src.positionAt(at);
  const lineText = src.lineText(pos.line);
  // Only insert when the job body is a block mapping that starts on its own line.
  if (lineText.slice(0, pos.character).trim() !== '') return undefined;
  const indent = lineText.slice(0, pos.character);
  return { title: `Add \`environment: ${envName}\` to job '${job.id}'`, edits: [{ file: job.file, span: { start: at, end: at }, newText: `environment: ${envName}\n${indent}` }] };
}

export const deployRequiresApproval = defineRule({
  id: 'promotion/deploy-requires-approval',
  theme: 'model-promotion',
  description: 'Workflow jobs that deploy to test or prod run behind a GitHub environment, so a person approves the promotion.',
  defaultSeverity: 'error',
  crossFile: false,
  fixable: true,
  guidance: [
    PRODUCTION_AFTER_APPROVALS,
  ],
  check({ model, report }) {
    for (const job of model.jobs) {
      if (!isPromotionJob(job)) continue;
      const env = model.env(job);
      if (!env || !model.isProtectedEnv(env)) continue;
      const what = job.actions.find((a) => a.kind === 'deploy' || a.kind === 'traffic')!;
      if (job.uses) {
        if (job.uses.local) {
          const called = job.uses.ref.replace(/^\.\//, '').split('@')[0]!;
          const calledJobs = model.jobsOfWorkflow(called);
          if (!calledJobs.length || calledJobs.some((j) => j.environment)) continue;
          report({ loc: job.uses.loc, record: job, message: `Job '${job.id}' promotes to ${env} through ${called}, and no job there runs behind an \`environment:\`, so nobody approves the promotion. Add \`environment:\` to the deploying job of ${called} and require reviewers on it.` });
        } else {
          report({ loc: job.uses.loc, record: job, severity: 'warning', message: `Job '${job.id}' promotes to ${env} through the reusable workflow ${job.uses.ref}, whose approval aigate cannot see. Make sure its deploying job runs behind an \`environment:\` with required reviewers, or deploy from a job of this repository.` });
        }
        continue;
      }
      if (job.environment) continue; // known or an expression: an environment gate is in place
      const fix = insertEnvironmentFix(model, job, env);
      report({
        loc: job.idLoc,
        record: job,
        message: `Job '${job.id}' promotes to ${env} (${what.via}) without \`environment:\`, so it runs with no manual approval. Add \`environment: ${env}\` and require reviewers on that GitHub environment.`,
        fixes: fix ? [fix] : [],
      });
    }
  },
});
