#!/usr/bin/env node
// Bundles the in-VS-Code test suite (test/vscode/suite/index.ts + every file
// listed in all.ts + mocha) into dist/test/vscode/index.js, loaded by VS Code
// as extensionTestsPath. Only `vscode` stays external (the host provides it).
//
// Usage: node scripts/build-vscode-tests.mjs [--entry FILE] [--outfile FILE]
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    entry: { type: 'string', default: path.join(root, 'test/vscode/suite/index.ts') },
    outfile: { type: 'string', default: path.join(root, 'dist/test/vscode/index.js') },
  },
});

const started = Date.now();
await build({
  entryPoints: [path.resolve(values.entry)],
  outfile: path.resolve(values.outfile),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: 'inline',
  // Lets an entry outside the repo (e.g. a throwaway suite) resolve mocha etc.
  nodePaths: [path.join(root, 'node_modules')],
  logLevel: 'warning',
  // mocha's parallel mode (unused here) require.resolve()s worker files.
  logOverride: { 'require-resolve-not-external': 'silent' },
});
console.log(`built ${path.relative(root, path.resolve(values.outfile))} in ${Date.now() - started}ms`);
