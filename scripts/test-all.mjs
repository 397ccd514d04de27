// Runs the whole test suite with vitest and closes with one plain summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
rmSync(report, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });
let summary;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = `vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
  if (r.numTotalTests === 0) {
    console.error('no tests ran');
    process.exit(1);
  }
} catch {
  summary = 'vitest: no report was written';
}
console.log(summary);
process.exit(run.status ?? 1);
