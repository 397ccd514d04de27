// Runs the extension's scenarios in a real VS Code downloaded by @vscode/test-electron.
// Needs internet access to download VS Code; where there is none, run test/e2e/run.mjs (code-server) instead.
//
//   npm run test:electron        (from packages/vscode; builds dist/ and out/electron/ first)
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { EXAMPLE } from '../shared/expectations.mjs';

// This file is bundled to out/electron/run-test.cjs.
const pkgDir = resolve(__dirname, '..', '..');
const repo = resolve(pkgDir, '..', '..');

async function main(): Promise<number> {
  const tmp = mkdtempSync(join(tmpdir(), 'aigate-electron-'));
  try {
    const workspace = join(tmp, 'contoso-chat');
    cpSync(join(repo, EXAMPLE), workspace, { recursive: true });
    const userData = join(tmp, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }, null, 2),
    );
    await runTests({
      version: process.env.AIGATE_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: pkgDir,
      extensionTestsPath: join(pkgDir, 'out', 'electron', 'suite', 'index.cjs'),
      extensionTestsEnv: { AIGATE_E2E_WORKSPACE: workspace },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userData}`, '--skip-welcome', '--skip-release-notes'],
    });
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    return 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
