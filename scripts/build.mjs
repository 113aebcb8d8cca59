#!/usr/bin/env node
// Bundles the CLI, the language server and the VS Code client with esbuild, and copies the
// tree-sitter wasm files next to the server bundles (parser.ts looks for them in __dirname).
//
//   node scripts/build.mjs            one build
//   node scripts/build.mjs --watch    rebuild on change
//   node scripts/build.mjs --outdir D write D/server/cli.js … instead of dist/ (tests)
//
// Entries that do not exist yet are skipped with a note (the repo is built up incrementally).
import { context, build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const outdirIndex = process.argv.indexOf('--outdir');
const outdir = outdirIndex > 0 ? path.resolve(process.argv[outdirIndex + 1]) : path.join(root, 'dist');
const out = (rel) => path.join(outdir, rel.replace(/^dist\//, ''));

const entries = [
  { name: 'CLI', entry: 'server/src/cli/main.ts', outfile: 'dist/server/cli.js', external: [] },
  { name: 'language server', entry: 'server/src/lsp/main.ts', outfile: 'dist/server/server.js', external: [] },
  { name: 'dashboard history worker', entry: 'server/src/project/history-worker.ts', outfile: 'dist/server/history-worker.js', external: [] },
  { name: 'VS Code client', entry: 'client/src/extension.ts', outfile: 'dist/client/extension.js', external: ['vscode'] },
  { name: 'checklist webview', entry: 'media/checklist/checklist.ts', outfile: 'dist/webview/checklist.js', external: [], esbuild: { platform: 'browser', format: 'iife', target: 'es2020', define: {}, banner: {} } },
  { name: 'dashboard webview', entry: 'media/dashboard/dashboard.ts', outfile: 'dist/webview/dashboard.js', external: [], esbuild: { platform: 'browser', format: 'iife', target: 'es2020', define: {}, banner: {} } },
];

const wasmFiles = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/server/tree-sitter.wasm'],
  ['node_modules/tree-sitter-wasms/out/tree-sitter-python.wasm', 'dist/server/tree-sitter-python.wasm'],
];

function copyWasm() {
  for (const [from, to] of wasmFiles) {
    const src = path.join(root, from);
    if (!fs.existsSync(src)) {
      console.error(`build: missing ${from} (run npm ci)`);
      process.exitCode = 1;
      continue;
    }
    fs.mkdirSync(path.dirname(out(to)), { recursive: true });
    fs.copyFileSync(src, out(to));
  }
}

/**
 * web-tree-sitter keeps a node's wasm handle as the class field `[0]` of every `Node`: an indexed
 * property, so each node object (the engine makes millions in a `check`) also allocates an
 * elements store, about ten times the cost of the object itself (measured: 100–150 ns against
 * 14 ns per node; the field initialiser was the largest JavaScript self time of a `check`
 * profile). The bundles keep it in a named field instead: three exact edits in the library's
 * ESM build, which fail the build if a new version of web-tree-sitter no longer matches them.
 * (Tests and `tsx` load the library unpatched: same behaviour, slower.)
 */
const NODE_HANDLE_EDITS = [
  // The field, in `var Node = class {` (the first `[0] = 0;` of the file after it).
  { after: 'var Node = class {', from: '  [0] = 0;\n', to: '  _handle = 0;\n' },
  { after: 'var Node = class {', from: '    this[0] = other;\n', to: '    this._handle = other;\n' },
  { after: 'function marshalNode(node, index = 0) {', from: 'C.setValue(address, node[0], "i32");', to: 'C.setValue(address, node._handle, "i32");' },
];
const nodeHandlePlugin = {
  name: 'web-tree-sitter-node-handle',
  setup(b) {
    b.onLoad({ filter: /web-tree-sitter[\\/]tree-sitter\.js$/ }, async (args) => {
      let text = await fs.promises.readFile(args.path, 'utf8');
      for (const edit of NODE_HANDLE_EDITS) {
        const anchor = text.indexOf(edit.after);
        const at = anchor < 0 ? -1 : text.indexOf(edit.from, anchor);
        // Exactly one `Node` class and one marshalNode, and the edit inside the next 1,500 characters.
        if (anchor < 0 || text.indexOf(edit.after, anchor + 1) >= 0 || at < 0 || at - anchor > 1500) {
          throw new Error(`build: web-tree-sitter changed: cannot move the Node handle out of [0] (${edit.from.trim()}); update NODE_HANDLE_EDITS in scripts/build.mjs`);
        }
        text = text.slice(0, at) + edit.to + text.slice(at + edit.from.length);
      }
      if (/node\[0\]|this\[0\] = other/.test(text.slice(text.indexOf('var Node = class {'), text.indexOf('function marshalTreeCursor')))) {
        throw new Error('build: web-tree-sitter still reads a Node handle as [0]; update NODE_HANDLE_EDITS in scripts/build.mjs');
      }
      return { contents: text, loader: 'js' };
    });
  },
};

const options = (e) => ({
  plugins: [nodeHandlePlugin],
  entryPoints: [path.join(root, e.entry)],
  outfile: out(e.outfile),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: false,
  external: e.external,
  // ESM dependencies (web-tree-sitter's Emscripten loader) use import.meta.url, which is empty
  // in a CommonJS bundle: point it at the bundle file itself.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  ...e.esbuild, // per-entry overrides (the browser-side webview script)
});

const present = entries.filter((e) => {
  if (fs.existsSync(path.join(root, e.entry))) return true;
  console.log(`build: skipping the ${e.name} (${e.entry} does not exist yet)`);
  return false;
});

copyWasm();
if (watch) {
  for (const e of present) {
    const ctx = await context({
      ...options(e),
      plugins: [
        nodeHandlePlugin,
        {
          name: 'report',
          setup(b) {
            b.onEnd((r) => console.log(`[watch] ${path.relative(root, out(e.outfile))}: ${r.errors.length ? `${r.errors.length} error(s)` : 'built'} at ${new Date().toLocaleTimeString()}`));
          },
        },
      ],
    });
    await ctx.watch();
  }
  console.log('[watch] watching for changes (Ctrl-C to stop)');
} else {
  const started = Date.now();
  try {
    await Promise.all(present.map((e) => build(options(e))));
  } catch {
    // esbuild already printed the errors.
    process.exit(1);
  }
  console.log(`build: ${present.map((e) => path.relative(root, out(e.outfile))).join(', ')} + wasm in ${Date.now() - started}ms`);
}
