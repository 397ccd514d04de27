// Keeps package.json (what VS Code reads), the code, and the files the manifest points at in step.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POLICY_FILE_NAMES } from '@aigate/core';
import { COMMANDS } from '../../src/commands.js';
import { DEFAULT_SETTINGS, RESTART_KEYS, SECTION } from '../../src/settings.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repo = join(pkgDir, '..', '..');
const read = (p: string): string => readFileSync(join(pkgDir, p), 'utf8');

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  type?: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] } };
  devDependencies: Record<string, string>;
  dependencies?: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, { type: string; default: unknown; enum?: string[] }> };
    yamlValidation: Array<{ fileMatch: string[]; url: string }>;
  };
}

const manifest = JSON.parse(read('package.json')) as Manifest;

describe('package.json', () => {
  it('contributes exactly the commands the code defines, each with a title in the aigate category', () => {
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual(Object.values(COMMANDS).sort());
    for (const c of manifest.contributes.commands) {
      expect(c.category).toBe('aigate');
      expect(c.title.length).toBeGreaterThan(3);
    }
  });

  it('registers a handler for every command in activate()', () => {
    const source = read('src/extension.ts');
    for (const key of Object.keys(COMMANDS)) expect(source).toContain(`[COMMANDS.${key}]:`);
    expect(source).toMatch(/for \(const \[id, handler\] of Object\.entries\(handlers\)\)[\s\S]{0,120}registerCommand\(id, handler\)/);
  });

  it('activates on a policy file, on workflows, and on YAML', () => {
    const events = manifest.activationEvents;
    for (const name of POLICY_FILE_NAMES) expect(events).toContain(`workspaceContains:${name}`);
    expect(events).toContain('workspaceContains:.github/workflows/*.yml');
    expect(events).toContain('workspaceContains:.github/workflows/*.yaml');
    expect(events).toContain('onLanguage:yaml');
    for (const e of events) expect(e).toMatch(/^(workspaceContains|onLanguage):\S+$/);
  });

  it('declares the settings the code reads, with the same defaults', () => {
    const props = manifest.contributes.configuration.properties;
    const keys = ['enable', 'policyPath', 'run', 'trace.server', 'minimumSeverity', 'codeLens'].map((k) => `${SECTION}.${k}`);
    expect(Object.keys(props).sort()).toEqual(keys.sort());
    expect(props['aigate.enable']!.default).toBe(DEFAULT_SETTINGS.enable);
    expect(props['aigate.policyPath']!.default).toBe(DEFAULT_SETTINGS.policyPath);
    expect(props['aigate.run']!.default).toBe(DEFAULT_SETTINGS.run);
    expect(props['aigate.run']!.enum).toEqual(['onType', 'onSave']);
    expect(props['aigate.trace.server']!.default).toBe(DEFAULT_SETTINGS.trace);
    expect(props['aigate.trace.server']!.enum).toEqual(['off', 'messages', 'verbose']);
    expect(props['aigate.minimumSeverity']!.default).toBe(DEFAULT_SETTINGS.minimumSeverity);
    expect(props['aigate.minimumSeverity']!.enum).toEqual(['error', 'warning', 'info']);
    expect(props['aigate.codeLens']!.default).toBe(DEFAULT_SETTINGS.codeLens);
    for (const key of RESTART_KEYS) expect(props[`${SECTION}.${key}`]).toBeDefined();
  });

  it('in Restricted Mode, ignores a policy path that the untrusted workspace sets itself', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    expect(trust.supported).toBe('limited');
    expect(trust.restrictedConfigurations).toEqual(['aigate.policyPath']);
    for (const key of trust.restrictedConfigurations!) expect(manifest.contributes.configuration.properties[key]).toBeDefined();
    expect(trust.description).toMatch(/policy path/);
  });

  it('runs from its bundle, with no runtime dependencies, on VS Code 1.100 or newer', () => {
    expect(manifest.main).toBe('./dist/extension.cjs');
    // VS Code loads a main ending in .cjs as CommonJS even in a "type": "module" package.
    expect(manifest.type).toBe('module');
    expect(manifest.engines.vscode).toBe('^1.100.0');
    expect(manifest.dependencies ?? {}).toEqual({});
    // vsce refuses @types/vscode newer than the engine.
    expect(manifest.devDependencies['@types/vscode']).toMatch(/^~?1\.100\./);
    expect(`${manifest.publisher}.${manifest.name}`).toBe('aigate.aigate-vscode');
  });

  it('ships the bundles and the schema, and nothing else of the source tree', () => {
    const ignore = read('.vscodeignore').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('**');
    expect(ignore).toEqual(expect.arrayContaining(['!dist/extension.cjs', '!dist/server.cjs', '!schemas/aigate.schema.json', '!package.json', '!README.md', '!LICENSE']));
  });
});

describe('aigate.yaml schema', () => {
  it('validates every policy file name against the schema copied into the extension', () => {
    const [validation] = manifest.contributes.yamlValidation;
    expect(manifest.contributes.yamlValidation).toHaveLength(1);
    expect(validation!.fileMatch).toEqual(POLICY_FILE_NAMES);
    expect(validation!.url).toBe('./schemas/aigate.schema.json');
    expect(existsSync(join(pkgDir, validation!.url))).toBe(true);
  });

  it('is the same file as the generated schema of the core', () => {
    const copy = read('schemas/aigate.schema.json');
    const generated = readFileSync(join(repo, 'packages', 'core', 'schema', 'aigate.schema.json'), 'utf8');
    expect(copy, 'packages/vscode/schemas/aigate.schema.json is stale: run `node packages/vscode/scripts/build.mjs` (it copies the schema)').toBe(generated);
    expect(JSON.parse(copy).$schema).toMatch(/json-schema\.org/);
  });
});
