/**
 * Running a study: every run of the grid that has not reached its steps is trained, resuming from its
 * last checkpoint, so a killed study continues where it stopped (losing at most one checkpoint
 * interval of each run it was in).
 */
import { existsSync, readFileSync } from 'node:fs';
import { train, type RunSummaryFile } from '../marl/train.js';
import { runPaths } from '../marl/run-dir.js';
import { writeRunPictures } from '../verify/run-report.js';
import { studyRuns, type StudyConfig, type StudyRun } from './grid.js';

/** Environment steps a run directory has trained (0 when it has no summary yet). */
export function trainedSteps(dir: string): number {
  const p = runPaths(dir).summary;
  if (!existsSync(p)) return 0;
  return (JSON.parse(readFileSync(p, 'utf8')) as RunSummaryFile).counters.tEnv;
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
}

/** What {@link runStudy} did. */
export interface StudyRunResult {
  runs: number;
  trained: number;
  alreadyDone: number;
  /** False when aborted before every run finished. */
  completed: boolean;
}

/** Train every unfinished run of `study`. */
export async function runStudy(study: StudyConfig, options: StudyRunOptions = {}): Promise<StudyRunResult> {
  const runs = studyRuns(study);
  const todo = runs.filter((r) => trainedSteps(r.dir) < r.config.steps);
  for (const [i, run] of todo.entries()) {
    if (options.signal?.aborted) return { runs: runs.length, trained: i, alreadyDone: runs.length - todo.length, completed: false };
    const resuming = existsSync(runPaths(run.dir).checkpoint);
    options.onRun?.(run, i, todo.length, resuming);
    const summary = await train(run.config, {
      outDir: run.dir,
      resume: resuming,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onEpisode: (p) => options.onEpisode?.(p.tEnv, p.steps),
    });
    writeRunPictures(run.dir);
    if (!summary.completed) return { runs: runs.length, trained: i, alreadyDone: runs.length - todo.length, completed: false };
  }
  return { runs: runs.length, trained: todo.length, alreadyDone: runs.length - todo.length, completed: true };
}
