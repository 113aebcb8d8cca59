// A monorepo's sub-project with its own `[tool.async-migrate]` (backend/pyproject.toml): its files
// use that configuration — the nearest one wins, like ruff's hierarchical configuration — whether
// the CLI or the language server starts from the repository root or from backend/; the root's
// configuration applies where no nearer one exists.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { configForPath, loadPyprojectConfig } from '../../server/src/analysis/config';
import { isExcluded, listWorkspace, withImportRoots } from '../../server/src/project';
import { py } from './helpers';
import { briefFindings, cli, tempWorkspace } from './cli/workspace';
import { LspClient } from './lsp/client';

const API = py`
  from fastapi import Depends
  from sqlalchemy.orm import Session

  from app.db import provide_session


  async def helper(db: Session):
      return db


  async def handler(db=Depends(provide_session)):
      db.commit()
`;

const MONOREPO = {
  // The root's own table: it ignores AM201, which backend/ (nearest wins, no merging) does not.
  'pyproject.toml': '[project]\nname = "mono"\n\n[tool.async-migrate]\nignore = ["AM201"]\n',
  'backend/pyproject.toml': py`
    [project]
    name = "backend"

    [tool.async-migrate]
    ignore = ["AM103"]
    extend-exclude = ["legacy"]

    [tool.async-migrate.session]
    async-dependencies = ["provide_session"]
  `,
  'backend/app/__init__.py': '',
  'backend/app/db.py': 'async def provide_session():\n    yield None\n',
  // AM103 on helper (ignored by backend/), AM201 on db.commit() (provide_session is async only by backend's setting).
  'backend/app/api.py': API,
  'backend/legacy/old.py': API,
  // Outside backend/: the root's configuration (AM103 reported, AM201 ignored).
  'scripts/job.py': py`
    from sqlalchemy.orm import Session
    from sqlalchemy.ext.asyncio import AsyncSession


    async def nightly(db: Session, other: AsyncSession):
        other.commit()
  `,
};

const brief = briefFindings;

describe('a sub-project\'s own [tool.async-migrate] (CLI)', function () {
  this.timeout(60000);

  it('check from the repository root == check from backend/ == check backend: the backend config ignores AM103, excludes legacy/ and sets session.async-dependencies; the root config applies to scripts/', async () => {
    const dir = tempWorkspace(MONOREPO);
    const fromRoot = await cli(dir, ['check', '--format', 'json']);
    assert.deepStrictEqual(brief(fromRoot.stdout), ['backend/app/api.py:12:5 AM201', 'scripts/job.py:5:19 AM103'], fromRoot.stdout + fromRoot.stderr);
    const inside = await cli(path.join(dir, 'backend'), ['check', '--format', 'json']);
    assert.deepStrictEqual(brief(inside.stdout).map((f) => 'backend/' + f), ['backend/app/api.py:12:5 AM201'], inside.stdout + inside.stderr);
    const named = await cli(dir, ['check', 'backend', '--format', 'json']);
    assert.deepStrictEqual(brief(named.stdout), ['backend/app/api.py:12:5 AM201']);
    // fix follows the same configuration: the commit is awaited in backend/ from the root too.
    const fixed = await cli(dir, ['fix', 'backend/app/api.py']);
    assert.strictEqual(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'backend/app/api.py'), 'utf8'), /\n    await db\.commit\(\)\n/);
  });

  it('near miss: a sub-project pyproject.toml without the table does not replace the root configuration', async () => {
    const dir = tempWorkspace({ ...MONOREPO, 'backend/pyproject.toml': '[project]\nname = "backend"\n' });
    const r = await cli(dir, ['check', '--format', 'json']);
    // Root config everywhere: AM201 ignored, AM103 reported, legacy/ analysed.
    assert.deepStrictEqual(brief(r.stdout), ['backend/app/api.py:7:18 AM103', 'backend/legacy/old.py:7:18 AM103', 'scripts/job.py:5:19 AM103'], r.stdout + r.stderr);
  });

  it('near miss: an invalid pyproject.toml of a vendored package (no table of ours) is not our business', async () => {
    const dir = tempWorkspace({ ...MONOREPO, 'vendor/pkg/pyproject.toml': '[project\nname = \n' });
    const r = await cli(dir, ['check', '--format', 'json']);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.deepStrictEqual(briefFindings(r.stdout), ['backend/app/api.py:12:5 AM201', 'scripts/job.py:5:19 AM103']);
  });

  it('a problem in the sub-project configuration names its file and stops the run (exit 2), from the root as from backend/', async () => {
    const dir = tempWorkspace({ ...MONOREPO, 'backend/pyproject.toml': '[tool.async-migrate]\nbogus-key = 1\n' });
    const fromRoot = await cli(dir, ['check']);
    assert.strictEqual(fromRoot.code, 2, fromRoot.stdout + fromRoot.stderr);
    assert.match(fromRoot.stderr, /backend\/pyproject\.toml: tool\.async-migrate\.bogus-key/);
    const inside = await cli(path.join(dir, 'backend'), ['check']);
    assert.strictEqual(inside.code, 2);
    assert.match(inside.stderr, /pyproject\.toml: tool\.async-migrate\.bogus-key/);
    // Invalid TOML in a table of ours is reported too.
    fs.writeFileSync(path.join(dir, 'backend/pyproject.toml'), '[tool.async-migrate]\nignore = [\n');
    const broken = await cli(dir, ['check']);
    assert.strictEqual(broken.code, 2);
    assert.match(broken.stderr, /backend\/pyproject\.toml(:\d+)?: invalid TOML/);
  });
});

describe('sub-project configuration lookup', () => {
  it('the nearest table wins; its globs count from its folder; a sub-project `src` counts from its folder', () => {
    const dir = tempWorkspace({
      ...MONOREPO,
      'backend/svc/pyproject.toml': '[tool.async-migrate]\nselect = ["AM2"]\nsrc = ["lib"]\n',
      'backend/svc/lib/x.py': 'X = 1\n',
    });
    const { config } = loadPyprojectConfig(MONOREPO['pyproject.toml']);
    const root = withImportRoots(config, listWorkspace(dir, config));
    assert.deepStrictEqual(root.scopes?.map((s) => s.dir), ['backend', 'backend/svc']);
    assert.deepStrictEqual(configForPath(root, 'backend/svc/lib/x.py').select, ['AM2']);
    assert.deepStrictEqual(configForPath(root, 'backend/app/api.py').ignore, ['AM103']);
    assert.strictEqual(configForPath(root, 'scripts/job.py'), root);
    // `backend` itself is not under its own table (a sibling named `backend2` neither).
    assert.strictEqual(configForPath(root, 'backend2/x.py'), root);
    assert.ok(isExcluded('backend/legacy', root));
    assert.ok(!isExcluded('legacy', root), 'the backend glob `legacy` applies under backend/ only');
    assert.ok(root.src.includes('backend/svc/lib'));
  });
});

describe('a sub-project\'s own [tool.async-migrate] in the language server', function () {
  this.timeout(60000);
  const clients: LspClient[] = [];

  after(async () => {
    for (const c of clients) if (c.proc.exitCode === null) await c.shutdown();
  });

  async function diagnosticsOf(root: string, rel: string, predicate: (codes: string[]) => boolean): Promise<{ client: LspClient; uri: string; codes: string[] }> {
    const client = new LspClient({ root });
    clients.push(client);
    await client.initialize();
    await client.waitIndexed();
    const uri = await client.open(rel);
    const codesOf = (d: { code?: unknown; range: { start: { line: number; character: number } } }[]) => d.map((x) => `${x.code}@${x.range.start.line}:${x.range.start.character}`).sort();
    const diagnostics = await client.diagnostics(uri, (d) => predicate(codesOf(d)));
    return { client, uri, codes: codesOf(diagnostics) };
  }

  it('the repository root folder publishes what the backend folder publishes, and follows an edit of backend/pyproject.toml', async () => {
    const dir = tempWorkspace(MONOREPO);
    const fromBackend = await diagnosticsOf(path.join(dir, 'backend'), 'app/api.py', (c) => c.length > 0);
    const fromRoot = await diagnosticsOf(dir, 'backend/app/api.py', (c) => c.length > 0);
    assert.deepStrictEqual(fromRoot.codes, fromBackend.codes);
    assert.deepStrictEqual(fromRoot.codes, ['AM201@11:4']);
    // Dropping the sub-project's ignore brings AM103 back (the watched pyproject.toml re-reads it).
    fs.writeFileSync(path.join(dir, 'backend/pyproject.toml'), '[tool.async-migrate.session]\nasync-dependencies = ["provide_session"]\n');
    await fromRoot.client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fromRoot.client.uri('backend/pyproject.toml'), type: 2 }] });
    const after = await fromRoot.client.diagnostics(fromRoot.uri, (d) => d.some((x) => x.code === 'AM103'));
    assert.deepStrictEqual(after.map((x) => x.code).sort(), ['AM103', 'AM201']);
  });
});
