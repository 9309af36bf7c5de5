/** Metrics of a run: one JSONL row per test phase, appended as training goes and trimmed on resume. */
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import { writeFileAtomic } from '@mast-toolkit/runtime/internal/util/atomic';

/** One row of `metrics.jsonl`. */
export interface MetricsRow {
  /** Environment steps so far. */
  tEnv: number;
  episodes: number;
  updates: number;
  epsilon: number;
  /** Wall-clock seconds since this process started training (not part of the deterministic record). */
  elapsedSec: number;
  /**
   * Mean return of training (exploring) episodes since the previous row; null when none ended in
   * between (the first row). A resumed run counts the episodes played before its checkpoint too.
   */
  trainReturn: number | null;
  /** Mean TD loss of updates since the previous row (null before the first update). */
  loss: number | null;
  tdErrorAbs: number | null;
  qTaken: number | null;
  gradNorm: number | null;
  /** Greedy test episodes: mean and standard deviation of return, and win rate (null without wins). */
  testReturn: number;
  testReturnStd: number;
  testWinRate: number | null;
  /** Global density of the masked weights, agent and mixer (1 when dense). */
  globalDensity: number;
  /** Density of each weight matrix (`store/param`). */
  layerDensity: Record<string, number>;
  /**
   * Fraction of the masked weights active at some point of the run so far (in-time
   * over-parameterisation's exploration rate: the density for a fixed mask, 1 when dense); absent in
   * rows from before 2026-12-01.
   */
  exploredFraction?: number;
  /** The same per weight matrix (`store/param`). */
  layerExplored?: Record<string, number>;
  /** Training FLOPs of the run so far over the dense reference's (see `flop-meter.ts`). */
  trainFlopsRatio: number;
  /** Agent-network inference FLOPs of the run so far over the dense reference's. */
  inferenceFlopsRatio: number;
  /** Connections moved by topology updates since the previous row. */
  topologySwaps: number;
  /** Mask updates since the previous row. */
  topologyUpdates: number;
  /** Return kind of the latest update's targets (one-step before the hybrid switch). */
  targets: string | null;
}

/**
 * A mean TD loss above this counts as training blown up (`summary.json`'s `diverged`, a warning from
 * `mast train`): a squared TD error of 10⁶ means Q-values off by about 10³, far beyond the returns of
 * every environment here (the largest, SMAClite's, are about 20), so the values no longer track returns.
 */
export const DIVERGED_LOSS = 1e6;

/**
 * Seconds a run trained up to its last row: each row's clock counts from its session's start, so a
 * clock that goes back marks a resume, and the sessions' last clocks add up.
 */
export function trainedSeconds(rows: readonly MetricsRow[]): number {
  let [total, last] = [0, 0];
  for (const r of rows) {
    if (r.elapsedSec < last) total += last; // a new session began
    last = r.elapsedSec;
  }
  return total + last;
}

/** Whether a row's mean loss says training blew up (non-finite, or above {@link DIVERGED_LOSS}). */
export function divergedLoss(loss: number | null): boolean {
  return loss !== null && !(Math.abs(loss) <= DIVERGED_LOSS);
}

/** Append one row. */
export function appendMetrics(path: string, row: MetricsRow): void {
  appendFileSync(path, `${JSON.stringify(row)}\n`);
}

/** Every row of a metrics file (empty when it does not exist); a torn last line is ignored. */
export function readMetrics(path: string): MetricsRow[] {
  if (!existsSync(path)) return [];
  const rows: MetricsRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line) as MetricsRow);
    } catch {
      break; // a line cut by a crash: everything after it is unreliable
    }
  }
  return rows;
}

/** Keep only rows up to `tEnv` (the checkpoint being resumed), rewriting the file atomically. */
export function truncateMetrics(path: string, tEnv: number): void {
  const kept = readMetrics(path).filter((r) => r.tEnv <= tEnv);
  writeFileAtomic(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
