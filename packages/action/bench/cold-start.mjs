// Cold start of the action: process start to exit of `node dist/index.js` on a tiny workspace, as a runner
// starts it (no pull request, no API calls). Prints the median and other percentiles; the target is < 300 ms.
// Usage: node packages/action/bench/cold-start.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 30);
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const dir = mkdtempSync(nodePath.join(tmpdir(), 'aigate-cold-start-'));
const ws = nodePath.join(dir, 'repo');
mkdirSync(nodePath.join(ws, 'deploy/prod'), { recursive: true });
writeFileSync(nodePath.join(ws, 'aigate.yaml'), 'version: 1\nenvironments:\n  - name: dev\n  - name: prod\n    files: ["deploy/prod/**"]\n');
writeFileSync(
  nodePath.join(ws, 'deploy/prod/blue.yml'),
  '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\nendpoint_name: chat\nmodel: azureml:chat@latest\ninstance_type: Standard_DS3_v2\ninstance_count: 3\n',
);
const env = {
  PATH: process.env.PATH,
  HOME: dir,
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REPOSITORY: 'contoso/chat',
  GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  GITHUB_WORKSPACE: ws,
  GITHUB_OUTPUT: nodePath.join(dir, 'output'),
  GITHUB_STEP_SUMMARY: nodePath.join(dir, 'summary'),
  'INPUT_CHECK-RUN': 'false',
  'INPUT_FAIL-ON': 'never',
};

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, cwd: ws, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return ms;
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { min: s[0], median: at(0.5), p90: at(0.9), max: s.at(-1) };
}

const fmt = (o) => Object.entries(o).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ');
try {
  time([dist]); // warm the file cache, as a runner that just checked out the action has
  const node = [];
  const action = [];
  for (let i = 0; i < runs; i++) {
    node.push(time(['-e', '']));
    action.push(time([dist]));
  }
  const a = stats(action);
  console.log(`node alone:       ${fmt(stats(node))}`);
  console.log(`action cold start: ${fmt(a)} (${runs} runs)`);
  console.log(a.median < 300 ? 'within the 300 ms target' : 'OVER the 300 ms target');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
