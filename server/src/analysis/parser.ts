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

/**
 * web-tree-sitter moves every node in and out of wasm through `setValue` / `getValue`
 * (`marshalNode`, `unmarshalNode`: five 32-bit words per node), generic helpers that compare the
 * type string and go through a DataView on each call: about 4 % of a whole-workspace `check`.
 * The emscripten module is the options object given to `Parser.init` (web-tree-sitter looks the
 * helpers up on it at each call), so the 32-bit case is answered here from the module's Int32Array
 * view, which it replaces whenever the wasm memory grows. Only on little-endian hosts, where the
 * view reads what the DataView reads; every other type goes to the original helper.
 */
function fastInt32Access(runtime: Record<string, unknown>): void {
  const getValue = runtime.getValue as ((ptr: number, type?: string) => number) | undefined;
  const setValue = runtime.setValue as ((ptr: number, value: number, type?: string) => void) | undefined;
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  if (!littleEndian || typeof getValue !== 'function' || typeof setValue !== 'function' || !(runtime.HEAP32 instanceof Int32Array)) return;
  runtime.getValue = (ptr: number, type?: string) => (type === 'i32' && (ptr & 3) === 0 ? (runtime.HEAP32 as Int32Array)[ptr >> 2] : getValue(ptr, type));
  runtime.setValue = (ptr: number, value: number, type?: string) => {
    if (type === 'i32' && (ptr & 3) === 0) (runtime.HEAP32 as Int32Array)[ptr >> 2] = value;
    else setValue(ptr, value, type);
  };
}

/**
 * A node's type and end offset are each a wasm call (the node marshalled in first) on every read,
 * and the engine reads them again and again on the same node object (`unparen`, `dottedName`,
 * `.text`: a whole-workspace `check` of 500 files reads `type` about a million times, half of
 * them again on a node already asked). A tree never changes under its nodes (the language server
 * edits a tree only to reparse it, and then drops the old one's nodes and caches), so the first
 * answer is kept on the node object.
 */
function memoizeNodeGetters(): void {
  const proto = Node.prototype as unknown as Record<string, unknown>;
  const type = Object.getOwnPropertyDescriptor(proto, 'type')?.get;
  const endIndex = Object.getOwnPropertyDescriptor(proto, 'endIndex')?.get;
  if (!type || !endIndex || '_amType' in proto) return;
  // Named slots (not `this[name]`): the getters run millions of times.
  Object.defineProperty(proto, '_amType', { value: undefined, writable: true, configurable: true });
  Object.defineProperty(proto, '_amEndIndex', { value: undefined, writable: true, configurable: true });
  Object.defineProperty(proto, 'type', {
    configurable: true,
    get(this: { _amType: string | undefined }) {
      return this._amType ?? (this._amType = type.call(this) as string);
    },
  });
  Object.defineProperty(proto, 'endIndex', {
    configurable: true,
    get(this: { _amEndIndex: number | undefined }) {
      return this._amEndIndex ?? (this._amEndIndex = endIndex.call(this) as number);
    },
  });
  // `childForFieldName` looks the field's name up with `indexOf` over the grammar's field names
  // on every call (hundreds of thousands in a check): a map of the same first indexes instead.
  let fields: readonly (string | null)[] | undefined;
  let fieldIds = new Map<string, number>();
  proto.childForFieldName = function (this: Node, name: string): Node | null {
    const names = this.tree.language.fields;
    if (names !== fields) {
      fields = names;
      fieldIds = new Map();
      names.forEach((field, id) => field !== null && !fieldIds.has(field) && fieldIds.set(field, id));
    }
    const id = fieldIds.get(name);
    return id === undefined ? null : this.childForFieldId(id);
  };
}

/** Initialises web-tree-sitter and the Python grammar; safe to call many times. */
export function initParser(): Promise<Language> {
  if (!languagePromise) {
    languagePromise = (async () => {
      const runtimeWasm = findFile(wasmCandidates('tree-sitter.wasm', 'web-tree-sitter', ''));
      const runtime: Record<string, unknown> = { locateFile: () => runtimeWasm };
      await Parser.init(runtime);
      fastInt32Access(runtime);
      memoizeNodeGetters();
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
