// The fix invariant (PRODUCT.md §1.2), checked independently of the rules that write fixes: after
// any fix, fix-all or "Migrate this endpoint", nothing the engine believes sync is awaited and
// every file parses. This module only *reads* a text: every `await` is resolved afresh — the
// awaited call's callee (a workspace plain `def`) and the receiver of an awaited method call (a
// sync Session, a sync Redis client) — so a fix that awaited something sync shows up as one more
// such await than before. Used by the invariant test over every fixture, the example app and the
// corpus, and by `eval:real` on real projects.
import { isPlainSyncFunction, resolveCall } from './callee';
import type { AsyncMigrateConfig } from './config';
import { awaitedOperand } from './fixes/await';
import { FileFacts } from './semantics';
import type { SourceFile } from './source';
import { unparen } from './syntax';
import type { WorkspaceIndex } from './workspace';

export interface SyncAwait {
  /** 1-based line of the `await`. */
  line: number;
  /** What is awaited and why it is sync ("`db.execute(…)`: `db` is a sync Session"). */
  what: string;
}

/** Every `await` in file whose operand the engine believes is sync. */
export function syncAwaits(file: SourceFile, index: WorkspaceIndex, config: AsyncMigrateConfig): SyncAwait[] {
  if (!file.text.includes('await')) return [];
  const facts = new FileFacts(file, index, config);
  const out: SyncAwait[] = [];
  for (const node of facts.nodesOfType('await')) {
    if (!node.isNamed) continue; // the keyword token has the same type name
    const operand = awaitedOperand(node);
    const call = operand ? unparen(operand) : undefined;
    if (call?.type !== 'call') continue;
    const line = node.startPosition.row + 1;
    const calleeText = call.childForFieldName('function')?.text ?? '';
    const callable = resolveCall(facts, call);
    if (callable && !callable.fn.isAsync && isPlainSyncFunction(index, callable)) {
      out.push({ line, what: `\`${calleeText}(…)\`: \`${callable.className ? `${callable.className}.` : ''}${callable.name}\` is a plain \`def\`` });
      continue;
    }
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    const receiver = unparen(callee.childForFieldName('object')!);
    if (receiver.type !== 'identifier' && receiver.type !== 'attribute' && receiver.type !== 'call') continue;
    if (receiver.type !== 'call' && facts.sessionFlavor(receiver) === 'sync') out.push({ line, what: `\`${calleeText}(…)\`: \`${receiver.text}\` is a sync Session` });
    else if (facts.redisFlavor(receiver) === 'sync') out.push({ line, what: `\`${calleeText}(…)\`: \`${receiver.text}\` is a sync Redis client` });
  }
  return out;
}
