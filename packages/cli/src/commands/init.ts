import { existsSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { inferPolicyText, POLICY_FILE_NAMES } from '@aigate/core';
import { checkDirectory } from '@aigate/core/node';
import { EXIT, type Io } from '../io.js';

export async function runInitCommand(args: { root?: string; stdout?: boolean }, io: Io): Promise<number> {
  const root = nodePath.resolve(io.cwd, args.root ?? '.');
  const existing = POLICY_FILE_NAMES.find((n) => existsSync(nodePath.join(root, n)));
  if (existing && !args.stdout) {
    io.stderr(`aigate: ${nodePath.join(root, existing)} already exists; aigate init never overwrites it (use --stdout to see what it would write).\n`);
    return EXIT.usage;
  }
  const result = await checkDirectory(root);
  const text = inferPolicyText(result.model);
  if (args.stdout) {
    io.stdout(text);
    return EXIT.clean;
  }
  const target = nodePath.join(root, 'aigate.yaml');
  writeFileSync(target, text, { flag: 'wx' });
  const envs = result.model.chain.length ? result.model.chain.join(' → ') : 'none found (edit the template)';
  io.stdout(`Wrote ${nodePath.relative(io.cwd, target) || target}\nEnvironments: ${envs}\nNext: name the approvers of protected environments, then run \`aigate check\`.\n`);
  return EXIT.clean;
}
