/** JSON Schema of `aigate.yaml`, built from the rule registry so rule ids complete in editors. */
export function policySchema(ruleIds: readonly string[]): Record<string, unknown> {
  const severity = { type: 'string', enum: ['error', 'warning', 'info', 'off'], description: 'Severity, or off to turn the rule off.' };
  const globs = (description: string): Record<string, unknown> => ({ type: 'array', items: { type: 'string', minLength: 1 }, description });
  const ruleSetting = {
    oneOf: [
      severity,
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          severity,
          environments: {
            type: 'object',
            description: 'Severity per environment name; overrides `severity` for records of that environment.',
            additionalProperties: severity,
          },
        },
      },
    ],
  };
  const owners = (description: string): Record<string, unknown> => ({
    type: 'object',
    additionalProperties: false,
    description,
    properties: {
      users: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9-]+$' }, description: 'GitHub user logins.' },
      teams: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' }, description: 'GitHub teams as org/team-slug. Only active members count.' },
      required: { type: 'integer', minimum: 1, description: 'How many approvals are needed (default 1).' },
    },
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://aigate.dev/schema/aigate.schema.json',
    title: 'aigate policy',
    description: 'Governance policy for AI workload configuration: environments in promotion order, workloads, models, rule settings and suppressions.',
    type: 'object',
    additionalProperties: false,
    required: ['version'],
    properties: {
      $schema: { type: 'string' },
      version: { const: 1, description: 'Policy format version. Always 1.' },
      docs_url: { type: 'string', pattern: '^https?://', description: 'Base URL of the rule documentation, if you host it yourself.' },
      environments: {
        type: 'array',
        description: 'Environments in promotion order, lowest first (for example dev, test, prod). A sandbox environment sits outside the chain.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Environment name used everywhere in aigate.' },
            tier: { type: 'string', enum: ['sandbox', 'dev', 'test', 'prod'], description: 'What the environment is for. Inferred from the name when omitted.' },
            files: globs('Globs of the files that configure this environment (relative to the repository root).'),
            aliases: globs('Other names of this environment: GitHub environment names (`Production`), folder names, file-name tokens.'),
            protected: { type: 'boolean', description: 'Deployments to this environment need manual approval.' },
            approvers: {
              type: 'object',
              additionalProperties: false,
              properties: {
                users: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9-]+$' }, description: 'GitHub user logins.' },
                teams: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' }, description: 'GitHub teams as org/team-slug.' },
                required: { type: 'integer', minimum: 1, description: 'How many approvals a promotion needs.' },
              },
            },
          },
        },
      },
      workloads: {
        type: 'array',
        description: 'Workloads, each owning files and endpoints. Endpoint-sharing rules compare workloads.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1 },
            files: globs('Globs of the files that belong to this workload.'),
            endpoints: globs('Endpoint names (globs) this workload owns.'),
            content_filter: { type: 'string', description: 'Content-filter (governance) profile the workload needs.' },
            models: globs('Models the workload needs (globs over model names).'),
          },
        },
      },
      models: {
        type: 'object',
        additionalProperties: false,
        description: 'Which models may be deployed.',
        properties: {
          allowed: globs('Allowed model names or references (globs). When set, any other model is a finding.'),
          denied: globs('Denied model names or references (globs).'),
          registries: globs('Azure ML registries models may come from.'),
        },
      },
      rules: {
        type: 'object',
        description: 'Rule settings: a severity, or a severity per environment.',
        propertyNames: { enum: [...ruleIds] },
        properties: Object.fromEntries(ruleIds.map((id) => [id, ruleSetting])),
        additionalProperties: false,
      },
      suppressions: {
        type: 'array',
        description: 'Findings accepted on purpose. Each needs a reason; expired and unused suppressions are findings.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['rule', 'reason'],
          properties: {
            rule: { type: 'string', enum: [...ruleIds] },
            paths: globs('Files the suppression applies to (globs). All files when omitted.'),
            environments: { type: 'array', items: { type: 'string' }, description: 'Environments the suppression applies to. All when omitted.' },
            reason: { type: 'string', minLength: 3, description: 'Why the finding is accepted.' },
            expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Date (YYYY-MM-DD) after which the suppression stops applying.' },
          },
        },
      },
      ignore: globs('Files aigate does not read (globs), in addition to .gitignore.'),
      evaluation: {
        type: 'object',
        additionalProperties: false,
        properties: {
          signals: globs('Regular expressions over workflow commands that count as evaluation steps.'),
        },
      },
      policy_owners: owners('Who approves a pull request that changes this policy file. The promotion gate reads the policy from the base commit, so the new rules apply only after the change is merged. Without policy_owners, a policy change needs one approval from a repository admin or maintainer.'),
      approval_roles: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Custom repository roles whose approvals count, besides admin, maintain and write. The role must still grant write access (its base permission is write or admin).',
      },
      quality_gates: {
        type: 'array',
        description: 'Evaluation evidence and metric thresholds a model needs before the promotion gate lets it into an environment.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['evidence', 'metrics'],
          properties: {
            name: { type: 'string', minLength: 1, description: 'Name shown in the promotion dossier.' },
            models: globs('Model names (globs) the gate applies to. Every model when omitted.'),
            workloads: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Workloads the gate applies to. Every workload when omitted.' },
            environments: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Environments the gate applies to. The protected environments (protected: true, or tier test or prod) when omitted.' },
            evidence: {
              type: 'object',
              additionalProperties: false,
              required: ['path'],
              description: 'Where the evaluation evidence lives and who owns it.',
              properties: {
                path: {
                  type: 'string',
                  minLength: 1,
                  description: 'Path of the evidence file relative to the policy file, with placeholders {model}, {version}, {environment} and {workload}; for example evaluation/{model}/{version}.json. The file is JSON: {"model", "version", "dataset", "commit", "metrics": {name: number}}.',
                },
                data: globs('Evaluation data and code (globs). A pull request that changes them together with a promotion needs the evidence owners.'),
                owners: owners('Who approves a promotion whose pull request also changes its evidence, its thresholds or its evaluation data.'),
              },
            },
            metrics: {
              type: 'object',
              minProperties: 1,
              description: 'Thresholds per metric name, as the evidence file names them.',
              additionalProperties: {
                type: 'object',
                additionalProperties: false,
                minProperties: 1,
                properties: {
                  at_least: { type: 'number', description: 'The metric must be at least this value.' },
                  at_most: { type: 'number', description: 'The metric must be at most this value.' },
                },
              },
            },
          },
        },
      },
    },
  };
}
