// Runs code-server (a real VS Code 1.100 build from npm) for the end-to-end test: installs the .vsix into a
// fresh extensions folder, serves the workbench on a free loopback port, and ends it with all its children.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Settings of the fresh profile: no trust prompt, no welcome page, nothing that pops up over the test. */
export const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

/** The code-server executable inside the folder scripts/install-code-server.sh fills. */
export function codeServerBin(dir) {
  const bin = join(dir, 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) {
    throw new Error(`code-server is not installed in ${dir}: run packages/vscode/scripts/install-code-server.sh first`);
  }
  return bin;
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Creates the user-data and extensions folders under root and writes the profile's settings. */
export function prepareProfile(root) {
  const userData = join(root, 'user-data');
  const extensions = join(root, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
  // code-server writes a config file on every start; keep it out of the user's home.
  writeFileSync(join(root, 'config.yaml'), 'auth: none\ncert: false\n');
  return { userData, extensions, config: join(root, 'config.yaml'), root };
}

function baseArgs(profile) {
  return ['--config', profile.config, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

/** `code-server --install-extension VSIX`; returns the extension ids installed afterwards. */
export function installExtension(bin, profile, vsix) {
  const env = { ...process.env, XDG_CONFIG_HOME: join(profile.root, 'xdg-config'), XDG_DATA_HOME: join(profile.root, 'xdg-data') };
  const install = spawnSync(bin, [...baseArgs(profile), '--install-extension', vsix, '--force'], { env, encoding: 'utf8', timeout: 180_000 });
  if (install.status !== 0) throw new Error(`installing ${vsix} failed (exit ${install.status ?? install.signal}):\n${install.stdout}\n${install.stderr}`);
  const list = spawnSync(bin, [...baseArgs(profile), '--list-extensions', '--show-versions'], { env, encoding: 'utf8', timeout: 120_000 });
  if (list.status !== 0) throw new Error(`listing extensions failed:\n${list.stderr}`);
  return list.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/**
 * Starts code-server on 127.0.0.1:port serving `folder`, in a process group of its own so that stop() can end
 * it with every process it started (extension host, language server). Resolves once it says it listens.
 */
export async function startCodeServer(bin, profile, folder, { log = () => {}, timeoutMs = 120_000 } = {}) {
  const port = await freePort();
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(profile.root, 'xdg-config'),
    XDG_DATA_HOME: join(profile.root, 'xdg-data'),
    // The workbench must not try to reach the marketplace or any service.
    SERVICE_URL: '',
    ITEM_URL: '',
  };
  const args = [
    ...baseArgs(profile),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    folder,
  ];
  const child = spawn(bin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within ${timeoutMs / 1000}s:\n${output.join('')}`)), timeoutMs);
    const onData = (chunk) => {
      const text = chunk.toString();
      output.push(text);
      log(text);
      if (text.includes('HTTP server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before it listened:\n${output.join('')}`));
    });
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const group = -child.pid;
    const alive = () => {
      try {
        process.kill(group, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return; // already gone
    }
    // Give it the chance to end its children cleanly, then end whatever is left of the group.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
    if (alive()) {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  };

  try {
    await listening;
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}/`, port, pid: child.pid, output, stop, exited };
}
