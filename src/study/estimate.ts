/**
 * How long the unfinished runs of a study will take, read off the pace of its finished ones: a
 * finished run's pace is its training wall time (summed over its sessions, `trainedSeconds`) per
 * environment step. An unfinished run's remaining steps take the median pace of the finished runs
 * of its environment, learner, mode and density; failing those, of its environment, learner and
 * mode. With neither it is left unestimated: a dense run's pace says little about a sparse one's.
 * Paces carry the load their runs were trained under (a study run two at a time on two cores is
 * slower per run), so the estimate is for training on as before.
 */
import { readMetrics, trainedSeconds } from '../marl/training/metrics.js';
import { runPaths } from '../run/run-dir.js';
import { median } from '../util/stats.js';
import type { StudyRun } from './grid.js';

/** A study run and how far it has got. */
export interface RunProgress {
  run: StudyRun;
  /** Steps trained (its last checkpoint's or summary's). */
  steps: number;
  finished: boolean;
}

/** The estimate for a study's unfinished runs. */
export interface StudyEstimate {
  /** Seconds of training the estimated runs need, one process at a time. */
  seconds: number;
  /** Unfinished runs estimated, and those with no finished run like them. */
  estimated: number;
  unestimated: number;
}

/** Seconds per environment step of a finished run (null without test rows past step 0). */
function pace(run: StudyRun): number | null {
  const rows = readMetrics(runPaths(run.dir).metrics);
  const steps = rows.at(-1)?.tEnv ?? 0;
  return steps > 0 ? trainedSeconds(rows) / steps : null;
}

/** See the file header. */
export function estimateRemaining(progress: readonly RunProgress[]): StudyEstimate {
  const byKey = new Map<string, number[]>();
  const add = (key: string, p: number): void => {
    const paces = byKey.get(key);
    if (paces) paces.push(p);
    else byKey.set(key, [p]);
  };
  const keys = (r: StudyRun): [string, string] => {
    const mode = `${r.env}|${r.alg}|${r.mode}`;
    return [`${mode}|${r.density}`, mode];
  };
  for (const { run, finished } of progress) {
    if (!finished) continue;
    const p = pace(run);
    if (p !== null) for (const key of keys(run)) add(key, p);
  }
  const estimate: StudyEstimate = { seconds: 0, estimated: 0, unestimated: 0 };
  for (const { run, steps, finished } of progress) {
    if (finished) continue;
    const [exact, mode] = keys(run);
    const paces = byKey.get(exact) ?? byKey.get(mode);
    if (!paces) {
      estimate.unestimated += 1;
      continue;
    }
    estimate.seconds += median(paces) * Math.max(0, run.config.steps - steps);
    estimate.estimated += 1;
  }
  return estimate;
}
