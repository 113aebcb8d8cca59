// Whether a call's arguments bind to a function's parameters, by Python's rules: positional-only,
// keyword-only, defaults, `*args` / `**kwargs`. A fix that points a call at another function (an
// AM204 rename, an AM202/AM203 twin switch) relies on this fact; when it cannot be proven
// (`*xs` / `**kw` in the call) the answer is 'unknown' and no such fix is offered.
import type { Node } from './parser';
import type { FunctionSummary } from './summary';

export type Binding = 'binds' | 'fails' | 'unknown';

/**
 * How a call's arguments bind to fn. skipFirst: the first parameter is bound implicitly (`self`
 * of a method called on an instance, `cls` of a classmethod).
 */
export function callBinding(call: Node, fn: FunctionSummary, skipFirst: boolean): Binding {
  const args = call.childForFieldName('arguments');
  if (!args) return 'unknown';
  if (args.type === 'generator_expression') return bindArguments(fn, skipFirst, 1, []);
  let positional = 0;
  const keywords: string[] = [];
  for (const a of args.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'list_splat' || a.type === 'dictionary_splat') return 'unknown';
    if (a.type === 'keyword_argument') keywords.push(a.childForFieldName('name')?.text ?? '');
    else positional++;
  }
  return bindArguments(fn, skipFirst, positional, keywords);
}

function bindArguments(fn: FunctionSummary, skipFirst: boolean, positional: number, keywords: string[]): Binding {
  const params = skipFirst ? dropFirstParameter(fn.params) : fn.params;
  const defaults = new Set(fn.paramDefaults ?? []);
  const slash = params.indexOf('/');
  const positionalOnly = new Set(slash >= 0 ? params.slice(0, slash) : []);
  const named = params.filter((p) => p !== '/');
  const varPositional = named.find((p) => p.startsWith('*') && !p.startsWith('**') && p !== '*');
  const varKeyword = named.find((p) => p.startsWith('**'));
  const starAt = named.findIndex((p) => p.startsWith('*'));
  const positionalSlots = starAt >= 0 ? named.slice(0, starAt) : named.filter((p) => !p.startsWith('*'));
  const ordinary = named.filter((p) => !p.startsWith('*'));
  if (positional > positionalSlots.length && !varPositional) return 'fails';
  const bound = new Set(positionalSlots.slice(0, positional));
  for (const k of keywords) {
    const param = ordinary.includes(k) && !positionalOnly.has(k) ? k : undefined;
    if (!param) {
      if (varKeyword) continue;
      return 'fails';
    }
    if (bound.has(param)) return 'fails'; // "got multiple values for argument"
    bound.add(param);
  }
  for (const p of ordinary) if (!bound.has(p) && !defaults.has(p)) return 'fails';
  return 'binds';
}

/** The parameter list without its first entry (the implicit `self`/`cls`). */
function dropFirstParameter(params: string[]): string[] {
  const first = params.findIndex((p) => p !== '/' && p !== '*');
  if (first < 0 || params[first].startsWith('*')) return params;
  return [...params.slice(0, first), ...params.slice(first + 1)];
}
