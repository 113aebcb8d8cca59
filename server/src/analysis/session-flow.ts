// Where a handler's AsyncSession comes from and what the calls it is handed to do with it:
// the facts AM106 (uncommitted-write) and AM107 (expired-attribute-after-commit) share.
import { resolveCall, type Callable } from './callee';
import type { Node } from './parser';
import type { FileFacts, ParamFacts } from './semantics';
import type { FunctionSummary } from './summary';
import type { ResolvedSymbol, WorkspaceIndex } from './workspace';

const MAX_HOPS = 3;

export interface SessionDependency {
  /** `get_async_db` as written in `Depends(…)`. */
  name: string;
  module: string;
  fn: FunctionSummary;
  path: string;
}

/** The workspace dependency behind `db: AsyncSession = Depends(dep)`, when it provides an AsyncSession. */
export function asyncSessionDependency(facts: FileFacts, param: ParamFacts): SessionDependency | undefined {
  if (!param.dependsOn || facts.sessionDependencyFlavor(param.dependsOn) !== 'async') return undefined;
  const sym = facts.index.resolveDotted(facts.moduleName, param.dependsOn);
  if (sym?.kind !== 'function') return undefined;
  return { name: param.dependsOn, module: sym.module, fn: sym.fn, path: facts.index.module(sym.module)?.path ?? '' };
}

export interface CallEffect {
  writes: boolean;
  commits: boolean;
  /** `AsyncBookingRepository.cancel` → where the write happens, for the message. */
  path: string[];
}

/** The parameter of fn that receives the argument at `position` (among positionals) or `keyword`. */
function receivingParam(fn: FunctionSummary, implicitFirst: boolean, position?: number, keyword?: string): string | undefined {
  if (keyword) return fn.params.includes(keyword) ? keyword : undefined;
  if (position === undefined) return undefined;
  const positional: string[] = [];
  for (const p of fn.params) {
    if (p === '/' ) continue;
    if (p === '*' || p.startsWith('*')) break;
    positional.push(p);
  }
  return positional[position + (implicitFirst ? 1 : 0)];
}

function label(module: string, fn: FunctionSummary, className?: string): string {
  return `${className ? `${className}.` : module.split('.').pop() + '.'}${fn.name}`;
}

function effectOf(index: WorkspaceIndex, module: string, fn: FunctionSummary, className: string | undefined, param: string | undefined, hops: number): CallEffect | undefined {
  if (!param) return undefined;
  const effects = fn.sessionEffects;
  const here = label(module, fn, className);
  const result: CallEffect = { writes: !!effects?.writes?.includes(param), commits: !!effects?.commits?.includes(param), path: [here] };
  if (hops < MAX_HOPS) {
    for (const d of effects?.delegates ?? []) {
      if (d.param !== param || d.callee.startsWith('self.') || d.callee.startsWith('cls.')) continue;
      const sym = index.resolveDotted(module, d.callee);
      const target = calleeOf(sym);
      if (!target) continue;
      const inner = effectOf(index, target.module, target.fn, target.className, receivingParam(target.fn, target.bound, d.position, d.keyword), hops + 1);
      if (!inner) continue;
      if (inner.writes && !result.writes) result.path = [here, ...inner.path];
      result.writes ||= inner.writes;
      result.commits ||= inner.commits;
    }
  }
  return result.writes || result.commits ? result : undefined;
}

function calleeOf(sym: ResolvedSymbol | undefined): { module: string; fn: FunctionSummary; className?: string; bound: boolean } | undefined {
  if (sym?.kind === 'function') return { module: sym.module, fn: sym.fn, bound: false };
  if (sym?.kind === 'method') {
    const decorators = sym.fn.decorators;
    const bound = decorators.includes('classmethod') || (!decorators.includes('staticmethod') && sym.viaInstance);
    return { module: sym.module, fn: sym.fn, className: sym.className, bound };
  }
  return undefined;
}

/** What a call that receives a session (at `position`/`keyword`) does with it, following hand-offs. */
export function handoffEffect(facts: FileFacts, call: Node, position?: number, keyword?: string): CallEffect | undefined {
  const callable: Callable | undefined = resolveCall(facts, call);
  if (!callable) return undefined;
  const decorators = callable.fn.decorators;
  const bound = !!callable.className && (decorators.includes('classmethod') || (!decorators.includes('staticmethod') && callable.receiver?.kind !== 'class'));
  return effectOf(facts.index, callable.module, callable.fn, callable.className, receivingParam(callable.fn, bound, position, keyword), 0);
}
