/** Which Python bridge processes this test process has left running (tests assert there are none). */
import { execFileSync } from 'node:child_process';

/** The child processes of this test process running the bridge script, as `pid args` lines. */
export function bridgeChildren(): string[] {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('mast_env_bridge'));
}
