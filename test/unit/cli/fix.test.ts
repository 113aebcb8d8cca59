// `async-migrate fix`: atomic writes, --diff that applies with patch, idempotence, --endpoint.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { py } from '../helpers';
import { BROKEN_FILE_WITH_FIXES, REFUSED_REASON } from '../robustness/broken-file';
import { cli, positionOf, read, tempWorkspace, writeFiles } from './workspace';

const MODELS = py`
  from datetime import datetime


  def stamp():
      return datetime.utcnow()  # keep this comment
`;

const CACHE = py`
  import redis

  r = redis.Redis()


  def purge():
      return r.keys("session:*")
`;

const FIXED_MODELS = py`
  from datetime import datetime, timezone


  def stamp():
      return datetime.now(timezone.utc)  # keep this comment
`;

function listDir(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

describe('fix', () => {
  it('applies safe fixes, writes atomically keeping the file mode, and reports what changed; a second run changes nothing', async () => {
    const dir = tempWorkspace({ 'app/cache.py': CACHE, 'app/models.py': MODELS });
    fs.chmodSync(path.join(dir, 'app/cache.py'), 0o640);
    const r = await cli(dir, ['fix']);
    assert.strictEqual(r.code, 1, 'AM401 remains (its fix is unsafe)');
    assert.strictEqual(read(dir, 'app/cache.py'), CACHE.replace('r.keys("session:*")', 'list(r.scan_iter(match="session:*", count=100))'));
    assert.strictEqual(fs.statSync(path.join(dir, 'app/cache.py')).mode & 0o777, 0o640);
    assert.strictEqual(read(dir, 'app/models.py'), MODELS, 'unsafe fixes are not applied by default');
    assert.match(r.stdout, /^app\/cache\.py: fixed 1 \(AM301\)$/m);
    assert.match(r.stdout, /^ {2}app\/models\.py:5:12: AM401 .* — not fixed: unsafe fix: run with --unsafe-fixes$/m);
    assert.match(r.stdout, /Fixed 1 finding in 1 file; 1 remaining \(1 fixable with --unsafe-fixes\)\./);
    assert.deepStrictEqual(listDir(dir), ['app/cache.py', 'app/models.py'], 'no temporary files left behind');

    const again = await cli(dir, ['fix']);
    assert.match(again.stdout, /Fixed 0 findings in 0 files/);
    assert.strictEqual(read(dir, 'app/cache.py'), CACHE.replace('r.keys("session:*")', 'list(r.scan_iter(match="session:*", count=100))'));
  });

  it('--unsafe-fixes also applies unsafe fixes (with their imports), keeps comments, and exits 0 when nothing remains', async () => {
    const dir = tempWorkspace({ 'app/models.py': MODELS });
    const r = await cli(dir, ['fix', '--unsafe-fixes']);
    assert.strictEqual(r.code, 0, r.stdout);
    assert.strictEqual(read(dir, 'app/models.py'), FIXED_MODELS);
    assert.match(r.stdout, /^app\/models\.py: fixed 1 \(AM401\)$/m);
    const again = await cli(dir, ['fix', '--unsafe-fixes']);
    assert.strictEqual(again.code, 0);
    assert.strictEqual(read(dir, 'app/models.py'), FIXED_MODELS);
  });

  it('--select limits the rules that are fixed', async () => {
    const dir = tempWorkspace({ 'app/cache.py': CACHE, 'app/models.py': MODELS });
    await cli(dir, ['fix', '--unsafe-fixes', '--select', 'AM4']);
    assert.strictEqual(read(dir, 'app/cache.py'), CACHE);
    assert.strictEqual(read(dir, 'app/models.py'), FIXED_MODELS);
  });

  it('--diff writes nothing, exits 1, and its output applies with patch -p1 to exactly what fix writes', async () => {
    const files = { 'app/cache.py': CACHE, 'app/models.py': MODELS, 'app/sub dir/more.py': MODELS.replace('def stamp', 'def other') };
    const dir = tempWorkspace(files);
    const r = await cli(dir, ['fix', '--diff', '--unsafe-fixes']);
    assert.strictEqual(r.code, 1);
    for (const [rel, text] of Object.entries(files)) assert.strictEqual(read(dir, rel), text, `${rel} untouched`);
    assert.match(r.stdout, /^--- a\/app\/cache\.py\n\+\+\+ b\/app\/cache\.py\n@@ -4,4 \+4,4 @@\n/m);
    assert.match(r.stderr, /Would fix 3 findings in 3 files/);
    const diffFile = path.join(dir, 'changes.diff');
    fs.writeFileSync(diffFile, r.stdout);
    execFileSync('patch', ['-p1', '--dry-run', '-i', diffFile], { cwd: dir, stdio: 'pipe' });
    execFileSync('patch', ['-p1', '-s', '-i', diffFile], { cwd: dir, stdio: 'pipe' });
    fs.unlinkSync(diffFile);
    const patched = Object.fromEntries(Object.keys(files).map((rel) => [rel, read(dir, rel)]));
    const other = tempWorkspace(files);
    await cli(other, ['fix', '--unsafe-fixes']);
    for (const rel of Object.keys(files)) assert.strictEqual(patched[rel], read(other, rel), rel);
    // Nothing left to change: --diff prints nothing and exits 0.
    const none = await cli(other, ['fix', '--diff', '--unsafe-fixes']);
    assert.strictEqual(none.code, 0);
    assert.strictEqual(none.stdout, '');
  });

  it('keeps a UTF-8 BOM and CRLF line endings; refuses to write a file that is not valid UTF-8', async () => {
    const crlf = '\uFEFF' + CACHE.replace(/\n/g, '\r\n');
    const latin1 = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n' + CACHE)]);
    const dir = tempWorkspace({ 'app/crlf.py': crlf, 'app/latin1.py': latin1 });
    const r = await cli(dir, ['fix']);
    const bytes = fs.readFileSync(path.join(dir, 'app/crlf.py'));
    assert.deepStrictEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.strictEqual(bytes.toString('utf8'), crlf.replace('r.keys("session:*")', 'list(r.scan_iter(match="session:*", count=100))'));
    assert.deepStrictEqual(fs.readFileSync(path.join(dir, 'app/latin1.py')), latin1);
    assert.match(r.stdout, /app\/latin1\.py: not written: not valid UTF-8/);
    // --diff of a BOM file applies with patch too.
    const again = tempWorkspace({ 'app/crlf.py': crlf });
    const d = await cli(again, ['fix', '--diff']);
    fs.writeFileSync(path.join(again, 'd.diff'), d.stdout);
    execFileSync('patch', ['-p1', '-s', '-i', 'd.diff'], { cwd: again, stdio: 'pipe' });
    assert.deepStrictEqual(fs.readFileSync(path.join(again, 'app/crlf.py')), bytes);
  });

  it('fixes a file with a syntax error outside the error region only; skips binary files', async () => {
    const broken = CACHE + '\n\ndef broken(:\n    return r.keys("x"\n';
    const dir = tempWorkspace({ 'app/broken.py': broken, 'app/blob.py': Buffer.from([1, 0, 2]) });
    const r = await cli(dir, ['fix']);
    assert.strictEqual(read(dir, 'app/broken.py'), broken.replace('r.keys("session:*")', 'list(r.scan_iter(match="session:*", count=100))'));
    assert.match(r.stdout, /skipped app\/blob\.py: binary file/);
  });

  it('in a file with syntax errors, applies the fix that parses no worse and says why the other is not applied (fix, --diff, check)', async () => {
    const dir = tempWorkspace({ 'app/services/user.py': BROKEN_FILE_WITH_FIXES });
    // Reported where it is after the applied fix (which adds `import asyncio`).
    const where = positionOf(BROKEN_FILE_WITH_FIXES, 'db.query(User).get(user_id)');
    const notFixed = new RegExp(`^ {2}app/services/user\\.py:${where.line + 1}:${where.column}: AM102 .* — not fixed: ${REFUSED_REASON.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
    const check = await cli(dir, ['check', '--select', 'AM102,AM601', '--format', 'json']);
    const fixable = (JSON.parse(check.stdout) as { code: string; fixable: boolean }[]).map((f) => `${f.code} ${f.fixable}`);
    assert.deepStrictEqual(fixable, ['AM102 false', 'AM601 true']);
    const diff = await cli(dir, ['fix', '--diff', '--select', 'AM102,AM601']);
    assert.strictEqual(diff.code, 1);
    assert.match(diff.stdout, /^\+ {4}await asyncio\.sleep\(1\)$/m);
    assert.doesNotMatch(diff.stdout, /select\(User\)/);
    assert.match(diff.stderr, notFixed);
    const r = await cli(dir, ['fix', '--select', 'AM102,AM601']);
    assert.strictEqual(r.code, 1, 'AM102 remains');
    assert.match(r.stdout, /^app\/services\/user\.py: fixed 1 \(AM601\)$/m);
    assert.match(r.stdout, notFixed);
    const fixed = read(dir, 'app/services/user.py');
    assert.match(fixed, /^ {4}await asyncio\.sleep\(1\)$/m);
    assert.ok(fixed.includes('return db.query(User).get(user_id)'));
  });

  it('usage errors exit 2', async () => {
    const dir = tempWorkspace({ 'a.py': 'x = 1\n' });
    assert.strictEqual((await cli(dir, ['fix', '--bogus'])).code, 2);
    assert.strictEqual((await cli(dir, ['fix', '--select', 'XX1'])).code, 2);
    assert.strictEqual((await cli(dir, ['fix', '--no-utcnow'])).code, 2);
    const help = await cli(dir, ['fix', '--help']);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /--unsafe-fixes/);
    assert.match(help.stdout, /--endpoint SPEC/);
  });
});

describe('fix --endpoint', () => {
  const files = {
    'app/main.py': py`
      from fastapi import FastAPI

      from app.api import ping

      app = FastAPI()
      app.include_router(ping.router, prefix="/api")
    `,
    'app/api/ping.py': py`
      from datetime import datetime

      from fastapi import APIRouter

      router = APIRouter()


      @router.get("/ping")
      def ping():
          return {"at": datetime.utcnow()}


      @router.get("/pong")
      def pong():
          return {"at": datetime.utcnow()}
    `,
  };
  const migrated = files['app/api/ping.py']
    .replace('from datetime import datetime\n', 'from datetime import datetime, timezone\n')
    .replace('def ping():\n    return {"at": datetime.utcnow()}', 'async def ping():\n    return {"at": datetime.now(timezone.utc)}');

  it('migrates one handler by "METHOD /path" and writes the file; other handlers stay as they are', async () => {
    const dir = tempWorkspace(files);
    const r = await cli(dir, ['fix', '--endpoint', 'GET /api/ping']);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.strictEqual(read(dir, 'app/api/ping.py'), migrated);
    assert.match(r.stdout, /^Migrating GET \/api\/ping \(app\/api\/ping\.py:9 ping\)$/m);
    assert.match(r.stdout, /done: `def ping` → `async def ping`/);
    assert.match(r.stdout, /done: AM401 datetime-utcnow/);
  });

  it('accepts file.py:function relative to the working directory, with --diff', async () => {
    const dir = tempWorkspace(files);
    const r = await cli(path.join(dir, 'app'), ['fix', '--endpoint', 'api/ping.py:ping', '--diff']);
    assert.strictEqual(r.code, 1);
    assert.strictEqual(read(dir, 'app/api/ping.py'), files['app/api/ping.py']);
    assert.match(r.stdout, /^\+async def ping\(\):$/m);
    assert.match(r.stdout, /^--- a\/api\/ping\.py$/m);
  });

  it('--no-utcnow leaves utcnow and lists it as left to do (exit 1)', async () => {
    const dir = tempWorkspace(files);
    const r = await cli(dir, ['fix', '--endpoint', 'ping', '--no-utcnow']);
    assert.strictEqual(r.code, 1);
    assert.ok(read(dir, 'app/api/ping.py').includes('async def ping():\n    return {"at": datetime.utcnow()}'));
    assert.match(r.stdout, /todo: app\/api\/ping\.py:10: AM401 .*unsafe and was excluded/);
  });

  it('a handler with nothing to migrate says so once, with or without --diff (never "Would change")', async () => {
    const dir = tempWorkspace({ ...files, 'app/api/ready.py': 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/ready")\nasync def ready():\n    return 1\n' });
    for (const extra of [[], ['--diff']]) {
      const r = await cli(dir, ['fix', '--endpoint', 'app/api/ready.py:ready', ...extra]);
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
      const said = r.stdout + r.stderr;
      assert.match(said, /nothing to change automatically/);
      assert.match(said, /^Left unchanged app\/api\/ready\.py; nothing left in the handler\.$/m);
      assert.doesNotMatch(said, /Would change|Changed/);
      assert.strictEqual(r.stdout.includes('---'), false, 'no diff');
    }
  });

  it('all-or-nothing: with no async session dependency nothing is written, exit 1, and the output says to run init-async', async () => {
    const dir = tempWorkspace({
      'app/db.py': 'from sqlalchemy.orm import Session\n\n\ndef get_db():\n    yield Session()\n',
      'app/api/users.py': 'from fastapi import APIRouter, Depends\nfrom sqlalchemy.orm import Session\n\nfrom app.db import get_db\n\nrouter = APIRouter()\n\n\n@router.get("/n")\ndef count(db: Session = Depends(get_db)):\n    db.commit()\n    return 1\n',
    });
    const before = read(dir, 'app/api/users.py');
    const r = await cli(dir, ['fix', '--endpoint', 'GET /n']);
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.strictEqual(read(dir, 'app/api/users.py'), before);
    assert.match(r.stdout, /app\/api\/users\.py:10: `count` not migrated, nothing was changed/);
    assert.match(r.stdout, /app\/api\/users\.py:10: AM103 no async session dependency: .*`async-migrate init-async`/);
  });

  it('an unknown or ambiguous endpoint exits 2 and lists the candidates', async () => {
    const dir = tempWorkspace(files);
    const unknown = await cli(dir, ['fix', '--endpoint', 'DELETE /api/ping']);
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /no endpoint matches "DELETE \/api\/ping"/);
    writeFiles(dir, { 'app/api/other.py': 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/x")\ndef ping():\n    return 1\n' });
    const ambiguous = await cli(dir, ['fix', '--endpoint', 'ping']);
    assert.strictEqual(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /matches 2 endpoints/);
    assert.match(ambiguous.stderr, /GET \/api\/ping {2}\(app\/api\/ping\.py:9 ping\)/);
  });
});

describe('fix on a file it must not rewrite', () => {
  it('a latin-1 file (declared): nothing written, its findings still count as remaining, exit 1', async () => {
    const latin1 = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nfrom datetime import datetime\nname = "caf'), Buffer.from([0xe9]), Buffer.from('"\n\n\nasync def stamp():\n    return datetime.utcnow()\n')]);
    const dir = tempWorkspace({ 'app/legacy.py': latin1 });
    const result = await cli(dir, ['fix', '--unsafe-fixes', '.']);
    assert.strictEqual(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /app\/legacy\.py: not written: encoded as latin1 \(declared on line 1\)/);
    assert.match(result.stdout, /AM401 .* not fixed: the file was not written/);
    assert.match(result.stdout, /Fixed 0 findings in 0 files; 1 remaining\./);
    assert.deepStrictEqual(fs.readFileSync(path.join(dir, 'app/legacy.py')), latin1, 'bytes unchanged');
  });
});

describe('fix: a fix that edits several files', () => {
  const QUERIES = py`
    from sqlalchemy.ext.asyncio import AsyncSession
    from app.models import User

    def oldest(db: AsyncSession):
        return db.query(User).order_by(User.id).first()
  `;
  const CALLER = 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.queries import oldest\n\n\nasync def first_id(db: AsyncSession):\n    return oldest(db).id\n';
  const MODELS_PY = 'from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n';

  it('writes the helper and its caller in another module; --diff prints both; a second run changes nothing', async () => {
    const dir = tempWorkspace({ 'app/__init__.py': '', 'app/models.py': MODELS_PY, 'app/queries.py': QUERIES, 'app/api.py': CALLER });
    const diff = await cli(dir, ['fix', '--diff']);
    assert.strictEqual(diff.code, 1, diff.stdout + diff.stderr);
    assert.match(diff.stdout, /^\+\+\+ b\/app\/api\.py$/m);
    assert.match(diff.stdout, /^\+    return \(await oldest\(db\)\)\.id$/m);
    assert.match(diff.stdout, /^\+async def oldest\(db: AsyncSession\):$/m);
    assert.match(diff.stderr, /^app\/api\.py: would be edited by a fix in app\/queries\.py$/m);
    assert.strictEqual(read(dir, 'app/api.py'), CALLER, '--diff writes nothing');
    const run = await cli(dir, ['fix']);
    assert.strictEqual(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^app\/api\.py: edited by a fix in app\/queries\.py$/m);
    assert.match(run.stdout, /^app\/queries\.py: fixed 1 \(AM101\)$/m);
    assert.match(run.stdout, /Fixed 1 finding in 2 files; nothing remaining\./);
    assert.match(read(dir, 'app/api.py'), /return \(await oldest\(db\)\)\.id/);
    assert.match(read(dir, 'app/queries.py'), /^async def oldest\(db: AsyncSession\):\n    return \(await db\.execute\(select\(User\)\.order_by\(User\.id\)\.limit\(1\)\)\)\.scalars\(\)\.first\(\)$/m);
    const again = await cli(dir, ['fix']);
    assert.match(again.stdout, /Fixed 0 findings in 0 files; nothing remaining\./);
  });

  it('writes none of a fix\'s files when one of them cannot be written', async () => {
    const latin1Caller = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nfrom sqlalchemy.ext.asyncio import AsyncSession\nfrom app.queries import oldest\n\nname = "caf'), Buffer.from([0xe9]), Buffer.from('"\n\n\nasync def first_id(db: AsyncSession):\n    return oldest(db).id\n')]);
    const dir = tempWorkspace({ 'app/__init__.py': '', 'app/models.py': MODELS_PY, 'app/queries.py': QUERIES, 'app/api.py': latin1Caller });
    const run = await cli(dir, ['fix']);
    assert.strictEqual(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^app\/api\.py: not written: encoded as latin1/m);
    assert.match(run.stdout, /^app\/queries\.py: not written: it belongs to one fix with `app\/api\.py`, which was not written$/m);
    assert.strictEqual(read(dir, 'app/queries.py'), QUERIES);
    assert.deepStrictEqual(fs.readFileSync(path.join(dir, 'app/api.py')), latin1Caller);
  });
});
