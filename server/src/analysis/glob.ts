// Config globs (`exclude`, `extend-exclude`, tier overrides) on picomatch: `**`, `*`, `?`,
// `[a-z]` classes, nested `{a,b}` braces and `\` escapes, on POSIX (workspace-relative) paths.
import picomatch from 'picomatch';

const cache = new Map<string, (path: string) => boolean>();

function matcher(glob: string): (path: string) => boolean {
  let match = cache.get(glob);
  if (!match) {
    // dot: `.venv/**` and `**/.cache` match dot folders, like ruff's excludes.
    match = picomatch(glob, { dot: true });
    cache.set(glob, match);
  }
  return match;
}

/** Matches a workspace-relative path; a glob without a slash matches the basename anywhere too. */
export function matchesGlob(path: string, glob: string): boolean {
  const g = glob.replace(/^\.\//, '');
  if (matcher(g)(path)) return true;
  if (!g.includes('/')) return matcher(g)(path.split('/').pop()!);
  // A directory glob excludes everything below it.
  return matcher(g.replace(/\/$/, '') + '/**')(path);
}
