// AM501 broad-except-swallow: `except Exception: pass` in async code hides every failure,
// including the async migration's own bugs (seed error 7).
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { extractRoutes } from '../routes';
import { ensureFromImport, ensureModuleImport, importedLocalName, moduleImportLocal } from '../fixes/imports';
import { children, dottedName, walk } from '../syntax';
import type { Fix, TextEdit } from '../types';

const BROAD = new Set(['Exception', 'BaseException']);

/** The caught-type expression of an except clause and the `as` name, if any. */
function clauseParts(clause: Node): { type?: Node; alias?: string; asPattern?: Node; block?: Node; colon?: Node } {
  let type: Node | undefined;
  let alias: string | undefined;
  let asPattern: Node | undefined;
  let block: Node | undefined;
  let colon: Node | undefined;
  for (const c of clause.children) {
    if (!c) continue;
    if (c.type === ':' && !block) colon = c;
    else if (c.type === 'block') block = c;
    else if (c.type === 'as_pattern') {
      asPattern = c;
      type = c.namedChild(0) ?? undefined;
      const target = c.childForFieldName('alias') ?? c.namedChildren.find((n) => n?.type === 'as_pattern_target') ?? undefined;
      alias = target?.text;
    } else if (c.isNamed && c.type !== 'comment' && !type && c.type !== 'block') type = c;
  }
  return { type, alias, asPattern, block, colon };
}

function isBroadName(context: RuleContext, node: Node): boolean {
  if (node.type !== 'identifier' || !BROAD.has(node.text)) return false;
  // A module-level class or import named Exception is not the builtin.
  return !context.index.resolveName(context.file.moduleName, node.text);
}

/** The broad name caught (bare `except:` → 'bare'), or undefined when the clause is specific. */
function broadCatch(context: RuleContext, type: Node | undefined): string | undefined {
  if (!type) return 'bare';
  if (isBroadName(context, type)) return type.text;
  if (type.type === 'tuple' || type.type === 'parenthesized_expression') {
    const hit = children(type).find((c) => isBroadName(context, c));
    return hit?.text;
  }
  return undefined;
}

/** Statements of a block (comments excluded) if every one only swallows; undefined otherwise. */
function swallowStatements(block: Node | undefined): Node[] | undefined {
  if (!block) return undefined;
  const statements = children(block).filter((s) => s.type !== 'comment');
  if (!statements.length) return undefined;
  const swallows = (s: Node): boolean => {
    switch (s.type) {
      case 'pass_statement':
      case 'continue_statement':
        return true;
      case 'expression_statement':
        return s.namedChildCount === 1 && s.namedChild(0)!.type === 'ellipsis';
      case 'return_statement': {
        const value = s.namedChild(0);
        return !value || value.type === 'none';
      }
      default:
        return false;
    }
  };
  return statements.every(swallows) ? statements : undefined;
}

/** The first awaited service / repository / session call in the try body, if any. */
function awaitedServiceCall(context: RuleContext, tryBody: Node): Node | undefined {
  const { facts } = context;
  let found: Node | undefined;
  walk(tryBody, (n) => {
    if (found) return false;
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return false;
    if (n.type !== 'await') return;
    const call = n.namedChild(0);
    if (call?.type !== 'call') return;
    const callee = call.childForFieldName('function');
    const sym = facts.resolve(callee);
    if (sym?.kind === 'function' || sym?.kind === 'method') found = call;
    else if (callee?.type === 'attribute') {
      const receiver = callee.childForFieldName('object')!;
      if ((receiver.type === 'identifier' || receiver.type === 'attribute') && facts.sessionFlavor(receiver) === 'async') found = call;
    }
  });
  return found;
}

/** "User not found" for `get_user` / `get_user_by_email`, else "Not found". */
function notFoundDetail(call: Node): string {
  const name = dottedName(call.childForFieldName('function'))?.split('.').pop() ?? '';
  const m = /^(?:get|fetch|find|load|read|retrieve)_([a-z][a-z0-9_]*?)(?:_by_\w+)?$/.exec(name);
  if (!m) return 'Not found';
  const words = m[1].replace(/_/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} not found`;
}

function check(context: RuleContext): void {
  const { facts, file } = context;
  let routeStarts: Set<number> | undefined;
  const isRoute = (fn: Node) => {
    routeStarts ??= new Set(extractRoutes(file).routes.map((r) => r.start));
    return routeStarts.has(fn.startIndex);
  };
  const importsFastapi = () => (context.index.fileByPath(file.path)?.imports ?? []).some((b) => b.module === 'fastapi' || b.module.startsWith('fastapi.'));

  for (const clause of facts.scopedNodesOfType(context, 'except_clause')) {
    const fn = facts.enclosingFunction(clause);
    if (!fn?.isAsync) continue;
    const { type, alias, asPattern, block, colon } = clauseParts(clause);
    const caught = broadCatch(context, type);
    if (!caught) continue;
    const statements = swallowStatements(block);
    if (!statements) continue;
    const first = statements[0];
    const last = statements[statements.length - 1];
    const indent = file.indentAt(first.startIndex);
    const nl = file.text.includes('\r\n') ? '\r\n' : '\n';
    const what = caught === 'bare' ? 'a bare `except:`' : `\`except ${caught}\``;
    const cancelled = caught === 'bare' || caught === 'BaseException' ? ' (even `asyncio.CancelledError`, breaking cancellation and timeouts)' : '';
    const message = `${what} in \`async def ${fn.name}\` silently swallows every error${cancelled}: a failed query, a missing \`await\` or a bug becomes a wrong result with no trace; narrow it or log and re-raise`;

    const suggestions: Fix[] = [];
    // 1. Log and re-raise.
    const mod = context.index.fileByPath(file.path);
    const hasLogger = !!mod && (!!mod.variables.logger || mod.imports.some((b) => b.local === 'logger'));
    const logEdits: TextEdit[] = [];
    let logCall: string;
    if (hasLogger) logCall = 'logger.exception';
    else {
      logCall = `${moduleImportLocal(file, 'logging') ?? 'logging'}.exception`;
      const edit = ensureModuleImport(file, 'logging');
      if (edit) logEdits.push(edit);
    }
    logEdits.unshift({ start: first.startIndex, end: last.endIndex, newText: `${logCall}("Unexpected error in ${fn.name}")${nl}${indent}raise` });
    suggestions.push({ title: 'Log the exception and re-raise', applicability: 'unsafe', edits: logEdits });

    // 2. Narrow to NoResultFound → 404, when the try body awaits a service / DB call (the seed's ✅ BIEN).
    const tryBody = clause.parent?.type === 'try_statement' ? clause.parent.childForFieldName('body') : undefined;
    const serviceCall = tryBody ? awaitedServiceCall(context, tryBody) : undefined;
    if (serviceCall && (isRoute(fn.node) || importsFastapi())) {
      const edits: TextEdit[] = [];
      const noResult = importedLocalName(file, 'sqlalchemy.exc', 'NoResultFound') ?? importedLocalName(file, 'sqlalchemy.orm.exc', 'NoResultFound');
      const httpException = importedLocalName(file, 'fastapi', 'HTTPException') ?? importedLocalName(file, 'fastapi.exceptions', 'HTTPException');
      const noResultName = noResult ?? 'NoResultFound';
      const httpName = httpException ?? 'HTTPException';
      if (!type) {
        const exceptKeyword = clause.children.find((c) => c?.type === 'except')!;
        edits.push({ start: exceptKeyword.endIndex, end: exceptKeyword.endIndex, newText: ` ${noResultName}` });
      } else {
        // `except Exception as e:` → `except NoResultFound:` (the name would be unused).
        const target = asPattern && alias ? asPattern : type;
        edits.push({ start: target.startIndex, end: target.endIndex, newText: noResultName });
      }
      edits.push({ start: first.startIndex, end: last.endIndex, newText: `raise ${httpName}(status_code=404, detail="${notFoundDetail(serviceCall)}")` });
      if (!noResult) {
        const e = ensureFromImport(file, 'sqlalchemy.exc', 'NoResultFound');
        if (e) edits.push(e);
      }
      if (!httpException) {
        const e = ensureFromImport(file, 'fastapi', 'HTTPException');
        if (e) edits.push(e);
      }
      suggestions.push({ title: 'Narrow to NoResultFound and raise HTTPException(404)', applicability: 'unsafe', edits });
    }

    context.report({ start: clause.startIndex, end: (colon ?? clause).endIndex, message, suggestions, noFixReason: 'only you know which errors are expected here: pick a suggestion' });
  }
}

export const broadExceptSwallow: Rule = {
  code: 'AM501',
  name: 'broad-except-swallow',
  defaultSeverity: 'warning',
  fix: 'suggestion',
  docs: {
    what: 'Reports `except Exception:`, `except BaseException:` and bare `except:` clauses (also `except Exception as e:` and tuples containing them) inside `async def` whose body only swallows the error: `pass`, `...`, `return`, `return None` or `continue`.',
    why: 'During an async migration most bugs surface as exceptions: a missing `await`, a `MissingGreenlet` from a lazy load, a legacy query on an `AsyncSession`. A broad `except` that swallows them turns each into a silently wrong response with nothing in the logs. A bare `except:` or `BaseException` also swallows `asyncio.CancelledError`, so timeouts and shutdowns stop working. The seed lists it as common error 7.',
    example: 'async def get_profile(user_id: int, db: AsyncSession = Depends(get_async_db)):\n    try:\n        user = await user_service.get_user(db, user_id)\n    except Exception:  # too broad\n        pass',
    useInstead: 'from sqlalchemy.exc import NoResultFound\nfrom fastapi import HTTPException\n\nasync def get_profile(user_id: int, db: AsyncSession = Depends(get_async_db)):\n    try:\n        user = await user_service.get_user(db, user_id)\n    except NoResultFound:\n        raise HTTPException(status_code=404, detail="User not found")',
    limits: [
      'Only in `async def`, and only when the handler body does nothing but swallow; a clause that logs, returns a value or re-raises is not reported.',
      'No automatic fix: the suggestions are "log and re-raise" (`logger.exception` when a module-level `logger` exists, else `logging.exception`) and, when the try body awaits a service or session call in a FastAPI module, "narrow to `NoResultFound` → `HTTPException(404)`" as in the seed. `NoResultFound` is only raised by `.one()` / `scalar_one()`; check what the awaited call really raises.',
      'A class or import named `Exception` in the module is not treated as the builtin.',
    ],
  },
  locality: 'definition',
  check,
};
