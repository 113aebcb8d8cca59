// AM401 datetime-utcnow: naive UTC timestamps (seed error 6).
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { ensureFromImport, importedLocalName } from '../fixes/imports';
import { positionalArguments } from '../syntax';
import type { TextEdit } from '../types';

const UTCNOW = 'datetime.datetime.utcnow';
const UTCFROMTIMESTAMP = 'datetime.datetime.utcfromtimestamp';

/** How to spell `timezone.utc` in this file, plus the import edit it needs. */
function timezoneUtc(context: RuleContext, receiverText: string, receiverIsModuleChain: boolean): { text: string; edit?: TextEdit } {
  if (receiverIsModuleChain) {
    // `datetime.datetime.utcnow()` with `import datetime`: stay module-qualified.
    return { text: `${receiverText.replace(/\.datetime$/, '')}.timezone.utc` };
  }
  const local = importedLocalName(context.file, 'datetime', 'timezone');
  if (local) return { text: `${local}.utc` };
  // `timezone` bound to something else (django.utils.timezone…): import under another name.
  const taken = context.index.resolveName(context.file.moduleName, 'timezone');
  const name = taken ? 'dt_timezone' : 'timezone';
  const edit = ensureFromImport(context.file, 'datetime', name === 'timezone' ? 'timezone' : 'timezone as dt_timezone');
  return { text: `${name}.utc`, edit };
}

/**
 * The identifier and attribute nodes whose text ends with `utcnow` / `utcfromtimestamp`, in
 * document order: found from the text (each occurrence's identifier, plus the attribute it ends)
 * instead of looking at every name of the file.
 */
function utcNameNodes(context: RuleContext): Node[] {
  const { text, root } = context.file;
  const out: Node[] = [];
  for (const match of text.matchAll(/utc(?:now|fromtimestamp)/g)) {
    const end = match.index + match[0].length;
    const leaf = root.descendantForIndex(end - 1, end);
    if (leaf?.type !== 'identifier' || leaf.endIndex !== end) continue;
    const parent = leaf.parent;
    if (parent?.type === 'attribute' && parent.endIndex === end) out.push(parent);
    out.push(leaf);
  }
  return out;
}

function check(context: RuleContext): void {
  const { facts } = context;
  for (const node of context.scoped(utcNameNodes(context))) {
    const parent = node.parent;
    // Only the outermost name of a chain, so `datetime.datetime.utcnow` is looked at once.
    if (parent?.type === 'attribute' && parent.childForFieldName('object')?.id === node.id) continue;
    if (node.type === 'identifier' && parent?.type === 'attribute') continue;
    if (parent?.type === 'import_from_statement' || parent?.type === 'dotted_name' || parent?.type === 'aliased_import') continue;
    const canonical = facts.canonical(node);
    if (canonical !== UTCNOW && canonical !== UTCFROMTIMESTAMP) continue;
    const receiver = node.type === 'attribute' ? node.childForFieldName('object')! : undefined;
    const receiverText = receiver?.text ?? 'datetime';
    const receiverIsModuleChain = !!receiver && facts.resolve(receiver)?.kind === 'external' && receiver.type === 'attribute';
    const isCall = parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id;
    const tz = timezoneUtc(context, receiverText, receiverIsModuleChain);
    const imports = tz.edit ? [tz.edit] : [];
    const why = 'returns a naive datetime (no tzinfo) and is deprecated since Python 3.12';
    if (canonical === UTCNOW && isCall) {
      const call = parent!;
      const args = positionalArguments(call.childForFieldName('arguments'));
      if (args.length) continue;
      const replacement = `${receiverText}.now(${tz.text})`;
      context.report({
        node: call,
        message: `\`${call.text}\` ${why}; use \`${replacement}\``,
        fix: { title: `Replace with ${replacement}`, applicability: 'unsafe', edits: [{ start: call.startIndex, end: call.endIndex, newText: replacement }, ...imports] },
        tags: ['deprecated'],
      });
    } else if (canonical === UTCFROMTIMESTAMP && isCall) {
      const call = parent!;
      const argList = call.childForFieldName('arguments')!;
      const args = positionalArguments(argList);
      if (args.length !== 1 || argList.namedChildren.length !== 1) {
        context.report({ node: call, message: `\`utcfromtimestamp()\` ${why}`, noFixReason: 'unexpected arguments', tags: ['deprecated'] });
        continue;
      }
      const replacement = `${receiverText}.fromtimestamp(${args[0].text}, ${tz.text})`;
      context.report({
        node: call,
        message: `\`${call.text}\` ${why}; use \`${replacement}\``,
        fix: { title: `Replace with ${replacement}`, applicability: 'unsafe', edits: [{ start: call.startIndex, end: call.endIndex, newText: replacement }, ...imports] },
        tags: ['deprecated'],
      });
    } else if (canonical === UTCNOW) {
      // Passed uncalled, e.g. Column(DateTime, default=datetime.utcnow).
      const replacement = `lambda: ${receiverText}.now(${tz.text})`;
      context.report({
        node,
        message: `\`${node.text}\` passed as a callable ${why}; use \`${replacement}\``,
        fix: { title: `Replace with ${replacement}`, applicability: 'unsafe', edits: [{ start: node.startIndex, end: node.endIndex, newText: replacement }, ...imports] },
        tags: ['deprecated'],
      });
    }
  }
}

export const datetimeUtcnow: Rule = {
  code: 'AM401',
  name: 'datetime-utcnow',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    what: 'Reports `datetime.utcnow()`, `datetime.datetime.utcnow()`, `datetime.utcfromtimestamp(ts)`, and `utcnow` passed uncalled as a default factory (`Column(DateTime, default=datetime.utcnow)`).',
    why: 'They return naive datetimes that carry no timezone, so comparing them with aware values raises `TypeError` and storing them in `timestamptz` columns silently assumes the server timezone. Both are deprecated since Python 3.12. The seed lists it as common error 6: the async survey service shipped with it.',
    example: 'from datetime import datetime\n\ncreated_at = datetime.utcnow()\nexpires = datetime.utcfromtimestamp(ts)\ncreated = Column(DateTime, default=datetime.utcnow)',
    useInstead: 'from datetime import datetime, timezone\n\ncreated_at = datetime.now(timezone.utc)\nexpires = datetime.fromtimestamp(ts, timezone.utc)\ncreated = Column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))',
    limits: [
      'The fix is marked unsafe: aware datetimes compare differently with naive ones already stored or computed elsewhere; review comparisons and column types (`DateTime(timezone=True)`).',
      'Calls through aliases the index cannot follow (a variable holding the class) are not reported.',
    ],
  },
  locality: 'definition',
  check,
};
