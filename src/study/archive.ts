/**
 * A study's results without its checkpoints. Each finished run's settings, summary and metrics
 * (`config.json`, `summary.json`, `metrics.jsonl`: tens of kilobytes, where the checkpoint with its
 * replay buffer can be hundreds of megabytes) are copied into another directory in the study's own
 * layout, to keep in version control or carry to another machine. Copied back into a study's
 * directory, they count there as finished runs of the same settings (the config hash): `mast study`
 * skips them and `mast report` tabulates and draws them. The snapshots are left out, so the report's
 * parameter count is blank for such runs, and a run is exported from its own directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { ensureDir } from '@mast-toolkit/runtime/internal/util/dirs';
import { runPaths } from '../run/run-dir.js';
import { trainedSteps } from './run.js';
import type { StudyConfig, StudyRun } from './grid.js';

/** What {@link archiveStudy} copied. */
export interface ArchiveResult {
  /** The archived runs' directories in the archive. */
  archived: string[];
  /** Of those, the ones whose files were already there, byte for byte. */
  unchanged: number;
  /** Runs of the selection that have not finished, left out. */
  unfinished: number;
}

/** The files of a run directory an archive keeps. */
function archivedFiles(dir: string): string[] {
  const { config, summary, metrics } = runPaths(dir);
  return [config, summary, metrics];
}

/**
 * Copy every finished run of `runs` (a selection of `study`'s grid) into `to`, at the same path
 * relative to `to` as the run has relative to the study's directory. Each file is written
 * atomically, so an interrupted archive leaves whole files; unfinished runs are left out.
 */
export function archiveStudy(study: StudyConfig, runs: readonly StudyRun[], to: string): ArchiveResult {
  const result: ArchiveResult = { archived: [], unchanged: 0, unfinished: 0 };
  for (const run of runs) {
    if (trainedSteps(run.dir) < run.config.steps) {
      result.unfinished += 1;
      continue;
    }
    const target = join(to, relative(study.dir, run.dir));
    ensureDir(target);
    let same = true;
    for (const file of archivedFiles(run.dir)) {
      const copy = join(target, relative(run.dir, file));
      const bytes = readFileSync(file);
      if (existsSync(copy) && bytes.equals(readFileSync(copy))) continue; // already there, byte for byte
      same = false;
      writeFileAtomic(copy, bytes);
    }
    if (same) result.unchanged += 1;
    result.archived.push(target);
  }
  return result;
}
