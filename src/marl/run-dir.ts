/** The layout of a run directory, shared by training, export and evaluation. */
import { join } from 'node:path';

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
  };
}
