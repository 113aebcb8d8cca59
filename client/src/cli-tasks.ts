// `async-migrate verify` and `async-migrate progress --write` as VS Code tasks in a workspace
// folder (the walkthrough's steps 4 and 5): the bundled CLI, run by the extension host's own
// Node, so the terminal shows exactly what CI would print.
import * as vscode from 'vscode';

const t = vscode.l10n.t;

type CliJob = { command: string; args: string[]; title: string };

const JOBS: CliJob[] = [
  { command: 'asyncMigrate.verify', args: ['verify'], title: t('Verify before merging') },
  { command: 'asyncMigrate.writeProgress', args: ['progress', '--write'], title: t('Write progress.md') },
];

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  const active = vscode.window.activeTextEditor?.document.uri;
  const owner = active && vscode.workspace.getWorkspaceFolder(active);
  return owner ?? vscode.window.showWorkspaceFolderPick({ placeHolder: t('Run async-migrate in which folder?') });
}

/** Runs the CLI as a task; resolves with its exit code (undefined when it never started). */
async function runCli(context: vscode.ExtensionContext, job: CliJob): Promise<number | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(t('Async Migrate: trust this workspace to run {0}.', `async-migrate ${job.args.join(' ')}`));
    return undefined;
  }
  const folder = await pickFolder();
  if (!folder) {
    void vscode.window.showInformationMessage(t('Async Migrate: open a folder first.'));
    return undefined;
  }
  const cli = context.asAbsolutePath('dist/server/cli.js');
  const run = `${Date.now()}`;
  const task = new vscode.Task(
    { type: 'asyncMigrate', endpoint: '*', run },
    folder,
    job.title,
    'async-migrate',
    // ELECTRON_RUN_AS_NODE: in desktop VS Code the extension host's binary is Electron.
    new vscode.ProcessExecution(process.execPath, [cli, ...job.args], { cwd: folder.uri.fsPath, env: { ELECTRON_RUN_AS_NODE: '1' } }),
    [],
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  return new Promise((resolve) => {
    const done = vscode.tasks.onDidEndTaskProcess((e) => {
      if ((e.execution.task.definition as { run?: string }).run !== run) return;
      done.dispose();
      resolve(e.exitCode);
    });
    vscode.tasks.executeTask(task).then(undefined, (error) => {
      done.dispose();
      void vscode.window.showErrorMessage(t('Async Migrate: cannot run {0}: {1}', job.args.join(' '), String(error?.message ?? error)));
      resolve(undefined);
    });
  });
}

export function registerCliTasks(context: vscode.ExtensionContext): void {
  for (const job of JOBS) {
    context.subscriptions.push(vscode.commands.registerCommand(job.command, () => runCli(context, job)));
  }
}
