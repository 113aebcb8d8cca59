/**
 * Helpers for extension tests that run inside a real VS Code extension host
 * (code-server via test/vscode/run-in-code-server.mjs, or desktop VS Code via
 * test/vscode/run-electron.mjs).
 *
 * Protocol with the code-server launcher (env vars are inherited by the
 * extension host, which code-server spawns):
 *   ASYNC_MIGRATE_TEST_RESULT      result file the suite writes at the end;
 *                                  `<result>.progress` gets reporter lines live.
 *   ASYNC_MIGRATE_SCREENSHOT_DIR   where the launcher saves screenshots.
 *   screenshot(name): writes `<result>.screenshot-request-<name>`; the launcher
 *   takes page.screenshot() to `<dir>/<name>.png` and writes
 *   `<result>.screenshot-request-<name>.done` (containing the png path, or
 *   `error: ...`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const RESULT_FILE = process.env.ASYNC_MIGRATE_TEST_RESULT || undefined;
export const SCREENSHOT_DIR = process.env.ASYNC_MIGRATE_SCREENSHOT_DIR || undefined;

/** True when running under the code-server launcher (a browser page exists). */
export function underCodeServerLauncher(): boolean {
  return !!RESULT_FILE;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Poll `predicate` (sync or async) until it returns a truthy value; resolves
 * with that value. Rejects after `timeoutMs` with `message`.
 */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  message = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as T;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor timed out after ${timeoutMs}ms waiting for ${message}${why}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Wait until the diagnostics for `uri` satisfy `predicate` (default: at least
 * one diagnostic). Checks the current state first, then every change event.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diags: readonly vscode.Diagnostic[]) => boolean = (d) => d.length > 0,
  timeoutMs = 20_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sub.dispose();
      fn();
    };
    const check = () => {
      const diags = vscode.languages.getDiagnostics(uri);
      if (predicate(diags)) finish(() => resolve(diags));
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      const diags = vscode.languages.getDiagnostics(uri);
      const summary = diags.map((d) => `  ${d.range.start.line + 1}: [${d.code ?? ''}] ${d.message}`).join('\n');
      finish(() =>
        reject(
          new Error(
            `waitForDiagnostics timed out after ${timeoutMs}ms for ${uri.fsPath}; ` +
              `current ${diags.length} diagnostic(s)${summary ? ':\n' + summary : ''}`,
          ),
        ),
      );
    }, timeoutMs);
    check();
  });
}

/**
 * Resolves with the diagnostics of `uri` the next time they are published, an empty list
 * included (the language client sets the collection on every publish, which fires
 * onDidChangeDiagnostics): a positive signal that an analysis ran. Call it before the action
 * that triggers the analysis (e.g. opening the document).
 */
export function nextDiagnosticsPublish(uri: vscode.Uri, timeoutMs = 20_000): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === key)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(vscode.languages.getDiagnostics(uri));
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no diagnostics were published for ${uri.fsPath} within ${timeoutMs}ms`));
    }, timeoutMs);
  });
}

/**
 * Ask the launcher for a screenshot of the browser page. Resolves with the
 * PNG path, or undefined when not running under the code-server launcher
 * (e.g. under @vscode/test-electron). Never throws for a missing launcher;
 * throws if the launcher reports an error or does not answer in time.
 */
export async function screenshot(name: string, timeoutMs = 30_000): Promise<string | undefined> {
  if (!RESULT_FILE) return undefined;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'screenshot';
  const request = `${RESULT_FILE}.screenshot-request-${safe}`;
  const done = `${request}.done`;
  try {
    fs.unlinkSync(done);
  } catch {
    /* not there */
  }
  // Write then rename so the launcher never sees a half-written request.
  fs.writeFileSync(`${request}.tmp`, name);
  fs.renameSync(`${request}.tmp`, request);
  const answer = await waitFor(
    () => (fs.existsSync(done) ? fs.readFileSync(done, 'utf8') : undefined),
    timeoutMs,
    `screenshot "${safe}" from the launcher`,
    100,
  );
  try {
    fs.unlinkSync(done);
  } catch {
    /* ignore */
  }
  if (answer.startsWith('error:')) throw new Error(`screenshot "${safe}" failed: ${answer}`);
  return answer.trim() || (SCREENSHOT_DIR ? path.join(SCREENSHOT_DIR, `${safe}.png`) : undefined);
}

/** The first workspace folder (tests are always started with one). */
export interface PageElement {
  text: string;
  className: string;
  attributes: Record<string, string>;
}

/**
 * The elements of the workbench page matching a CSS selector, read by the launcher (state that
 * only the DOM shows, such as a walkthrough step's completion). Undefined outside the launcher.
 */
export async function queryPage(name: string, selector: string, timeoutMs = 15_000): Promise<PageElement[] | undefined> {
  if (!RESULT_FILE) return undefined;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'query';
  const request = `${RESULT_FILE}.query-request-${safe}`;
  const done = `${request}.done`;
  fs.rmSync(done, { force: true });
  fs.writeFileSync(`${request}.tmp`, selector);
  fs.renameSync(`${request}.tmp`, request);
  const answer = await waitFor(() => (fs.existsSync(done) ? fs.readFileSync(done, 'utf8') : undefined), timeoutMs, `page query "${safe}"`, 100);
  fs.rmSync(done, { force: true });
  if (answer.startsWith('error:')) throw new Error(`page query "${safe}" failed: ${answer}`);
  return JSON.parse(answer) as PageElement[];
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri;
}

/** Open a workspace-relative file in an editor and return the editor. */
export async function openFile(relativePath: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relativePath);
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}
