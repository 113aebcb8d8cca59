// AM701 duplicate-sync-async-module: a sync module that has an async twin (seed script
// `find_duplicate_services.sh`); once nothing imports the sync twin it is safe to delete.
import type { Rule, RuleContext } from '../rule';
import { allImportBindings, dynamicImportCovers, importTargets, type ImportBinding, type ModuleSummary } from '../summary';
import { children } from '../syntax';
import type { WorkspaceIndex } from '../workspace';

const LIST_LIMIT = 5;
/** Module-level names that every module may have and that say nothing about its API. */
const NOISE = /^(_.*|[A-Z]|log|logger|LOG|LOGGER|router|app|settings|config)$/;

/**
 * Whether a module and its async twin by file name really are twins: they share a public
 * function, class or module-level instance, by name or through the twin name patterns
 * (`get_user` ↔ `get_user_async`, `UserService` ↔ `AsyncUserService`). `utils.py` and
 * `async_utils.py` with unrelated helpers are not. Modules whose names are built at run time
 * (star imports, `__getattr__`) cannot be compared and count as twins.
 */
export function sharesApi(index: WorkspaceIndex, sync: ModuleSummary, twin: ModuleSummary): boolean {
  if (sync.dynamicNames || twin.dynamicNames) return true;
  const api = (m: ModuleSummary) => [
    ...Object.keys(m.functions),
    ...Object.keys(m.classes),
    ...Object.values(m.variables).filter((v) => /^[A-Z]/.test(v.callee?.split('.').pop() ?? '')).map((v) => v.name),
  ].filter((n) => !NOISE.test(n));
  const asyncApi = new Set(api(twin));
  return api(sync).some((name) => asyncApi.has(name) || index.asyncTwinNames(name).some((n) => asyncApi.has(n)));
}

/** How a file reaches a module, strongest first: deleting the module breaks the first two at run time. */
export type ImportHow = 'import' | 'local import' | 'type-checking' | 'string';
const STRENGTH: readonly ImportHow[] = ['import', 'local import', 'type-checking', 'string'];

export function importHow(binding: ImportBinding): ImportHow {
  if (binding.via === 'type-checking') return 'type-checking';
  if (binding.via) return 'string';
  return binding.nested ? 'local import' : 'import';
}

export interface ModuleImporter {
  path: string;
  /** First line of the strongest way it reaches the module. */
  line: number;
  /** What it imports: `user_service`, the module itself, or `"app.services.user:obj"` for strings. */
  names: string[];
  how: ImportHow;
}

function importedName(binding: ImportBinding, moduleName: string): string {
  if (binding.via === 'string' || binding.via === 'dynamic') return `"${binding.module}${binding.via === 'dynamic' ? '.{…}' : binding.name ? `:${binding.name}` : ''}"`;
  return binding.module === moduleName ? (binding.name ?? binding.module) : binding.local;
}

/**
 * Every file that reaches moduleName (imports at any depth, under TYPE_CHECKING, module paths in
 * strings), one entry per file with its strongest way; `others` are summaries outside the index
 * (files excluded from analysis). The one answer to "is this module still used?".
 */
export function importersOfModule(index: WorkspaceIndex, moduleName: string, ownPath: string, others: ModuleSummary[] = []): ModuleImporter[] {
  const byFile = new Map<string, ModuleImporter>();
  const add = (path: string, binding: ImportBinding) => {
    if (path === ownPath) return;
    const how = importHow(binding);
    const name = importedName(binding, moduleName);
    const existing = byFile.get(path);
    if (!existing) {
      byFile.set(path, { path, line: binding.line, names: [name], how });
      return;
    }
    if (!existing.names.includes(name)) existing.names.push(name);
    if (STRENGTH.indexOf(how) < STRENGTH.indexOf(existing.how)) Object.assign(existing, { how, line: binding.line });
    else if (how === existing.how) existing.line = Math.min(existing.line, binding.line);
  };
  for (const { module, binding } of index.importersOf(moduleName)) add(module.path, binding);
  for (const other of others) {
    for (const binding of allImportBindings(other)) if (importTargets(binding).includes(moduleName) || dynamicImportCovers(binding, moduleName)) add(other.path, binding);
  }
  return [...byFile.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function listPaths(paths: string[]): string {
  return paths.slice(0, LIST_LIMIT).join(', ') + (paths.length > LIST_LIMIT ? `, and ${paths.length - LIST_LIMIT} more` : '');
}

/** What AM701 and `duplicates` say about deleting a sync twin, from its importers. */
export function deletionVerdict(importers: ModuleImporter[]): { safe: boolean; text: string } {
  const runtime = importers.filter((i) => i.how === 'import' || i.how === 'local import');
  const typeChecking = importers.filter((i) => i.how === 'type-checking').map((i) => i.path);
  const strings = importers.filter((i) => i.how === 'string').map((i) => i.path);
  if (!importers.length) return { safe: true, text: 'no module imports it anymore: safe to delete' };
  const notes: string[] = [];
  if (typeChecking.length) notes.push(`imported only under TYPE_CHECKING by ${listPaths(typeChecking)}`);
  if (strings.length) notes.push(`named as a string in ${listPaths(strings)}: check before deleting`);
  if (!runtime.length) return { safe: false, text: `no module imports it at run time, but it is ${notes.join('; and ')}` };
  const n = runtime.length;
  const shown = listPaths(runtime.map((i) => (i.how === 'local import' ? `${i.path} (inside a function)` : i.path)));
  return { safe: false, text: `${n} module${n === 1 ? '' : 's'} still import${n === 1 ? 's' : ''} it: ${shown}${notes.length ? `; also ${notes.join('; ')}` : ''}` };
}

function check(context: RuleContext): void {
  const { index, file } = context;
  if (!file.moduleName) return;
  const twin = index.asyncTwinModule(file.moduleName);
  if (!twin) return;
  const twinSummary = index.module(twin);
  const ownSummary = index.module(file.moduleName);
  if (!twinSummary || !ownSummary || !sharesApi(index, ownSummary, twinSummary)) return;
  const verdict = deletionVerdict(importersOfModule(index, file.moduleName, file.path));
  // Underline the module docstring, else the first line.
  const first = children(file.root)[0];
  const docstring = first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string' ? first : undefined;
  const start = docstring ? docstring.startIndex : 0;
  const end = docstring ? docstring.endIndex : file.lineText(0).length;
  const related = [{ path: twinSummary.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `async twin of ${file.path}` }];
  context.report({ start, end, message: `${file.path} has an async twin ${twinSummary.path}; ${verdict.text}`, related, tags: verdict.safe ? ['unnecessary'] : undefined });
}

export const duplicateSyncAsyncModule: Rule = {
  code: 'AM701',
  name: 'duplicate-sync-async-module',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    what: 'Reports, once per file, a sync module that has an async twin by the configured naming patterns (`services/user.py` ↔ `services/async_user.py` or `user_async.py`), with the twin as related information and the modules that still import the sync one. When nothing imports it anymore it says it is safe to delete (and the editor greys it out).',
    why: 'Sync and async copies of the same service drift apart and make it easy to import the wrong one (seed: "Archivos sync/async duplicados crean confusión y bugs"; the seed\'s `find_duplicate_services.sh` lists them). The goal is to migrate completely and delete the sync copy, so the team needs to see what still depends on it.',
    example: '# app/services/user.py          ← still imported by app/api/v1/endpoints/users.py\n# app/services/async_user.py    ← the async twin',
    useInstead: '# migrate the remaining importers to app/services/async_user.py,\n# then delete app/services/user.py',
    limits: [
      'Twins are found by module name patterns (`twins.module-patterns`, default `async_{name}` and `{name}_async`) in the same package; twins with unrelated names are not paired, and neither are modules that share no public function, class or instance (`utils.py` and an `async_utils.py` of unrelated asyncio helpers).',
      'Importers are the workspace files that reach the module: import statements at any depth (module level, inside functions and methods — the usual way around circular imports —, under `try`/`if`), relative imports and package re-exports (`from .user import *` in `__init__.py`). Imports under `if TYPE_CHECKING:` and module paths named in strings (`importlib.import_module("app.services.user")`, `"app.services.user:obj"` in settings, uvicorn / celery style, the package of `import_module(f"app.services.{name}")`) are reported apart ("imported only under TYPE_CHECKING by …", "named as a string in …: check before deleting") and never called safe. Module paths built any other way at run time are not seen; neither are references from non-Python files here (the CLI `async-migrate duplicates` also reads configuration files near the root: `Procfile`, `Dockerfile`, `*.toml` / `*.ini` / `*.cfg` / `*.yaml` / `*.json` / `*.env` / `*.sh`).',
      'No automatic fix: the editor offers "Open twin" from the related information.',
    ],
  },
  check,
};
