// Per-module facts the workspace index needs for cross-file resolution. Summaries are plain
// data (no tree references), so a file's tree can be freed once its summary is taken.
import type { Node } from './parser';
import type { SourceFile } from './source';
import { children, dottedName, isAsyncFunction, decoratorsOf, keywordArgument, stringValue } from './syntax';
import { extractRoutes, type RouteSummary, type RouterSummary, type IncludeSummary } from './routes';

export interface ImportBinding {
  /** Name bound in this module. */
  local: string;
  /** Absolute dotted module imported from. */
  module: string;
  /** For `from m import name`: the imported name; undefined for `import m`. */
  name?: string;
  line: number;
  /** Offsets of the whole import statement. */
  statementStart: number;
  statementEnd: number;
}

export interface FunctionSummary {
  name: string;
  isAsync: boolean;
  line: number;
  /** Offsets of the name identifier. */
  nameStart: number;
  nameEnd: number;
  params: string[];
  /** Contains `yield` (generator / dependency). */
  isGenerator: boolean;
  /** Return annotation text if any. */
  returns?: string;
  decorators: string[];
}

export interface RelationshipSummary {
  target?: string;
  /** true for one-to-many / many-to-many (uselist), false for scalar, undefined when unknown. */
  collection?: boolean;
  lazy?: string;
}

export interface ClassSummary {
  name: string;
  line: number;
  bases: string[];
  methods: Record<string, FunctionSummary>;
  relationships: Record<string, RelationshipSummary>;
  /** __tablename__ present or a declarative base: a mapped model. */
  isModel: boolean;
}

export type VariableKind =
  | 'asyncRedis'
  | 'syncRedis'
  | 'asyncSessionFactory'
  | 'syncSessionFactory'
  | 'asyncEngine'
  | 'syncEngine'
  | 'asyncHttpClient'
  | 'other';

export interface VariableSummary {
  name: string;
  line: number;
  /** Callee of the assigned call (`UserService`, `redis.asyncio.Redis.from_url`), if any. */
  callee?: string;
  /** Keyword `class_=` of a sessionmaker call, if any. */
  classKeyword?: string;
  /** Annotation text, if annotated. */
  annotation?: string;
  /** Name on the right side when it is a plain alias (`x = y`). */
  aliasOf?: string;
}

export interface ModuleSummary {
  path: string;
  moduleName: string;
  isPackage: boolean;
  imports: ImportBinding[];
  functions: Record<string, FunctionSummary>;
  classes: Record<string, ClassSummary>;
  variables: Record<string, VariableSummary>;
  routers: RouterSummary[];
  routes: RouteSummary[];
  includes: IncludeSummary[];
  hasSyntaxErrors: boolean;
}

export function moduleNameFromPath(relPath: string, srcRoots: string[]): { moduleName: string; isPackage: boolean } {
  const posix = relPath.replace(/\\/g, '/');
  let best = posix;
  for (const root of srcRoots) {
    const r = root.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/$/, '');
    if (r === '') continue;
    if (posix.startsWith(r + '/') && posix.length - r.length - 1 < best.length) best = posix.slice(r.length + 1);
  }
  const isPackage = /(^|\/)__init__\.pyi?$/.test(best);
  const withoutExt = best.replace(/\.pyi?$/, '').replace(/(^|\/)__init__$/, '');
  return { moduleName: withoutExt.split('/').filter(Boolean).join('.'), isPackage };
}

/** Resolves `from ..x import y`'s module part to an absolute dotted name. */
export function resolveRelativeModule(current: string, isPackage: boolean, relative: string): string {
  const dots = /^\.*/.exec(relative)![0].length;
  const rest = relative.slice(dots);
  if (dots === 0) return relative;
  const parts = current ? current.split('.') : [];
  // A package's own name is its directory; a module's is one level deeper.
  const drop = isPackage ? dots - 1 : dots;
  const base = parts.slice(0, Math.max(0, parts.length - drop));
  return [...base, ...(rest ? rest.split('.') : [])].join('.');
}

function functionSummary(fn: Node): FunctionSummary {
  const nameNode = fn.childForFieldName('name')!;
  const params = fn.childForFieldName('parameters');
  const names: string[] = [];
  for (const p of params ? children(params) : []) {
    const id = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? children(p).find((c) => c.type === 'identifier'));
    if (id) names.push(id.text);
  }
  const body = fn.childForFieldName('body');
  let isGenerator = false;
  if (body) {
    const stack: Node[] = [body];
    while (stack.length && !isGenerator) {
      const n = stack.pop()!;
      if (n.type === 'yield') isGenerator = true;
      else if (n.type !== 'function_definition' && n.type !== 'lambda' && n.type !== 'class_definition') stack.push(...children(n));
    }
  }
  return {
    name: nameNode.text,
    isAsync: isAsyncFunction(fn),
    line: fn.startPosition.row + 1,
    nameStart: nameNode.startIndex,
    nameEnd: nameNode.endIndex,
    params: names,
    isGenerator,
    returns: fn.childForFieldName('return_type')?.text,
    decorators: decoratorsOf(fn).map((d) => d.text.replace(/^@\s*/, '')),
  };
}

function relationshipSummary(call: Node): RelationshipSummary | undefined {
  const callee = dottedName(call.childForFieldName('function'));
  if (!callee || !/(^|\.)relationship$/.test(callee)) return undefined;
  const args = call.childForFieldName('arguments');
  const first = args ? children(args).find((a) => a.type !== 'keyword_argument') : undefined;
  const target = stringValue(first) ?? (first?.type === 'identifier' ? first.text : undefined);
  const lazy = stringValue(keywordArgument(args, 'lazy'));
  const uselist = keywordArgument(args, 'uselist')?.text;
  let collection: boolean | undefined;
  if (uselist === 'False') collection = false;
  else if (uselist === 'True') collection = true;
  else if (keywordArgument(args, 'secondary')) collection = true;
  return { target, collection, lazy };
}

function classSummary(cls: Node): ClassSummary {
  const name = cls.childForFieldName('name')!.text;
  const superclasses = cls.childForFieldName('superclasses');
  const bases = superclasses ? children(superclasses).filter((c) => c.type !== 'keyword_argument').map((c) => c.text) : [];
  const methods: Record<string, FunctionSummary> = {};
  const relationships: Record<string, RelationshipSummary> = {};
  let isModel = false;
  const body = cls.childForFieldName('body');
  for (const stmt of body ? children(body) : []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') {
      const s = functionSummary(def);
      methods[s.name] = s;
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const assign = stmt.namedChild(0);
    if (assign?.type !== 'assignment') continue;
    const left = assign.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    if (left.text === '__tablename__' || left.text === '__table__') isModel = true;
    const right = assign.childForFieldName('right');
    const type = assign.childForFieldName('type');
    let rel = right?.type === 'call' ? relationshipSummary(right) : undefined;
    if (rel || (type && /\bMapped\[/.test(type.text) && right?.type === 'call' && /relationship/.test(right.text))) {
      rel = rel ?? { };
      if (rel.collection === undefined && type) {
        const m = /Mapped\[\s*(?:typing\.)?(List|list|Set|set|Sequence)\b/.exec(type.text);
        if (m) rel.collection = true;
        else if (/Mapped\[/.test(type.text)) rel.collection = false;
      }
      relationships[left.text] = rel;
    }
  }
  if (bases.some((b) => /(^|\.)(Base|DeclarativeBase|Model)$/.test(b))) isModel = isModel || true;
  return { name, line: cls.startPosition.row + 1, bases, methods, relationships, isModel };
}

function importBindings(stmt: Node, file: SourceFile, isPackage: boolean): ImportBinding[] {
  const out: ImportBinding[] = [];
  const base = { line: stmt.startPosition.row + 1, statementStart: stmt.startIndex, statementEnd: stmt.endIndex };
  if (stmt.type === 'import_statement') {
    for (const item of children(stmt)) {
      if (item.type === 'dotted_name') {
        const full = item.text.replace(/\s+/g, '');
        out.push({ ...base, local: full.split('.')[0], module: full.split('.')[0] });
        // Also remember the full dotted module so `a.b.c` attribute chains resolve.
        if (full.includes('.')) out.push({ ...base, local: full, module: full });
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')!.text.replace(/\s+/g, '');
        const alias = item.childForFieldName('alias')!.text;
        out.push({ ...base, local: alias, module: name });
      }
    }
  } else if (stmt.type === 'import_from_statement') {
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode) return out;
    const module = resolveRelativeModule(file.moduleName, isPackage, moduleNode.text.replace(/\s+/g, ''));
    for (const item of stmt.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'dotted_name') out.push({ ...base, local: item.text, module, name: item.text });
      else if (item.type === 'aliased_import') {
        out.push({ ...base, local: item.childForFieldName('alias')!.text, module, name: item.childForFieldName('name')!.text });
      }
    }
  }
  return out;
}

export function summarize(file: SourceFile, isPackage: boolean): ModuleSummary {
  const summary: ModuleSummary = {
    path: file.path,
    moduleName: file.moduleName,
    isPackage,
    imports: [],
    functions: {},
    classes: {},
    variables: {},
    routers: [],
    routes: [],
    includes: [],
    hasSyntaxErrors: file.root.hasError,
  };
  const visitStatement = (stmt: Node) => {
    switch (stmt.type) {
      case 'import_statement':
      case 'import_from_statement':
        summary.imports.push(...importBindings(stmt, file, isPackage));
        return;
      case 'decorated_definition': {
        const def = stmt.childForFieldName('definition');
        if (def) visitStatement(def);
        return;
      }
      case 'function_definition': {
        const s = functionSummary(stmt);
        summary.functions[s.name] = s;
        return;
      }
      case 'class_definition': {
        const s = classSummary(stmt);
        summary.classes[s.name] = s;
        return;
      }
      case 'if_statement':
      case 'try_statement':
      case 'with_statement':
      case 'block':
      case 'else_clause':
      case 'elif_clause':
      case 'except_clause':
      case 'finally_clause':
        // Conditional imports / definitions (`try: import x except ImportError`) still bind names.
        for (const c of children(stmt)) if (c.type !== 'comment') visitStatement(c);
        return;
      case 'expression_statement': {
        const assign = stmt.namedChild(0);
        if (assign?.type !== 'assignment') return;
        const left = assign.childForFieldName('left');
        if (left?.type !== 'identifier') return;
        const right = assign.childForFieldName('right');
        const v: VariableSummary = { name: left.text, line: stmt.startPosition.row + 1 };
        const type = assign.childForFieldName('type');
        if (type) v.annotation = type.text;
        if (right?.type === 'call') {
          v.callee = dottedName(right.childForFieldName('function'));
          const classKw = keywordArgument(right.childForFieldName('arguments'), 'class_');
          if (classKw) v.classKeyword = classKw.text;
        } else if (right && (right.type === 'identifier' || right.type === 'attribute')) {
          v.aliasOf = dottedName(right);
        }
        summary.variables[v.name] = v;
        return;
      }
    }
  };
  for (const stmt of children(file.root)) visitStatement(stmt);
  const routeFacts = extractRoutes(file);
  summary.routers = routeFacts.routers;
  summary.routes = routeFacts.routes;
  summary.includes = routeFacts.includes;
  return summary;
}
