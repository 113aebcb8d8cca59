// AM701 duplicate-sync-async-module: a sync module that has an async twin (seed script
// `find_duplicate_services.sh`); once nothing imports the sync twin it is safe to delete.
import type { Rule, RuleContext } from '../rule';
import type { ModuleSummary } from '../summary';
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

function check(context: RuleContext): void {
  const { index, file } = context;
  if (!file.moduleName) return;
  const twin = index.asyncTwinModule(file.moduleName);
  if (!twin) return;
  const twinSummary = index.module(twin);
  const ownSummary = index.module(file.moduleName);
  if (!twinSummary || !ownSummary || !sharesApi(index, ownSummary, twinSummary)) return;
  const importers = new Map<string, string>();
  for (const { module } of index.importersOf(file.moduleName)) {
    if (module.path !== file.path) importers.set(module.path, module.moduleName);
  }
  const paths = [...importers.keys()].sort();
  // Underline the module docstring, else the first line.
  const first = children(file.root)[0];
  const docstring = first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string' ? first : undefined;
  const start = docstring ? docstring.startIndex : 0;
  const end = docstring ? docstring.endIndex : file.lineText(0).length;
  const head = `${file.path} has an async twin ${twinSummary.path}`;
  const related = [{ path: twinSummary.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `async twin of ${file.path}` }];
  if (!paths.length) {
    context.report({ start, end, message: `${head}; no module imports it anymore: safe to delete`, related, tags: ['unnecessary'] });
    return;
  }
  const shown = paths.slice(0, LIST_LIMIT).join(', ') + (paths.length > LIST_LIMIT ? `, and ${paths.length - LIST_LIMIT} more` : '');
  const n = paths.length;
  context.report({ start, end, message: `${head}; ${n} module${n === 1 ? '' : 's'} still import${n === 1 ? 's' : ''} it: ${shown}`, related });
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
      'Importers are the workspace files with an import statement naming the module (`from app.services.user import …`, `from app.services import user`, `import app.services.user`); dynamic imports and string references are not seen.',
      'No automatic fix: the editor offers "Open twin" from the related information.',
    ],
  },
  check,
};
