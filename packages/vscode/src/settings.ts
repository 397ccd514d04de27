// The extension's settings and what the language server is told about them. No `vscode` import here,
// so the mapping is testable on its own.

export const SECTION = 'aigate';

export type RunMode = 'onType' | 'onSave';
export type TraceLevel = 'off' | 'messages' | 'verbose';
export type MinimumSeverity = 'error' | 'warning' | 'info';

/** The `aigate.*` settings, validated. */
export interface Settings {
  enable: boolean;
  /** As written by the user: absolute, relative to the workspace folder, or '' (look for the default file). */
  policyPath: string;
  run: RunMode;
  trace: TraceLevel;
  /** Findings below this severity are not shown (the server filters them). */
  minimumSeverity: MinimumSeverity;
  /** The server's promotion code lens on deployments. */
  codeLens: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = { enable: true, policyPath: '', run: 'onType', trace: 'off', minimumSeverity: 'info', codeLens: true };

/** Reads one setting the way `WorkspaceConfiguration.get` does (undefined when unset). */
export type SettingReader = (key: string) => unknown;

const RUN_MODES: readonly RunMode[] = ['onType', 'onSave'];
const TRACE_LEVELS: readonly TraceLevel[] = ['off', 'messages', 'verbose'];
const SEVERITIES: readonly MinimumSeverity[] = ['error', 'warning', 'info'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Reads the settings, replacing values of the wrong type (hand-edited settings.json) with the defaults. */
export function readSettings(get: SettingReader): Settings {
  const enable = get('enable');
  const policyPath = get('policyPath');
  const codeLens = get('codeLens');
  return {
    enable: typeof enable === 'boolean' ? enable : DEFAULT_SETTINGS.enable,
    policyPath: typeof policyPath === 'string' ? policyPath.trim() : DEFAULT_SETTINGS.policyPath,
    run: oneOf(get('run'), RUN_MODES, DEFAULT_SETTINGS.run),
    trace: oneOf(get('trace.server'), TRACE_LEVELS, DEFAULT_SETTINGS.trace),
    minimumSeverity: oneOf(get('minimumSeverity'), SEVERITIES, DEFAULT_SETTINGS.minimumSeverity),
    codeLens: typeof codeLens === 'boolean' ? codeLens : DEFAULT_SETTINGS.codeLens,
  };
}

/** What the server receives, in `initializationOptions` and as the `aigate` configuration section. */
export interface ServerSettings {
  enable: boolean;
  /** Absolute path of the policy file, or null to look for `aigate.yaml` at the workspace root. */
  policyPath: string | null;
  run: RunMode;
  minimumSeverity: MinimumSeverity;
  codeLens: boolean;
}

export interface PathApi {
  isAbsolute(p: string): boolean;
  resolve(...parts: string[]): string;
}

/**
 * Resolves `aigate.policyPath` against the workspace folder. `~/` means the user's home folder.
 * A relative path with no folder to resolve it against is left for the server to look for by itself (null).
 */
export function serverSettings(settings: Settings, folder: string | undefined, path: PathApi, home?: string): ServerSettings {
  let policyPath: string | null = null;
  const raw = settings.policyPath;
  if (raw) {
    if (home && (raw === '~' || raw.startsWith('~/'))) policyPath = path.resolve(home, raw.slice(2));
    else if (path.isAbsolute(raw)) policyPath = path.resolve(raw);
    else if (folder) policyPath = path.resolve(folder, raw);
  }
  return { enable: settings.enable, policyPath, run: settings.run, minimumSeverity: settings.minimumSeverity, codeLens: settings.codeLens };
}

/** When the server checks a document: the pull-diagnostics triggers the client asks for. */
export function diagnosticTriggers(run: RunMode): { onChange: boolean; onSave: boolean } {
  return run === 'onSave' ? { onChange: false, onSave: true } : { onChange: true, onSave: true };
}

/**
 * Settings whose change needs a new server: whether it runs at all, the policy it reads when it starts, and
 * when the client asks for diagnostics. The others reach the running server as a configuration change.
 */
export const RESTART_KEYS = ['enable', 'policyPath', 'run'] as const;

/** True when a configuration change touches a setting that needs a restart. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_KEYS.some((key) => affects(`${SECTION}.${key}`));
}
