// Templates of the per-endpoint workflow: names, the test command (run without a shell), the
// curl line (quoted for a shell), the locust file (valid Python), and the webview's HTML shell.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { checklistHtml, contentSecurityPolicy, makeNonce } from '../../../client/src/migration/html';
import { parseFromWebview, parseToWebview } from '../../../client/src/migration/protocol';
import { meetsP95Target, p95Change } from '../../../server/src/lsp/migration-protocol';
import {
  analysisDocPath,
  branchNameFor,
  curlCommand,
  endpointSlug,
  expandTemplate,
  locustFile,
  locustFilePath,
  shellQuote,
  splitCommandLine,
  testCommandFor,
} from '../../../server/src/project/migration-templates';

const CHECKIN = { method: 'POST', route: '/api/v1/attendance/checkin', function: 'checkin', path: 'app/api/v1/endpoints/attendance.py' };
const SESSION = { method: 'GET', route: '/api/v1/schedule/sessions/{session_id}', function: 'getSessionDetail', path: 'app/api/v1/endpoints/schedule/sessions.py' };

describe('migration templates', () => {
  it('names branches, documents and locust files after the file and function', () => {
    assert.strictEqual(endpointSlug(CHECKIN), 'attendance-checkin');
    assert.strictEqual(endpointSlug(SESSION), 'sessions-get-session-detail');
    assert.strictEqual(endpointSlug({ ...CHECKIN, path: 'app/users/__init__.py', function: 'me' }), 'users-me');
    assert.strictEqual(branchNameFor('async/endpoint-{name}-{date}', CHECKIN, new Date(2026, 0, 5)), 'async/endpoint-attendance-checkin-2026-01-05');
    assert.strictEqual(analysisDocPath(CHECKIN), 'docs/async-migration/endpoints/attendance-checkin.md');
    assert.strictEqual(locustFilePath(CHECKIN), 'tests/load/test_attendance_checkin_load.py');
    assert.strictEqual(expandTemplate('{method}-{function}-{module}-{unknown}', CHECKIN), 'post-checkin-attendance-{unknown}');
  });

  it('resolves {endpoint} in the test command to a test file that exists', () => {
    const template = 'pytest tests/api/test_{endpoint}.py -v';
    assert.strictEqual(testCommandFor(template, CHECKIN, () => true), 'pytest tests/api/test_attendance.py -v');
    // schedule/sessions.py is tested by tests/api/test_schedule.py in the example app.
    assert.strictEqual(testCommandFor(template, SESSION, (f) => f === 'tests/api/test_schedule.py'), 'pytest tests/api/test_schedule.py -v');
    assert.strictEqual(testCommandFor(template, SESSION, () => false), 'pytest tests/api/test_sessions.py -v');
    assert.strictEqual(testCommandFor('make test', SESSION, () => false), 'make test');
  });

  it('splits a command line like a shell, without expanding anything', () => {
    assert.deepStrictEqual(splitCommandLine('pytest tests/api/test_x.py -v'), ['pytest', 'tests/api/test_x.py', '-v']);
    assert.deepStrictEqual(splitCommandLine(`python -m pytest -k 'check in' "a \\"b\\"" c\\ d`), ['python', '-m', 'pytest', '-k', 'check in', 'a "b"', 'c d']);
    assert.deepStrictEqual(splitCommandLine('echo $(rm -rf x) ; ls'), ['echo', '$(rm', '-rf', 'x)', ';', 'ls']);
    assert.deepStrictEqual(splitCommandLine(`a '' b`), ['a', '', 'b']);
    assert.throws(() => splitCommandLine(`pytest 'open`), /unterminated/);
  });

  it('writes a curl line that a shell reads back as the same arguments', () => {
    assert.strictEqual(curlCommand(CHECKIN), `curl -sS -g -X POST http://localhost:8000/api/v1/attendance/checkin -H 'Content-Type: application/json' -d '{}'`);
    assert.strictEqual(curlCommand(SESSION, 'https://staging.example.com/'), `curl -sS -g -X GET 'https://staging.example.com/api/v1/schedule/sessions/{session_id}'`);
    const hostile = { method: 'GET', route: `/x'; touch /tmp/pwned; echo '$(id)` };
    const line = curlCommand(hostile);
    const argv = execFileSync('sh', ['-c', `for a in ${line.replace(/^curl /, '')}; do printf '%s\\n' "$a"; done`], { encoding: 'utf8' });
    assert.deepStrictEqual(argv.trimEnd().split('\n'), ['-sS', '-g', '-X', 'GET', `http://localhost:8000/x'; touch /tmp/pwned; echo '$(id)`]);
    assert.strictEqual(shellQuote("it's"), `'it'\\''s'`);
  });

  it('creates a locust file that is valid Python, also for hostile routes', () => {
    for (const e of [CHECKIN, SESSION, { ...CHECKIN, route: '/x"""\\n"; import os #', function: 'weird' }]) {
      const source = locustFile(e);
      execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: source });
      assert.match(source, /from locust import HttpUser, between, task/);
      assert.match(source, new RegExp(`self\\.client\\.request\\("${e.method}"`));
    }
    assert.match(locustFile(SESSION), /Replace the \{placeholders\}/);
  });

  it('computes the P95 change against the seed target (−20 %)', () => {
    assert.strictEqual(p95Change({}), undefined);
    assert.strictEqual(p95Change({ before: { p50: 1, p95: 0, p99: 1 }, after: { p50: 1, p95: 1, p99: 1 } }), undefined);
    assert.ok(Math.abs(p95Change({ before: { p50: 1, p95: 200, p99: 1 }, after: { p50: 1, p95: 150, p99: 1 } })! + 0.25) < 1e-9);
    assert.strictEqual(meetsP95Target({ before: { p50: 1, p95: 100, p99: 1 }, after: { p50: 1, p95: 80, p99: 1 } }), true);
    assert.strictEqual(meetsP95Target({ before: { p50: 1, p95: 100, p99: 1 }, after: { p50: 1, p95: 81, p99: 1 } }), false);
  });
});

describe('checklist webview shell and protocol', () => {
  it('has a strict CSP with a nonce and no inline content', () => {
    const nonce = makeNonce((n) => new Uint8Array(n).map((_, i) => i * 7));
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    assert.strictEqual(contentSecurityPolicy('vscode-resource:', nonce), `default-src 'none'; style-src vscode-resource:; font-src vscode-resource:; img-src vscode-resource:; script-src 'nonce-${nonce}'`);
    const html = checklistHtml({ cspSource: 'https://x', nonce, scriptUri: 'https://x/c.js', styleUri: 'https://x/c.css', lang: 'es', title: 'T"<>' });
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://x/c.js"></script>`));
    assert.ok(!/<script(?![^>]*src=)/.test(html), 'no inline script');
    assert.ok(!/style=/.test(html), 'no inline style');
    assert.match(html, /aria-label="T&quot;&lt;&gt;"/);
    assert.match(html, /<html lang="es">/);
  });

  it('accepts only well-formed messages from the webview, and only their known fields', () => {
    const endpoint = { folder: 'file:///w', id: 'GET /x' };
    assert.deepStrictEqual(parseFromWebview({ type: 'toggle', endpoint: { ...endpoint, extra: 1 }, item: 'prep.branch', done: true, evil: 'x' }), { type: 'toggle', endpoint, item: 'prep.branch', done: true });
    assert.deepStrictEqual(parseFromWebview({ type: 'ready', x: 1 }), { type: 'ready' });
    assert.deepStrictEqual(parseFromWebview({ type: 'metrics', endpoint, phase: 'before', sample: { p50: 1, p95: 2, p99: 3, errorRate: 0.1, junk: 'x' } }), {
      type: 'metrics',
      endpoint,
      phase: 'before',
      sample: { p50: 1, p95: 2, p99: 3, errorRate: 0.1 },
    });
    for (const bad of [
      null,
      'ready',
      { type: 'toggle', endpoint, item: '../../etc', done: true },
      { type: 'toggle', endpoint, item: 'prep.branch', done: 'true' },
      { type: 'toggle', endpoint: { folder: '', id: 'x' }, item: 'prep.branch', done: true },
      { type: 'action', endpoint, action: 'rm -rf' },
      { type: 'reveal', endpoint, item: 'migration.queries', index: -1 },
      { type: 'reveal', endpoint, item: 'migration.queries', index: 1.5 },
      { type: 'metrics', endpoint, phase: 'during', sample: { p50: 1, p95: 2, p99: 3 } },
      { type: 'metrics', endpoint, phase: 'after', sample: { p50: -1, p95: 2, p99: 3 } },
      { type: 'metrics', endpoint, phase: 'after', sample: { p50: 1, p95: Infinity, p99: 3 } },
      { type: 'metrics', endpoint, phase: 'after', sample: { p50: 1, p95: 2, p99: 3, errorRate: 101 } },
      { type: 'openHandler' },
      { type: 'eval', code: 'x' },
    ]) {
      assert.strictEqual(parseFromWebview(bad), undefined, JSON.stringify(bad));
    }
  });

  it('validates messages to the webview', () => {
    assert.deepStrictEqual(parseToWebview({ type: 'busy', busy: ['runTests'] }), { type: 'busy', busy: ['runTests'] });
    assert.strictEqual(parseToWebview({ type: 'busy', busy: ['shell'] }), undefined);
    assert.strictEqual(parseToWebview({ type: 'notice', level: 'warn', text: 'x' }), undefined);
    assert.strictEqual(parseToWebview({ type: 'state', state: { strings: {}, trusted: true, model: { ref: {} }, busy: [] } }), undefined);
    assert.ok(parseToWebview({ type: 'state', state: { strings: {}, trusted: true, model: null, empty: 'noRoutes', busy: [] } }));
  });
});
