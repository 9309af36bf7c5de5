/**
 * Creating directories without `mkdirSync(…, { recursive: true })`: Node's recursive mkdir retries
 * for ever when the kernel answers ENOENT for a parent that exists (any path under `/proc`), so an
 * output path there spun at 100% CPU. This walks up the path once and fails with a clear error.
 */
import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ToolkitError } from './errors.js';

const HINT = 'choose an output directory on a writable file system (not a file, and not under /proc or /sys)';

/** `stat` of `path`, or undefined when nothing is there (or a parent is a file). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ToolkitError('E_IO', `cannot read ${path}: ${(err as Error).message}`, { hint: HINT, cause: err });
  }
}

/**
 * Make directory `path` and any missing parents.
 * @throws ToolkitError `E_IO` when `path` or a parent is a file, or a directory cannot be created.
 */
export function ensureDir(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const st = statOf(at);
    if (st?.isDirectory()) break;
    if (st)
      throw new ToolkitError('E_IO', `cannot create directory ${path}: ${at} is a file, not a directory`, {
        hint: HINT,
      });
    const parent = dirname(at);
    if (parent === at) break; // the root itself is missing: mkdir below reports it
    missing.push(at);
    at = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statOf(dir)?.isDirectory()) continue; // made meanwhile
      throw new ToolkitError('E_IO', `cannot create directory ${path}: ${(err as Error).message}`, {
        hint: HINT,
        cause: err,
      });
    }
  }
}
