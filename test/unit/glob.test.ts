// Config globs (`exclude`, `extend-exclude`, tier overrides by file): ruff-like matching of
// workspace-relative POSIX paths.
import * as assert from 'assert';
import { matchesGlob } from '../../server/src/analysis/glob';

const MATCH: [string, string][] = [
  ['app/api/v1/users.py', 'app/api/**'],
  ['app/api/v1/users.py', '**/users.py'],
  ['users.py', '**/users.py'],
  ['app/api/v1/users.py', 'users.py'], // no slash: the basename, anywhere
  ['app/migrations', 'migrations'],
  ['app/migrations/0001.py', 'app/migrations/'], // a directory: everything below it
  ['app/migrations/0001.py', 'app/migrations'],
  ['app/.venv/lib/x.py', '**/.venv/**'], // dot folders are matched like any other
  ['app/api/v2/x.py', 'app/api/v[0-9]/*.py'],
  ['app/services/async_user.py', 'app/services/{async_*,legacy/{a,b}}.py'],
  ['app/services/legacy/b.py', 'app/services/{async_*,legacy/{a,b}}.py'],
  ['app/x.py', './app/x.py'],
];

const NO_MATCH: [string, string][] = [
  ['app/api/v1/users.py', 'app/*.py'], // `*` stays inside one folder
  ['app/api/vx/x.py', 'app/api/v[0-9]/*.py'],
  ['app/services/legacy/c.py', 'app/services/{async_*,legacy/{a,b}}.py'],
  ['app/users.py.bak', '*.py'],
  ['application/x.py', 'app/**'],
];

describe('config globs', () => {
  for (const [path, glob] of MATCH) it(`${glob} matches ${path}`, () => assert.strictEqual(matchesGlob(path, glob), true));
  for (const [path, glob] of NO_MATCH) it(`${glob} does not match ${path}`, () => assert.strictEqual(matchesGlob(path, glob), false));
});
