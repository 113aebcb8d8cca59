// The server's layers, read from the import statements of every source file (type-only imports,
// re-exports, require() and import() included):
//   analysis/ (pure engine) ← project/ (Node-side, shared) ← cli/ and lsp/ (never each other)
// and no import circle among the language server's modules.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { REPO } from './lsp/client';

const SRC = path.join(REPO, 'server/src');

interface SourceImports {
  /** Repository-relative POSIX path of the importing file. */
  file: string;
  /** Resolved repository-relative paths of relative imports (without extension), and bare package names. */
  imports: { spec: string; target: string }[];
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(abs));
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(abs);
  }
  return out;
}

function resolveModule(fromAbs: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const base = path.resolve(path.dirname(fromAbs), spec);
  for (const candidate of [base + '.ts', path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(REPO, candidate).split(path.sep).join('/');
  }
  // Not on disk (planted sources in the self-check below): the module's .ts file.
  return path.relative(REPO, base + '.ts').split(path.sep).join('/');
}

/** Every module specifier a file names, as TypeScript's pre-processor sees them. */
export function importsOf(absFile: string, text = fs.readFileSync(absFile, 'utf8')): SourceImports {
  const info = ts.preProcessFile(text, true, true);
  return {
    file: path.relative(REPO, absFile).split(path.sep).join('/'),
    imports: info.importedFiles.map((f) => ({ spec: f.fileName, target: resolveModule(absFile, f.fileName) })),
  };
}

const layerOf = (repoPath: string): string | undefined => /^server\/src\/([^/]+)\//.exec(repoPath)?.[1];

/** Import edges that cross the layers the wrong way (one line each, naming the file and the import). */
export function layerViolations(sources: SourceImports[]): string[] {
  const allowed: Record<string, string[]> = {
    analysis: ['analysis'],
    project: ['analysis', 'project'],
    cli: ['analysis', 'project', 'cli'],
    lsp: ['analysis', 'project', 'lsp'],
  };
  const out: string[] = [];
  for (const { file, imports } of sources) {
    const from = layerOf(file);
    if (!from || !allowed[from]) continue;
    for (const { spec, target } of imports) {
      if (spec.startsWith('.')) {
        const to = layerOf(target);
        if (to && !allowed[from].includes(to)) out.push(`${file} imports ${spec} (${from}/ must not import ${to}/)`);
        continue;
      }
      if (from === 'analysis' && (/^(node:)?child_process$/.test(spec) || /^vscode/.test(spec))) {
        out.push(`${file} imports ${spec} (the engine stays pure: no child_process, no vscode*)`);
      }
    }
  }
  return out;
}

/** Import cycles among the given files (each as "a → b → … → a"), by depth-first search. */
export function importCycles(sources: SourceImports[]): string[] {
  const graph = new Map(sources.map((s) => [s.file, s.imports.map((i) => i.target).filter((t) => t !== s.file)]));
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('layers', () => {
  const sources = listTs(SRC).map((f) => importsOf(f));

  it('reads the imports of every layer (the check sees what it guards)', () => {
    const count = (layer: string) => sources.filter((s) => layerOf(s.file) === layer).length;
    for (const layer of ['analysis', 'project', 'cli', 'lsp']) assert.ok(count(layer) >= 3, `${layer}/: ${count(layer)} files`);
    const server = sources.find((s) => s.file === 'server/src/lsp/server.ts')!;
    assert.ok(server.imports.some((i) => i.target === 'server/src/project/index.ts'), JSON.stringify(server.imports));
  });

  it('analysis ← project ← cli / lsp: no import goes the other way, cli and lsp never import each other, the engine imports neither child_process nor vscode*', () => {
    assert.deepStrictEqual(layerViolations(sources), []);
  });

  it('the language server has no import circle (feature modules get narrow interfaces, not the server class)', () => {
    assert.deepStrictEqual(importCycles(sources.filter((s) => layerOf(s.file) === 'lsp')), []);
  });

  it('the engine has no import circle (shared notions live below the rules that use them)', () => {
    assert.deepStrictEqual(importCycles(sources.filter((s) => layerOf(s.file) === 'analysis')), []);
  });

  it('the checks catch what they must (planted violations)', () => {
    const planted = (file: string, text: string) => importsOf(path.join(REPO, file), text);
    assert.deepStrictEqual(layerViolations([planted('server/src/cli/commands/x.ts', "import { a } from '../../lsp/server';")]), [
      "server/src/cli/commands/x.ts imports ../../lsp/server (cli/ must not import lsp/)",
    ]);
    assert.strictEqual(layerViolations([planted('server/src/lsp/x.ts', "import type { A } from '../cli/target';")]).length, 1, 'type-only imports count');
    assert.strictEqual(layerViolations([planted('server/src/lsp/x.ts', "const t = require('../cli/target');")]).length, 1, 'require() counts');
    assert.strictEqual(layerViolations([planted('server/src/analysis/x.ts', "import { execFile } from 'node:child_process';")]).length, 1);
    assert.strictEqual(layerViolations([planted('server/src/analysis/x.ts', "import type { Range } from 'vscode-languageserver';")]).length, 1);
    assert.strictEqual(layerViolations([planted('server/src/analysis/x.ts', "import { loadProject } from '../project';")]).length, 1);
    assert.strictEqual(layerViolations([planted('server/src/project/x.ts', "export * from '../lsp/folders';")]).length, 1, 're-exports count');
    // Near misses that must stay silent.
    assert.deepStrictEqual(layerViolations([planted('server/src/cli/x.ts', "import { readProgress } from '../project/progress-file';")]), []);
    assert.deepStrictEqual(layerViolations([planted('server/src/lsp/x.ts', "import { Emitter } from 'vscode-languageserver';")]), []);
    assert.deepStrictEqual(layerViolations([planted('server/src/analysis/x.ts', "// child_process is not used here\nimport { walk } from './syntax';")]), []);
    const a = planted('server/src/lsp/a.ts', "import { B } from './b';");
    const b = planted('server/src/lsp/b.ts', "import type { A } from './a';");
    assert.deepStrictEqual(importCycles([a, b]), ['server/src/lsp/a.ts → server/src/lsp/b.ts → server/src/lsp/a.ts']);
    assert.deepStrictEqual(importCycles([a, planted('server/src/lsp/b.ts', "import { C } from './c';")]), []);
  });
});
