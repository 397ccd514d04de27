import { mkdirSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './support/fake-github.js';
import { checkRunHandlers, cleanup, patchChanging, pullFilesHandler, pullRequestPayload, runAction, tempDir, TOKEN, type PrFile } from './support/harness.js';

type Json = Record<string, unknown>;

const PAIRS = 400;

/** A repository with ~2,000 findings: 400 endpoints deployed to dev and prod, each floating on `latest`. */
function bigWorkspace(): { dir: string; ws: string; prFiles: PrFile[] } {
  const dir = tempDir('large');
  const ws = nodePath.join(dir, 'repo');
  const header = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n';
  mkdirSync(nodePath.join(ws, 'deploy/dev'), { recursive: true });
  mkdirSync(nodePath.join(ws, 'deploy/prod'), { recursive: true });
  writeFileSync(
    nodePath.join(ws, 'aigate.yaml'),
    'version: 1\nenvironments:\n  - name: dev\n    files: ["deploy/dev/**"]\n  - name: prod\n    files: ["deploy/prod/**"]\nrules:\n  resilience/ha-instance-count: info\n',
  );
  const prFiles: PrFile[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const text = `${header}name: d${i}\nendpoint_name: ep-${i}\nmodel: azureml:chat-${i}@latest\ninstance_type: Standard_DS3_v2\ninstance_count: 1\n`;
    writeFileSync(nodePath.join(ws, `deploy/dev/d${i}.yml`), text);
    writeFileSync(nodePath.join(ws, `deploy/prod/d${i}.yml`), text);
    if (i % 20 === 0) prFiles.push({ filename: `deploy/prod/d${i}.yml`, status: 'modified', patch: patchChanging(text, [4]) });
  }
  return { dir, ws, prFiles };
}

describe('check with thousands of findings', () => {
  const { dir, ws, prFiles } = bigWorkspace();
  const gh = new FakeGitHub(undefined, TOKEN);
  afterAll(async () => {
    await gh.close();
    cleanup(dir);
  });

  it('spends the annotation budget on the best, batches the check run 50 at a time, and keeps both summaries in their limits', async () => {
    const cr = checkRunHandlers(gh);
    gh.on('checks/create', cr.create).on('checks/update', cr.update).on('pulls/list-files', pullFilesHandler(prFiles));
    await gh.start();
    const r = await runAction({ workspace: ws, api: gh, payload: pullRequestPayload('opened') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const total = Number(r.outputs.findings);
    expect(total).toBeGreaterThanOrEqual(1800);
    expect(Number(r.outputs.errors) + Number(r.outputs.warnings) + Number(r.outputs.infos)).toBe(total);
    expect(Number(r.outputs.infos)).toBeGreaterThan(0);

    // 10 errors, 10 warnings, 9 info notices (one notice slot is kept for the action's own notice).
    const levels = (l: string): number => r.annotations.filter((a) => a.level === l).length;
    expect([levels('error'), levels('warning'), levels('notice')]).toEqual([10, 10, 9]);
    // The errors annotated are the ones on the lines this PR changed.
    const errors = r.annotations.filter((a) => a.level === 'error');
    expect(errors.filter((a) => a.props.title!.endsWith('(changed line)')).length).toBe(Math.min(10, prFiles.length * 2));
    const more = total - 29;
    expect(r.stdout).toContain(`${more} more findings (`);
    expect(r.summary).toContain(`${more} more findings (`);

    // The check run: every finding, 50 per PATCH, the last one completing it.
    const updates = gh.calls('checks/update').map((e) => e.body as Json);
    const sizes = updates.map((u) => (((u.output as Json).annotations as unknown[] | undefined) ?? []).length);
    expect(sizes.every((n) => n <= 50)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(updates).toHaveLength(Math.ceil(total / 50));
    expect(updates.slice(0, -1).every((u) => u.status === undefined)).toBe(true);
    expect(updates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    for (const u of [gh.calls('checks/create')[0]!.body as Json, ...updates]) expect(((u.output as Json).summary as string).length).toBeLessThan(65_535);
    expect(((updates[0]!.output as Json).summary as string)).toMatch(/left out of this summary to stay within GitHub's 65,535-character limit/);

    // The job summary stays under 1 MiB; what it leaves out, it says.
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
    expect(r.summary).toContain('### 🔀 In this pull request');
    if (!r.summary.includes("left out of this summary to stay within GitHub's 1 MiB limit")) expect(r.summary.match(/^- (❌|⚠️|ℹ️) /gmu)?.length).toBe(total);
    expect(gh.violations).toEqual([]);
  });
});
