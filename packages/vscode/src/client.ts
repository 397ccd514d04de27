// Starts the bundled aigate language server (dist/server.js, shipped inside the .vsix) and talks to it over IPC.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type ConfigurationParams,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SECTION, diagnosticTriggers, readSettings, serverSettings, type ServerSettings, type Settings } from './settings.js';

export const CLIENT_ID = 'aigate';
export const CLIENT_NAME = 'aigate';

/** Where the server bundle sits inside the installed extension. */
export const SERVER_BUNDLE = 'dist/server.cjs';

/**
 * The documents the server is told about. aigate reads YAML (workflows, Azure ML files, aigate.yaml);
 * the GitHub Actions extension gives workflow files a language id of their own.
 */
export const DOCUMENT_SELECTOR: Array<{ scheme: string; language: string }> = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'github-actions-workflow' },
  { scheme: 'untitled', language: 'yaml' },
];

export function currentSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return readSettings((key) => config.get(key));
}

/** True when aigate is enabled for the window or for at least one workspace folder. */
export function enabledAnywhere(): boolean {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length ? folders.some((f) => currentSettings(f.uri).enable) : currentSettings().enable;
}

function folderFor(scopeUri?: string): vscode.WorkspaceFolder | undefined {
  if (scopeUri) {
    try {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(scopeUri));
      if (folder) return folder;
    } catch {
      // not a URI: fall back to the first folder
    }
  }
  return vscode.workspace.workspaceFolders?.[0];
}

/** The `aigate` section as the server sees it: settings with the policy path made absolute. */
export function serverSettingsFor(scopeUri?: string): ServerSettings {
  const folder = folderFor(scopeUri);
  const settings = currentSettings(folder?.uri);
  const folderPath = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  return serverSettings(settings, folderPath, path, os.homedir());
}

export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(SERVER_BUNDLE);
  if (!existsSync(module)) {
    throw new Error(`The aigate language server is missing from the extension (${module}). Reinstall the extension.`);
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const settings = currentSettings(vscode.workspace.workspaceFolders?.[0]?.uri);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: serverSettingsFor(),
    diagnosticPullOptions: diagnosticTriggers(settings.run),
    synchronize: {
      // Tell the server when an `aigate.*` setting changes (it then asks for the section again).
      configurationSection: SECTION,
    },
    middleware: {
      workspace: {
        // Answer `workspace/configuration` for the `aigate` section with checked values and an absolute policy path.
        configuration: async (params: ConfigurationParams, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) return answer;
          return params.items.map((item, i) => {
            if (item.section !== SECTION) return answer[i];
            const raw: unknown = answer[i];
            return { ...(raw && typeof raw === 'object' ? raw : {}), ...serverSettingsFor(item.scopeUri) };
          });
        },
      },
    },
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
