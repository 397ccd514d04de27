import { describe, expect, it } from 'vitest';
import { GlobIndex, literalPrefix } from './glob.js';

describe('GlobIndex', () => {
  it('returns the value of the first matching glob in declaration order', () => {
    const idx = new GlobIndex([
      { globs: ['services/chat/**'], value: 'chat' },
      { globs: ['services/**'], value: 'any-service' },
      { globs: ['**/prod/**', 'legacy/*.yml'], value: 'prod-or-legacy' },
      { globs: [], value: 'never' },
    ]);
    expect(idx.first('services/chat/prod/a.yml')).toBe('chat');
    expect(idx.first('services/faq/prod/a.yml')).toBe('any-service');
    expect(idx.first('deploy/prod/a.yml')).toBe('prod-or-legacy');
    expect(idx.first('legacy/x.yml')).toBe('prod-or-legacy');
    expect(idx.first('legacy/sub/x.yml')).toBeUndefined();
    expect(idx.first('other.yml')).toBeUndefined();
  });

  it('prefers an earlier glob with a shorter literal start', () => {
    const idx = new GlobIndex([
      { globs: ['**/*.yml'], value: 'all' },
      { globs: ['services/chat/**'], value: 'chat' },
    ]);
    expect(idx.first('services/chat/a.yml')).toBe('all');
  });

  it('cuts the literal start at the first glob character', () => {
    expect(literalPrefix('chat-*')).toBe('chat-');
    expect(literalPrefix('deploy/{dev,test}/**')).toBe('deploy/');
    expect(literalPrefix('exact.yml')).toBe('exact.yml');
  });
});
