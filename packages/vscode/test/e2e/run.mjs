#!/usr/bin/env node
// End-to-end test of the packaged extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3),
// driven through Debian's chromium by playwright-core. Not part of `vitest run`: it needs
// packages/vscode/scripts/install-code-server.sh first, and takes a few minutes.
//
//   node packages/vscode/test/e2e/run.mjs [--vsix FILE] [--code-server DIR] [--screenshot FILE] [--keep]
//
//   --vsix FILE         test this .vsix instead of packaging one (scripts/package.mjs)
//   --code-server DIR   where install-code-server.sh put code-server (default .tmp/code-server, or $AIGATE_CODE_SERVER_DIR)
//   --screenshot FILE   also copy the squiggles-and-Problems screenshot to FILE (the README's picture)
//   --keep              keep the temporary workspace and profile for a look afterwards
//
// Artifacts (screenshots, code-server's log, a picture of each failure) go to .tmp/e2e/.
// Closes with the line `N passed, N failed`; exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EXAMPLE, readExpectations } from '../shared/expectations.mjs';
import { codeServerBin, installExtension, prepareProfile, startCodeServer } from './code-server.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { openWorkbench } from './workbench.mjs';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repo = resolve(pkgDir, '..', '..');
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
/** Longest wait for any one UI state (the machine may have 2 slow cores). */
const TIMEOUT = Number(process.env.AIGATE_E2E_TIMEOUT_MS ?? 120_000);

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const artifacts = join(repo, '.tmp', 'e2e');
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
const codeServerDir = resolve(option('--code-server') ?? process.env.AIGATE_CODE_SERVER_DIR ?? join(repo, '.tmp', 'code-server'));
const screenshotCopy = option('--screenshot');

const results = [];
let failureShots = 0;

function report(name, error) {
  results.push({ name, error });
  if (error) console.log(`not ok ${results.length} - ${name}\n  ${String(error.stack ?? error).split('\n').slice(0, 12).join('\n  ')}`);
  else console.log(`ok ${results.length} - ${name}`);
}

async function step(name, fn) {
  try {
    const value = await fn();
    report(name);
    return { ok: true, value };
  } catch (error) {
    report(name, error);
    return { ok: false };
  }
}

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (e) {
      console.error(`cleanup: ${e instanceof Error ? e.message : e}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping code-server`);
    void cleanup().then(() => process.exit(130));
  });
}

async function main() {
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'aigate-e2e-'));
  cleanups.push(() => (process.argv.includes('--keep') ? console.log(`kept ${tmp}`) : rmSync(tmp, { recursive: true, force: true })));

  // 1. The .vsix: packaged from this checkout unless one is given.
  let vsix = option('--vsix') && resolve(option('--vsix'));
  if (!vsix) {
    vsix = join(artifacts, `${manifest.name}.vsix`);
    const packaged = await step('the extension packages as a .vsix (language server and core bundled in)', () => {
      const r = spawnSync(process.execPath, [join(pkgDir, 'scripts', 'package.mjs'), '--out', vsix], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`scripts/package.mjs failed:\n${r.stdout}\n${r.stderr}`);
      if (!existsSync(vsix)) throw new Error(`no ${vsix}`);
    });
    if (!packaged.ok) return;
  }

  // 2. A fresh profile, the .vsix installed into it, and a copy of the example repository.
  const bin = await step('code-server is installed (scripts/install-code-server.sh)', () => codeServerBin(codeServerDir));
  if (!bin.ok) return;
  const profile = prepareProfile(join(tmp, 'profile'));
  const installed = await step(`code-server --install-extension installs ${EXTENSION_ID} from the .vsix alone`, () => {
    const list = installExtension(bin.value, profile, vsix);
    if (!list.includes(`${EXTENSION_ID}@${manifest.version}`)) throw new Error(`installed extensions: ${list.join(', ') || 'none'}`);
  });
  if (!installed.ok) return;
  const workspace = join(tmp, 'contoso-chat');
  cpSync(join(repo, EXAMPLE), workspace, { recursive: true });
  const expectations = readExpectations(workspace);
  const coreIndex = join(repo, 'packages', 'core', 'dist', 'index.js');
  if (!existsSync(coreIndex)) throw new Error(`${coreIndex} is missing: build the workspace first (npm run setup)`);
  const { ALL_RULES } = await import(pathToFileURL(coreIndex).href);

  // 3. code-server on a free loopback port, and chromium on the workbench.
  const logFile = join(artifacts, 'code-server.log');
  const log = [];
  const server = await step('code-server serves the workbench on a free loopback port', () =>
    startCodeServer(bin.value, profile, workspace, { log: (t) => log.push(t), timeoutMs: TIMEOUT }),
  );
  cleanups.push(() => writeFileSync(logFile, log.join('')));
  if (!server.ok) return;
  cleanups.push(() => server.value.stop());

  const { chromium } = createRequire(join(codeServerDir, 'package.json'))('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.AIGATE_E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);

  const opened = await step('the workbench opens the example and activates the extension', () => openWorkbench(page, server.value.url, workspace, TIMEOUT));
  if (!opened.ok) return;

  const ctx = {
    page,
    workspace,
    expectations,
    rules: ALL_RULES.map((r) => r.id),
    timeout: TIMEOUT,
    findings: 0,
    screenshot: async (name, { readme = true } = {}) => {
      const file = join(artifacts, name);
      await page.screenshot({ path: file });
      if (screenshotCopy && readme) {
        mkdirSync(dirname(resolve(screenshotCopy)), { recursive: true });
        copyFileSync(file, resolve(screenshotCopy));
      }
      console.log(`  screenshot: ${file}${screenshotCopy && readme ? ` (copied to ${screenshotCopy})` : ''}`);
    },
  };
  for (const [name, scenario] of SCENARIOS) {
    scenariosRun++;
    const r = await step(name, () => scenario(ctx));
    if (!r.ok) {
      failureShots++;
      await page.screenshot({ path: join(artifacts, `failure-${failureShots}.png`) }).catch(() => undefined);
      // Whatever a failed scenario left open (a menu, a quick input) must not block the next one.
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  }
  console.log(`# e2e took ${Math.round((Date.now() - started) / 1000)}s`);
}

let crashed;
let scenariosRun = 0;
try {
  await main();
} catch (e) {
  crashed = e;
  report('the end-to-end run completes', e);
} finally {
  await cleanup();
}
const failed = results.filter((r) => r.error).length;
if (scenariosRun < SCENARIOS.length) console.log(`# ${SCENARIOS.length - scenariosRun} scenarios did not run: a setup step failed`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed || crashed || results.length === 0 ? 1 : 0);
