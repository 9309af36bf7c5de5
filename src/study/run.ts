/**
 * Running a study: every run of the grid that has not reached its steps is trained, resuming from its
 * last checkpoint, so a killed study continues where it stopped (losing at most one checkpoint
 * interval of each run it was in). Each run is claimed with its run directory's lock (`run.lock`,
 * see `util/lock.ts`), so several processes (one per core) can work through the same study side by
 * side; a lock whose process is gone is taken over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { lockOwner } from '../util/lock.js';
import { train, type RunSummaryFile } from '../marl/training/train.js';
import { readTensorFileMeta } from '../util/tensor-file.js';
import { runPaths, tryOpenRunDir } from '../run/run-dir.js';
import { writeRunPictures } from '../verify/run-report.js';
import { studyRuns, type StudyConfig, type StudyRun } from './grid.js';

/** Environment steps a run directory has trained (0 when it has no summary yet, or a damaged one). */
export function trainedSteps(dir: string): number {
  const p = runPaths(dir).summary;
  if (!existsSync(p)) return 0;
  try {
    const steps = (JSON.parse(readFileSync(p, 'utf8')) as RunSummaryFile).counters.tEnv;
    return Number.isFinite(steps) ? steps : 0;
  } catch {
    return 0; // resuming the run rewrites it
  }
}

/** How far a run has got, for listing. */
export interface RunStatus {
  /** Steps trained: the later of its summary's and its last checkpoint's (0 when it has neither). */
  steps: number;
  /** Whether `steps` reaches the run's target. */
  finished: boolean;
  /** Process id of a live process training it now, else null. */
  heldBy: number | null;
}

/**
 * The {@link RunStatus} of run `dir` with target `target` steps. A killed run has a checkpoint but
 * may have no summary, or a stale one from an earlier stop, so both are read (the checkpoint's header
 * only). A damaged checkpoint counts as none here; resuming the run reports it.
 */
export function runStatus(dir: string, target: number): RunStatus {
  const heldBy = lockOwner(runPaths(dir).lock)?.pid ?? null;
  let checkpointed = 0;
  const { checkpoint } = runPaths(dir);
  if (existsSync(checkpoint)) {
    try {
      checkpointed = (readTensorFileMeta(checkpoint) as { counters?: { tEnv?: number } }).counters?.tEnv ?? 0;
    } catch {
      checkpointed = 0;
    }
  }
  const steps = Math.max(trainedSteps(dir), Number.isFinite(checkpointed) ? checkpointed : 0);
  return { steps, finished: steps >= target, heldBy };
}

/** Options of {@link runStudy}. */
export interface StudyRunOptions {
  backend?: string;
  /** Stop between episodes (the current run checkpoints) when aborted. */
  signal?: AbortSignal;
  /** Called before each run that needs training: its index among those, their count, and whether it resumes. */
  onRun?: (run: StudyRun, index: number, count: number, resuming: boolean) => void;
  /** Called after each episode of the run in progress. */
  onEpisode?: (tEnv: number, steps: number) => void;
  /**
   * Called when a run this process trained ends: reached its steps, or stopped with a checkpoint;
   * `diverged` is its first blown-up test phase (see `RunSummaryFile.diverged`), or null.
   */
  onRunEnd?: (run: StudyRun, completed: boolean, diverged: { tEnv: number; loss: number } | null) => void;
}

/** What {@link runStudy} did. */
export interface StudyRunResult {
  runs: number;
  trained: number;
  alreadyDone: number;
  /** Runs left to other processes that held their locks. */
  heldElsewhere: number;
  /** False when aborted before every run finished. */
  completed: boolean;
}

/** Train every unfinished run of `study`. */
export async function runStudy(study: StudyConfig, options: StudyRunOptions = {}): Promise<StudyRunResult> {
  const runs = studyRuns(study);
  const todo = runs.filter((r) => trainedSteps(r.dir) < r.config.steps);
  const result: StudyRunResult = {
    runs: runs.length,
    trained: 0,
    alreadyDone: runs.length - todo.length,
    heldElsewhere: 0,
    completed: false,
  };
  for (const [i, run] of todo.entries()) {
    if (options.signal?.aborted) return result;
    if (trainedSteps(run.dir) >= run.config.steps) continue; // finished by another process meanwhile
    const lock = tryOpenRunDir(run.dir);
    if (!lock) {
      result.heldElsewhere += 1;
      continue;
    }
    try {
      const resuming = existsSync(runPaths(run.dir).checkpoint);
      options.onRun?.(run, i, todo.length, resuming);
      const summary = await train(run.config, {
        outDir: run.dir,
        resume: resuming,
        lock,
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onEpisode: (p) => options.onEpisode?.(p.tEnv, p.steps),
      });
      writeRunPictures(run.dir);
      options.onRunEnd?.(run, summary.completed, summary.diverged);
      if (!summary.completed) return result;
      result.trained += 1;
    } finally {
      lock.release();
    }
  }
  result.completed = result.heldElsewhere === 0;
  return result;
}
