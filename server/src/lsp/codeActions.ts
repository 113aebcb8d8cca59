// Code actions: each finding's quick fix (preferred when safe), its suggestions, "Disable AMxxx
// for this line", "Fix all AMxxx in this file", the safe fix-all (source.fixAll.asyncMigrate)
// "Migrate this endpoint" (refactor.rewrite, one WorkspaceEdit = one undo step) and, on AM103
// while the workspace has no async session dependency, "Set up async infrastructure".
// Expensive edits (fix-all, migrate) are computed in codeAction/resolve when the client can.
import { type CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import { fixAllIncludes, fixText, parseSource, summarizeSource } from '../analysis/engine';
import { minimalEdit } from '../analysis/fixes/edits';
import { textBasis } from '../analysis/fixes/other-files';
import type { Node } from '../analysis/parser';
import type { RouteSummary } from '../analysis/routes';
import type { Finding, Fix, TextEdit } from '../analysis/types';
import { SET_UP_ASYNC_INFRASTRUCTURE, findAsyncSessionDependency } from '../analysis/infrastructure/async-dependency';
import { type InitAsyncPlan, planInitAsync } from '../analysis/infrastructure/init-async';
import { computeLineStarts, positionAt } from '../analysis/source';
import { readPythonFile } from '../project';
import type { DocumentAnalysis, Workspace } from './context';
import { toDiagnostic, toLspEdits } from './convert';
import { OpenDocument } from './document';
import { type Folder, uriToPath } from './folders';
import { migrateEndpoint, type EndpointTarget } from '../analysis/migrate-endpoint';
import { COMMANDS, FIX_ALL_KIND, type MigrateEndpointArgs, type SetUpAsyncInfrastructureArgs } from './protocol';

type LazyKind = 'fixAll' | 'fixCode' | 'migrate';

interface LazyData {
  asyncMigrate: LazyKind;
  uri: string;
  version: number;
  code?: string;
  offset?: number;
  unsafe?: boolean;
}

const DIRECTIVE = /#\s*async-migrate:\s*ignore(?!-file)(\[([^\]]*)\])?/i;

export class CodeActionProvider {
  /** Leave fix-all / migrate edits to codeAction/resolve (the client supports resolving `edit`). */
  lazyEdits = false;
  private lastSetUp?: { folder: Folder; generation: number; config: Folder['config']; result: ReturnType<CodeActionProvider['setUpAsyncEdit']> };

  constructor(private readonly server: Workspace & DocumentAnalysis) {}

  provide(params: CodeActionParams): CodeAction[] {
    const uri = params.textDocument.uri;
    const doc = this.server.docs.get(uri);
    if (!doc) return [];
    const folder = this.server.folderOf(uri);
    const only = params.context.only;
    const wants = (kind: string) => (only ? only.some((o) => kind === o || kind.startsWith(o + '.')) : true);
    // Source actions only when asked for (on save, "Fix All", the Source Action menu).
    const wantsExplicitly = (kind: string) => !!only && wants(kind);
    const rangeStart = doc.offsetAt(params.range.start);
    const rangeEnd = doc.offsetAt(params.range.end);
    const inRange = (all: Finding[]) => all.filter((f) => f.code !== 'AM000' && f.start <= rangeEnd && rangeStart <= f.end);
    // While typing, the findings of the range are enough unless an action lists the whole file's:
    // each finding at the range gets "Fix all <its code> in this file" over all the fixable ones.
    const atRange = this.server.findingsAt(doc, rangeStart, rangeEnd);
    if (!atRange) return [];
    let findings = atRange.findings;
    if (!atRange.complete) {
      const listsFile = wants(CodeActionKind.QuickFix) && inRange(findings).length > 0;
      const looksForSafeFix = wantsExplicitly(FIX_ALL_KIND) && !findings.some((f) => f.fix?.applicability === 'safe');
      if (listsFile || looksForSafeFix) findings = this.server.analyzeDocument(doc) ?? [];
    }
    // In a file with syntax errors, only fixes that leave it parsing no worse are offered: checked
    // here, for the fixes an action offers (the diagnostics do not check them).
    const checked = (list: Finding[]) => this.server.checkedFixes(doc, list);
    const anyFix = (list: Finding[], has: (f: Finding) => boolean) => list.some((f) => has(f) && has(checked([f])[0]));
    const hits = checked(inRange(findings));
    const actions: CodeAction[] = [];
    const diagnosticFor = (f: Finding): Diagnostic => {
      const match = params.context.diagnostics.find(
        (d) => d.code === f.code && d.range.start.line === f.range.start.line && d.range.start.character === f.range.start.character && d.range.end.line === f.range.end.line && d.range.end.character === f.range.end.character,
      );
      return match ?? toDiagnostic(f, { docsBaseUrl: folder.settings.docsBaseUrl, uriOf: (p) => folder.uriOf(p) });
    };

    if (wants(CodeActionKind.QuickFix)) {
      const doneCodes = new Set<string>();
      for (const f of hits) {
        const diagnostic = diagnosticFor(f);
        if (f.fix) actions.push(...this.fixAction(doc, f.fix, diagnostic, f.fix.applicability === 'safe'));
        if (f.code === 'AM103' && !f.fix && !doneCodes.has(f.code) && !findAsyncSessionDependency(folder.index, folder.config)) {
          actions.push(this.setUpAsyncAction(uri, diagnostic));
        }
        for (const s of f.suggestions ?? []) actions.push(...this.fixAction(doc, s, diagnostic, false));
        if (f.code === 'AM701' && f.related?.[0]) {
          const twin = f.related[0];
          actions.push({
            title: `Open twin ${twin.path}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            command: { title: `Open twin ${twin.path}`, command: COMMANDS.openTwin, arguments: [{ uri: folder.uriOf(twin.path), line: twin.range.start.line, character: twin.range.start.character }] },
          });
        }
        if (doneCodes.has(f.code)) continue;
        doneCodes.add(f.code);
        let fixableOfCode = findings.filter((o) => o.code === f.code && o.fix);
        if (fixableOfCode.length >= 2) fixableOfCode = checked(fixableOfCode).filter((o) => o.fix);
        if (fixableOfCode.length >= 2) {
          const unsafe = fixableOfCode.some((o) => o.fix!.applicability === 'unsafe');
          const title = `Fix all ${f.code} in this file${unsafe ? ' (includes unsafe fixes)' : ''}`;
          actions.push(this.lazy({ title, kind: CodeActionKind.QuickFix, diagnostics: fixableOfCode.map(diagnosticFor) }, { asyncMigrate: 'fixCode', uri, version: doc.version, code: f.code, unsafe }, doc));
        }
        const disable = this.disableEdit(doc, folder, f);
        if (disable) {
          actions.push({ title: `Disable ${f.code} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: this.server.workspaceEdit(uri, doc.version, toLspEdits([disable], (o) => doc.positionAt(o))) });
        }
      }
    }

    if (wantsExplicitly(FIX_ALL_KIND) && anyFix(findings, (f) => f.fix?.applicability === 'safe')) {
      actions.push(this.lazy({ title: 'Fix all safe async-migrate findings', kind: FIX_ALL_KIND }, { asyncMigrate: 'fixAll', uri, version: doc.version }, doc));
    }

    if (wants(CodeActionKind.RefactorRewrite)) {
      const route = this.routeAt(folder, doc, rangeStart, rangeEnd);
      if (route) {
        const inHandler = findings.filter((f) => f.start >= route.start && f.end <= route.end);
        if (!route.isAsync || anyFix(inHandler, (f) => !!f.fix)) {
          const title = `Migrate this endpoint to async (${route.function})`;
          const sync = inHandler.filter((f) => f.code === 'AM702').map(diagnosticFor);
          const action = this.lazy({ title, kind: CodeActionKind.RefactorRewrite, diagnostics: sync.length ? sync : undefined }, { asyncMigrate: 'migrate', uri, version: doc.version, offset: route.nameStart }, doc);
          if (action.edit || action.data) actions.push(action);
        }
      }
    }
    return actions;
  }


  /**
   * "Set up async infrastructure" on an AM103 that has no fix for want of an async dependency:
   * the edit when the engine can make it, else a command whose message says what it looked for.
   */
  private setUpAsyncAction(uri: string, diagnostic: Diagnostic): CodeAction {
    // Code actions are asked for on every cursor move: reuse the edit while the index is unchanged.
    const folder = this.server.folderOf(uri);
    const cached = this.lastSetUp;
    const result = cached && cached.folder === folder && cached.generation === folder.index.generation && cached.config === folder.config ? cached.result : this.setUpAsyncEdit({ uri });
    this.lastSetUp = { folder, generation: folder.index.generation, config: folder.config, result };
    const action: CodeAction = { title: SET_UP_ASYNC_INFRASTRUCTURE, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] };
    if ('edit' in result) action.edit = result.edit;
    else action.command = { title: SET_UP_ASYNC_INFRASTRUCTURE, command: COMMANDS.setUpAsyncInfrastructure, arguments: [{ uri }] };
    return action;
  }

  /**
   * The whole "Set up async infrastructure" edit of the folder holding args.uri, over every file
   * it touches (open documents at their current version, the others as on disk): one WorkspaceEdit.
   */
  setUpAsyncEdit(args: SetUpAsyncInfrastructureArgs): { edit: WorkspaceEdit; plan: InitAsyncPlan } | { plan?: InitAsyncPlan; error: string } {
    const folder = this.server.folderOf(args.uri);
    if (!folder.root) return { error: 'open a workspace folder to set up async infrastructure' };
    const openDocs = new Map<string, OpenDocument>();
    for (const doc of this.server.docs.values()) if (this.server.folderOf(doc.uri) === folder) openDocs.set(doc.path, doc);
    const diskTexts = new Map<string, string | undefined>();
    const readText = (rel: string): string | undefined => {
      const open = openDocs.get(rel);
      if (open) return open.text;
      if (!diskTexts.has(rel)) {
        const abs = folder.absPath(rel);
        diskTexts.set(rel, abs ? readPythonFile(abs).text : undefined);
      }
      return diskTexts.get(rel);
    };
    let plan: InitAsyncPlan;
    try {
      plan = planInitAsync(folder.index, folder.config, readText);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    if (!plan.files.length) return { plan, error: [plan.session, plan.redis].filter((p) => p).map((p) => p!.message).join('; ') };
    const edit = this.filesEdit(folder, plan.files, openDocs, readText);
    return { edit, plan };
  }

  /**
   * One WorkspaceEdit over several files of folder (edits as engine offsets into each file's
   * current text): open documents at their version, the others as on disk.
   */
  private filesEdit(folder: Folder, files: readonly { path: string; edits: TextEdit[] }[], openDocs: Map<string, OpenDocument>, readText: (rel: string) => string | undefined): WorkspaceEdit {
    const edit: WorkspaceEdit = {};
    for (const { path, edits } of files) {
      const open = openDocs.get(path);
      const lineStarts = open ? undefined : computeLineStarts(readText(path) ?? '');
      const toPosition = open ? (o: number) => open.positionAt(o) : (o: number) => positionAt(lineStarts!, o);
      const one = this.server.workspaceEdit(open?.uri ?? folder.uriOf(path), open?.version ?? null, toLspEdits(edits, toPosition));
      if (one.documentChanges) edit.documentChanges = [...(edit.documentChanges ?? []), ...one.documentChanges];
      if (one.changes) edit.changes = { ...edit.changes, ...one.changes };
    }
    return edit;
  }

  /** The open documents of folder by path. */
  private openDocsOf(folder: Folder): Map<string, OpenDocument> {
    const out = new Map<string, OpenDocument>();
    for (const doc of this.server.docs.values()) if (this.server.folderOf(doc.uri) === folder) out.set(doc.path, doc);
    return out;
  }

  /**
   * A fix as a WorkspaceEdit: its own document's edits, and those of the other files it edits
   * (Fix.otherFiles); undefined when one of those files changed since the fix was computed.
   */
  private fixEdit(doc: OpenDocument, fix: Pick<Fix, 'edits' | 'otherFiles'>): WorkspaceEdit | undefined {
    if (!fix.otherFiles?.length) return this.server.workspaceEdit(doc.uri, doc.version, toLspEdits(fix.edits, (o) => doc.positionAt(o)));
    const folder = this.server.folderOf(doc.uri);
    const texts = new Map(fix.otherFiles.map((o) => [o.path, folder.sources.textOf(o.path)]));
    if (fix.otherFiles.some((o) => texts.get(o.path) === undefined || (o.basis && textBasis(texts.get(o.path)!) !== o.basis))) return undefined;
    const openDocs = this.openDocsOf(folder);
    openDocs.set(doc.path, doc);
    return this.filesEdit(folder, [{ path: doc.path, edits: fix.edits }, ...fix.otherFiles], openDocs, (rel) => texts.get(rel));
  }

  resolve(action: CodeAction): CodeAction {
    const data = action.data as LazyData | undefined;
    if (!data?.asyncMigrate || action.edit) return action;
    const doc = this.server.docs.get(data.uri);
    if (!doc) return action;
    const edit = this.computeLazy(doc, data);
    if (edit) action.edit = edit;
    return action;
  }

  private lazy(action: CodeAction, data: LazyData, doc: OpenDocument): CodeAction {
    if (this.lazyEdits) return { ...action, data };
    const edit = this.computeLazy(doc, data);
    return edit ? { ...action, edit } : { ...action, data: undefined };
  }

  private computeLazy(doc: OpenDocument, data: LazyData): WorkspaceEdit | undefined {
    switch (data.asyncMigrate) {
      case 'fixAll':
        return this.fixAllEdit(doc, { unsafe: false })?.edit;
      case 'fixCode':
        return this.fixAllEdit(doc, { select: data.code ? [data.code] : undefined, unsafe: !!data.unsafe })?.edit;
      case 'migrate': {
        const result = this.migrateEdit({ uri: doc.uri, offset: data.offset });
        return 'error' in result ? undefined : result.edit;
      }
    }
  }

  /** None when the fix edits another file that changed since (the next analysis offers it again). */
  private fixAction(doc: OpenDocument, fix: Fix, diagnostic: Diagnostic, preferred: boolean): CodeAction[] {
    const title = fix.applicability === 'unsafe' && !/unsafe/i.test(fix.title) ? `${fix.title} (unsafe)` : fix.title;
    const edit = this.fixEdit(doc, fix);
    if (!edit) return [];
    const action: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit };
    if (preferred) action.isPreferred = true;
    return [action];
  }

  /** The route handler whose definition contains the range (the engine's summary of the current text). */
  private routeAt(folder: Folder, doc: OpenDocument, start: number, end: number): RouteSummary | undefined {
    const summary = folder.index.fileByPath(doc.path);
    return summary?.routes.find((r) => r.outerStart <= start && end <= r.end);
  }

  /** `# async-migrate: ignore[CODE]` appended to (or merged into) the finding's line. */
  disableEdit(doc: OpenDocument, folder: Folder, finding: Finding): TextEdit | undefined {
    const file = doc.file(folder.config);
    const lines = [finding.range.start.line, finding.range.end.line];
    for (const line of lines) {
      const lineStart = doc.lineStarts[line];
      let lineEnd = line + 1 < doc.lineStarts.length ? doc.lineStarts[line + 1] : doc.text.length;
      while (lineEnd > lineStart && /[\r\n]/.test(doc.text[lineEnd - 1])) lineEnd--;
      let last = lineEnd;
      while (last > lineStart && /[ \t]/.test(doc.text[last - 1])) last--;
      if (last === lineStart) continue;
      if (doc.text[last - 1] === '\\') continue; // explicit line continuation
      const node: Node | null = file.root.descendantForIndex(last - 1, last);
      if (node?.type === 'comment') {
        const m = DIRECTIVE.exec(node.text);
        if (m && !m[1]) return undefined; // already `ignore` (all rules)
        if (m && m[2] !== undefined) {
          const codes = m[2].split(',').map((c) => c.trim()).filter(Boolean);
          if (codes.some((c) => c.toUpperCase() === finding.code)) return undefined;
          const closeAt = node.startIndex + m.index + m[0].length - 1;
          return { start: closeAt, end: closeAt, newText: codes.length ? `, ${finding.code}` : finding.code };
        }
        return { start: last, end: last, newText: `  # async-migrate: ignore[${finding.code}]` };
      }
      if (insideMultilineToken(node, lineEnd)) continue;
      return { start: last, end: last, newText: `  # async-migrate: ignore[${finding.code}]` };
    }
    return undefined;
  }

  /** Safe (or also unsafe) fix-all of one document as a single minimal edit. */
  fixAllEdit(doc: OpenDocument, options: { select?: string[]; unsafe: boolean }): { edit: WorkspaceEdit; fixed: number } | undefined {
    const folder = this.server.folderOf(doc.uri);
    if (!folder.settings.enable || !this.server.analyzeDocument(doc)) return undefined;
    // Inventory hints only when selected ("Fix all AM102"), exactly like `async-migrate fix`.
    const filter = (f: Finding) => fixAllIncludes(f, options.select);
    // Fixes that also edit other files are applied with them (one WorkspaceEdit, one undo step).
    const before = new Map<string, string>();
    const result = withIndexRestored(folder, doc.path, () => {
      const fixed = fixText(doc.path, doc.text, folder.index, folder.config, { select: options.select, unsafe: options.unsafe, filter, otherFiles: true });
      // The index now describes the other files as fixed: back to the texts the editor has.
      for (const other of fixed.otherTexts.keys()) {
        const text = folder.sources.textOf(other) ?? '';
        before.set(other, text);
        const { file } = parseSource(other, text, folder.config);
        try {
          folder.index.upsert(summarizeSource(file));
        } finally {
          file.dispose();
        }
      }
      return fixed;
    });
    const files = [{ path: doc.path, before: doc.text, after: result.text }, ...[...result.otherTexts].map(([path, after]) => ({ path, before: before.get(path) ?? '', after }))];
    const changed = files.flatMap((f) => {
      const edit = minimalEdit(f.before, f.after);
      return edit ? [{ path: f.path, edits: [edit] }] : [];
    });
    if (!changed.length) return undefined;
    if (changed.length === 1 && changed[0].path === doc.path) return { edit: this.server.workspaceEdit(doc.uri, doc.version, toLspEdits(changed[0].edits, (o) => doc.positionAt(o))), fixed: result.applied.length };
    const openDocs = this.openDocsOf(folder);
    openDocs.set(doc.path, doc);
    return { edit: this.filesEdit(folder, changed, openDocs, (rel) => before.get(rel) ?? folder.sources.textOf(rel)), fixed: result.applied.length };
  }

  /** The combined migration edit of the route handler at args (offset, position or function name). */
  migrateEdit(args: MigrateEndpointArgs): { edit: WorkspaceEdit; handler?: string; notDone: string[]; applied: string[] } | { error: string } {
    const folder = this.server.folderOf(args.uri);
    let doc = this.server.docs.get(args.uri);
    let version: number | null = doc?.version ?? null;
    if (!doc) {
      const fsPath = uriToPath(args.uri);
      const read = fsPath ? readPythonFile(fsPath) : undefined;
      if (!read || read.text === undefined) return { error: `cannot read ${args.uri}${read?.skipped ? `: ${read.skipped}` : ''}` };
      doc = new OpenDocument(args.uri, this.server.pathOf(args.uri, folder), 0, read.text);
      version = null;
    } else if (!this.server.analyzeDocument(doc)) {
      return { error: 'async-migrate is disabled for this file' };
    }
    let target: EndpointTarget;
    if (typeof args.function === 'string') target = { function: args.function };
    else if (typeof args.offset === 'number') target = { offset: args.offset };
    else if (typeof args.line === 'number') target = { offset: doc.offsetAt({ line: args.line, character: args.character ?? 0 }) };
    else return { error: 'migrateEndpoint needs an offset, a position or a function name' };
    const opened = doc;
    try {
      const outcome = withIndexRestored(folder, opened.path, () => migrateEndpoint(opened.path, opened.text, folder.index, folder.config, target));
      const notDone = outcome.notDone.map((n) => (n.code ? `${n.code}: ${n.message}` : n.message));
      // All-or-nothing: a refused migration says what is missing (its first line names the handler).
      if (!outcome.ok) return { error: notDone.join('; ') || `${outcome.handler ?? 'this endpoint'} not migrated` };
      if (!outcome.edit) {
        const rest = notDone.length ? `; left to do by hand: ${notDone.join('; ')}` : '';
        return { error: `nothing to migrate automatically in ${outcome.handler ?? 'this endpoint'}${rest}` };
      }
      const edits = toLspEdits([outcome.edit], (o) => opened.positionAt(o));
      return { edit: this.server.workspaceEdit(args.uri, version, edits), handler: outcome.handler ?? ('function' in target ? target.function : undefined), notDone, applied: outcome.applied };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    } finally {
      if (!this.server.docs.has(args.uri)) opened.dispose();
    }
  }
}

/** True when node sits in a string that continues past the line end (no comment may follow). */
function insideMultilineToken(node: Node | null, lineEnd: number): boolean {
  for (let n = node; n; n = n.parent) {
    if ((n.type === 'string' || n.type === 'string_content' || n.type === 'concatenated_string') && n.endIndex > lineEnd) return true;
    if (n.type === 'module' || n.type === 'block') break;
  }
  return false;
}

/** Runs fn (which may upsert other text for path into the index) and restores the index entry. */
function withIndexRestored<T>(folder: Folder, path: string, fn: () => T): T {
  const saved = folder.index.fileByPath(path);
  try {
    return fn();
  } finally {
    if (saved) folder.index.upsert(saved);
    else folder.index.remove(path);
  }
}

