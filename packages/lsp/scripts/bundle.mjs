// Bundles the language server into one file with no runtime node_modules: dist/server.bundle.js.
// The file runs with `node server.bundle.js --stdio` (or --node-ipc) whether node reads it as
// CommonJS (an extension folder without "type": "module") or as an ES module (this package).
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');

// In an ES module scope `require` does not exist; Node 20.16+ has process.getBuiltinModule for built-ins.
const banner = "var require = typeof require === 'function' ? require : (id) => process.getBuiltinModule(id);";

export async function bundle(outfile = path.join(pkg, 'dist', 'server.bundle.js')) {
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [path.join(pkg, 'src', 'server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'iife',
    banner: { js: banner },
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    // The core's TypeScript sources are bundled directly, so the bundle never depends on a stale build.
    alias: {
      '@aigate/core/node': path.resolve(pkg, '../core/src/node/index.ts'),
      '@aigate/core': path.resolve(pkg, '../core/src/index.ts'),
    },
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await bundle(process.argv[2]);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
