// `async-migrate init-async [PATH]`: --help, --diff (no write, exit 1 with changes), the atomic
// write (exit 0), "already present" (exit 0, nothing written), nothing usable found (exit 1),
// usage and configuration errors (exit 2).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { py } from '../helpers';
import { GET_DB, TUTORIAL_DB, TUTORIAL_MAIN } from '../infrastructure/plumbing';
import { cli, read, tempWorkspace } from './workspace';

const SESSION = py`
  from sqlalchemy import create_engine
  from sqlalchemy.orm import sessionmaker

  engine = create_engine("postgresql://app@db/app", pool_pre_ping=True)
  SessionLocal = sessionmaker(bind=engine)
` + '\n\n' + GET_DB;

const PROJECT = { 'pyproject.toml': '[project]\nname = "x"\n', 'app/__init__.py': '', 'app/db/__init__.py': '', 'app/db/session.py': SESSION };

/** Every file of dir (relative path → bytes as text), to show nothing else was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('cli: init-async', () => {
  it('--help explains the command and its exit codes', async () => {
    const dir = tempWorkspace(PROJECT);
    const r = await cli(dir, ['init-async', '--help']);
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, /^usage: async-migrate init-async \[--diff\] \[PATH\]/m);
    assert.match(r.stdout, /postgresql → asyncpg, sqlite → aiosqlite, mysql → aiomysql/);
    assert.match(r.stdout, /Exit status: 0 set up \(or already present\), 1 nothing could be set up/);
    const top = await cli(dir, ['--help']);
    assert.match(top.stdout, /^  init-async +set up async infrastructure/m);
  });

  it('--diff previews the edit without writing (exit 1), then a run writes it (exit 0) and a second run finds it', async () => {
    const dir = tempWorkspace(PROJECT);
    const before = snapshot(dir);
    const preview = await cli(dir, ['init-async', '--diff']);
    assert.strictEqual(preview.code, 1, preview.stderr);
    assert.match(preview.stdout, /^--- a\/app\/db\/session\.py$/m);
    assert.match(preview.stdout, /^\+async_engine = create_async_engine\("postgresql\+asyncpg:\/\/app@db\/app", pool_pre_ping=True\)$/m);
    assert.match(preview.stderr, /^async session: added `async_engine` \(postgresql\+asyncpg\), `AsyncSessionLocal` \(expire_on_commit=False\), `get_async_db` in `app\/db\/session\.py`/m);
    assert.match(preview.stderr, /^Would change app\/db\/session\.py\.$/m);
    assert.deepStrictEqual(snapshot(dir), before, '--diff writes nothing');

    const run = await cli(dir, ['init-async', 'app']);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Changed app\/db\/session\.py\.$/m);
    const text = read(dir, 'app/db/session.py');
    assert.match(text, /^AsyncSessionLocal = sessionmaker\(bind=async_engine, class_=AsyncSession, expire_on_commit=False\)$/m);
    assert.match(text, /^async def get_async_db\(\) -> AsyncIterator\[AsyncSession\]:$/m);
    // Atomic write: no temporary file left next to it.
    assert.deepStrictEqual(fs.readdirSync(path.join(dir, 'app/db')).sort(), ['__init__.py', 'session.py']);

    const again = await cli(dir, ['init-async']);
    assert.strictEqual(again.code, 0);
    assert.match(again.stdout, /^async session dependency already present: app\.db\.session\.get_async_db$/m);
    assert.match(again.stdout, /^Nothing changed\.$/m);
    assert.strictEqual(read(dir, 'app/db/session.py'), text);
  });

  it('writes all files or none: a session module that is not UTF-8 stops the whole edit', async () => {
    const latin1 = Buffer.from('# Sesión de base de datos\n' + TUTORIAL_DB, 'latin1');
    const dir = tempWorkspace({ 'pyproject.toml': '[project]\nname = "x"\n', 'app/__init__.py': '', 'app/database.py': latin1, 'app/main.py': TUTORIAL_MAIN });
    const before = snapshot(dir);
    const r = await cli(dir, ['init-async']);
    assert.strictEqual(r.code, 1);
    assert.match(r.stdout, /^app\/database\.py: not written: .*; nothing was changed$/m);
    assert.deepStrictEqual(snapshot(dir), before, 'app/main.py is not written either');
  });

  it('exit 1 with what it looked for when there is no sync session module', async () => {
    const dir = tempWorkspace({ 'pyproject.toml': '[project]\nname = "x"\n', 'app/__init__.py': '', 'app/main.py': 'x = 1\n' });
    const r = await cli(dir, ['init-async']);
    assert.strictEqual(r.code, 1);
    assert.match(r.stdout, /^no sync session module found: looked for a plain `def` `get_db`/m);
  });

  it('exit 2 on usage and configuration errors, nothing written', async () => {
    const dir = tempWorkspace(PROJECT);
    const before = snapshot(dir);
    assert.strictEqual((await cli(dir, ['init-async', 'app', 'tests'])).code, 2);
    assert.strictEqual((await cli(dir, ['init-async', '--frobnicate'])).code, 2);
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.async-migrate.session]\nasync-dependency = 3\n');
    const bad = await cli(dir, ['init-async']);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /async-dependency/);
    assert.strictEqual(read(dir, 'app/db/session.py'), before['app/db/session.py']);
  });
});
