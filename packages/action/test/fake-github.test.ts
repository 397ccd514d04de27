import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './support/fake-github.js';
import { checkRunHandlers, diffEntry, OWNER, pullFilesHandler, REPO, TOKEN } from './support/harness.js';

/** The fake API is only worth something if it refuses what GitHub would refuse: these tests prove it does. */
describe('the OpenAPI-checked fake GitHub API', () => {
  const gh = new FakeGitHub(undefined, TOKEN);
  beforeAll(async () => {
    const cr = checkRunHandlers(gh);
    gh.on('checks/create', cr.create).on('checks/update', cr.update).on('pulls/list-files', pullFilesHandler([{ filename: 'a.yml', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' }]));
    await gh.start();
  });
  afterAll(() => gh.close());

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${gh.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'user-agent': 'test', 'x-github-api-version': '2022-11-28', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('accepts a well-formed request and its documented response', async () => {
    gh.violations.length = 0;
    const res = await send('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'aigate', head_sha: 'a'.repeat(40), status: 'in_progress', output: { title: 't', summary: 's' } });
    expect(res.status).toBe(201);
    const files = await send('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100`);
    expect(await files.json()).toHaveLength(1);
    expect(gh.violations).toEqual([]);
  });

  it('flags a body off the schema: 51 annotations, an unknown level, a summary over 65,535 characters', async () => {
    gh.violations.length = 0;
    const ann = { path: 'a.yml', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'm' };
    await send('PATCH', `/repos/${OWNER}/${REPO}/check-runs/5`, { output: { title: 't', summary: 's', annotations: Array.from({ length: 51 }, () => ann) } });
    expect(gh.violations.join('\n')).toMatch(/must NOT have more than 50 items/);
    gh.violations.length = 0;
    await send('PATCH', `/repos/${OWNER}/${REPO}/check-runs/5`, { output: { title: 't', summary: 's', annotations: [{ ...ann, annotation_level: 'error' }] } });
    expect(gh.violations.join('\n')).toMatch(/must be equal to one of the allowed values/);
    gh.violations.length = 0;
    await send('PATCH', `/repos/${OWNER}/${REPO}/check-runs/5`, { output: { title: 't', summary: 'x'.repeat(65_536) } });
    expect(gh.violations.join('\n')).toMatch(/must NOT have more than 65535 characters/);
  });

  it('flags a completed check run without a conclusion, bad path and query parameters, unknown operations', async () => {
    gh.violations.length = 0;
    await send('PATCH', `/repos/${OWNER}/${REPO}/check-runs/5`, { status: 'completed', output: { title: 't', summary: 's' } });
    expect(gh.violations.join('\n')).toMatch(/conclusion/);
    gh.violations.length = 0;
    await send('GET', `/repos/${OWNER}/${REPO}/pulls/seven/files`);
    expect(gh.violations.join('\n')).toMatch(/path parameter pull_number/);
    gh.violations.length = 0;
    await send('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&sort=name`);
    expect(gh.violations.join('\n')).toMatch(/query parameter sort is not declared/);
    gh.violations.length = 0;
    await send('GET', `/repos/${OWNER}/${REPO}/nothing-here`);
    expect(gh.violations.join('\n')).toMatch(/no such operation/);
  });

  it('flags requests without the headers GitHub expects, and responses off the schema', async () => {
    gh.violations.length = 0;
    await fetch(`${gh.baseUrl}/repos/${OWNER}/${REPO}/pulls/7/files`, { headers: { 'user-agent': 'x' } });
    expect(gh.violations.join('\n')).toMatch(/API version header/);
    expect(gh.violations.join('\n')).toMatch(/authorization header/);
    const bad = diffEntry({ filename: 'a.yml', status: 'modified' }, 0);
    delete bad.sha;
    expect(gh.api.checkResponse('GET', `/repos/${OWNER}/${REPO}/pulls/7/files`, 200, [bad]).join('\n')).toMatch(/must have required property 'sha'/);
    expect(gh.api.checkResponse('POST', `/repos/${OWNER}/${REPO}/check-runs`, 200, {}).join('\n')).toMatch(/status 200 is not documented/);
  });
});
