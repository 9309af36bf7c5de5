/**
 * Extra `mast study` processes for `--jobs N`: N − 1 workers run the same study beside the calling
 * process, and the study's run locks keep them off each other's runs. A worker draws no progress bar;
 * it reports one line when it starts and one when it finishes each run, prefixed with its job number.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The compiled CLI entry the workers run. */
const CLI_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Workers started for one study. */
export interface StudyWorkers {
  /** Forward an interrupt: each worker checkpoints its run and stops. */
  interrupt(): void;
  /** Resolves when every worker has exited; the count of workers that failed. */
  finished(): Promise<number>;
}

/**
 * Start `count` worker processes on `studyFile`.
 * @param args options each worker gets beside its label (backend, part of the grid)
 * @param write where the workers' lines go (stdout and stderr alike), already prefixed
 */
export function startStudyWorkers(
  studyFile: string,
  args: readonly string[],
  count: number,
  write: (line: string) => void,
): StudyWorkers {
  const children: ChildProcess[] = [];
  let interrupted = false;
  const exits: Promise<boolean>[] = [];
  for (let k = 0; k < count; k++) {
    const label = `job ${k + 2}`; // the calling process is job 1
    const child = spawn(process.execPath, [CLI_MAIN, 'study', studyFile, ...args, '--worker', label], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream! }).on('line', (line) => write(`[${label}] ${line}`));
    // 130: the worker stopped on the interrupt forwarded to it, with its run checkpointed
    exits.push(
      new Promise((resolve) => child.on('close', (code) => resolve(code === 0 || (code === 130 && interrupted)))),
    );
    child.on('error', (e) => write(`[${label}] could not start: ${e.message}`));
    children.push(child);
  }
  return {
    interrupt: () => {
      interrupted = true;
      children.forEach((c) => c.exitCode === null && c.kill('SIGINT'));
    },
    finished: async () => (await Promise.all(exits)).filter((ok) => !ok).length,
  };
}
