// Minimal glob matching for config globs: `**`, `*`, `?`, `{a,b}`; POSIX paths.
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close > i) {
        out += '(?:' + glob.slice(i + 1, close).split(',').map(escape).join('|') + ')';
        i = close;
      } else out += '\\{';
    } else out += escape(c);
  }
  re = new RegExp('^' + out + '$');
  cache.set(glob, re);
  return re;
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** Matches a workspace-relative path; a glob without a slash matches the basename anywhere too. */
export function matchesGlob(path: string, glob: string): boolean {
  const g = glob.replace(/^\.\//, '');
  if (globToRegExp(g).test(path)) return true;
  if (!g.includes('/')) return globToRegExp(g).test(path.split('/').pop()!);
  // A directory glob excludes everything below it.
  return globToRegExp(g.replace(/\/$/, '') + '/**').test(path);
}
