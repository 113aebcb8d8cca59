#!/usr/bin/env node
// Runs an extension test module inside a real VS Code extension host, using
// code-server (VS Code 1.100.3, installed by scripts/setup-vscode-host.sh) and
// headless Debian Chromium driven by playwright-core. For machines where
// @vscode/test-electron cannot download VS Code.
//
// Usage:
//   node test/vscode/run-in-code-server.mjs --extension <abs ext dev folder>
//     --tests <abs compiled test module exporting run()> --folder <abs workspace>
//     (the workbench opens a fresh temporary copy of --folder, never the folder itself)
//     [--settings JSON] [--screenshot-dir DIR] [--timeout ms] [--grep RE]
//     [--code-server DIR] [--chromium PATH] [--keep-temp] [--verbose]
//
// How results come back: code-server is started with ASYNC_MIGRATE_TEST_RESULT
// (and ASYNC_MIGRATE_SCREENSHOT_DIR / ASYNC_MIGRATE_TEST_GREP) in its env; the
// extension host it spawns inherits them. The test module writes
// `<result>.progress` (live reporter lines, streamed here), the result JSON to
// `<result>`, and `<result>.screenshot-request-<name>` files that this launcher
// answers with page.screenshot() + `<request>.done`, and `<result>.query-request-<name>` files
// (a CSS selector) that it answers with the matching elements of the page as JSON.
//
// Exit codes: 0 all passed; 1 test failures or runner error; 2 timeout;
// 3 setup/startup error (bad args, code-server or browser failed); 130 signal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const t0 = Date.now();
const stamp = () => `[vscode-test +${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
const log = (...a) => console.log(stamp(), ...a);
const warn = (...a) => console.error(stamp(), ...a);

class LauncherError extends Error {
  constructor(message, exitCode = 3) {
    super(message);
    this.exitCode = exitCode;
  }
}

// ------------------------------------------------------------------ arguments
let args;
try {
  ({ values: args } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      folder: { type: 'string' },
      settings: { type: 'string' },
      'screenshot-dir': { type: 'string' },
      timeout: { type: 'string', default: '300000' },
      grep: { type: 'string' },
      'code-server': { type: 'string' },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
      'keep-temp': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  console.error(`run-in-code-server: ${err.message}`);
  process.exit(3);
}
if (args.help) {
  console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 21).join('\n'));
  process.exit(0);
}
function requireAbs(name) {
  const v = args[name];
  if (!v) throw new LauncherError(`--${name} is required (see --help)`);
  const abs = path.resolve(v);
  if (!fs.existsSync(abs)) throw new LauncherError(`--${name} ${abs} does not exist`);
  return abs;
}

// ------------------------------------------------------------------ state for cleanup
let codeServer; // ChildProcess (own process group)
let browser;
let tempDir;
let cleaningUp;
let codeServerLogFile;
const codeServerTail = [];
let extHostExit; // set when code-server logs that the extension host exited
const browserErrors = [];

function pushTail(buf, text, max = 200) {
  for (const line of text.split('\n')) if (line.trim()) buf.push(line);
  if (buf.length > max) buf.splice(0, buf.length - max);
}

function killGroup(child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

async function cleanup({ keepTemp }) {
  if (cleaningUp) return cleaningUp;
  cleaningUp = (async () => {
    if (browser) {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    }
    if (codeServer && codeServer.exitCode === null && codeServer.signalCode === null) {
      const exited = new Promise((r) => codeServer.once('exit', r));
      killGroup(codeServer, 'SIGTERM');
      const ok = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
      if (!ok) killGroup(codeServer, 'SIGKILL');
    }
    // Anything else left in the group (extension host, watchers, pty host).
    if (codeServer) {
      try {
        process.kill(-codeServer.pid, 'SIGKILL');
      } catch {
        /* group already empty */
      }
    }
    if (tempDir) {
      if (keepTemp) log(`kept temp dir ${tempDir}`);
      else fs.rmSync(tempDir, { recursive: true, force: true });
    }
  })();
  return cleaningUp;
}

function logTail(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** Tails of code-server's output and the extension host / server logs. */
function diagnostics() {
  const out = [];
  out.push('---- code-server output (tail) ----', codeServerTail.slice(-60).join('\n') || '(empty)');
  if (tempDir) {
    const logsDir = path.join(tempDir, 'user-data', 'logs');
    const wanted = /(remoteexthost|exthost|remoteagent|ptyhost)\.log$/;
    const walk = (d) => {
      let ents = [];
      try {
        ents = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of ents) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (wanted.test(e.name)) out.push(`---- ${path.relative(tempDir, p)} (tail) ----`, logTail(p, 40));
      }
    };
    walk(logsDir);
  }
  if (browserErrors.length) out.push('---- browser console errors (tail) ----', browserErrors.slice(-30).join('\n'));
  return out.join('\n');
}

// ------------------------------------------------------------------ helpers
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForServer(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (codeServer.exitCode !== null || codeServer.signalCode !== null) {
      throw new LauncherError(
        `code-server exited during startup (code ${codeServer.exitCode}, signal ${codeServer.signalCode})`,
      );
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new LauncherError(`code-server did not answer on 127.0.0.1:${port} within ${timeoutMs}ms`);
}

function findCodeServer() {
  const candidates = [
    args['code-server'],
    process.env.VSCODE_HOST_DIR,
    path.join(repoRoot, '.vscode-test', 'code-server-4.100.3'),
  ].filter(Boolean);
  for (const dir of candidates) {
    const entry = path.join(path.resolve(dir), 'out', 'node', 'entry.js');
    if (fs.existsSync(entry)) return entry;
  }
  throw new LauncherError(
    `code-server not found (looked in ${candidates.join(', ')}); run scripts/setup-vscode-host.sh first`,
  );
}

// ------------------------------------------------------------------ main
async function main() {
  const extensionPath = requireAbs('extension');
  const testsPath = requireAbs('tests');
  const sourceFolder = requireAbs('folder');
  const timeoutMs = Number(args.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new LauncherError(`--timeout must be a positive number of ms`);
  const deadline = t0 + timeoutMs;
  let userSettings = {};
  if (args.settings) {
    try {
      userSettings = JSON.parse(args.settings);
    } catch (err) {
      throw new LauncherError(`--settings is not valid JSON: ${err.message}`);
    }
  }
  const screenshotDir = args['screenshot-dir'] ? path.resolve(args['screenshot-dir']) : undefined;
  if (screenshotDir) fs.mkdirSync(screenshotDir, { recursive: true });
  const entry = findCodeServer();
  if (!fs.existsSync(args.chromium)) {
    throw new LauncherError(`Chromium not found at ${args.chromium} (apt-get install chromium, or --chromium PATH)`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    throw new LauncherError(`playwright-core is not installed (npm install): ${err.message}`);
  }

  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'async-migrate-vscode-'));
  const userData = path.join(tempDir, 'user-data');
  const extensionsDir = path.join(tempDir, 'extensions');
  const resultFile = path.join(tempDir, 'result.json');
  const progressFile = `${resultFile}.progress`;
  const shotDir = screenshotDir ?? path.join(tempDir, 'screenshots');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(shotDir, { recursive: true });
  // The tests edit, fix, save and write progress files in the workspace: they get a fresh copy,
  // removed with the temp dir, so nothing (a save, an auto-save, a killed run) reaches the checkout.
  const folder = path.join(tempDir, 'workspace', path.basename(sourceFolder));
  fs.cpSync(sourceFolder, folder, { recursive: true, filter: (src) => !/(^|[\\/])(__pycache__|\.pytest_cache)$/.test(src) });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'git.enabled': false,
    // code-server defaults to afterDelay: edits made by the tests stay unsaved buffers.
    'files.autoSave': 'off',
    ...userSettings,
  };
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const configFile = path.join(tempDir, 'code-server.yaml');
  fs.writeFileSync(configFile, '# options are passed on the command line; this only keeps ~/.config/code-server out\nauth: none\n');

  // ---- code-server
  const port = await freePort();
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    // Inherited from a VS Code terminal these would confuse the nested server.
    if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$)/.test(k)) delete env[k];
  }
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  Object.assign(env, {
    // No extension marketplace: a gallery config without serviceUrl disables
    // it (otherwise the server and workbench query open-vsx.org, unreachable).
    EXTENSIONS_GALLERY: '{}',
    ASYNC_MIGRATE_TEST_RESULT: resultFile,
    ASYNC_MIGRATE_SCREENSHOT_DIR: shotDir,
  });
  if (args.grep) env.ASYNC_MIGRATE_TEST_GREP = args.grep;
  else delete env.ASYNC_MIGRATE_TEST_GREP;

  codeServerLogFile = path.join(tempDir, 'code-server.log');
  const csLog = fs.openSync(codeServerLogFile, 'a');
  const csArgs = [
    entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  log(`starting code-server on 127.0.0.1:${port} (${path.relative(repoRoot, entry) || entry})`);
  codeServer = spawn(process.execPath, csArgs, {
    env,
    cwd: folder,
    detached: true, // own process group, so cleanup can kill the whole tree
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [codeServer.stdout, codeServer.stderr]) {
    stream.on('data', (chunk) => {
      const text = chunk.toString();
      fs.writeSync(csLog, text);
      pushTail(codeServerTail, text);
      const m = /Extension Host Process exited with code: (\S+), signal: (\S+?)\.?$/m.exec(text);
      if (m) extHostExit ??= { at: Date.now(), code: m[1], signal: m[2] };
      if (args.verbose) process.stderr.write(text.replace(/^/gm, '  [code-server] '));
    });
  }
  codeServer.on('error', (err) => pushTail(codeServerTail, `spawn error: ${err.message}`));
  await waitForServer(port, Math.min(60_000, deadline - Date.now()));
  log('code-server is up');

  // ---- browser
  try {
    browser = await chromium.launch({
      executablePath: args.chromium,
      headless: true,
      timeout: 60_000,
      // Our own handlers clean up everything; playwright's would exit at once.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    throw new LauncherError(`could not launch Chromium (${args.chromium}): ${err.message}`);
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') pushTail(browserErrors, `[console.error] ${msg.text()}`, 100);
    if (args.verbose) process.stderr.write(`  [browser:${msg.type()}] ${msg.text()}\n`);
  });
  page.on('pageerror', (err) => pushTail(browserErrors, `[pageerror] ${err.message}`, 100));
  let browserGone = false;
  browser.on('disconnected', () => (browserGone = true));

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p.split(path.sep).join('/')}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  const url =
    `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log(`opening workbench: folder=${folder} (a copy of ${sourceFolder})`);
  log(`  extension=${extensionPath}`);
  log(`  tests=${testsPath}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  // ---- wait for result, streaming progress and serving screenshot requests
  let progressOffset = 0;
  const resultBase = path.basename(resultFile);
  const reqPrefix = `${resultBase}.screenshot-request-`;
  const served = new Set();
  let sawProgress = false;
  let lastNotice = Date.now();

  const pumpProgress = () => {
    let fd;
    try {
      fd = fs.openSync(progressFile, 'r');
    } catch {
      return;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size > progressOffset) {
        const buf = Buffer.alloc(size - progressOffset);
        fs.readSync(fd, buf, 0, buf.length, progressOffset);
        progressOffset = size;
        if (!sawProgress) log('tests started in the extension host');
        sawProgress = true;
        process.stdout.write(buf.toString().replace(/^(?=.)/gm, '  '));
      }
    } finally {
      fs.closeSync(fd);
    }
  };

  // A request is a file `<result>.<kind>-request-<name>` (written then renamed by the harness);
  // its answer goes to `<request>.done` the same way. The same name may be requested again later.
  const serveRequests = async (prefix, answer) => {
    let names;
    try {
      names = fs.readdirSync(tempDir);
    } catch {
      return;
    }
    for (const f of names) {
      if (!f.startsWith(prefix) || f.endsWith('.done') || f.endsWith('.tmp') || served.has(f)) continue;
      served.add(f);
      const req = path.join(tempDir, f);
      let text;
      try {
        text = await answer(f.slice(prefix.length), req);
      } catch (err) {
        text = `error: ${err.message}`;
      }
      fs.rmSync(req, { force: true });
      served.delete(f);
      fs.writeFileSync(`${req}.done.tmp`, text);
      fs.renameSync(`${req}.done.tmp`, `${req}.done`);
    }
  };

  const serveScreenshots = () =>
    serveRequests(reqPrefix, async (name) => {
      const out = path.join(shotDir, `${name}.png`);
      try {
        await page.screenshot({ path: out, timeout: 20_000 });
      } catch (err) {
        warn(`screenshot ${name} failed: ${err.message}`);
        throw err;
      }
      log(`screenshot ${out}`);
      return out;
    });

  // `<result>.query-request-<name>` holds a CSS selector: answered with the matching elements of
  // the workbench page (text, classes, attributes) as JSON, for state only the DOM shows.
  const queryPrefix = `${resultBase}.query-request-`;
  const serveQueries = () =>
    serveRequests(queryPrefix, async (_name, req) => {
      const selector = fs.readFileSync(req, 'utf8');
      const found = await page.$$eval(selector, (elements) =>
        elements.map((e) => ({
          text: (e.textContent || '').trim().slice(0, 500),
          className: String(e.className),
          attributes: Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])),
        })),
      );
      return JSON.stringify(found);
    });

  for (;;) {
    if (exiting) throw new LauncherError(`interrupted by ${exiting}`, 130);
    pumpProgress();
    await serveScreenshots();
    await serveQueries();
    if (fs.existsSync(resultFile)) break;
    if (codeServer.exitCode !== null || codeServer.signalCode !== null) {
      throw new LauncherError(
        `code-server exited while tests were running (code ${codeServer.exitCode}, signal ${codeServer.signalCode})`,
        1,
      );
    }
    // The extension host exits once run() settles (with code 0 even when it
    // threw). Without a result file that means the test module failed to load
    // or crashed: fail now instead of waiting for the timeout.
    if (extHostExit && Date.now() - extHostExit.at > 1500 && !fs.existsSync(resultFile)) {
      throw new LauncherError(
        `the extension host exited (code ${extHostExit.code}, signal ${extHostExit.signal}) without writing a result; ` +
          'the test module failed to load, run() threw before reporting, or it crashed (see the browser console errors below)',
        1,
      );
    }
    if (browserGone) throw new LauncherError('the browser disconnected while tests were running', 1);
    if (Date.now() > deadline) {
      try {
        const out = path.join(shotDir, 'timeout.png');
        await page.screenshot({ path: out, timeout: 10_000 });
        warn(`screenshot at timeout: ${out}`);
      } catch {
        /* best effort */
      }
      throw new LauncherError(
        `timed out after ${timeoutMs}ms ${sawProgress ? 'before the tests finished' : 'before any test started (the test module never reported)'}`,
        2,
      );
    }
    if (!sawProgress && Date.now() - lastNotice > 15_000) {
      lastNotice = Date.now();
      log('waiting for the extension host to start the tests ...');
    }
    await sleep(200);
  }
  pumpProgress();

  let result;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch (err) {
    throw new LauncherError(`result file is not valid JSON: ${err.message}`, 1);
  }
  if (!sawProgress && result.report) process.stdout.write(result.report.replace(/^(?=.)/gm, '  '));
  console.log('');
  log(`VS Code ${result.vscodeVersion}: tests took ${(result.durationMs / 1000).toFixed(1)}s`);
  if (result.error) warn(`test runner error: ${result.error}`);
  for (const f of result.failures ?? []) log(`FAILED: ${f.title}\n${String(f.error).replace(/^/gm, '    ')}`);
  const ok = !result.error && result.failed === 0 && result.passed > 0;
  if (!ok && result.passed === 0 && result.failed === 0) warn('no test ran');
  // Plain closing line recognised by CI log readers.
  console.log(`vscode: ${result.passed} passed, ${result.failed} failed${result.pending ? `, ${result.pending} skipped` : ''}`);
  return ok ? 0 : 1;
}

// ------------------------------------------------------------------ run
let exiting; // the signal that interrupted us
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (exiting) return;
    exiting = sig;
    warn(`${sig}: stopping code-server and the browser`);
    // Killing them makes main()'s pending awaits fail; it then exits with 130.
    cleanup({ keepTemp: args['keep-temp'] });
    setTimeout(() => process.exit(130), 15_000).unref();
  });
}
// Last resort if something hangs (e.g. browser.close()): kill the group anyway.
process.on('exit', () => {
  if (codeServer) {
    try {
      process.kill(-codeServer.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

let code;
try {
  code = await main();
} catch (err) {
  code = err instanceof LauncherError ? err.exitCode : 3;
  if (!exiting) {
    warn(`ERROR: ${err instanceof LauncherError ? err.message : err.stack || err}`);
    if (codeServer) console.error(diagnostics());
  }
}
if (exiting) code = 130;
// Keep the temp dir (code-server + extension host logs) when something failed.
const keepTemp = args['keep-temp'] || code !== 0;
await cleanup({ keepTemp });
log(code === 0 ? 'PASS' : `FAIL (exit ${code})`);
process.exit(code);
