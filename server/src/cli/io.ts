// Output sink for commands, so tests can capture what a command prints.
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
  /** Working directory paths are resolved against. */
  cwd: string;
  /** Environment (CI detection, colors). */
  env: Record<string, string | undefined>;
  /**
   * Transient status line (indexing progress); set only when stderr is a terminal. An empty
   * string clears the line.
   */
  progress?: (text: string) => void;
}

export function consoleIO(): CommandIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    cwd: process.cwd(),
    env: process.env,
    progress: process.stderr.isTTY
      ? (t) => process.stderr.write(`\r\x1b[K${t.length > (process.stderr.columns || 80) - 1 ? t.slice(0, (process.stderr.columns || 80) - 2) + '…' : t}`)
      : undefined,
  };
}

export function captureIO(cwd: string, env: Record<string, string | undefined> = {}): CommandIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    cwd,
    env,
    out(t: string) {
      io.stdout += t.endsWith('\n') ? t : t + '\n';
    },
    err(t: string) {
      io.stderr += t.endsWith('\n') ? t : t + '\n';
    },
  };
  return io;
}
