import picomatch from 'picomatch';

const cache = new Map<string, (s: string) => boolean>();

/** Match a path (forward slashes, relative) or a name against a glob; invalid globs match nothing. */
export function globMatch(glob: string, value: string): boolean {
  let m = cache.get(glob);
  if (!m) {
    try {
      m = picomatch(glob, { dot: true, nocase: false });
    } catch {
      m = () => false;
    }
    cache.set(glob, m);
  }
  return m(value);
}

export function anyGlob(globs: readonly string[], value: string): boolean {
  return globs.some((g) => globMatch(g, value));
}
