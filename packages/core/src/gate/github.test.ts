import { describe, expect, it } from 'vitest';
import { GateApiError, gateApiErrorFromResponse, readAllPages } from './github.js';

describe('gateApiErrorFromResponse', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  const now = new Date('2025-05-01T10:00:00Z');
  it('recognises primary and secondary rate limits and when they reset', () => {
    expect(gateApiErrorFromResponse(403, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1746097200' }), 'API rate limit exceeded', now).details).toEqual({ status: 403, rateLimited: true, resetAt: '2025-05-01T11:00:00.000Z' });
    expect(gateApiErrorFromResponse(403, headers({ 'retry-after': '60' }), 'secondary rate limit', now).details).toEqual({ status: 403, rateLimited: true, resetAt: '2025-05-01T10:01:00.000Z' });
    expect(gateApiErrorFromResponse(429, headers({}), '', now).details).toMatchObject({ status: 429, rateLimited: true });
  });
  it('leaves other failures as plain HTTP errors', () => {
    const e = gateApiErrorFromResponse(403, headers({ 'x-ratelimit-remaining': '4000' }), 'Resource not accessible by integration', now);
    expect(e).toBeInstanceOf(GateApiError);
    expect(e.details).toEqual({ status: 403, rateLimited: false, resetAt: undefined });
    expect(e.message).toBe('Resource not accessible by integration');
  });
});

describe('readAllPages', () => {
  it('reads until the last page, and says when it stopped early', async () => {
    const pages = [[1, 2], [3], [4]];
    const all = await readAllPages(async (p) => ({ items: pages[p - 1]!, hasNextPage: p < pages.length }));
    expect(all).toEqual({ items: [1, 2, 3, 4], complete: true });
    expect(await readAllPages(async (p) => ({ items: [p], hasNextPage: true }), 3)).toEqual({ items: [1, 2, 3], complete: false });
  });
});
