/**
 * Crash-safe file writes: data goes to a temporary file in the same directory, is flushed, and is
 * then renamed over the target, so a reader sees either the old file or the new one, never half.
 */
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { ToolkitError } from './errors.js';

/** Write `data` to `path` atomically (temp file + fsync + rename), creating parent directories. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.tmp-${basename(path)}-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new ToolkitError('E_IO', `could not write ${path}: ${(err as Error).message}`, {
      hint: 'check that the directory is writable and the disk is not full',
      cause: err,
    });
  }
}

/** Write a value as pretty-printed JSON, atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
