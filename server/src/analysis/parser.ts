// Loads the Python grammar once and hands out parsers. The wasm files are looked up next
// to the running bundle first (dist/server), then in node_modules (tests, tsx).
import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser, Tree, Node, Edit } from 'web-tree-sitter';

export type { Tree, Node, Edit };

let languagePromise: Promise<Language> | undefined;
let python: Language | undefined;

function findFile(candidates: string[]): string {
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`async-migrate: cannot find ${path.basename(candidates[0])} (looked in ${candidates.join(', ')})`);
}

function wasmCandidates(file: string, pkg: string, sub: string): string[] {
  const list = [path.join(__dirname, file), path.join(__dirname, '..', file)];
  try {
    list.push(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), sub, file));
  } catch {
    /* not resolvable from a bundle, or package.json not exported (web-tree-sitter) */
    try {
      // The package's main file lives at its root (web-tree-sitter/tree-sitter.cjs).
      list.push(path.join(path.dirname(require.resolve(pkg)), sub, file));
    } catch {
      /* not resolvable */
    }
  }
  list.push(path.join(process.cwd(), 'node_modules', pkg, sub, file));
  return list;
}

/** Initialises web-tree-sitter and the Python grammar; safe to call many times. */
export function initParser(): Promise<Language> {
  if (!languagePromise) {
    languagePromise = (async () => {
      const runtimeWasm = findFile(wasmCandidates('tree-sitter.wasm', 'web-tree-sitter', ''));
      await Parser.init({ locateFile: () => runtimeWasm });
      const grammar = findFile(wasmCandidates('tree-sitter-python.wasm', 'tree-sitter-wasms', 'out'));
      python = await Language.load(grammar);
      return python;
    })();
  }
  return languagePromise;
}

export function pythonLanguage(): Language {
  if (!python) throw new Error('async-migrate: initParser() must complete before parsing');
  return python;
}

let sharedParser: Parser | undefined;

/** Parses text (optionally reusing an edited old tree). The caller owns the returned tree and must delete() it. */
export function parsePython(text: string, oldTree?: Tree | null): Tree {
  if (!sharedParser) {
    // Language first: a parser created before the grammar is loaded would stay without one.
    const language = pythonLanguage();
    const parser = new Parser();
    parser.setLanguage(language);
    sharedParser = parser;
  }
  const tree = sharedParser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('async-migrate: tree-sitter returned no tree');
  return tree;
}
