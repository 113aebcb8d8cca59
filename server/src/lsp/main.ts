// Entry of the async-migrate language server (bundled to dist/server/server.js; also
// `async-migrate-lsp`). The transport comes from the command line: --stdio, --node-ipc or
// --socket=<port> (handled by vscode-languageserver's createConnection).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { InputQueue } from './input';
import { AsyncMigrateServer } from './server';

function main(): void {
  const transports = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];
  if (!process.argv.some((a) => transports.some((t) => a === t || a.startsWith(t + '=')))) {
    // createConnection would throw an unhelpful error; explain instead.
    process.stderr.write('async-migrate-lsp: choose a transport: --stdio, --node-ipc or --socket=<port>\n');
    process.exit(2);
  }
  // The server's analyses wait for the messages already received (input.ts).
  const input = new InputQueue();
  const connection = createConnection(ProposedFeatures.all, { messageStrategy: input });
  // Last-resort guards: log, never die on a stray exception.
  process.on('uncaughtException', (error) => {
    try {
      connection.console.error(`async-migrate: uncaught exception: ${error?.stack ?? error}`);
    } catch {
      process.stderr.write(`async-migrate: uncaught exception: ${error?.stack ?? error}\n`);
    }
  });
  process.on('unhandledRejection', (reason) => {
    try {
      connection.console.error(`async-migrate: unhandled rejection: ${(reason as Error)?.stack ?? reason}`);
    } catch {
      process.stderr.write(`async-migrate: unhandled rejection: ${reason}\n`);
    }
  });
  new AsyncMigrateServer(connection, { input }).listen();
}

main();
