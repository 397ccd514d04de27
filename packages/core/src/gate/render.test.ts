import { describe, expect, it } from 'vitest';
import { evaluatePullRequest } from './evaluate.js';
import { InMemoryGateGitHub, ghUser } from './fake.js';
import { GateApiError } from './github.js';
import { baseFiles, PEOPLE, promoteProd, seedPeople } from './fixture.js';
import { DOSSIER_LIMIT, md, renderDossierMarkdown, renderGateText } from './render.js';

async function verdict(reviews: (gh: InMemoryGateGitHub) => void): Promise<Awaited<ReturnType<typeof evaluatePullRequest>>> {
  const gh = new InMemoryGateGitHub();
  seedPeople(gh);
  const base = gh.commit(baseFiles());
  const head = gh.commit(promoteProd());
  gh.openPullRequest({ author: PEOPLE.author, base, head });
  reviews(gh);
  return evaluatePullRequest(gh, { pullNumber: 1 });
}

describe('the promotion dossier', () => {
  it('shows each promotion, its order check, each metric, each approval and what is missing', async () => {
    const v = await verdict((gh) => {
      gh.review(1, PEOPLE.dana, 'APPROVED');
      gh.review(1, PEOPLE.author, 'APPROVED');
    });
    const text = renderDossierMarkdown(v);
    expect(text).toMatch(/^## ❌ Promotion gate: 1 thing missing\n/);
    expect(text).toContain('pull request #1 by alex');
    expect(text).toContain('### Promotion 1 of 1: prod ← support-chat-model:7 (blue on support-chat-prod)');
    expect(text).toContain('| Version | support-chat-model:6 → support-chat-model:7 |');
    expect(text).toContain('| Order | ✅ support-chat-model:7 runs in test on the base branch (deploy/test/blue.yml:4) |');
    expect(text).toContain('| groundedness | 4.5 | ≥ 4 | ✅ |');
    expect(text).toContain('| p95\\_latency\\_ms | 900 | ≤ 1500 | ✅ |');
    expect(text).toContain('dataset support-golden-set version 4, commit `3f9c2a17`');
    expect(text).toMatch(/\| dana \| APPROVED \| `[0-9a-f]{7}` \| 2025-05-01T09:01:00\.000Z \| ✅ counts \| named approver \|/);
    expect(text).toMatch(/\| alex \| APPROVED \| `[0-9a-f]{7}` \| [^|]+ \| ❌ does not count \| the author of the pull request cannot approve it \|/);
    expect(text).toMatch(/### Still missing\n\n- approvals, prod approvers: 1 of 2 approvals on [0-9a-f]{7}\n/);
    expect(text.length).toBeLessThan(DOSSIER_LIMIT);
  });

  it('stays under GitHub\'s limit however many reviews there are', async () => {
    const v = await verdict((gh) => {
      for (let i = 0; i < 1500; i++) {
        const u = ghUser(`reviewer-with-a-long-login-${i}`, 10_000 + i);
        gh.setPermission(u.login, 'read');
        gh.review(1, u, 'APPROVED');
      }
    });
    const text = renderDossierMarkdown(v);
    expect(text.length).toBeLessThanOrEqual(DOSSIER_LIMIT);
    expect(text).toMatch(/the dossier is cut here to fit GitHub's limit/);
    expect(text.startsWith('## ❌')).toBe(true);
  });

  it('escapes what people and files control', () => {
    expect(md('a|b <img src=x> `c` @team m@latest')).toBe('a\\|b \\<img src=x\\> \\`c\\` @\u200bteam m@latest');
  });

  it('renders plain text for a terminal', async () => {
    const v = await verdict((gh) => {
      gh.review(1, PEOPLE.dana, 'APPROVED');
      gh.review(1, PEOPLE.erin, 'APPROVED');
    });
    const text = renderGateText(v);
    expect(text).toContain('Promotion 1 of 1: prod ← support-chat-model:7 (blue on support-chat-prod)');
    expect(text).toContain('  order     ok: support-chat-model:7 runs in test on the base branch (deploy/test/blue.yml:4)');
    expect(text).toContain('            ok: groundedness is 4.5 (needs ≥ 4)');
    expect(text).toContain('  counts: erin (APPROVED on');
    expect(text.trimEnd().endsWith('Promotion gate passed: 1 promotion in order, with evidence and approvals')).toBe(true);
  });

  it('does not claim "no promotion" when a failure stopped the gate before it read the change', async () => {
    const gh = new InMemoryGateGitHub();
    seedPeople(gh);
    gh.openPullRequest({ author: PEOPLE.author, base: gh.commit(baseFiles()), head: gh.commit(promoteProd()) });
    gh.failures.push({ method: 'listPullRequestFiles', error: new GateApiError('Server Error', { status: 502 }) });
    const v = await evaluatePullRequest(gh, { pullNumber: 1 });
    expect(v).toMatchObject({ conclusion: 'failure', stopped: true });
    const text = renderDossierMarkdown(v);
    expect(text).toContain('policy not read');
    expect(text).toContain('The gate stopped before it could read the change');
    expect(text).not.toContain('No promotion');
    expect(renderGateText(v)).toContain('The gate stopped before it could read the change.');
  });
});
