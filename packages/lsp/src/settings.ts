import type { ClientCapabilities, Connection } from 'vscode-languageserver';
import type { Root } from './roots.js';

/** Settings under the `aigate` section, per resource. */
export interface AigateSettings {
  /** Show findings for this resource. */
  enable: boolean;
  /** Hide findings below this severity. */
  minimumSeverity: 'error' | 'warning' | 'info';
  /** Show the promotion code lens on deployments. */
  codeLens: boolean;
  /** The policy file to read instead of the folder's aigate.yaml: absolute, or relative to the folder. */
  policyPath: string | null;
}

export const DEFAULT_SETTINGS: AigateSettings = { enable: true, minimumSeverity: 'info', codeLens: true, policyPath: null };

export function settingsKey(s: AigateSettings): string {
  return `${s.enable ? 1 : 0}${s.minimumSeverity[0]}${s.codeLens ? 1 : 0}`;
}

function normalise(raw: unknown): AigateSettings {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const sev = o.minimumSeverity;
  const lens = o.codeLens;
  const policyPath = typeof o.policyPath === 'string' ? o.policyPath.trim() : '';
  return {
    enable: typeof o.enable === 'boolean' ? o.enable : DEFAULT_SETTINGS.enable,
    minimumSeverity: sev === 'error' || sev === 'warning' || sev === 'info' ? sev : DEFAULT_SETTINGS.minimumSeverity,
    codeLens: typeof lens === 'boolean' ? lens : lens && typeof lens === 'object' && typeof (lens as { enable?: unknown }).enable === 'boolean' ? (lens as { enable: boolean }).enable : DEFAULT_SETTINGS.codeLens,
    policyPath: policyPath || null,
  };
}

/**
 * Settings per resource through `workspace/configuration`, cached per URI and dropped when the
 * client says the configuration changed. Clients without `workspace/configuration` get the defaults.
 */
export class Settings {
  private readonly cache = new Map<string, Promise<AigateSettings>>();

  constructor(
    private readonly connection: Connection,
    private readonly capabilities: () => ClientCapabilities,
  ) {}

  clear(): void {
    this.cache.clear();
  }

  forResource(uri: string, _root?: Root): Promise<AigateSettings> {
    if (!this.capabilities().workspace?.configuration) return Promise.resolve(DEFAULT_SETTINGS);
    let p = this.cache.get(uri);
    if (!p) {
      p = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'aigate' }).then(normalise, () => DEFAULT_SETTINGS);
      this.cache.set(uri, p);
    }
    return p;
  }
}
