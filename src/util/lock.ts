/**
 * Exclusive lock files: one process at a time trains (or imports into) a run directory. The lock
 * holds its owner as JSON — process id, host name and start time — and is created with `O_EXCL`, so
 * of two processes only one gets it. A lock whose process is gone (same host, no such pid) is stale
 * and is taken over; the takeover itself is guarded by a second exclusive file so that two processes
 * finding the same stale lock cannot both take it. A lock from another host cannot be checked and
 * counts as held.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { processAlive } from '@mast-toolkit/runtime/internal/util/process';

/** Who holds a lock. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time at which it took the lock. */
  started: string;
}

/** A lock this process holds; {@link FileLock.release} deletes the file if it is still ours. */
export interface FileLock {
  readonly path: string;
  release(): void;
}

/** A lock file or takeover guard younger than this, and not yet readable, is being written: held. */
const FRESH_MS = 10_000;

/** The owner recorded in lock file `path`: null when there is none; 'unreadable' when it is damaged. */
function readOwner(path: string): LockOwner | null | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  if (/^\s*\d+\s*$/.test(text)) return { pid: Number(text), host: hostname(), started: '' }; // a bare pid (older study locks)
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isSafeInteger(o.pid) && typeof o.host === 'string')
      return { pid: o.pid!, host: o.host, started: String(o.started ?? '') };
  } catch {
    // damaged: decided below by its age
  }
  return 'unreadable';
}

/** Whether a lock file with owner `owner` still binds (its process alive, or not checkable from here). */
function binding(path: string, owner: LockOwner | 'unreadable'): boolean {
  if (owner === 'unreadable') return ageMs(path) < FRESH_MS; // a lock just created and not yet written, or junk
  return owner.host !== hostname() || processAlive(owner.pid);
}

function ageMs(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? Date.now() - st.mtimeMs : Infinity;
}

/** The process holding lock file `path` now, or null when it is free or stale. */
export function lockOwner(path: string): LockOwner | null {
  const owner = readOwner(path);
  if (owner === null || !binding(path, owner)) return null;
  return owner === 'unreadable' ? { pid: 0, host: '?', started: '' } : owner;
}

/** Create the lock file exclusively; false when it exists. Other failures are `E_IO`. */
function create(path: string, record: string): boolean {
  try {
    writeFileSync(path, record, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ToolkitError('E_IO', `cannot create lock file ${path}: ${(err as Error).message}`, {
      hint: 'check that the directory exists and is writable',
      cause: err,
    });
  }
}

/** Delete a stale lock under a takeover guard; false when another process is taking it over. */
function removeStale(path: string): boolean {
  return removeGuarded(path, (owner) => owner === null || !binding(path, owner));
}

/**
 * Delete lock file `path` under a takeover guard when `removable` says so of its owner, read again
 * under the guard (it may have been taken over since); false when another process is taking it over.
 */
function removeGuarded(path: string, removable: (owner: LockOwner | null | 'unreadable') => boolean): boolean {
  const guard = `${path}.takeover`;
  if (!create(guard, String(process.pid))) {
    if (ageMs(guard) > FRESH_MS) rmSync(guard, { force: true }); // its maker died mid-takeover
    return false;
  }
  try {
    if (!removable(readOwner(path))) return false;
    rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Take lock file `path` for this process; null when a live process holds it. */
export function tryLock(path: string): FileLock | null {
  const record = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
  } satisfies LockOwner);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, record)) {
      return {
        path,
        release: () => {
          let text: string | null = null;
          try {
            text = readFileSync(path, 'utf8');
          } catch {
            // already gone
          }
          if (text === record) rmSync(path, { force: true }); // never delete a lock another process took over
        },
      };
    }
    const owner = readOwner(path);
    if (owner !== null && binding(path, owner)) return null;
    removeStale(path);
  }
  return null;
}

/**
 * Take lock file `path` for this process.
 * @param what what the lock protects, for the message (e.g. `run directory runs/a`)
 * @throws ToolkitError `E_LOCKED` naming the holder when a live process holds it.
 */
export function acquireLock(path: string, what: string): FileLock {
  const lock = tryLock(path);
  if (lock) return lock;
  const owner = lockOwner(path);
  const who =
    owner && owner.pid > 0
      ? `process ${owner.pid} on ${owner.host}${owner.started ? ` (since ${owner.started})` : ''}`
      : 'another process';
  throw new ToolkitError('E_LOCKED', `${what} is in use by ${who}`, {
    hint: `wait for that process to finish or stop it; if it is gone (e.g. on another host), delete ${path}`,
  });
}

/**
 * {@link acquireLock}, but also taking the lock from a holder on another host, whose liveness cannot
 * be checked from here: for callers that know by other means that the holder has stopped (a study
 * queue gives a run to another worker only after its worker stopped renewing the job's lock, e.g.
 * because its machine was lost). A live holder on this host still wins (`E_LOCKED`).
 * @returns the lock, and the holder it displaced (null when the lock was free or stale).
 */
export function acquireLockFromOtherHost(path: string, what: string): { lock: FileLock; displaced: LockOwner | null } {
  const free = tryLock(path);
  if (free) return { lock: free, displaced: null };
  const owner = readOwner(path);
  if (owner !== null && owner !== 'unreadable' && owner.host !== hostname()) {
    const same = (o: LockOwner | null | 'unreadable'): boolean =>
      o !== null && o !== 'unreadable' && o.pid === owner.pid && o.host === owner.host && o.started === owner.started;
    if (removeGuarded(path, same)) {
      const lock = tryLock(path);
      if (lock) return { lock, displaced: owner };
    }
  }
  return { lock: acquireLock(path, what), displaced: null };
}
