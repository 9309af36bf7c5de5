/** `mast study STUDY.json --queue URL [--list]`: put a study's runs on a Redis queue for `mast worker`s, or show where they stand. */
import { enqueueStudy, queuedRunStates } from '../../src/study/queue/client.js';
import type { StudyRun } from '../../src/study/grid.js';
import type { CliIo } from '../io.js';

/** Enqueue the unfinished runs of a study (idempotent) and say what was added. */
export async function enqueueStudyRuns(
  io: CliIo,
  url: string,
  studyFile: string,
  runs: readonly StudyRun[],
): Promise<void> {
  const r = await enqueueStudy(url, studyFile, runs);
  const parts = [`${r.added} added`, `${r.alreadyQueued} already queued`, `${r.finished} already finished`];
  io.out(`${runs.length} runs on the queue at ${r.queue}: ${parts.join(', ')}`);
  if (r.added + r.alreadyQueued > 0)
    io.out(
      `train them with \`mast worker --queue ${url}\` on each machine (run directories on a shared file system, at the same path); follow with \`mast study ${studyFile} --queue ${url} --list\``,
    );
}

/** List each run's queue state, worker and steps, then the counts per state. */
export async function listQueuedRuns(io: CliIo, url: string, runs: readonly StudyRun[]): Promise<void> {
  const states = await queuedRunStates(url, runs);
  const counts = new Map<string, number>();
  for (const s of states) {
    counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
    const steps = s.progress !== null ? `${s.progress}/${s.steps}` : `${s.trained}/${s.steps}`;
    const by = s.worker ? ` (${s.state === 'active' ? 'training on' : 'by'} ${s.worker})` : '';
    const why = s.failedReason ? `: ${s.failedReason}` : '';
    io.out(`${s.dir}  ${steps}  ${s.state}${by}${why}`);
  }
  io.out(`${states.length} runs: ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`);
}
