// Packages the extension as a .vsix that needs nothing but itself:
//   1. builds the language server bundle (packages/lsp, its build:bundle script),
//   2. builds dist/ with --production --require-server (scripts/build.mjs),
//   3. runs `vsce package --no-dependencies` (the bundles carry every dependency).
//
// Usage: node scripts/package.mjs [--out FILE] [--skip-server-build]
// Prints the path of the .vsix on its last line.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(pkgDir, '..', '..');
const argv = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const outIndex = argv.indexOf('--out');
const out = outIndex >= 0 && argv[outIndex + 1] ? resolve(argv[outIndex + 1]) : join(pkgDir, `${manifest.name}-${manifest.version}.vsix`);

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

if (!argv.includes('--skip-server-build')) {
  const lsp = join(repo, 'packages', 'lsp');
  const lspManifest = JSON.parse(readFileSync(join(lsp, 'package.json'), 'utf8'));
  if (!lspManifest.scripts?.['build:bundle']) {
    console.error('packages/lsp has no build:bundle script: cannot build the language server bundle.');
    process.exit(1);
  }
  run('npm', ['run', '--silent', 'build:bundle'], lsp);
}
run(process.execPath, [join(pkgDir, 'scripts', 'build.mjs'), '--production', '--require-server'], pkgDir);
// vsce rewrites the README's relative links against the repository root; this package lives in a subfolder.
const repoUrl = manifest.repository.url.replace(/\.git$/, '');
const sub = manifest.repository.directory;
run(
  process.execPath,
  [
    join(pkgDir, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--no-dependencies',
    '--baseContentUrl',
    `${repoUrl}/blob/HEAD/${sub}`,
    '--baseImagesUrl',
    `${repoUrl}/raw/HEAD/${sub}`,
    '--out',
    out,
  ],
  pkgDir,
);
console.log(out);
