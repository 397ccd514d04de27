import { defineRule, type Report } from '../../engine/rule.js';
import type { AnyRecord, JobRecord, StepAction, WorkflowStep } from '../../model/records.js';
import { defineIndex, type WorkspaceModel } from '../../model/workspace.js';
import { groupFindings } from '../helpers.js';
import type { Loc } from '../../yaml/nodes.js';
import { byEnvRank, listWords, unique } from './logical.js';
import { PRODUCTION_AFTER_APPROVALS } from '../guidance.js';

const DEPLOY_KINDS: ReadonlyArray<StepAction['kind']> = ['deploy', 'traffic', 'provision'];

/** Steps that sign in to Azure. */
const LOGIN_USES = /^azure\/login@/i;
const LOGIN_RUN = /\baz\s+login\b|\bConnect-AzAccount\b|\bazd\s+auth\s+login\b/;
/** Secret names that hold or name a credential, wherever they are passed. */
const CREDENTIAL_NAME = /CREDENTIAL|CLIENT_?ID|CLIENT_?SECRET|SERVICE_?PRINCIPAL|(^|_)SP(_|$)|(^|_)ARM_(CLIENT|ACCESS)/i;
/** Identifiers, not credentials: one tenant or subscription for several environments is normal. */
const NOT_A_CREDENTIAL = /TENANT|SUBSCRIPTION/i;

interface SecretUse {
  name: string;
  loc: Loc;
}

function secretLoc(model: WorkspaceModel, file: string, within: Loc, name: string): Loc {
  const text = model.files.get(file)?.source.text ?? '';
  const slice = text.slice(within.span.start, within.span.end);
  const m = new RegExp(`secrets\\.${name}\\b`).exec(slice);
  if (!m) return within;
  const start = within.span.start + m.index;
  return { file, span: { start, end: start + m[0].length }, path: within.path };
}

/** The repository secrets a job signs in to Azure with. */
function loginSecrets(model: WorkspaceModel, job: JobRecord): SecretUse[] {
  const out: SecretUse[] = [];
  const add = (names: string[], where: Loc, all: boolean): void => {
    for (const name of names) {
      if (NOT_A_CREDENTIAL.test(name) || (!all && !CREDENTIAL_NAME.test(name))) continue;
      if (!out.some((s) => s.name === name)) out.push({ name, loc: secretLoc(model, job.file, where, name) });
    }
  };
  const isLogin = (s: WorkflowStep): boolean => (!!s.uses && LOGIN_USES.test(s.uses)) || (!!s.run && LOGIN_RUN.test(s.run));
  for (const step of job.steps) add(step.secrets, step.loc, isLogin(step));
  // A reusable workflow signs in with the secrets it is passed.
  if (job.uses) add(job.secrets, job.bodyLoc, false);
  return out;
}

export const perEnvironmentCredentials = defineRule({
  id: 'environments/per-environment-credentials',
  theme: 'environment-separation',
  description: 'Workflow jobs that deploy to different environments sign in with different credentials: environment secrets, not one repository secret shared by dev and prod.',
  defaultSeverity: 'warning',
  crossFile: true,
  fixable: false,
  guidance: [
    {
      seed: '000_a682b06f95e9be02.txt',
      heading: 'Manage AI deployment',
      quote: 'AI deployment management is about defining who can deploy AI resources and who governs these endpoints.',
    },
    PRODUCTION_AFTER_APPROVALS,
  ],
  check({ model, report }) {
    const rank = byEnvRank(model);
    const context = model.chain.join('\n');
    const reports = groupFindings(model, 'per-environment-credentials', SIGNING_JOBS, context, (_file, units, read) => {
      const out: Report[] = [];
      for (const unit of units) {
        const groups = unit.secrets.map((s) => read(SECRET_USES, s.name));
        const { job, env } = unit;
        // Names in the order they first appear in the workspace.
        const first = (g: readonly SecretUseAt[]): [number, number, number] => [model.memory.position(g[0]!.job.file), g[0]!.job.idLoc.span.start, g[0]!.index];
        const named = unit.secrets.map((secret, i) => ({ secret, group: groups[i]!, at: first(groups[i]!) }));
        named.sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1] || a.at[2] - b.at[2]);
        const shared: Array<{ secret: SecretUse; others: SecretUseAt[] }> = [];
        for (const { secret, group } of named) {
          const envs = unique(group.map((u) => u.env)).sort(rank);
          if (envs.length < 2 || env === envs[0]) continue;
          shared.push({ secret, others: group.filter((o) => o.env !== env) });
        }
        if (!shared.length) continue;
        const names = shared.map((s) => s.secret.name);
        const others = unique(shared.flatMap((s) => s.others.map((o) => o.env))).sort(rank);
        const otherJobs = unique(shared.flatMap((s) => s.others.map((o) => `'${o.job.id}' (${o.env})`)));
        out.push(
          {
            loc: shared[0]!.secret.loc,
            record: job,
            key: names.join(','),
            related: shared.flatMap((s) => s.others.map((o) => ({ loc: o.secret.loc, message: `job '${o.job.id}' of ${o.env} signs in with ${o.secret.name} here` }))),
            message: `Job '${job.id}' deploys to ${env} and signs in with the repository secret${names.length > 1 ? 's' : ''} ${names.join(', ')}, which job${otherJobs.length > 1 ? 's' : ''} ${listWords(otherJobs)} also use${otherJobs.length > 1 ? '' : 's'} for ${listWords(others)}. One identity for several environments lets every ${listWords(others)} run change ${env}. Add \`environment: ${env}\` to this job and store ${names.join(', ')} as ${env} environment secret${names.length > 1 ? 's' : ''} for an identity that can reach only ${env}.`,
          },
        );
      }
      return out;
    });
    for (const r of reports) report(r);
  },
});

/** A job that deploys without `environment:`, with the repository secrets it signs in with. */
interface SigningJob {
  job: JobRecord;
  env: string;
  secrets: SecretUse[];
}

interface SecretUseAt {
  job: JobRecord;
  env: string;
  secret: SecretUse;
  /** Place of the secret among the job's. */
  index: number;
}

function signingJob(model: WorkspaceModel, job: AnyRecord): SigningJob | undefined {
  // Jobs with \`environment:\` read environment secrets: the same name resolves per environment.
  if (job.type !== 'job' || job.environment) return undefined;
  if (!job.actions.some((a) => DEPLOY_KINDS.includes(a.kind))) return undefined;
  const env = model.env(job);
  if (!env) return undefined;
  const secrets = loginSecrets(model, job);
  return secrets.length ? { job, env, secrets } : undefined;
}

const SIGNING_JOBS = defineIndex<SigningJob>('per-environment-credentials: jobs', ['job'], (model, r) => {
  const s = signingJob(model, r);
  return s ? [[s.job.file, s]] : [];
});

const SECRET_USES = defineIndex<SecretUseAt>('per-environment-credentials: secrets', ['job'], (model, r) => {
  const s = signingJob(model, r);
  return s ? s.secrets.map((secret, index) => [secret.name, { job: s.job, env: s.env, secret, index }] as const) : [];
});
