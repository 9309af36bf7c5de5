/**
 * The study side of a queued study: put a study's runs on the queue (once each) and read back where
 * each stands. Workers (`./worker.ts`) take the runs from there.
 */
import { resolve } from 'node:path';
import type { Job } from 'bullmq';
import { runLabel, type StudyRun } from '../grid.js';
import { trainedSteps } from '../run.js';
import { openQueue } from './connection.js';
import { runJobId, type RunJobData, type RunJobProgress, type RunJobResult } from './jobs.js';

/** What {@link enqueueStudy} did with each run. */
export interface EnqueueResult {
  /** Runs put on the queue now. */
  added: number;
  /** Runs whose job was already there (waiting, training, delayed or failed): left as they are. */
  alreadyQueued: number;
  /** Runs whose directory has already trained its steps: not queued. */
  finished: number;
  /** Where the queue is, as people read it. */
  queue: string;
}

/**
 * Put every unfinished run of a study on the queue at `url`. Idempotent: a run already on the queue
 * (same directory, same config) is not added twice, whatever its state, and a finished run is not
 * added at all. Run directories are made absolute here, since workers elsewhere train them.
 * @param studyFile the study file, recorded in each job for people reading the queue
 */
export async function enqueueStudy(url: string, studyFile: string, runs: readonly StudyRun[]): Promise<EnqueueResult> {
  const { queue, address } = await openQueue(url);
  try {
    const result: EnqueueResult = { added: 0, alreadyQueued: 0, finished: 0, queue: `${address.host}:${address.port}` };
    for (const run of runs) {
      const dir = resolve(run.dir);
      if (trainedSteps(dir) >= run.config.steps) {
        result.finished += 1;
        continue;
      }
      const jobId = runJobId(dir, run.config);
      if (await queue.getJob(jobId)) {
        result.alreadyQueued += 1;
        continue;
      }
      const data: RunJobData = { study: resolve(studyFile), dir, label: runLabel(run), config: run.config };
      // kept once done or failed, so a second enqueue sees the run and `--list` can tell what happened
      await queue.add(runLabel(run), data, { jobId, removeOnComplete: false, removeOnFail: false });
      result.added += 1;
    }
    return result;
  } finally {
    await queue.close();
  }
}

/** Where a run of a queued study stands. */
export interface QueuedRunState {
  dir: string;
  label: string;
  /** `not queued`, or the job's BullMQ state: `waiting`, `active`, `delayed`, `completed`, `failed`, … */
  state: string;
  /** Steps the run directory has trained (its summary), whatever the queue says. */
  trained: number;
  steps: number;
  /** The worker training it (active) or that finished it (completed), when known. */
  worker: string | null;
  /** Steps reported by the worker training it now. */
  progress: number | null;
  /** Why the job failed, first line. */
  failedReason: string | null;
}

/** The state of every run of a study on the queue at `url`. */
export async function queuedRunStates(url: string, runs: readonly StudyRun[]): Promise<QueuedRunState[]> {
  const { queue } = await openQueue(url);
  try {
    const states: QueuedRunState[] = [];
    for (const run of runs) {
      const dir = resolve(run.dir);
      const job = (await queue.getJob(runJobId(dir, run.config))) as Job<RunJobData, RunJobResult> | undefined;
      const state = job ? await job.getState() : 'not queued';
      const progress = job && typeof job.progress === 'object' ? (job.progress as unknown as RunJobProgress) : null;
      states.push({
        dir: run.dir,
        label: runLabel(run),
        state,
        trained: trainedSteps(dir),
        steps: run.config.steps,
        worker:
          state === 'completed'
            ? (job?.returnvalue?.worker ?? null)
            : state === 'active'
              ? (progress?.worker ?? null)
              : null,
        progress: state === 'active' && progress ? progress.tEnv : null,
        failedReason: job?.failedReason ? (job.failedReason.split('\n')[0] ?? null) : null,
      });
    }
    return states;
  } finally {
    await queue.close();
  }
}
