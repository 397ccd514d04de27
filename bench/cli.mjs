// Benchmark: `aigate check` on a generated 10,000-file workspace against reading and parsing the
// same files with the `yaml` package alone (the floor any YAML linter pays). Both run in fresh node
// processes, alternated, several times; the ratio of medians is printed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace } from './generate-workspace.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const files = Number(process.env.BENCH_FILES ?? 10000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const ws = path.join(repo, '.tmp', 'bench-workspace');
mkdirSync(path.dirname(ws), { recursive: true });
console.log(`generating ${files} files in ${path.relative(repo, ws)} ...`);
generateWorkspace(ws, files);

const yamlOnly = path.join(repo, '.tmp', 'bench-yaml-only.mjs');
writeFileSync(
  yamlOnly,
  `import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from ${JSON.stringify(path.join(repo, 'packages/core/node_modules/yaml/dist/index.js'))};
const root = process.argv[2];
let docs = 0;
async function walk(dir) {
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) await walk(abs);
    else if (/\\.ya?ml$/.test(e.name)) docs += parseAllDocuments(await fs.readFile(abs, 'utf8')).length;
  }
}
await walk(root);
console.log(docs);
`,
);

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

execFileSync(process.execPath, [path.join(repo, 'packages/cli/bin/aigate.js'), '--version']);
const aigate = [];
const yaml = [];
for (let i = 0; i < runs; i++) {
  yaml.push(time(process.execPath, [yamlOnly, ws]));
  aigate.push(time(process.execPath, [path.join(repo, 'packages/cli/bin/aigate.js'), 'check', ws, '--format', 'json', '--output', path.join(repo, '.tmp', 'bench-report.json'), '--fail-on', 'never']));
}
const a = median(aigate);
const y = median(yaml);
console.log(`files: ${files}, runs: ${runs} (medians, ms)`);
console.log(`yaml parse only : ${y.toFixed(0)}`);
console.log(`aigate check    : ${a.toFixed(0)}`);
console.log(`ratio aigate / yaml-only: ${(a / y).toFixed(2)}x (target: within 1.5x)`);

// Optional peer: Spectral with three equivalent rules (installed on first use into .tmp, not a dependency).
if (process.env.BENCH_SPECTRAL === '1') {
  const prefix = path.join(repo, '.tmp', 'spectral');
  const bin = path.join(prefix, 'node_modules', '.bin', 'spectral');
  if (!existsSync(bin)) {
    console.log('installing @stoplight/spectral-cli 6.16.3 into .tmp/spectral ...');
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '@stoplight/spectral-cli@6.16.3'], { stdio: 'ignore' });
  }
  const s = time(bin, ['lint', `${ws}/**/*.yml`, '--ruleset', path.join(repo, 'bench', 'spectral-ruleset.yaml'), '--format', 'json', '--output', path.join(repo, '.tmp', 'spectral-report.json'), '--fail-severity', 'error', '--quiet']);
  console.log(`spectral (3 rules): ${s.toFixed(0)} (one run)`);
  console.log(`ratio spectral / aigate: ${(s / a).toFixed(1)}x`);
}
