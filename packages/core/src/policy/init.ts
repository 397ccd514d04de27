import type { WorkspaceModel } from '../model/workspace.js';
import { CONVENTIONAL_ORDER, tierOfName } from './tiers.js';

/** Common folder of a set of paths, as a glob (`deploy/prod/**`), or the files themselves. */
function globsFor(paths: string[]): string[] {
  const dirs = new Map<string, number>();
  for (const p of paths) {
    const d = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    dirs.set(d, (dirs.get(d) ?? 0) + 1);
  }
  const out = new Set<string>();
  for (const p of paths) {
    const d = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    out.add(d && !d.startsWith('.github') ? `${d}/**` : p);
  }
  // Drop globs covered by a shorter one.
  const list = [...out].sort((a, b) => a.length - b.length);
  return list.filter((g, i) => !list.slice(0, i).some((h) => h.endsWith('/**') && g.startsWith(h.slice(0, -2))));
}

function yamlString(s: string): string {
  return /^[A-Za-z0-9_./*-]+$/.test(s) && !/^\*/.test(s) ? s : JSON.stringify(s);
}

/** A starter aigate.yaml inferred from the layout of a workspace (checked on conventions). */
export function inferPolicyText(model: WorkspaceModel, schemaRef = './node_modules/@aigate/core/schema/aigate.schema.json'): string {
  const byEnv = new Map<string, { files: Set<string>; aliases: Set<string> }>();
  const slot = (env: string): { files: Set<string>; aliases: Set<string> } => {
    let s = byEnv.get(env);
    if (!s) {
      s = { files: new Set(), aliases: new Set() };
      byEnv.set(env, s);
    }
    return s;
  };
  for (const rec of [...model.deployments, ...model.endpoints, ...model.models, ...model.environmentAssets]) {
    const info = model.info(rec);
    if (info.env?.source === 'path') slot(info.env.name).files.add(rec.file);
  }
  for (const job of model.jobs) {
    const env = model.env(job);
    if (env && job.environment?.known && job.environment.value !== env) slot(env).aliases.add(job.environment.value);
  }
  const names = [...byEnv.keys()];
  const order = [...(names.includes('sandbox') ? ['sandbox'] : []), ...CONVENTIONAL_ORDER.filter((n) => names.includes(n))];
  const lines: string[] = [
    `# yaml-language-server: $schema=${schemaRef}`,
    '# aigate policy: environments in promotion order, who approves promotions, and rule settings.',
    '# Written by `aigate init` from this repository\'s layout; review every entry.',
    'version: 1',
    '',
    'environments:',
  ];
  if (!order.length) {
    lines.push('  # No environment could be told from folder or file names. Declare yours, lowest first:', '  - name: dev', '    files: ["deploy/dev/**"]', '  - name: test', '    files: ["deploy/test/**"]', '    protected: true', '  - name: prod', '    files: ["deploy/prod/**"]', '    protected: true');
  }
  for (const name of order) {
    const s = byEnv.get(name)!;
    const tier = tierOfName(name);
    lines.push(`  - name: ${name}`);
    const files = globsFor([...s.files]);
    if (files.length) lines.push(`    files: [${files.map(yamlString).join(', ')}]`);
    if (s.aliases.size) lines.push(`    aliases: [${[...s.aliases].map(yamlString).join(', ')}]`);
    if (tier === 'test' || tier === 'prod') {
      lines.push('    protected: true');
      lines.push('    # approvers:', '    #   teams: [your-org/ml-release-managers]', '    #   required: 1');
    }
  }
  lines.push(
    '',
    '# workloads:',
    '#   - name: chat',
    '#     files: ["services/chat/**"]',
    '#     endpoints: ["chat-*"]',
    '',
    '# models:',
    '#   allowed: ["azureml://registries/<your-registry>/models/*"]',
    '',
    '# rules:',
    '#   resilience/ha-instance-count: { severity: warning, environments: { test: "off" } }',
    '',
  );
  return `${lines.join('\n')}`;
}
