// Never answer stale work: the analysis of an open document waits until the JSON-RPC messages
// the server has already received are handled (a burst of didChange ends in one analysis, of the
// last version, and a code action sent with a keystroke is answered before that analysis runs),
// and its diagnostics are published only if no newer version arrived while it ran.
import type { Message } from 'vscode-languageserver';

/**
 * The connection's message strategy (ConnectionOptions.messageStrategy): counts the messages it
 * dispatches, so `drained()` can tell when the queue of received messages is empty.
 */
export class InputQueue {
  private dispatched = 0;

  handleMessage(message: Message, handle: (message: Message) => void): void {
    this.dispatched++;
    handle(message);
  }

  /**
   * Resolves once no message was dispatched during two turns of the event loop. vscode-jsonrpc
   * dispatches one queued message per setImmediate, and bytes read in a poll phase are queued
   * behind an immediate scheduled before them: a message already received (or arriving while
   * the caller computed) is dispatched within those two turns, before this resolves.
   */
  async drained(): Promise<void> {
    for (;;) {
      const seen = this.dispatched;
      await nextTurn();
      await nextTurn();
      if (this.dispatched === seen) return;
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
