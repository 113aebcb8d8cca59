// Whether the workspace already has an async session dependency (AM103's fix and "Set up async
// infrastructure" ask the same question, so it is answered here once).
import type { AsyncMigrateConfig } from '../config';
import type { WorkspaceIndex } from '../workspace';

/** The action's name, as the user sees it in the editor, the CLI help and messages. */
export const SET_UP_ASYNC_INFRASTRUCTURE = 'Set up async infrastructure';

const TEST_PATH = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

/** Test code (tests/, test_*.py, conftest.py): it may define overrides with the plumbing's names, and is not the application. */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/**
 * The first `async def` named like an async session dependency (`session.async-dependency` or
 * one of `session.async-dependencies`) outside test code, by path order.
 */
export function findAsyncSessionDependency(index: WorkspaceIndex, config: AsyncMigrateConfig): AsyncDependency | undefined {
  // AM103 asks once per finding: answer once per index content and configuration.
  const memo = found.get(index);
  if (memo && memo.generation === index.contentGeneration && memo.config === config) return memo.result;
  const result = scan(index, config);
  found.set(index, { generation: index.contentGeneration, config, result });
  return result;
}

type AsyncDependency = { module: string; path: string; name: string };
const found = new WeakMap<WorkspaceIndex, { generation: number; config: AsyncMigrateConfig; result: AsyncDependency | undefined }>();

function scan(index: WorkspaceIndex, config: AsyncMigrateConfig): AsyncDependency | undefined {
  const names = [config.session.asyncDependency, ...config.session.asyncDependencies.filter((n) => n !== config.session.asyncDependency)];
  for (const mod of index.modules()) {
    if (isTestPath(mod.path)) continue;
    for (const name of names) {
      if (mod.functions[name]?.isAsync) return { module: mod.moduleName, path: mod.path, name };
    }
  }
  return undefined;
}
