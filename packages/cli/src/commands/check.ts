import { writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { ALL_RULES, formatReport, OUTPUT_FORMATS, SEVERITY_RANK, type Finding, type OutputFormat, type Severity } from '@aigate/core';
import { checkDirectory, DEFAULT_MAX_FILE_SIZE, findRoot } from '@aigate/core/node';
import { EXIT, UsageError, type Io } from '../io.js';
import { VERSION } from '../version.js';

export interface CheckArgs {
  paths: string[];
  format?: string;
  output?: string;
  failOn?: string;
  env?: string;
  root?: string;
  policy?: string;
  maxFileSize?: string;
  color?: boolean;
}

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;

export function exceedsThreshold(findings: readonly Finding[], failOn: (typeof FAIL_ON)[number]): boolean {
  if (failOn === 'never') return false;
  const min = SEVERITY_RANK[failOn as Severity];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= min);
}

export async function runCheckCommand(args: CheckArgs, io: Io): Promise<number> {
  const format = (args.format ?? 'stylish') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`unknown format '${args.format}'; use one of ${OUTPUT_FORMATS.join(', ')}`);
  const failOn = (args.failOn ?? 'error') as (typeof FAIL_ON)[number];
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on takes ${FAIL_ON.join(', ')}, not '${args.failOn}'`);
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (args.maxFileSize !== undefined) {
    const kib = Number(args.maxFileSize);
    if (!Number.isFinite(kib) || kib <= 0) throw new UsageError(`--max-file-size takes a number of KiB, not '${args.maxFileSize}'`);
    maxFileSize = Math.round(kib * 1024);
  }

  const absPaths = args.paths.map((p) => nodePath.resolve(io.cwd, p));
  const { statSync, existsSync } = await import('node:fs');
  for (const p of absPaths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${nodePath.relative(io.cwd, p) || p}`);
  let root: string;
  let only: string[] | undefined;
  if (args.root) root = nodePath.resolve(io.cwd, args.root);
  else if (absPaths.length === 1 && statSync(absPaths[0]!).isDirectory() && findRoot(absPaths[0]!) === absPaths[0]) root = absPaths[0]!;
  else root = findRoot(absPaths.length === 1 && statSync(absPaths[0]!).isDirectory() ? absPaths[0]! : io.cwd);
  if (absPaths.length && !(absPaths.length === 1 && absPaths[0] === root)) {
    only = absPaths.map((p) => nodePath.relative(root, p).split(nodePath.sep).join('/'));
    const outside = only.find((p) => p.startsWith('..'));
    if (outside !== undefined) throw new UsageError(`${outside} is outside the repository root ${root}; pass --root`);
  }
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`the root ${root} is not a folder`);

  const policyFile = args.policy === undefined ? undefined : nodePath.resolve(io.cwd, args.policy);
  if (policyFile !== undefined && existsSync(policyFile) && statSync(policyFile).isDirectory()) throw new UsageError(`--policy takes a file, and ${args.policy} is a folder`);
  const result = await checkDirectory(root, { env: args.env, maxFileSize, only, policyFile });
  if (args.env) {
    const known = new Set([...result.model.chain, ...result.policy.policy.environments.map((e) => e.name)]);
    for (const r of [...result.model.deployments, ...result.model.jobs]) {
      const e = result.model.env(r);
      if (e) known.add(e);
    }
    if (![...known].some((k) => k.toLowerCase() === args.env!.toLowerCase())) {
      io.stderr(`aigate: note: no file belongs to environment '${args.env}'${known.size ? ` (known: ${[...known].join(', ')})` : ''}\n`);
    }
  }
  const color = args.color ?? (io.isTTY && !args.output && !io.env.NO_COLOR);
  const report = formatReport(format, {
    findings: result.findings,
    suppressed: result.suppressed,
    notes: result.notes,
    rules: ALL_RULES,
    root: result.root,
    filesChecked: result.filesChecked,
    sources: result.sources,
    color,
    toolVersion: VERSION,
  });
  if (args.output) {
    const out = nodePath.resolve(io.cwd, args.output);
    writeFileSync(out, report.endsWith('\n') ? report : `${report}\n`);
    io.stderr(`aigate: wrote ${format} report to ${nodePath.relative(io.cwd, out) || out}\n`);
  } else io.stdout(report.endsWith('\n') || report === '' ? report : `${report}\n`);
  if (result.policy.problems.some((p) => p.severity === 'error')) {
    io.stderr(`aigate: the policy ${result.policyPath ?? 'aigate.yaml'} has errors (see the aigate/policy-error findings); fix it first.\n`);
    return EXIT.usage;
  }
  return exceedsThreshold(result.findings, failOn) ? EXIT.findings : EXIT.clean;
}
