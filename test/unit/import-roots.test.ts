// Import roots and module names (PRODUCT.md §1.3): the rules of analysis/import-roots.ts, and
// the promise they keep — the CLI and the language server give the same findings whatever path
// they start from (`check app` == `check .` == `check app/api/x.py`; the repository root == the
// backend folder), with a monorepo's two projects each resolving its own `app` package.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { discoverImportRoots, moduleNamesOf } from '../../server/src/analysis/import-roots';
import { findWorkspaceRoot } from '../../server/src/project';
import { makeConfig, py } from './helpers';
import { briefFindings, cli, tempWorkspace } from './cli/workspace';
import { LspClient } from './lsp/client';

/** Module names of files under the roots discovered from those files and project directories. */
function namesOf(files: string[], projectDirs: string[] = [], src?: string[]) {
  const config = { ...makeConfig(src ? { src } : {}), importRoots: discoverImportRoots(files, projectDirs) };
  return (file: string) => moduleNamesOf(file, config);
}

describe('import roots and module names', () => {
  it('flat layout: the directory above the top package is the root', () => {
    const files = ['app/__init__.py', 'app/api/__init__.py', 'app/api/users.py', 'app/main.py', 'tests/test_users.py'];
    assert.deepStrictEqual(discoverImportRoots(files, ['']), ['']);
    const of = namesOf(files, ['']);
    assert.deepStrictEqual(of('app/api/users.py'), { moduleName: 'app.api.users', isPackage: false, root: '', aliases: [] });
    assert.deepStrictEqual(of('app/api/__init__.py'), { moduleName: 'app.api', isPackage: true, root: '', aliases: [] });
    assert.strictEqual(of('tests/test_users.py').moduleName, 'tests.test_users');
  });

  it('no pyproject.toml (app/ + requirements.txt): same names as with one', () => {
    const files = ['app/__init__.py', 'app/core/__init__.py', 'app/core/config.py'];
    assert.deepStrictEqual(discoverImportRoots(files), ['']);
    assert.strictEqual(namesOf(files)('app/core/config.py').moduleName, 'app.core.config');
  });

  it('src layout: src/ is a root, and `src.pkg.x` still resolves as an alias', () => {
    const files = ['src/shop/__init__.py', 'src/shop/orders.py', 'tests/test_orders.py'];
    assert.deepStrictEqual(discoverImportRoots(files, ['']), ['', 'src']);
    assert.deepStrictEqual(namesOf(files, [''])('src/shop/orders.py'), { moduleName: 'shop.orders', isPackage: false, root: 'src', aliases: ['src.shop.orders'] });
    // A src/ that is itself a package (`from src.auth import service`) is not a root.
    const asPackage = ['src/__init__.py', 'src/auth/__init__.py', 'src/auth/service.py'];
    assert.deepStrictEqual(discoverImportRoots(asPackage, ['']), ['']);
    assert.strictEqual(namesOf(asPackage, [''])('src/auth/service.py').moduleName, 'src.auth.service');
  });

  it('monorepo with two backends that both name their package `app`: each file is `app.…` in its own project', () => {
    const files = ['backend/app/__init__.py', 'backend/app/db.py', 'server/app/__init__.py', 'server/app/db.py', 'scripts/seed.py'];
    // backend/ holds a pyproject.toml, server/ only a requirements.txt: the __init__.py chain finds it.
    assert.deepStrictEqual(discoverImportRoots(files, ['', 'backend']), ['', 'backend', 'server']);
    const of = namesOf(files, ['', 'backend']);
    assert.deepStrictEqual(of('backend/app/db.py'), { moduleName: 'app.db', isPackage: false, root: 'backend', aliases: ['backend.app.db'] });
    assert.deepStrictEqual(of('server/app/db.py'), { moduleName: 'app.db', isPackage: false, root: 'server', aliases: ['server.app.db'] });
    assert.strictEqual(of('scripts/seed.py').root, '');
  });

  it('namespace packages: without any __init__.py, names are relative to the project root (`app.api.x`)', () => {
    const files = ['app/main.py', 'app/api/users.py'];
    assert.deepStrictEqual(discoverImportRoots(files, ['']), ['']);
    assert.strictEqual(namesOf(files, [''])('app/api/users.py').moduleName, 'app.api.users');
  });

  it('a namespace directory above regular packages: mypy\'s name (`api.users`), with the runtime name `app.api.users` as an alias; never a standard-library name', () => {
    const files = ['app/main.py', 'app/types.py', 'app/api/__init__.py', 'app/api/users.py'];
    assert.deepStrictEqual(discoverImportRoots(files, ['']), ['', 'app']);
    const of = namesOf(files, ['']);
    assert.deepStrictEqual(of('app/api/users.py'), { moduleName: 'api.users', isPackage: false, root: 'app', aliases: ['app.api.users'] });
    // Never a standard-library name: `import types` elsewhere is the standard library's.
    assert.deepStrictEqual(of('app/types.py'), { moduleName: 'app.types', isPackage: false, root: '', aliases: [] });
  });

  it('a directory without __init__.py inside a regular package is a namespace subpackage, not a root (its `http.py` never shadows the standard library)', () => {
    const files = ['registry/__init__.py', 'registry/core/http.py', 'registry/core/tools/__init__.py', 'registry/core/tools/run.py'];
    assert.deepStrictEqual(discoverImportRoots(files, ['']), ['']);
    const of = namesOf(files, ['']);
    assert.deepStrictEqual(of('registry/core/http.py'), { moduleName: 'registry.core.http', isPackage: false, root: '', aliases: [] });
    assert.strictEqual(of('registry/core/tools/run.py').moduleName, 'registry.core.tools.run');
  });

  it('[tool.async-migrate] src overrides the discovered roots; names that are not identifiers are never aliases', () => {
    const files = ['backend/app/__init__.py', 'backend/app/db.py'];
    const of = namesOf(files, [''], ['./backend/app/']);
    assert.deepStrictEqual(of('backend/app/db.py'), { moduleName: 'db', isPackage: false, root: 'backend/app', aliases: ['app.db', 'backend.app.db'] });
    const dashed = namesOf(['my-service/app/__init__.py', 'my-service/app/db.py'], ['my-service']);
    assert.deepStrictEqual(dashed('my-service/app/db.py').aliases, []);
  });

  it('the CLI indexes the nearest project root, else the working directory (or the top of the path\'s package chain above it)', () => {
    const dir = tempWorkspace({ 'requirements.txt': '', 'app/__init__.py': '', 'app/api/__init__.py': '', 'app/api/x.py': '', 'svc/pyproject.toml': '', 'svc/m.py': '' });
    const real = fs.realpathSync(dir);
    assert.strictEqual(fs.realpathSync(findWorkspaceRoot(dir, 'app')), real);
    assert.strictEqual(fs.realpathSync(findWorkspaceRoot(dir, 'app/api/x.py')), real);
    // Run from inside the package: the chain leads back up to the project.
    assert.strictEqual(fs.realpathSync(findWorkspaceRoot(path.join(dir, 'app', 'api'), '.')), real);
    assert.strictEqual(fs.realpathSync(findWorkspaceRoot(dir, 'svc/m.py')), path.join(real, 'svc'));
  });
});

// ---------------------------------------------------------------------------------------------
// Same findings whatever the starting path.

const NO_PYPROJECT = {
  'requirements.txt': 'fastapi\nsqlalchemy\n',
  'app/__init__.py': '',
  'app/core/__init__.py': '',
  'app/core/config.py': py`
    class Settings:
        API_V1_STR: str = "/api/v1"

    settings = Settings()
  `,
  'app/services/__init__.py': '',
  'app/services/items.py': py`
    def list_items(db):
        return []
  `,
  'app/services/async_items.py': py`
    async def list_items(db):
        return []
  `,
  'app/api/__init__.py': '',
  'app/api/items.py': py`
    from fastapi import APIRouter
    from app.services.items import list_items
    from app.services import async_items

    router = APIRouter(prefix="/items")

    @router.get("/")
    async def read_items():
        first = async_items.list_items(None)
        return await list_items(None)
  `,
  'app/main.py': py`
    from fastapi import FastAPI
    from app.api.items import router
    from app.core.config import settings

    app = FastAPI()
    app.include_router(router, prefix=settings.API_V1_STR)
  `,
};

const brief = briefFindings;

describe('the same findings from the project root, a package or one file (CLI)', function () {
  this.timeout(60000);

  it('check app == check . == check app/api/items.py on a project without pyproject.toml, cross-file findings included', async () => {
    const dir = tempWorkspace(NO_PYPROJECT);
    const all = await cli(dir, ['check', '.', '--format', 'json']);
    const app = await cli(dir, ['check', 'app', '--format', 'json']);
    const one = await cli(dir, ['check', 'app/api/items.py', '--format', 'json']);
    const everything = brief(all.stdout);
    // Cross-file evidence: AM202 (await on the sync list_items) and AM201 (the async twin not awaited).
    const items = everything.filter((f) => f.startsWith('app/api/items.py:'));
    assert.ok(items.some((f) => f.endsWith('AM202')) && items.some((f) => f.endsWith('AM201')), everything.join('\n'));
    assert.deepStrictEqual(brief(app.stdout), everything.filter((f) => f.startsWith('app/')));
    assert.deepStrictEqual(brief(one.stdout), items);
  });

  it('endpoints app == endpoints . (router chains and constant prefixes resolved either way)', async () => {
    const dir = tempWorkspace(NO_PYPROJECT);
    const routes = (stdout: string) => (JSON.parse(stdout) as { method: string; route: string; path: string }[]).map((e) => `${e.method} ${e.route} ${e.path}`);
    const all = await cli(dir, ['endpoints', '.', '--format', 'json']);
    const app = await cli(dir, ['endpoints', 'app', '--format', 'json']);
    assert.deepStrictEqual(routes(all.stdout), ['GET /api/v1/items/ app/api/items.py']);
    assert.deepStrictEqual(routes(app.stdout), routes(all.stdout));
  });
});

const MONOREPO = {
  'README.md': '# full-stack app\n',
  'frontend/package.json': '{}\n',
  'backend/pyproject.toml': '[project]\nname = "backend"\n',
  'backend/app/__init__.py': '',
  'backend/app/db.py': py`
    from collections.abc import AsyncGenerator
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    async_session_maker = async_sessionmaker(expire_on_commit=False)

    async def get_db_session() -> AsyncGenerator[AsyncSession, None]:
        async with async_session_maker() as session:
            yield session
  `,
  'backend/app/services/__init__.py': '',
  'backend/app/services/users.py': py`
    def get_user(session, user_id):
        return None
  `,
  'backend/app/api/__init__.py': '',
  'backend/app/api/users.py': py`
    from fastapi import APIRouter, Depends
    from sqlalchemy.ext.asyncio import AsyncSession
    from app.db import get_db_session
    from app.services.users import get_user

    router = APIRouter(prefix="/users")

    @router.get("/{user_id}")
    async def read_user(user_id: int, session: AsyncSession = Depends(get_db_session)):
        return await get_user(session, user_id)
  `,
  // A second Python project in the same repository, with its own `app` package (requirements.txt only).
  'worker/requirements.txt': 'sqlalchemy\n',
  'worker/app/__init__.py': '',
  'worker/app/services/__init__.py': '',
  'worker/app/services/users.py': py`
    async def get_user(session, user_id):
        return None
  `,
  'worker/app/tasks.py': py`
    from app.services.users import get_user

    async def refresh(user_id: int):
        user = get_user(None, user_id)
        return user
  `,
  // Outside both projects: `app.services.users` could be either one's, so it resolves to neither (silent).
  'scripts/seed.py': py`
    from app.services.users import get_user

    async def seed():
        await get_user(None, 1)
        get_user(None, 2)
  `,
};

describe('a monorepo with two Python projects (CLI)', function () {
  this.timeout(60000);

  it('from the repository root each project resolves its own `app`; a name two other projects define is ambiguous (silent); no false AM103 on an explicit AsyncSession', async () => {
    const dir = tempWorkspace(MONOREPO);
    const r = await cli(dir, ['check', '--format', 'json']);
    const found = brief(r.stdout);
    const codes = found.map((f) => f.replace(/:\d+:\d+ /, ' '));
    // backend: `await` on its own sync get_user; worker: its own async get_user not awaited.
    assert.deepStrictEqual(codes, ['backend/app/api/users.py AM202', 'worker/app/tasks.py AM201'], r.stdout + r.stderr);
    // From the backend folder, or naming it: the same findings for its files.
    const backend = await cli(dir, ['check', 'backend', '--format', 'json']);
    assert.deepStrictEqual(brief(backend.stdout), found.filter((f) => f.startsWith('backend/')));
    const inside = await cli(path.join(dir, 'backend'), ['check', '--format', 'json']);
    assert.deepStrictEqual(brief(inside.stdout).map((f) => 'backend/' + f), found.filter((f) => f.startsWith('backend/')));
    const worker = await cli(dir, ['check', 'worker/app/tasks.py', '--format', 'json']);
    assert.deepStrictEqual(brief(worker.stdout), found.filter((f) => f.startsWith('worker/')));
  });
});

describe('a monorepo in the language server: the repository root == the backend folder', function () {
  this.timeout(60000);
  const clients: LspClient[] = [];
  let dir: string;

  before(() => {
    dir = tempWorkspace(MONOREPO);
  });

  after(async () => {
    for (const c of clients) if (c.proc.exitCode === null) await c.shutdown();
  });

  async function diagnosticsOf(root: string, rel: string): Promise<string[]> {
    const client = new LspClient({ root });
    clients.push(client);
    await client.initialize();
    await client.waitIndexed();
    const uri = await client.open(rel);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    return diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`).sort();
  }

  it('publishes the same diagnostics for a backend file opened from either folder', async () => {
    const fromRoot = await diagnosticsOf(dir, 'backend/app/api/users.py');
    const fromBackend = await diagnosticsOf(path.join(dir, 'backend'), 'app/api/users.py');
    assert.deepStrictEqual(fromRoot, fromBackend);
    assert.ok(fromRoot.some((d) => d.startsWith('AM202@')), fromRoot.join(', '));
    assert.ok(!fromRoot.some((d) => d.startsWith('AM103@')), fromRoot.join(', '));
  });

  it('a project marker created later moves the import roots: the folder is re-indexed and cross-file findings appear', async () => {
    const repo = tempWorkspace({
      'svc/app/services.py': 'def get_user(user_id):\n    return None\n',
      'svc/app/api.py': 'from app.services import get_user\n\n\nasync def read(user_id: int):\n    return await get_user(user_id)\n',
    });
    const client = new LspClient({ root: repo });
    clients.push(client);
    await client.initialize();
    await client.waitIndexed();
    const uri = await client.open('svc/app/api.py');
    // svc/ is no root yet: `app.services` does not resolve, so nothing is claimed about get_user.
    const before = await client.diagnostics(uri);
    assert.ok(!before.some((d) => d.code === 'AM202'), JSON.stringify(before));
    fs.writeFileSync(path.join(repo, 'svc', 'pyproject.toml'), '[project]\nname = "svc"\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('svc/pyproject.toml'), type: 1 }] });
    const after = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM202'));
    assert.ok(after.some((d) => d.code === 'AM202'));
  });

  it('a worker file opened from the repository root sees the worker\'s own async service', async () => {
    const diagnostics = await diagnosticsOf(dir, 'worker/app/tasks.py');
    assert.ok(diagnostics.some((d) => d.startsWith('AM201@')), diagnostics.join(', '));
  });
});
