// One state of a project (before or after `fix`), measured for the fix invariant: tree-sitter
// ERROR/MISSING nodes per file, and every `await` on something the engine itself believes sync
// (a plain `def`, a sync Session, a sync Redis client) plus — independently of the engine's
// flavor logic — awaits on a receiver whose parameter annotation says `Session`.
// Run as a child process (`tsx scripts/eval-real/audit.ts ROOT`): prints one JSON object.
import { isPlainSyncFunction, resolveCall } from '../../server/src/analysis/callee';
import { analyzeFile, parseSource } from '../../server/src/analysis/engine';
import { FileFacts } from '../../server/src/analysis/semantics';
import { syntaxErrorCount } from '../../server/src/analysis/source';
import { unparen } from '../../server/src/analysis/syntax';
import { loadProject } from '../../server/src/project';

export interface AwaitSite {
  file: string;
  /** The awaited expression's text (first line), which survives line shifts between states. */
  text: string;
}

export interface AuditResult {
  files: number;
  /** Files with at least one ERROR/MISSING node, and how many. */
  treeErrors: Record<string, number>;
  awaitOnPlainDef: AwaitSite[];
  awaitOnSyncSession: AwaitSite[];
  awaitOnSyncRedis: AwaitSite[];
  awaitOnSessionAnnotated: AwaitSite[];
  /** AM202 (await on a plain def) findings, the engine's own report of the same defect. */
  am202: number;
  /**
   * Modules (root-relative paths, `__init__.py` left out) the engine's importer index says
   * nothing imports: what `duplicates` would call safe to delete if each had an async twin.
   */
  unimported: string[];
  /** Files the audit itself failed on (an engine exception): never expected. */
  crashes: { file: string; error: string }[];
}

const SYNC_SESSION_ANNOTATION = /(^|[^\w.]|\bsqlalchemy\.orm\.|\bsqlmodel\.)Session\b/;

export async function audit(root: string): Promise<AuditResult> {
  const project = await loadProject(root);
  const result: AuditResult = { files: project.texts.size, treeErrors: {}, awaitOnPlainDef: [], awaitOnSyncSession: [], awaitOnSyncRedis: [], awaitOnSessionAnnotated: [], am202: 0, unimported: [], crashes: [] };
  for (const mod of project.index.modules()) {
    if (/(^|\/)__init__\.pyi?$/.test(mod.path)) continue;
    if (!project.index.importersOf(mod.moduleName).some(({ module }) => module.path !== mod.path)) result.unimported.push(mod.path);
  }
  for (const [rel, text] of [...project.texts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { file } = parseSource(rel, text, project.config);
    try {
      const errors = syntaxErrorCount(file.tree.rootNode);
      if (errors) result.treeErrors[rel] = errors;
      if (!text.includes('await')) continue;
      result.am202 += analyzeFile(file, project.index, project.config, { select: ['AM202'] }).filter((f) => f.code === 'AM202').length;
      const facts = new FileFacts(file, project.index, project.config);
      for (const awaitNode of facts.nodesOfType('await')) {
        if (!awaitNode.isNamed) continue;
        const operand = awaitNode.namedChild(0);
        const call = operand ? unparen(operand) : undefined;
        if (call?.type !== 'call') continue;
        const site = { file: rel, text: call.text.split('\n')[0].slice(0, 120) };
        const callable = resolveCall(facts, call);
        if (callable && !callable.fn.isAsync && isPlainSyncFunction(project.index, callable)) result.awaitOnPlainDef.push(site);
        const callee = unparen(call.childForFieldName('function')!);
        if (callee.type !== 'attribute') continue;
        const receiver = unparen(callee.childForFieldName('object')!);
        if (receiver.type === 'identifier' || receiver.type === 'attribute') {
          if (facts.sessionFlavor(receiver) === 'sync') result.awaitOnSyncSession.push(site);
          if (facts.redisFlavor(receiver) === 'sync') result.awaitOnSyncRedis.push(site);
        }
        if (receiver.type === 'identifier') {
          const annotation = facts.enclosingFunction(call)?.params.get(receiver.text)?.annotation?.text;
          if (annotation && SYNC_SESSION_ANNOTATION.test(annotation) && !/Async/.test(annotation)) result.awaitOnSessionAnnotated.push(site);
        }
      }
    } catch (error) {
      result.crashes.push({ file: rel, error: error instanceof Error ? error.message : String(error) });
    } finally {
      file.dispose();
    }
  }
  return result;
}

if (process.argv[1] && /audit\.ts$/.test(process.argv[1])) {
  audit(process.argv[2]).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (e) => {
      process.stderr.write(`audit failed: ${e instanceof Error ? e.stack : e}\n`);
      process.exitCode = 2;
    },
  );
}
