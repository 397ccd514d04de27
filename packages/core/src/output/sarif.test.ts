import type { ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { docsUrl } from '../engine/docs-url.js';
import type { Finding } from '../findings.js';
import { sarifValidator } from '../testing/sarif.js';
import { sampleInput } from './fixture.js';
import { formatReport } from './index.js';
import { directoryFileUrl } from './shared.js';
import { GITHUB_MAX_RESULTS_PER_RUN, toSarif, type SarifLog } from './sarif.js';

let validate: ValidateFunction;
beforeAll(() => {
  validate = sarifValidator();
});

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe('sarif output', () => {
  it('validates against the official SARIF 2.1.0 schema', () => {
    const text = formatReport('sarif', sampleInput());
    expectValid(JSON.parse(text));
  });

  it('rejects what the schema forbids (the validator is not vacuous)', () => {
    const log = toSarif(sampleInput()) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('describes the tool and every documented rule once, with docs, guidance and theme', () => {
    const input = sampleInput();
    const log = toSarif(input);
    const driver = log.runs[0]!.tool.driver;
    expect(driver).toMatchObject({ name: 'aigate', version: '0.1.0', informationUri: expect.stringMatching(/^https:\/\//) });
    const ids = driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(input.rules.map((r) => r.id));
    const pinned = driver.rules.find((r) => r.id === 'versioning/model-pinned')!;
    const def = input.rules.find((r) => r.id === 'versioning/model-pinned')!;
    expect(pinned).toMatchObject({
      name: 'VersioningModelPinned',
      shortDescription: { text: def.description },
      helpUri: docsUrl('versioning/model-pinned'),
      defaultConfiguration: { level: def.defaultSeverity === 'info' ? 'note' : def.defaultSeverity },
      properties: { tags: [def.theme] },
    });
    expect(pinned.fullDescription.text).toContain(def.guidance[0]!.quote);
  });

  it('builds rule help URIs from the same docs base as the findings', () => {
    const files = { 'deploy/prod/d.yml': '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: b\nendpoint_name: e\nmodel: azureml:chat@latest\n', 'aigate.yaml': 'version: 1\ndocs_url: https://docs.example.test/aigate/rules/\n' };
    const input = sampleInput({}, files);
    expect(input.findings.find((f) => f.ruleId === 'versioning/model-pinned')?.docsUrl).toBe('https://docs.example.test/aigate/rules/versioning/model-pinned.md');
    const rules = toSarif(input).runs[0]!.tool.driver.rules;
    expect(rules.find((r) => r.id === 'versioning/model-pinned')!.helpUri).toBe('https://docs.example.test/aigate/rules/versioning/model-pinned.md');
    expect(rules.find((r) => r.id === 'aigate/parse-error')!.helpUri).toBe('https://docs.example.test/aigate/rules/aigate/parse-error.md');
  });

  it('maps findings to results with 1-based regions, related locations, fingerprints and fixes', () => {
    const input = sampleInput();
    const log = toSarif(input);
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe('file:///work/contoso%20chat/');
    expect(run.columnKind).toBe('utf16CodeUnits');
    const prod = run.results.find((r) => r.ruleId === 'versioning/model-pinned' && r.level === 'error')!;
    expect(prod).toMatchObject({
      ruleIndex: run.tool.driver.rules.findIndex((r) => r.id === 'versioning/model-pinned'),
      message: { text: expect.stringContaining("'azureml:chat@latest'") },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'deploy/prod/d.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 8, endLine: 4, endColumn: 27 } }, logicalLocations: [{ fullyQualifiedName: 'model' }] }],
      relatedLocations: [{ id: 1, physicalLocation: { artifactLocation: { uri: '.github/workflows/cd.yml' }, region: { startLine: 3, startColumn: 3 } }, message: { text: "deployed by job 'deploy-prod'" } }],
      properties: { environment: 'prod' },
    });
    const finding = input.findings.find((f) => f.ruleId === 'versioning/model-pinned' && f.severity === 'error')!;
    expect(prod.partialFingerprints).toEqual({ 'aigate/v1': finding.fingerprint });
    const info = run.results.filter((r) => r.level === 'note' && !r.suppressions);
    expect(info.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['deploy/dev/d.yml']);
    const job = run.results.find((r) => r.ruleId === 'promotion/deploy-requires-approval')!;
    expect(job.fixes).toEqual([
      {
        description: { text: expect.stringContaining('environment: prod') },
        artifactChanges: [{ artifactLocation: { uri: '.github/workflows/cd.yml', uriBaseId: '%SRCROOT%' }, replacements: [{ deletedRegion: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 5 }, insertedContent: { text: 'environment: prod\n    ' } }] }],
      },
    ]);
  });

  it('reports suppressed findings as results with suppressions', () => {
    const run = toSarif(sampleInput()).runs[0]!;
    const suppressed = run.results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'dev tracks latest on purpose', location: expect.objectContaining({ physicalLocation: expect.objectContaining({ artifactLocation: { uri: 'deploy/dev/e.yml', uriBaseId: '%SRCROOT%' } }) }) }]);
    const input = sampleInput();
    const policyKind = toSarif({ ...input, suppressed: input.suppressed.map((s) => ({ ...s, suppression: { ...s.suppression, kind: 'policy' as const } })) }).runs[0]!.results.find((r) => r.suppressions)!;
    expect(policyKind.suppressions![0]!.kind).toBe('external');
  });

  it('turns notes into tool notifications and counts files', () => {
    const run = toSarif(sampleInput()).runs[0]!;
    expect(run.invocations[0]).toEqual({ executionSuccessful: true, toolExecutionNotifications: [{ level: 'note', message: { text: 'skipped 1 symlink: deploy/link.yml' } }] });
    expect(run.properties).toEqual({ filesChecked: 5 });
  });

  it("keeps the highest severities within GitHub's result limit and says so", () => {
    expect(GITHUB_MAX_RESULTS_PER_RUN).toBe(25_000);
    const input = sampleInput();
    const log = toSarif(input, { maxResults: 2 });
    const run = log.runs[0]!;
    expect(run.results.map((r) => r.level)).toEqual(['error', 'error']);
    expect(run.results.some((r) => r.suppressions)).toBe(false);
    expect(run.properties.truncated).toEqual({ limit: 2, total: 4, kept: 2, omitted: { error: 0, warning: 0, note: 1, suppressed: 1 } });
    const note = run.invocations[0]!.toolExecutionNotifications![0]!;
    expect(note.level).toBe('warning');
    expect(note.message.text).toMatch(/4 results exceed the limit of 2 .*1 info, 1 suppressed/);
    expectValid(log);
  });

  it('scales to the real limit', () => {
    const input = sampleInput();
    const base = input.findings[0]!;
    const many: Finding[] = Array.from({ length: GITHUB_MAX_RESULTS_PER_RUN + 5 }, (_, i) => ({ ...base, severity: i % 2 ? 'warning' : 'info', fingerprint: `fp${i}` }));
    const run = toSarif({ ...input, findings: [...many, base], suppressed: [] }).runs[0]!;
    expect(run.results).toHaveLength(GITHUB_MAX_RESULTS_PER_RUN);
    expect(run.results.filter((r) => r.level === 'error')).toHaveLength(1);
    expect(run.properties.truncated?.omitted).toEqual({ error: 0, warning: 0, note: 6, suppressed: 0 });
  });

  it('points findings about the whole run at the root', () => {
    const input = sampleInput();
    const whole: Finding = { ...input.findings[0]!, ruleId: 'aigate/rule-failed', severity: 'error', location: { file: '.', span: { start: 0, end: 0 }, start: { line: 0, character: 0 }, end: { line: 0, character: 0 }, path: '(document)' }, related: [], fixes: [] };
    const log: SarifLog = toSarif({ ...input, findings: [whole] });
    expect(log.runs[0]!.results[0]!.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: './', uriBaseId: '%SRCROOT%' } } }]);
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
    expectValid(log);
  });

  it('writes file URLs for POSIX, Windows and UNC roots', () => {
    expect(directoryFileUrl('/work/repo')).toBe('file:///work/repo/');
    expect(directoryFileUrl('/work/repo/')).toBe('file:///work/repo/');
    expect(directoryFileUrl('C:\\work\\my repo')).toBe('file:///C:/work/my%20repo/');
    expect(directoryFileUrl('\\\\server\\share\\x')).toBe('file://server/share/x/');
    expect(directoryFileUrl('/a/#b?c')).toBe('file:///a/%23b%3Fc/');
  });
});
