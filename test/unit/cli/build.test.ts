// The shipped artefacts: the esbuild bundle runs on its own (wasm found next to it), and the
// bin scripts explain what to do when the bundle is missing.
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SERVER_EXEC_ARGV } from '../../../server/src/lsp/runtime-flags';
import { cli, tempWorkspace } from './workspace';

const ROOT = path.resolve(__dirname, '../../..');

describe('build and bin', function () {
  this.timeout(120000);
  let out: string;

  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'am-build-'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--outdir', out], { cwd: ROOT, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr + r.stdout);
  });

  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('bundles the CLI with both wasm files next to it, and the bundle checks a project from any directory', () => {
    for (const f of ['server/cli.js', 'server/cli.js.map', 'server/tree-sitter.wasm', 'server/tree-sitter-python.wasm']) assert.ok(fs.existsSync(path.join(out, f)), f);
    const dir = tempWorkspace({ 'app/m.py': 'from datetime import datetime\n\nx = datetime.utcnow()\n' });
    // cwd outside the repo: nothing can be found through ./node_modules.
    const r = spawnSync(process.execPath, [path.join(out, 'server/cli.js'), 'check', '--format', 'json', '--select', 'AM401', dir], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, CI: '' } });
    assert.strictEqual(r.status, 1, r.stderr);
    const findings = JSON.parse(r.stdout);
    assert.deepStrictEqual(findings.map((f: { code: string; line: number; column: number }) => `${f.code} ${f.line}:${f.column}`), ['AM401 3:5']);
    const version = spawnSync(process.execPath, [path.join(out, 'server/cli.js'), '--version'], { encoding: 'utf8' });
    assert.strictEqual(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it("bundles web-tree-sitter with the Node handle in a named field, and the bundle's check equals the unbundled one (example app)", async () => {
    const bundle = fs.readFileSync(path.join(out, 'server/cli.js'), 'utf8');
    const nodeClass = bundle.slice(bundle.indexOf('var Node = class {'), bundle.indexOf('function marshalTreeCursor'));
    assert.match(nodeClass, /this\._handle = other;/);
    assert.match(nodeClass, /C\.setValue\(address, node\._handle, "i32"\);/);
    assert.doesNotMatch(nodeClass, /node\[0\]|this\[0\] = other|^ {2}\[0\] = 0;/m);
    const app = path.join(ROOT, 'examples/gym-app');
    const bundled = spawnSync(process.execPath, [path.join(out, 'server/cli.js'), 'check', '--format', 'json', '.'], { cwd: app, encoding: 'utf8', env: { ...process.env, CI: '' } });
    const unbundled = await cli(app, ['check', '--format', 'json', '.']);
    assert.strictEqual(bundled.status, unbundled.code, bundled.stderr);
    assert.ok(JSON.parse(unbundled.stdout).length > 20);
    assert.strictEqual(bundled.stdout, unbundled.stdout);
  });

  it('bundles the language server', () => {
    assert.ok(fs.existsSync(path.join(ROOT, 'server/src/lsp/main.ts')), 'the language server entry exists');
    assert.ok(fs.existsSync(path.join(out, 'server/server.js')));
  });

  it('bin scripts say "run npm run build" (exit 2) when the bundle is missing', () => {
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'am-bin-'));
    try {
      fs.mkdirSync(path.join(fake, 'bin'));
      for (const name of ['async-migrate.js', 'async-migrate-lsp.js']) {
        fs.copyFileSync(path.join(ROOT, 'bin', name), path.join(fake, 'bin', name));
        const r = spawnSync(process.execPath, [path.join(fake, 'bin', name), '--stdio'], { encoding: 'utf8' });
        assert.strictEqual(r.status, 2, name);
        assert.match(r.stderr, /run "npm run build"/, name);
      }
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });

  it('bin/async-migrate-lsp.js starts the server with its Node flags (other editors get the memory setting too) and answers over stdio', async () => {
    const bin = fs.readFileSync(path.join(ROOT, 'bin', 'async-migrate-lsp.js'), 'utf8');
    const flags = /const SERVER_EXEC_ARGV = (\[[^\]]*\]);/.exec(bin);
    assert.ok(flags, 'the bin names its flags');
    assert.deepStrictEqual(JSON.parse(flags[1].replace(/'/g, '"')), [...SERVER_EXEC_ARGV], 'same flags as server/src/lsp/runtime-flags.ts');
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'am-bin-'));
    try {
      fs.mkdirSync(path.join(fake, 'bin'));
      fs.copyFileSync(path.join(ROOT, 'bin', 'async-migrate-lsp.js'), path.join(fake, 'bin', 'async-migrate-lsp.js'));
      fs.cpSync(out, path.join(fake, 'dist'), { recursive: true });
      const message = (body: object) => {
        const json = JSON.stringify({ jsonrpc: '2.0', ...body });
        return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
      };
      const server = spawn(process.execPath, [path.join(fake, 'bin', 'async-migrate-lsp.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      server.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
      const answered = (id: number) =>
        new Promise<void>((resolve, reject) => {
          const seen = () => stdout.includes(`"id":${id},`);
          if (seen()) return resolve();
          const onData = (d: Buffer) => {
            stdout += d;
            if (seen()) {
              server.stdout.off('data', onData);
              resolve();
            }
          };
          server.stdout.on('data', onData);
          server.once('exit', () => (seen() ? resolve() : reject(new Error(`server exited before answering ${id}: ${stderr}`))));
        });
      server.stdin.write(message({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
      await answered(1);
      assert.match(stdout, /"id":1,"result":\{"capabilities"/);
      // The process answering runs with the flags (Linux: read the command line of the bin's child).
      const children = `/proc/${server.pid}/task/${server.pid}/children`;
      if (fs.existsSync(children)) {
        const pids = fs.readFileSync(children, 'utf8').trim().split(/\s+/).filter(Boolean);
        assert.strictEqual(pids.length, 1, 'one server process under the bin');
        const argv = fs.readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8').split('\0');
        for (const flag of SERVER_EXEC_ARGV) assert.ok(argv.includes(flag), argv.join(' '));
      }
      server.stdin.write(message({ method: 'initialized', params: {} }));
      server.stdin.write(message({ id: 2, method: 'shutdown' }));
      await answered(2);
      server.stdin.write(message({ method: 'exit' }));
      assert.strictEqual(await exited, 0, stderr);
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });

  it('bin/async-migrate.js is executable with a node shebang', () => {
    for (const name of ['async-migrate.js', 'async-migrate-lsp.js']) {
      const file = path.join(ROOT, 'bin', name);
      assert.ok(fs.readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n'), name);
      assert.ok(fs.statSync(file).mode & 0o111, `${name} is executable`);
    }
  });
});
