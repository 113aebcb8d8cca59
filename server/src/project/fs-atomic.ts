// Atomic file replacement: write a temporary file in the same directory, fsync it, then rename
// it over the target. A crash leaves either the old file or the new one, never half a file.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  // Write through symlinks to the real file (renaming over a link would replace the link).
  let target = path.resolve(file);
  let mode: number | undefined;
  try {
    target = fs.realpathSync(target);
    mode = fs.statSync(target).mode & 0o7777;
  } catch {
    /* new file */
  }
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.async-migrate.tmp`);
  const fd = fs.openSync(temp, 'wx', mode ?? 0o666);
  try {
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // The open mode went through the umask; restore the original file's exact mode.
    if (mode !== undefined) fs.chmodSync(temp, mode);
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      /* already gone */
    }
    throw error;
  }
  // Persist the rename itself (best effort: not every platform can fsync a directory).
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    /* Windows */
  }
}
