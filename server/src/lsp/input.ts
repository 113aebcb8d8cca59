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
   * Resolves once no message was dispatched during QUIET_TURNS turns of the event loop. A message
   * read in a poll phase reaches the handlers two immediates later (vscode-jsonrpc's reader
   * decodes behind a semaphore that runs on setImmediate, then the connection dispatches one
   * queued message per setImmediate): a message already received, or arriving while the caller
   * computed, is dispatched before this resolves.
   */
  async drained(): Promise<void> {
    for (;;) {
      const seen = this.dispatched;
      for (let turn = 0; turn < QUIET_TURNS; turn++) await nextTurn();
      if (this.dispatched === seen) return;
    }
  }
}

/** Two hops per message (see drained), and a margin. */
const QUIET_TURNS = 4;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
