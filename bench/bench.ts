// `npm run bench`: measures what users feel, on this machine, and writes bench/results.json.
//  1. whole-workspace check vs tree-sitter parse-only time of the same files (the floor);
//  2. the same on synthetic workspaces of growing size (how cost grows);
//  3. keystroke latency through the LSP (didChange → diagnostics of that version), and code
//     actions / hovers asked right after each keystroke;
//  4. cold start to first diagnostics, and server RSS after indexing.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { initParser, parsePython } from '../server/src/analysis/parser';
import { SERVER_EXEC_ARGV } from '../server/src/lsp/runtime-flags';
import { checkProject, findPythonFiles, readPythonFile, loadConfig } from '../server/src/project';
import { generateBrokenFile, generateLargeFile, generateWorkspace } from './synthetic';

const ROOT = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
/** `--each`: print every keystroke's latencies (diagnostics / code action or hover), to see which edits are slow. */
const each = process.argv.includes('--each');
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
}
const ms = (x: number) => Math.round(x * 100) / 100;

/** Parse-only time for texts (the floor for this design). */
function parseOnly(texts: string[]): number {
  const t0 = performance.now();
  for (const text of texts) parsePython(text).delete();
  return performance.now() - t0;
}

/**
 * Full check as the CLI does it (`checkProject`, the code path of `async-migrate check`): index
 * everything, keeping the parsed trees of the files to analyse (within the memory budget), then
 * analyse every file.
 */
async function fullCheck(root: string): Promise<{ ms: number; findings: number; files: number }> {
  const t0 = performance.now();
  const { findings, targets } = await checkProject(root);
  return { ms: performance.now() - t0, findings: findings.length, files: targets.length };
}

async function workspaceBench(label: string, root: string, runs: number) {
  const { config } = loadConfig(root);
  const texts = findPythonFiles(root, config).map((rel) => readPythonFile(path.join(root, rel)).text ?? '');
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0);
  parseOnly(texts); // warm up the wasm JIT
  await fullCheck(root);
  const parse: number[] = [];
  const check: number[] = [];
  let last = { ms: 0, findings: 0, files: 0 };
  for (let i = 0; i < runs; i++) {
    parse.push(parseOnly(texts));
    last = await fullCheck(root);
    check.push(last.ms);
  }
  const row = { label, files: texts.length, lines, parseOnlyMs: ms(median(parse)), checkMs: ms(median(check)), ratio: ms(median(check) / median(parse)), findings: last.findings };
  console.log(`${label.padEnd(22)} ${String(row.files).padStart(6)} files ${String(lines).padStart(8)} lines  parse ${String(row.parseOnlyMs).padStart(8)} ms  check ${String(row.checkMs).padStart(8)} ms  ratio ${row.ratio}×  (${row.findings} findings)`);
  return row;
}

// ---- LSP client (plain JSON-RPC over stdio, so the benchmark measures the shipped server) ----
class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, (r: unknown) => void>();
  private listeners: ((method: string, params: any) => void)[] = [];
  constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
  }
  private onData(chunk: Buffer) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())![1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const msg = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (msg.id !== undefined && msg.method === undefined) this.pending.get(msg.id)?.(msg.result);
      else if (msg.method) {
        if (msg.id !== undefined) this.send({ jsonrpc: '2.0', id: msg.id, result: msg.method === 'workspace/configuration' ? (msg.params.items ?? []).map(() => ({})) : null });
        this.listeners.forEach((l) => l(msg.method, msg.params));
      }
    }
  }
  private send(msg: unknown) {
    const body = Buffer.from(JSON.stringify(msg));
    this.proc.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin!.write(body);
  }
  request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }
  notify(method: string, params: unknown) {
    this.send({ jsonrpc: '2.0', method, params });
  }
  waitFor(predicate: (method: string, params: any) => boolean, timeoutMs = 60000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout waiting for server message')), timeoutMs);
      const listener = (method: string, params: any) => {
        if (predicate(method, params)) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolve(params);
        }
      };
      this.listeners.push(listener);
    });
  }
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function startServer(root: string): Promise<{ client: LspClient; startMs: number; indexedMs: number; rss: number }> {
  // AM_BENCH_SERVER: another build of the server (e.g. of main) to compare against.
  const serverJs = process.env.AM_BENCH_SERVER ?? path.join(ROOT, 'dist/server/server.js');
  const t0 = performance.now();
  // With the flags the VS Code client starts it with.
  // AM_BENCH_SERVER_FLAGS: extra node flags for the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
  const extraFlags = (process.env.AM_BENCH_SERVER_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const proc = spawn(process.execPath, [...SERVER_EXEC_ARGV, ...extraFlags, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const client = new LspClient(proc);
  const indexed = client.waitFor((m, p) => m === '$/progress' && p?.value?.kind === 'end', 300000).catch(() => undefined);
  await client.request('initialize', {
    processId: process.pid,
    rootUri: `file://${root}`,
    workspaceFolders: [{ uri: `file://${root}`, name: path.basename(root) }],
    // Like VS Code: expensive code action edits (fix-all, migrate) are resolved when chosen.
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
      textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { dataSupport: true, resolveSupport: { properties: ['edit'] } }, hover: { contentFormat: ['markdown'] } },
    },
  });
  client.notify('initialized', {});
  await indexed;
  const indexedMs = performance.now() - t0;
  return { client, startMs: t0, indexedMs, rss: rssMiB(proc.pid!) };
}

async function stopServer(client: LspClient) {
  await client.request('shutdown', null).catch(() => undefined);
  client.notify('exit', null);
  // Let it exit on its own (a --cpu-prof profile is written at exit), then make sure.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    client.proc.once('exit', () => (clearTimeout(timer), resolve()));
  });
  client.proc.kill();
}

/**
 * typing: a character appended to a line of a function body; quote/bracket: opened then closed
 * (re-parses large regions); def-name: a character typed into a def's name (the module's summary
 * changes, so each analysis is whole-file: code actions and hovers come from analyzeRange);
 * broken: typing as above in a file with a syntax error near the top and 7 fixes below it
 * (synthetic.ts generateBrokenFile: few enough that each one's "parses no worse" is checked).
 */
type EditKind = 'typing' | 'quote' | 'bracket' | 'def-name' | 'broken';

/**
 * didChange → publishDiagnostics(version) latency for a series of edits; right after each
 * change, a code action at the cursor (even edits) or a hover there (odd edits), as editors ask.
 */
async function keystrokeBench(lines: number, kind: EditKind, edits: number, real?: { text: string; label: string }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-keys-'));
  const text = real?.text ?? (kind === 'broken' ? generateBrokenFile(lines) : generateLargeFile(lines));
  const rel = real ? 'app/real_module.py' : `app/big_${lines}.py`;
  fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
  const { client } = await startServer(dir);
  const uri = `file://${path.join(dir, rel)}`;
  const opened = client.waitFor((m, p) => m === 'textDocument/publishDiagnostics' && p.uri === uri);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  await opened;
  // Edit inside a function body in the middle of the file.
  const docLines = text.split('\n');
  let line = Math.floor(docLines.length / 2);
  // A real file: a comment line inside a function near the middle (as measured in issue 13).
  const body = kind === 'def-name' ? /^\s*(async )?def \w+\(/ : real ? /^\s{4,}#/ : /^\s{8}\S/;
  while (line < docLines.length - 1 && !body.test(docLines[line])) line++;
  if (!body.test(docLines[line])) for (line = Math.floor(docLines.length / 2); !/^\s{4,}\S/.test(docLines[line]); line++);
  const col = kind === 'def-name' ? docLines[line].indexOf('(') : docLines[line].length;
  const latencies: number[] = [];
  const codeActions: number[] = [];
  const hovers: number[] = [];
  const reparse: number[] = [];
  let current = text;
  let tree = parsePython(current);
  for (let i = 0; i < edits; i++) {
    const version = i + 2;
    // typing: append a char to a line; quote/bracket: open then close (re-parses large regions).
    const insert = kind === 'typing' || kind === 'def-name' || kind === 'broken' ? 'x' : kind === 'quote' ? (i % 2 ? '"' : '"') : i % 2 ? ')' : '(';
    const character = col + i;
    const change = { range: { start: { line, character }, end: { line, character } }, text: insert };
    const waiter = client.waitFor((m, p) => m === 'textDocument/publishDiagnostics' && p.uri === uri && p.version === version, 30000);
    const t0 = performance.now();
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    // While typing, the editor asks for code actions at the cursor right after the change (and
    // the mouse may rest on the code being edited).
    const cursor = { line, character: character + 1 };
    const action =
      i % 2 === 0
        ? client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: cursor, end: cursor }, context: { diagnostics: [] } }).then(() => codeActions.push(performance.now() - t0))
        : client.request('textDocument/hover', { textDocument: { uri }, position: cursor }).then(() => hovers.push(performance.now() - t0));
    await waiter;
    latencies.push(performance.now() - t0);
    await action;
    if (each) console.log(`  ${kind} #${i} ${JSON.stringify(insert)}: diagnostics ${ms(latencies[i])} ms, ${i % 2 === 0 ? 'code action' : 'hover'} ${ms((i % 2 === 0 ? codeActions : hovers).at(-1)!)} ms`);
    // The floor: tree-sitter's own incremental reparse of the same edit.
    const offset = current.split('\n').slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
    current = current.slice(0, offset) + insert + current.slice(offset);
    const r0 = performance.now();
    tree.edit({ startIndex: offset, oldEndIndex: offset, newEndIndex: offset + 1, startPosition: { row: line, column: character }, oldEndPosition: { row: line, column: character }, newEndPosition: { row: line, column: character + 1 } });
    const next = parsePython(current, tree);
    reparse.push(performance.now() - r0);
    tree.delete();
    tree = next;
  }
  tree.delete();
  await stopServer(client);
  fs.rmSync(dir, { recursive: true, force: true });
  const row = { lines, kind, edits, medianMs: ms(median(latencies)), p95Ms: ms(percentile(latencies, 95)), p99Ms: ms(percentile(latencies, 99)), reparseP99Ms: ms(percentile(reparse, 99)), reparseMedianMs: ms(median(reparse)), codeActionMedianMs: ms(median(codeActions)), codeActionP99Ms: ms(percentile(codeActions, 99)), hoverMedianMs: ms(median(hovers)), hoverP99Ms: ms(percentile(hovers, 99)) };
  if (real) Object.assign(row, { file: real.label });
  console.log(`keystroke ${real ? `${real.label} ` : ''}${String(lines).padStart(6)} lines ${kind.padEnd(8)} median ${row.medianMs} ms  p95 ${row.p95Ms} ms  p99 ${row.p99Ms} ms   (tree-sitter reparse alone: median ${row.reparseMedianMs} ms, p99 ${row.reparseP99Ms} ms; code action at the cursor: median ${row.codeActionMedianMs} ms, p99 ${row.codeActionP99Ms} ms; hover: median ${row.hoverMedianMs} ms, p99 ${row.hoverP99Ms} ms)`);
  return row;
}

async function coldStartBench(root: string) {
  const t0 = performance.now();
  const { client, indexedMs, rss } = await startServer(root);
  const file = findPythonFiles(root, loadConfig(root).config)[0];
  const uri = `file://${path.join(root, file)}`;
  const diag = client.waitFor((m, p) => m === 'textDocument/publishDiagnostics' && p.uri === uri);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: fs.readFileSync(path.join(root, file), 'utf8') } });
  await diag;
  const firstDiagnosticsMs = performance.now() - t0;
  await stopServer(client);
  return { indexedMs: ms(indexedMs), firstDiagnosticsMs: ms(firstDiagnosticsMs), rssMiB: rss };
}

/** The largest Python file of the projects `npm run eval:real` fetched (in .eval-real), if any. */
function largestRealFile(): { text: string; label: string; lines: number } | undefined {
  const root = process.env.AM_EVAL_REAL_DIR ?? path.join(ROOT, '.eval-real');
  if (!fs.existsSync(root)) return undefined;
  let best: { text: string; label: string; lines: number } | undefined;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && entry.name.endsWith('.py')) {
        const text = fs.readFileSync(full, 'utf8');
        const lines = text.split('\n').length;
        // Generated or vendored code (migrations, protobuf, get-pip's blob) is not what anyone types into.
        const generated = /_pb2\.py$|\/migrations\/|\/alembic\/versions\/|get-pip\.py$/.test(full) || /[^\n]{1000}/.test(text);
        if (lines > (best?.lines ?? 0) && !generated) best = { text, label: path.relative(root, full), lines };
      }
    }
  };
  walk(root);
  return best;
}

async function realFileKeystrokes(edits: number): Promise<unknown[]> {
  const real = largestRealFile();
  if (!real) {
    console.log('keystroke on a real file: skipped (run `npm run eval:real` once to fetch the real projects)');
    return [];
  }
  return [await keystrokeBench(real.lines, 'typing', edits, real)];
}

/** `--keystrokes <lines> [--kinds a,b]`: only the keystroke rows for one file size, and the real file (no results.json written). */
async function keystrokesOnly(lines: number, kinds: string[]) {
  await initParser();
  const wanted = (kind: string) => kinds.length === 0 || kinds.includes(kind);
  if (wanted('typing')) await keystrokeBench(lines, 'typing', 200);
  if (wanted('bracket')) await keystrokeBench(lines, 'bracket', 60);
  if (wanted('quote')) await keystrokeBench(lines, 'quote', 60);
  if (wanted('def-name')) await keystrokeBench(lines, 'def-name', 60);
  if (wanted('broken')) await keystrokeBench(lines, 'broken', 60);
  if (wanted('real')) await realFileKeystrokes(200);
}

async function main() {
  const only = process.argv.indexOf('--keystrokes');
  // `--kinds typing,bracket,quote,def-name,broken,real`: only those rows.
  const kinds = process.argv.indexOf('--kinds');
  if (only !== -1) return keystrokesOnly(Number(process.argv[only + 1] ?? 5000), kinds === -1 ? [] : process.argv[kinds + 1].split(','));
  await initParser();
  console.log(`async-migrate benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  const runs = quick ? 1 : 3;
  const workspaces: unknown[] = [];
  workspaces.push(await workspaceBench('examples/gym-app', path.join(ROOT, 'examples/gym-app'), runs));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'am-bench-'));
  const sizes = quick ? [50, 500] : [50, 500, 2000];
  const synthetic: Record<number, string> = {};
  for (const size of sizes) {
    const dir = path.join(tmp, `ws-${size}`);
    generateWorkspace(dir, size);
    synthetic[size] = dir;
    workspaces.push(await workspaceBench(`synthetic ${size}`, dir, runs));
  }
  results.workspaces = workspaces;

  const haveServer = fs.existsSync(path.join(ROOT, 'dist/server/server.js'));
  if (!haveServer) console.log('\n(dist/server/server.js missing: run `npm run build` for the LSP benchmarks)');
  else {
    console.log('');
    const cold: Record<string, unknown> = {};
    for (const size of sizes) {
      cold[size] = await coldStartBench(synthetic[size]);
      console.log(`server ${String(size).padStart(5)} files: indexed in ${(cold[size] as any).indexedMs} ms, first diagnostics at ${(cold[size] as any).firstDiagnosticsMs} ms, RSS ${(cold[size] as any).rssMiB} MiB`);
    }
    results.server = cold;
    console.log('');
    const keystrokes: unknown[] = [];
    const edits = quick ? 40 : 200;
    for (const lines of [1000, 5000, 20000]) {
      keystrokes.push(await keystrokeBench(lines, 'typing', edits));
      keystrokes.push(await keystrokeBench(lines, 'bracket', Math.min(edits, 60)));
      keystrokes.push(await keystrokeBench(lines, 'quote', Math.min(edits, 60)));
      if (lines === 5000) keystrokes.push(await keystrokeBench(lines, 'def-name', Math.min(edits, 60)));
      if (lines === 5000) keystrokes.push(await keystrokeBench(lines, 'broken', Math.min(edits, 60)));
    }
    keystrokes.push(...(await realFileKeystrokes(edits)));
    results.keystrokes = keystrokes;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  const out = path.join(ROOT, 'bench', 'results.json');
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
