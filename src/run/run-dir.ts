/**
 * The layout of a run directory, shared by training, export, evaluation and studies; opening one for
 * writing (its lock taken: one writer at a time; the leftovers of interrupted writes cleared); and
 * reading the config it was trained with. No tfjs: commands that only look at a run stay light.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../config/types.js';
import { parseConfig } from '../config/validate.js';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { removeStaleTemps } from '@mast-toolkit/runtime/internal/util/atomic';
import { ensureDir } from '@mast-toolkit/runtime/internal/util/dirs';
import { acquireLock, acquireLockFromOtherHost, tryLock, type FileLock, type LockOwner } from '../util/lock.js';

/** Files of a run directory. */
export interface RunPaths {
  dir: string;
  /** The validated training config (JSON). */
  config: string;
  /** Full trainer state: networks, masks, optimizer, replay, counters, RNG streams. */
  checkpoint: string;
  /** The latest agent network as a framework-neutral snapshot: the hand-off to export. */
  snapshot: string;
  /** The latest mixing network, likewise (for `mast export --with-mixer`). */
  mixerSnapshot: string;
  /** One JSON object per evaluation (JSONL). */
  metrics: string;
  /** Learning curve (SVG). */
  curves: string;
  /** Density per layer (SVG). */
  sparsity: string;
  /** Final summary (JSON). */
  summary: string;
  /** Lock file of the process writing the run (pid, host, start time); absent when none is. */
  lock: string;
}

/** Paths of the files in run directory `dir`. */
export function runPaths(dir: string): RunPaths {
  return {
    dir,
    config: join(dir, 'config.json'),
    checkpoint: join(dir, 'checkpoint.mast'),
    snapshot: join(dir, 'agent.snapshot'),
    mixerSnapshot: join(dir, 'mixer.snapshot'),
    metrics: join(dir, 'metrics.jsonl'),
    curves: join(dir, 'learning-curve.svg'),
    sparsity: join(dir, 'sparsity.svg'),
    summary: join(dir, 'summary.json'),
    lock: join(dir, 'run.lock'),
  };
}

/**
 * Open run directory `dir` for writing: create it, take its lock, and delete the temporary files
 * of atomic writes that a killed process left there.
 * @throws ToolkitError `E_LOCKED` when another live process has it open, `E_IO` when it cannot be made.
 */
export function openRunDir(dir: string): FileLock {
  ensureDir(dir);
  const lock = acquireLock(runPaths(dir).lock, `run directory ${dir}`);
  removeStaleTemps(dir);
  return lock;
}

/**
 * {@link openRunDir} for a study queue's worker, which the queue has given the run: a lock left by a
 * process on another host (a lost worker, whose job the queue moved here) is taken over and named
 * in `displaced`; one held by a live process on this host still refuses (`E_LOCKED`).
 */
export function takeOverRunDir(dir: string): { lock: FileLock; displaced: LockOwner | null } {
  ensureDir(dir);
  const taken = acquireLockFromOtherHost(runPaths(dir).lock, `run directory ${dir}`);
  removeStaleTemps(dir);
  return taken;
}

/** Like {@link openRunDir}, but null when another live process has the directory open. */
export function tryOpenRunDir(dir: string): FileLock | null {
  ensureDir(dir);
  const lock = tryLock(runPaths(dir).lock);
  if (lock) removeStaleTemps(dir);
  return lock;
}

/**
 * The config of the run in `paths.dir` as its `config.json` records it, or null when it has none.
 * @throws CheckpointError when the file cannot be read or parsed.
 */
export function savedRunConfig(paths: RunPaths): TrainConfig | null {
  if (!existsSync(paths.config)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(paths.config, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`${paths.config} cannot be read: ${(err as Error).message}`, {
      hint: 'the run directory is damaged: restore config.json from a copy, or start a new run in another directory',
      cause: err,
    });
  }
  try {
    return parseConfig(raw, paths.config);
  } catch (err) {
    throw new CheckpointError(`${paths.config} is not a valid config: ${(err as Error).message.split('\n')[0]}`, {
      hint: 'the run directory is damaged or from another toolkit version: restore config.json, or start a new run in another directory',
      cause: err,
    });
  }
}
