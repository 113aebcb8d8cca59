// Temp workspaces on disk and in-process CLI runs for the CLI tests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../server/src/cli/main';
import { captureIO } from '../../../server/src/cli/io';

export type DiskFiles = Record<string, string | Buffer>;

const created: string[] = [];

export function tempWorkspace(files: DiskFiles): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-cli-'));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: DiskFiles): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export function read(dir: string, rel: string): string {
  return fs.readFileSync(path.join(dir, rel), 'utf8');
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `async-migrate ARGS` in-process with cwd = dir (CI unset unless env says so). */
export async function cli(dir: string, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  const io = captureIO(dir, env);
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** 1-based "line:col" of the first occurrence of needle in text. */
export function positionOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`"${needle}" not found`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

after(() => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

/** `check --format json` output as sorted "path:line:col CODE" strings, for compact comparisons. */
export function briefFindings(stdout: string): string[] {
  return (JSON.parse(stdout) as { path: string; line: number; column: number; code: string }[]).map((f) => `${f.path}:${f.line}:${f.column} ${f.code}`).sort();
}
