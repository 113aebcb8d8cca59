// async-migrate's own requests: the status (status bar) and the syntax tree of a document
// (debugging). Each handler goes through `guard`, so a failure is logged and answered with the
// fallback instead of crashing the server. The endpoints tree and checklist requests live in
// migration-requests.ts.
import type { Guard, RequestConnection, Workspace } from './context';
import { describeTree } from './document';
import { ANSWERED_REQUEST, STATUS_REQUEST, type StatusPayload, SYNTAX_TREE_REQUEST } from './protocol';

export function registerRequests(connection: RequestConnection, server: Workspace & { status(): StatusPayload; answered: { range: number; complete: number } }, guard: Guard): void {
  connection.onRequest(
    STATUS_REQUEST,
    guard('status', null as StatusPayload | null, () => server.status()),
  );

  connection.onRequest(
    SYNTAX_TREE_REQUEST,
    guard('syntaxTree', null as { version: number; tree: string; nodes: string; incrementalParses: number } | null, (params: { uri: string }) => {
      const doc = server.docs.get(params?.uri);
      if (!doc) return null;
      const folder = server.folderOf(doc.uri);
      const file = doc.file(folder.config);
      return { version: doc.version, tree: file.root.toString(), nodes: describeTree(file.root), incrementalParses: doc.incrementalParses };
    }),
  );

  connection.onRequest(
    ANSWERED_REQUEST,
    guard('answered', null as { range: number; complete: number } | null, () => ({ ...server.answered })),
  );
}
