// Builds the extension into dist/ so the packaged .vsix runs without node_modules:
//   dist/extension.cjs  the extension, bundled with esbuild as CommonJS (only `vscode` stays external),
//   dist/server.cjs     the language server bundle, copied from packages/lsp/dist/server.bundle.js,
//   schemas/aigate.schema.json  the aigate.yaml JSON Schema, copied from packages/core/schema.
//
// Usage: node scripts/build.mjs [--production] [--require-server] [--electron-tests]
//   --production      minify, no source maps (what the .vsix ships)
//   --require-server  fail when the server bundle is missing (packaging uses it)
//   --electron-tests  also bundle the @vscode/test-electron harness into out/electron/
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(pkgDir, '..', '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');

export const SERVER_BUNDLE_SOURCE = join(repo, 'packages', 'lsp', 'dist', 'server.bundle.js');
export const SCHEMA_SOURCE = join(repo, 'packages', 'core', 'schema', 'aigate.schema.json');
export const SCHEMA_COPY = join(pkgDir, 'schemas', 'aigate.schema.json');

const show = (p) => relative(process.cwd(), p) || '.';

/** The core is bundled from its TypeScript sources, so a build does not depend on `tsc -b` having run. */
const coreFromSource = {
  name: 'aigate-core-source',
  setup(build) {
    build.onResolve({ filter: /^@aigate\/core(\/node)?$/ }, (a) => ({
      path: join(repo, 'packages', 'core', 'src', a.path.endsWith('/node') ? 'node/index.ts' : 'index.ts'),
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [coreFromSource],
};

await esbuild.build({
  ...common,
  entryPoints: [join(pkgDir, 'src', 'extension.ts')],
  outfile: join(pkgDir, 'dist', 'extension.cjs'),
  external: ['vscode'],
  // vscode-languageclient reads its own package.json for the protocol version; esbuild inlines it.
  mainFields: ['module', 'main'],
});
console.log(`built ${show(join(pkgDir, 'dist', 'extension.cjs'))}`);

if (existsSync(SERVER_BUNDLE_SOURCE)) {
  // The server bundle is one self-contained script that runs as CommonJS (packages/lsp/scripts/bundle.mjs);
  // .cjs keeps it CommonJS inside this "type": "module" package.
  const target = join(pkgDir, 'dist', 'server.cjs');
  copyFileSync(SERVER_BUNDLE_SOURCE, target);
  console.log(`copied ${show(SERVER_BUNDLE_SOURCE)} -> ${show(target)}`);
} else if (args.has('--require-server')) {
  console.error(`The language server bundle ${show(SERVER_BUNDLE_SOURCE)} is missing: build it first (npm run build:bundle in packages/lsp).`);
  process.exit(1);
} else {
  console.warn(`warning: ${show(SERVER_BUNDLE_SOURCE)} is missing; the extension is built without its server.`);
}

const schema = readFileSync(SCHEMA_SOURCE, 'utf8');
let copy = '';
try {
  copy = readFileSync(SCHEMA_COPY, 'utf8');
} catch {
  // first build
}
if (copy !== schema) {
  mkdirSync(dirname(SCHEMA_COPY), { recursive: true });
  writeFileSync(SCHEMA_COPY, schema);
  console.log(`updated ${show(SCHEMA_COPY)}`);
}

if (args.has('--electron-tests')) {
  const out = join(pkgDir, 'out', 'electron');
  await esbuild.build({
    ...common,
    entryPoints: [join(pkgDir, 'test', 'electron', 'run-test.ts')],
    outfile: join(out, 'run-test.cjs'),
    external: ['@vscode/test-electron'],
  });
  await esbuild.build({
    ...common,
    entryPoints: [join(pkgDir, 'test', 'electron', 'suite', 'index.ts')],
    outfile: join(out, 'suite', 'index.cjs'),
    external: ['vscode'],
  });
  console.log(`built ${show(out)}`);
}
