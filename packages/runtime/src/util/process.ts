/** Whether another process is alive: what the lock files and the temporary-file cleanup ask. */

/** True when a process with id `pid` exists on this host (one we may not signal counts as alive). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
