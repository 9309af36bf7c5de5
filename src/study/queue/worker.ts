/**
 * A study worker: takes runs off the queue one at a time and trains each in its (shared) run
 * directory, going on from the run's last checkpoint when there is one.
 *
 * Failure handling is BullMQ's stalled-job mechanism, tuned to training's long jobs: the worker holds
 * a lock on its job and renews it every `lockDuration / 2` (training yields to the event loop every
 * 50 ms, so renewals are on time); a worker that dies (SIGKILL, machine lost) stops renewing, and
 * after `lockDuration` the stalled check of any live worker (every `lockDuration / 2`) puts the job
 * back on the queue, where the next worker to take it resumes the run from its checkpoint. Resuming
 * is exact (same seed ⇒ same run), so a run interrupted this way ends with the metrics of an
 * undisturbed one. A worker stopped by Ctrl-C checkpoints and puts its job back itself, at once.
 */
import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { WaitingError, Worker, type Job, type Queue } from 'bullmq';
import { train } from '../../marl/training/train.js';
import { runPaths, takeOverRunDir } from '../../run/run-dir.js';
import type { LockOwner } from '../../util/lock.js';
import { writeRunPictures } from '../../verify/run-report.js';
import { trainedSteps } from '../run.js';
import { connectionOptions, openQueue } from './connection.js';
import { parseQueueUrl, QUEUE_NAME, type RunJobData, type RunJobProgress, type RunJobResult } from './jobs.js';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** How this worker names itself in the queue and in results (default `host:pid`). */
  name?: string;
  backend?: string;
  /**
   * Milliseconds a job's lock lasts without renewal: how long a dead worker's run waits before
   * another worker takes it over (plus up to half of it for the stalled check). Default 120 s.
   */
  lockDurationMs?: number;
  /** How many times a run may be taken over from a dead worker before its job fails (default 10). */
  maxStalledCount?: number;
  /** Stop once the queue holds nothing waiting, delayed or in training (default: run until aborted). */
  exitWhenEmpty?: boolean;
  /** Stop: the run in training checkpoints and goes back on the queue. */
  signal?: AbortSignal;
  /** The worker is connected and waits for runs. */
  onReady?: (name: string) => void;
  /** A run was taken: whether it goes on from a checkpoint. */
  onRunStart?: (data: RunJobData, resuming: boolean) => void;
  /** The run directory's lock was taken from a process on another host (a lost worker). */
  onLockTakenOver?: (data: RunJobData, from: LockOwner) => void;
  /** The run in training played an episode. */
  onEpisode?: (tEnv: number, steps: number) => void;
  /** A run this worker trained ended: finished, or stopped and put back on the queue. */
  onRunEnd?: (data: RunJobData, finished: boolean) => void;
}

/** What a worker did before it stopped. */
export interface WorkerSummary {
  name: string;
  /** Runs this worker finished. */
  finished: number;
  /** Runs it stopped and put back on the queue (interrupted). */
  returned: number;
  /** Runs whose training failed here (their jobs are failed; `--list` shows why). */
  failed: number;
}

/** Default lock duration: far above any pause of a training loop that yields every 50 ms. */
export const DEFAULT_LOCK_DURATION_MS = 120_000;
/** How often a worker reports progress to the queue. */
const PROGRESS_INTERVAL_MS = 2_000;
/** How often an idle worker with `exitWhenEmpty` looks whether the queue has emptied. */
const EMPTY_POLL_MS = 500;

/** Take runs from the queue at `url` until aborted (or, with `exitWhenEmpty`, until none is left). */
export async function runWorker(url: string, options: WorkerOptions = {}): Promise<WorkerSummary> {
  const address = parseQueueUrl(url);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const summary: WorkerSummary = { name, finished: 0, returned: 0, failed: 0 };
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();

  const trainRun = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const { dir, config } = job.data;
    const started = performance.now();
    const resumed = existsSync(runPaths(dir).checkpoint);
    const result = (steps: number, finalReturn: number | null): RunJobResult => ({
      dir,
      worker: name,
      steps,
      resumed,
      finalReturn,
      elapsedSec: (performance.now() - started) / 1000,
    });
    const already = trainedSteps(dir); // reads summary.json
    if (already >= config.steps) return result(already, null); // finished before it was taken
    const { lock, displaced } = takeOverRunDir(dir); // the queue gave us the run: a lost worker's lock is stale
    if (displaced) options.onLockTakenOver?.(job.data, displaced);
    options.onRunStart?.(job.data, resumed);
    let reported = 0;
    let trained: Awaited<ReturnType<typeof train>>;
    try {
      trained = await train(config, {
        outDir: dir,
        resume: resumed,
        lock,
        ...(options.backend ? { backend: options.backend } : {}),
        signal: stop.signal,
        onEpisode: (p) => {
          options.onEpisode?.(p.tEnv, p.steps);
          if (performance.now() - reported < PROGRESS_INTERVAL_MS) return;
          reported = performance.now();
          const progress: RunJobProgress = { worker: name, tEnv: p.tEnv, steps: p.steps };
          job.updateProgress(progress as unknown as object).catch(() => undefined); // progress is best effort
        },
      });
    } finally {
      lock.release();
    }
    if (!trained.completed) {
      // interrupted: the checkpoint is written; hand the run back for any worker to go on with
      options.onRunEnd?.(job.data, false);
      summary.returned += 1;
      await job.moveToWait(token);
      throw new WaitingError();
    }
    writeRunPictures(dir);
    options.onRunEnd?.(job.data, true);
    summary.finished += 1;
    return result(trained.counters.tEnv, trained.last?.testReturn ?? null);
  };

  // the counting queue opens first: an unreachable Redis is an error here, before the worker exists
  const { queue: counts } = await openQueue(url);
  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, trainRun, {
    connection: connectionOptions(address, true, { opened: true }),
    name,
    concurrency: 1, // one run at a time: training uses the process's cores
    lockDuration,
    stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
    maxStalledCount: options.maxStalledCount ?? 10,
    autorun: false,
  });
  worker.on('failed', (_job, err) => {
    if (!(err instanceof WaitingError)) summary.failed += 1;
  });
  worker.on('error', () => undefined); // a lost connection: ioredis reconnects, and the job locks tell the rest
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const running = worker.run();
    options.onReady?.(name);
    const emptyWatch = options.exitWhenEmpty ? watchEmpty(counts, stop) : null;
    await new Promise<void>((resolve) =>
      stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    emptyWatch?.cancel();
    await worker.close(); // waits for the run in training, which the abort has stopped at a checkpoint
    await running;
    return summary;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all([worker.close(true).catch(() => undefined), counts.close().catch(() => undefined)]);
  }
}

/** Abort `stop` once the queue holds no job that is waiting, delayed or in training. */
function watchEmpty(queue: Queue, stop: AbortController): { cancel: () => void } {
  const timer = setInterval(() => {
    queue
      .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children')
      .then((c) => {
        if (Object.values(c).every((n) => n === 0)) stop.abort();
      })
      .catch(() => undefined);
  }, EMPTY_POLL_MS);
  return { cancel: () => clearInterval(timer) };
}
