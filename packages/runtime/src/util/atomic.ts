/**
 * Crash-safe file writes: data goes to a temporary file in the same directory, is flushed, and is
 * then renamed over the target, so a reader sees either the old file or the new one, never half.
 * A process killed mid-write leaves its temporary file (`.tmp-<name>-<pid>-<ms>`) behind;
 * {@link removeStaleTemps} clears those of processes that are gone.
 */
import { openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { ToolkitError } from './errors.js';
import { ensureDir } from './dirs.js';
import { processAlive } from './process.js';

/** Prefix of the temporary files an atomic write makes beside its target. */
const TMP_PREFIX = '.tmp-';
/** `.tmp-<name>-<pid>-<ms>`: the pid of the writer is the second-to-last field. */
const TMP_NAME = /^\.tmp-.+-(\d+)-(\d+)$/;

/** Write `data` to `path` atomically (temp file + fsync + rename), creating parent directories. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `${TMP_PREFIX}${basename(path)}-${process.pid}-${Date.now()}`);
  try {
    ensureDir(dir);
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) {
        const n = writeSync(fd, bytes, off, bytes.length - off);
        if (n <= 0) throw new Error(`the file system accepted no bytes at offset ${off}`); // would loop for ever
        off += n;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    if (err instanceof ToolkitError) throw err;
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

/**
 * Delete the temporary files that interrupted atomic writes left in `dir` (those whose writing
 * process is no longer alive; a live writer's file is left alone). Returns the names removed.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no directory yet: nothing to clean
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TMP_NAME.exec(name);
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // left for the next open: cleaning is best effort
    }
  }
  return removed;
}
