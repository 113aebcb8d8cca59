import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { captureIO } from '../../../server/src/cli/io';
import { main } from '../../../server/src/cli/main';
import { splitCommand } from '../../../server/src/cli/commands/verify';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'endpoints', 'mini');
const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'gym-app');

async function cli(cwd: string, ...args: string[]) {
  const io = captureIO(cwd, { PATH: process.env.PATH });
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function copyFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-workflow-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

interface JsonEndpoint {
  path: string;
  line: number;
  function: string;
  method: string;
  route: string;
  async: boolean;
  tier: number;
  tierReason: string;
  status: string;
  findings: number;
  mounted: boolean;
}

describe('CLI: endpoints', () => {
  it('prints the inventory table sorted by tier with full routes, status, findings and reasons', async () => {
    const r = await cli(FIXTURE, 'endpoints');
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^TIER\s+METHOD\s+ROUTE\s+FUNCTION\s+FILE\s+ASYNC\s+STATUS\s+FINDINGS\s+REASON$/);
    const row = lines.find((l) => l.includes('/api/v1/attendance/checkin'))!;
    assert.match(row, /^1\s+POST\s+\/api\/v1\/attendance\/checkin\s+checkin\s+app\/api\/v1\/endpoints\/attendance\.py:14\s+def\s+sync\s+\d+\s+check-in path, POST, no external SDK$/);
    assert.match(r.stdout, /\/legacy\/ping \(not mounted\)/);
    assert.match(r.stdout, /^7 endpoints \(tier 1: 3, tier 2: 3, tier 3: 1\); 4 async \(57 %\)$/m);
    const tiers = lines.slice(2).filter((l) => /^[123]\s+(GET|POST|PUT|PATCH|DELETE)\s/.test(l)).map((l) => Number(l[0]));
    assert.strictEqual(tiers.length, 7);
    assert.deepStrictEqual(tiers, [...tiers].sort(), 'sorted by tier');
  });

  it('--format json: the spec fields, sorted by tier then risk', async () => {
    const r = await cli(FIXTURE, 'endpoints', '--format', 'json');
    assert.strictEqual(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as JsonEndpoint[];
    for (const key of ['path', 'line', 'function', 'method', 'route', 'async', 'tier', 'tierReason', 'status', 'findings']) {
      assert.ok(list.every((e) => key in e), `every entry has ${key}`);
    }
    const membership = list.find((e) => e.route === '/api/v1/memberships')!;
    assert.deepStrictEqual(
      { tier: membership.tier, reason: membership.tierReason, status: membership.status, async: membership.async },
      { tier: 3, reason: 'tier 3: billing path (memberships); calls stripe via app.services.stripe_service', status: 'in progress', async: true },
    );
    const me = list.find((e) => e.route === '/api/v1/users/me')!;
    assert.strictEqual(me.tierReason, 'tier 2: configured: user reads are cached at the edge', 'pyproject override');
    assert.strictEqual(me.status, 'migrated');
    assert.deepStrictEqual(list.map((e) => e.tier), [...list.map((e) => e.tier)].sort());
  });

  it('PATHS restricts the listing (prefixes still resolve from the whole project); --tier and --status filter', async () => {
    const r = await cli(FIXTURE, 'endpoints', 'app/api/v1/endpoints/users.py', '--format', 'json');
    const list = JSON.parse(r.stdout) as JsonEndpoint[];
    assert.deepStrictEqual(list.map((e) => `${e.method} ${e.route}`).sort(), ['GET /api/v1/users/me', 'GET /api/v1/users/{user_id}', 'PATCH /api/v1/users/{user_id}']);
    const t3 = JSON.parse((await cli(FIXTURE, 'endpoints', '--tier', '3', '--format', 'json')).stdout) as JsonEndpoint[];
    assert.deepStrictEqual(t3.map((e) => e.function), ['create_membership']);
    const sync = JSON.parse((await cli(FIXTURE, 'endpoints', '--status', 'sync', '--format', 'json')).stdout) as JsonEndpoint[];
    assert.ok(sync.length > 0 && sync.every((e) => e.status === 'sync' && !e.async));
  });

  it('usage and configuration errors exit 2 with a clear message; --help exits 0', async () => {
    const help = await cli(FIXTURE, 'endpoints', '--help');
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /^usage: async-migrate endpoints/);
    const bad = await cli(FIXTURE, 'endpoints', '--tier', '4');
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /--tier takes 1, 2 or 3, got "4"/);
    assert.strictEqual((await cli(FIXTURE, 'endpoints', '--formt', 'json')).code, 2);
    assert.strictEqual((await cli(FIXTURE, 'endpoints', 'no/such/dir')).code, 2);
    const dir = copyFixture();
    try {
      fs.appendFileSync(path.join(dir, 'pyproject.toml'), '\n[tool.async-migrate.bogus]\nx = 1\n');
      const r = await cli(dir, 'endpoints');
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /tool\.async-migrate\.bogus: unknown key "bogus"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI: progress', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyFixture();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints per tier / phase progress and findings by rule; --write creates progress.md and prints its path', async () => {
    const r = await cli(dir, 'progress');
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^4 \/ 7 endpoints async \(57 %\)/);
    assert.match(r.stdout, /Tier 1 — critical\s+3\s+1 \(33 %\)/);
    assert.match(r.stdout, /PHASE\s+ENDPOINTS/);
    assert.match(r.stdout, /AM102\s+legacy-query\s+\d+/);
    assert.ok(!fs.existsSync(path.join(dir, 'docs')), 'nothing written without --write');

    const w = await cli(dir, 'progress', '--write');
    assert.strictEqual(w.code, 0, w.stderr);
    assert.match(w.stdout, /^created: docs\/async-migration\/progress\.md$/m);
    const text = fs.readFileSync(path.join(dir, 'docs/async-migration/progress.md'), 'utf8');
    assert.match(text, /\*\*4 \/ 7 endpoints async \(57 %\)\*\*/);
    assert.match((await cli(dir, 'progress', '--write')).stdout, /^unchanged: docs\/async-migration\/progress\.md$/m);

    const json = JSON.parse((await cli(dir, 'progress', '--format', 'json')).stdout);
    assert.strictEqual(json.totals.total, 7);
    assert.strictEqual(json.tiers.length, 3);
    assert.ok(json.findingsByRule.some((x: { code: string }) => x.code === 'AM102'));
  });

  it('an unreadable progress.md (a directory) is a clear error, exit 2, not a crash', async () => {
    fs.mkdirSync(path.join(dir, 'docs/async-migration/progress.md'), { recursive: true });
    for (const args of [['progress'], ['progress', '--write'], ['endpoints']]) {
      const r = await cli(dir, ...args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.stderr, /cannot read docs\/async-migration\/progress\.md: it is a directory/, args.join(' '));
      assert.doesNotMatch(r.stderr, /internal error|at /);
    }
  });

  it('a corrupt state block: --write exits 2, names the line, saves a backup, writes nothing', async () => {
    await cli(dir, 'progress', '--write');
    const file = path.join(dir, 'docs/async-migration/progress.md');
    const broken = fs.readFileSync(file, 'utf8').replace('"version": 1', '"version": 1,\n<<<<<<< HEAD');
    fs.writeFileSync(file, broken);
    const r = await cli(dir, 'progress', '--write');
    assert.strictEqual(r.code, 2);
    const line = broken.split('\n').indexOf('<<<<<<< HEAD') + 1;
    assert.match(r.stderr, new RegExp(`progress\\.md:${line}: merge conflict marker "<<<<<<<" in the state block`));
    assert.match(r.stderr, /a copy of the file was saved as docs\/async-migration\/progress\.md\.bak-\d{8}T\d{6}Z/);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), broken);
    const repaired = await cli(dir, 'progress', '--write', '--repair');
    assert.strictEqual(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stderr, /repaired docs\/async-migration\/progress\.md/);
  });
});

describe('CLI: verify', () => {
  it('fails (exit 1) on legacy queries in endpoint modules and skips the tests', async () => {
    const r = await cli(FIXTURE, 'verify', '--test-command', 'node -e "process.exit(0)"');
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /❌ ERROR: legacy db\.query\(\) \(AM101\/AM102\): 1\n\s+app\/api\/v1\/endpoints\/attendance\.py:17:\d+\s+AM102/);
    assert.match(r.stdout, /⚠️ {2}WARNING: datetime\.utcnow\(\) \(AM401\): 1/);
    assert.match(r.stdout, /❌ Verification failed: 1 legacy query; 1 warning \(utcnow\); tests skipped \(the checks above failed\)/);
  });

  it('fails on run-time errors in endpoint modules (AM206 here: a call that does not bind)', async () => {
    const dir = copyFixture();
    const file = path.join(dir, 'app', 'api', 'v1', 'endpoints', 'schedule', 'sessions.py');
    fs.appendFileSync(file, '\n\ndef _helper(a, b):\n    return a\n\n\ndef _call():\n    return _helper(1)\n');
    const r = await cli(dir, 'verify', 'app/api/v1/endpoints/schedule/sessions.py', '--no-tests');
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /❌ ERROR: lost writes, expired objects, mismatched calls \(AM106\/AM107\/AM206\): 1\n\s+app\/api\/v1\/endpoints\/schedule\/sessions\.py:\d+:\d+\s+AM206/);
    assert.match(r.stdout, /Verification failed: 1 run-time error/);
  });

  it('passes a clean endpoint file and runs the test command without a shell (exit 0 / 1 by its status)', async () => {
    const ok = await cli(FIXTURE, 'verify', 'app/api/v1/endpoints/schedule/sessions.py', '--test-command', `node -e "console.log('tests ran in ' + process.cwd())"`);
    assert.strictEqual(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /Running tests: node -e console\.log/);
    assert.ok(ok.stdout.includes(`tests ran in ${FIXTURE}`), 'the test command runs in the project root');
    assert.match(ok.stdout, /✅ Verification passed; tests passed in \d+\.\d s/);
    const failing = await cli(FIXTURE, 'verify', 'app/api/v1/endpoints/schedule/sessions.py', '--test-command', 'node -e "process.exit(3)"');
    assert.strictEqual(failing.code, 1);
    assert.match(failing.stdout, /❌ Verification failed: tests failed \(exit 3\)/);
    const skipped = await cli(FIXTURE, 'verify', 'app/api/v1/endpoints/schedule/sessions.py', '--no-tests');
    assert.strictEqual(skipped.code, 0);
    assert.match(skipped.stdout, /tests skipped \(--no-tests\)/);
  });

  it('a missing test executable or a shell operator is a clear error, exit 2', async () => {
    const missing = await cli(FIXTURE, 'verify', 'app/api/v1/endpoints/schedule/sessions.py', '--test-command', 'definitely-not-installed-xyz -q');
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /cannot run the tests: "definitely-not-installed-xyz" was not found/);
    const shell = await cli(FIXTURE, 'verify', '--test-command', 'pytest && echo ok');
    assert.strictEqual(shell.code, 2);
    assert.match(shell.stderr, /"&&" needs a shell/);
  });

  it('--scope routes checks every file with route handlers; json output', async () => {
    const r = await cli(FIXTURE, 'verify', '--scope', 'routes', '--no-tests', '--format', 'json');
    const json = JSON.parse(r.stdout);
    assert.strictEqual(json.ok, false);
    assert.ok(json.scope.files.includes('app/api/v1/endpoints/legacy.py'));
    assert.deepStrictEqual(json.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`), ['AM102 app/api/v1/endpoints/attendance.py']);
    assert.strictEqual(json.tests.skipped, '--no-tests');
  });

  it('splits commands like a shell would, without expansion', () => {
    assert.deepStrictEqual(splitCommand(`pytest tests/ -v --tb=short`), ['pytest', 'tests/', '-v', '--tb=short']);
    assert.deepStrictEqual(splitCommand(`python -m pytest -k "users and not slow" 'a b' c\\ d $HOME`), ['python', '-m', 'pytest', '-k', 'users and not slow', 'a b', 'c d', '$HOME']);
    assert.throws(() => splitCommand('pytest "open'), /unterminated " quote/);
  });
});

describe('CLI: duplicates', () => {
  it('lists twin modules with their remaining importers (excluded test files included); safe to delete when none', async () => {
    const r = await cli(FIXTURE, 'duplicates', '--format', 'json');
    assert.strictEqual(r.code, 0, r.stderr);
    const pairs = JSON.parse(r.stdout) as { sync: { path: string }; async: { path: string }; importers: { path: string; kind: string; excluded?: boolean }[]; safeToDelete: boolean }[];
    const byPath = Object.fromEntries(pairs.map((p) => [p.sync.path, p]));
    assert.deepStrictEqual(Object.keys(byPath).sort(), ['app/services/event.py', 'app/services/notification.py', 'app/services/user.py']);
    assert.strictEqual(byPath['app/services/notification.py'].safeToDelete, true);
    assert.strictEqual(byPath['app/services/notification.py'].async.path, 'app/services/async_notification.py');
    assert.deepStrictEqual(byPath['app/services/user.py'].importers.map((i) => i.path), ['app/api/v1/endpoints/attendance.py', 'app/api/v1/endpoints/users.py']);
    assert.strictEqual(byPath['app/services/event.py'].safeToDelete, false, 'a test still imports it');
    assert.deepStrictEqual(byPath['app/services/event.py'].importers, [{ path: 'tests/test_users.py', line: 1, names: ['list_events'], kind: 'test', how: 'import', excluded: true }]);
    const text = await cli(FIXTURE, 'duplicates');
    assert.match(text.stdout, /app\/services\/notification\.py {2}<-> {2}app\/services\/async_notification\.py\n {2}safe to delete app\/services\/notification\.py/);
    assert.match(text.stdout, /3 twin pairs; 1 sync twin is safe to delete/);
  });
});

describe('CLI: duplicates — what still reaches a sync twin', () => {
  const twin = (name: string) => ({
    [`app/services/${name}.py`]: `class ${name[0].toUpperCase()}${name.slice(1)}Service:\n    def get(self, db, id):\n        return None\n\n\n${name}_service = ${name[0].toUpperCase()}${name.slice(1)}Service()\n`,
    [`app/services/async_${name}.py`]: `class Async${name[0].toUpperCase()}${name.slice(1)}Service:\n    async def get(self, db, id):\n        return None\n\n\nasync_${name}_service = Async${name[0].toUpperCase()}${name.slice(1)}Service()\n`,
  });
  const files: Record<string, string> = {
    'pyproject.toml': '[project]\nname = "dups"\nversion = "0.0.0"\n',
    'app/__init__.py': '',
    'app/services/__init__.py': '',
    ...twin('chat'),
    ...twin('user'),
    ...twin('report'),
    ...twin('audit'),
    ...twin('billing'),
    'deploy/docker-compose.yml': 'services:\n  worker:\n    command: celery -A app.services.billing:celery_app worker\n  other:\n    command: python -m app.services.audit_tools\n',
    'app/api/chat.py': 'class Room:\n    def post(self, db, text):\n        from app.services.chat import chat_service\n        return chat_service.get(db, text)\n',
    'app/api/users.py': 'from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.services.user import UserService\n',
    'app/worker.py': 'import importlib\n\nreports = importlib.import_module("app.services.report")\n',
  };

  it('an import inside a function, a TYPE_CHECKING-only import, a string and a config file keep a twin from being "safe to delete"; an unused one is', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-dups-'));
    try {
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      const r = await cli(dir, 'duplicates', '--format', 'json');
      assert.strictEqual(r.code, 0, r.stderr);
      const pairs = JSON.parse(r.stdout) as { sync: { path: string }; importers: { path: string; line: number; how: string; names: string[] }[]; safeToDelete: boolean }[];
      const byPath = Object.fromEntries(pairs.map((p) => [p.sync.path, p]));
      assert.deepStrictEqual(
        Object.fromEntries(pairs.map((p) => [p.sync.path, p.safeToDelete])),
        { 'app/services/audit.py': true, 'app/services/billing.py': false, 'app/services/chat.py': false, 'app/services/report.py': false, 'app/services/user.py': false },
      );
      assert.deepStrictEqual(byPath['app/services/chat.py'].importers.map((i) => [i.path, i.line, i.how, i.names]), [['app/api/chat.py', 3, 'local import', ['chat_service']]]);
      assert.deepStrictEqual(byPath['app/services/user.py'].importers.map((i) => [i.path, i.how]), [['app/api/users.py', 'type-checking']]);
      assert.deepStrictEqual(byPath['app/services/report.py'].importers.map((i) => [i.path, i.how, i.names]), [['app/worker.py', 'string', ['"app.services.report"']]]);
      assert.deepStrictEqual(byPath['app/services/billing.py'].importers, [{ path: 'deploy/docker-compose.yml', line: 3, names: ['app.services.billing:celery_app'], kind: 'config', how: 'string' }]);
      const text = await cli(dir, 'duplicates');
      assert.match(text.stdout, /app\/services\/chat\.py is still imported by 1 file:\n {4}app\/api\/chat\.py:3 {2}chat_service \(inside a function\)/);
      assert.match(text.stdout, /not safe to delete app\/services\/user\.py: nothing imports it at run time, but 1 file names it \(check before deleting\):\n {4}app\/api\/users\.py:4 {2}UserService \(only under TYPE_CHECKING\)/);
      assert.match(text.stdout, /app\/worker\.py:3 {2}"app\.services\.report" \(named as a string\)/);
      assert.match(text.stdout, /safe to delete app\/services\/audit\.py: nothing imports it any more/);
      assert.match(text.stdout, /5 twin pairs; 1 sync twin is safe to delete/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

(fs.existsSync(EXAMPLE) ? describe : describe.skip)('CLI on the example app (examples/gym-app)', () => {
  it('resolves the full paths through main.py → api.py → endpoint routers', async () => {
    const r = await cli(EXAMPLE, 'endpoints', '--format', 'json');
    assert.strictEqual(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as JsonEndpoint[];
    const id = (e: JsonEndpoint) => `${e.method} ${e.route}`;
    const ids = new Set(list.map(id));
    for (const expected of ['POST /api/v1/attendance/checkin', 'GET /api/v1/users/me', 'GET /api/v1/schedule/sessions/today', 'POST /api/v1/schedule/participation', 'POST /api/v1/auth/token', 'POST /api/v1/webhooks/stripe', 'GET /health']) {
      assert.ok(ids.has(expected), `${expected} in\n${[...ids].join('\n')}`);
    }
    assert.ok(list.every((e) => e.mounted), 'every router is mounted in the app');
    const checkin = list.find((e) => id(e) === 'POST /api/v1/attendance/checkin')!;
    assert.strictEqual(checkin.tier, 1);
    assert.strictEqual(checkin.status, 'sync');
    const webhook = list.find((e) => id(e) === 'POST /api/v1/webhooks/stripe')!;
    assert.strictEqual(webhook.tier, 3);
    assert.match(webhook.tierReason, /^tier 3: configured: /);
  });
});
