import { describe, expect, it } from 'vitest';

describe('the bundle', () => {
  it('builds to the same bytes every time (so CI can compare it with the committed dist/index.js)', async () => {
    // @ts-expect-error: a plain ES module without types
    const { buildBytes } = (await import('../build.mjs')) as { buildBytes: () => Promise<Uint8Array> };
    const a = Buffer.from(await buildBytes());
    const b = Buffer.from(await buildBytes());
    expect(a.equals(b)).toBe(true);
    const text = a.toString('utf8');
    expect(text.startsWith('// @aigate/action ')).toBe(true);
    expect(text).not.toMatch(/\/work\/|\/home\/|\/tmp\//); // no machine paths in the output
  });
});
