import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, diagnosticTriggers, needsRestart, readSettings, serverSettings, type Settings } from '../../src/settings.js';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('readSettings', () => {
  it('gives the defaults when nothing is set', () => {
    expect(readSettings(reader({}))).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toEqual({ enable: true, policyPath: '', run: 'onType', trace: 'off', minimumSeverity: 'info', codeLens: true });
  });

  it('reads every setting', () => {
    expect(
      readSettings(reader({ enable: false, policyPath: ' config/aigate.yaml ', run: 'onSave', 'trace.server': 'verbose', minimumSeverity: 'warning', codeLens: false })),
    ).toEqual({
      enable: false,
      policyPath: 'config/aigate.yaml',
      run: 'onSave',
      trace: 'verbose',
      minimumSeverity: 'warning',
      codeLens: false,
    });
  });

  it('falls back to the default for values of the wrong type or outside the enum', () => {
    expect(readSettings(reader({ enable: 'no', policyPath: 42, run: 'onEdit', 'trace.server': true, minimumSeverity: 'hint', codeLens: 'yes' }))).toEqual(
      DEFAULT_SETTINGS,
    );
    expect(readSettings(reader({ enable: null, policyPath: null, run: null }))).toEqual(DEFAULT_SETTINGS);
  });
});

describe('serverSettings', () => {
  const base: Settings = { ...DEFAULT_SETTINGS };
  const p = path.posix;

  it('lets the server look for aigate.yaml itself when no path is set', () => {
    expect(serverSettings(base, '/repo', p)).toEqual({ enable: true, policyPath: null, run: 'onType', minimumSeverity: 'info', codeLens: true });
  });

  it('resolves a relative path against the workspace folder', () => {
    expect(serverSettings({ ...base, policyPath: 'governance/../policy/aigate.yaml' }, '/repo', p).policyPath).toBe('/repo/policy/aigate.yaml');
  });

  it('keeps an absolute path, normalised', () => {
    expect(serverSettings({ ...base, policyPath: '/etc/aigate//aigate.yaml' }, '/repo', p).policyPath).toBe('/etc/aigate/aigate.yaml');
  });

  it('expands ~ to the home folder', () => {
    expect(serverSettings({ ...base, policyPath: '~/aigate.yaml' }, '/repo', p, '/home/me').policyPath).toBe('/home/me/aigate.yaml');
  });

  it('cannot resolve a relative path without a folder and leaves it to the server', () => {
    expect(serverSettings({ ...base, policyPath: 'aigate.yaml' }, undefined, p).policyPath).toBeNull();
  });

  it('passes the other settings on as they are', () => {
    expect(serverSettings({ ...base, enable: false, run: 'onSave', minimumSeverity: 'error', codeLens: false }, '/repo', p)).toEqual({
      enable: false,
      policyPath: null,
      run: 'onSave',
      minimumSeverity: 'error',
      codeLens: false,
    });
  });

  it('resolves with the platform rules it is given (Windows paths)', () => {
    expect(serverSettings({ ...base, policyPath: 'sub\\aigate.yaml' }, 'C:\\repo', path.win32).policyPath).toBe('C:\\repo\\sub\\aigate.yaml');
  });
});

describe('diagnosticTriggers', () => {
  it('checks on change and save when run is onType', () => {
    expect(diagnosticTriggers('onType')).toEqual({ onChange: true, onSave: true });
  });
  it('checks only on save when run is onSave', () => {
    expect(diagnosticTriggers('onSave')).toEqual({ onChange: false, onSave: true });
  });
});

describe('needsRestart', () => {
  it('restarts for enable, policyPath and run, not for settings the running server takes in', () => {
    for (const key of ['aigate.enable', 'aigate.policyPath', 'aigate.run']) {
      expect(needsRestart((s) => s === key)).toBe(true);
    }
    for (const key of ['aigate.trace.server', 'aigate.minimumSeverity', 'aigate.codeLens']) expect(needsRestart((s) => s === key)).toBe(false);
    expect(needsRestart((s) => s === 'editor.fontSize')).toBe(false);
  });
});
