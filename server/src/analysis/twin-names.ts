// The one set of sync ↔ async twin naming rules (`[tool.async-migrate.twins]`): module, instance,
// class and method level. Every twin lookup — the twin fixes (fixes/twins.ts), AM202/AM203/AM702,
// Migrate this endpoint, the endpoint inventory, the workspace name sets — asks these.
import type { ModuleSummary } from './summary';
import type { WorkspaceIndex } from './workspace';

function unique<T>(list: (T | undefined)[]): T[] {
  return [...new Set(list.filter((x): x is T => x !== undefined))];
}

/**
 * Where the async twin of the module-level `name` (defined in `module`) may live, in order: the
 * twin module (`services/async_user.py`, `module-patterns`) then the same module; the name through
 * `name-patterns` (`async_user_service`, `AsyncUserService`), and for a function in the twin
 * module also its own name.
 */
export function twinHolderCandidates(index: WorkspaceIndex, module: string, name: string, kind: 'function' | 'instance' | 'class'): { module: string; name: string }[] {
  const out: { module: string; name: string }[] = [];
  for (const m of unique([index.asyncTwinModule(module), module])) {
    const names = kind === 'function' && m !== module ? [name, ...index.asyncTwinNames(name)] : index.asyncTwinNames(name);
    for (const n of names) out.push({ module: m, name: n });
  }
  return out;
}

/** Names an async twin method of `name` may have beside it in one class (`method-patterns`: `get_user_async`, `aget_user`). */
export function twinMethodNames(index: WorkspaceIndex, name: string): string[] {
  return unique(index.config.twins.methodPatterns.map((p) => p.replace(/\{name\}/g, name))).filter((n) => n !== name);
}

/** Whether anything in the module has an async twin (a twin module, or a twin-named neighbour). */
export function moduleHasTwins(index: WorkspaceIndex, mod: ModuleSummary): boolean {
  if (index.asyncTwinModule(mod.moduleName)) return true;
  const defined = (n: string) => !!(mod.variables[n] || mod.functions[n] || mod.classes[n]);
  return [...Object.keys(mod.variables), ...Object.keys(mod.functions), ...Object.keys(mod.classes)].some((n) => index.asyncTwinNames(n).some(defined));
}
