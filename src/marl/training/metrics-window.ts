/**
 * What one metrics row averages: the training episodes, learner updates and topology updates since
 * the previous row. Checkpoints keep it, so a run stopped between two rows and resumed writes the
 * same next row as an uninterrupted run would (with the window lost, that row would average only the
 * episodes played after the resume).
 */
import type { ReturnKind } from '../../config/types.js';
import type { TrainStats } from '../learner/learner.js';

/** The window's running sums, as stored in a checkpoint (plain JSON numbers). */
export interface MetricsWindowState {
  episodes: number;
  returnSum: number;
  updates: number;
  lossSum: number;
  tdErrorAbsSum: number;
  qTakenSum: number;
  gradNormSum: number;
  /** Return kind of the latest update's targets. */
  targets: ReturnKind | null;
  topologyUpdates: number;
  topologySwaps: number;
}

/** The window's averages, as they go into a {@link MetricsRow}. */
export interface MetricsWindowSummary {
  trainReturn: number | null;
  loss: number | null;
  tdErrorAbs: number | null;
  qTaken: number | null;
  gradNorm: number | null;
  targets: ReturnKind | null;
  topologyUpdates: number;
  topologySwaps: number;
}

const empty = (): MetricsWindowState => ({
  episodes: 0,
  returnSum: 0,
  updates: 0,
  lossSum: 0,
  tdErrorAbsSum: 0,
  qTakenSum: 0,
  gradNormSum: 0,
  targets: null,
  topologyUpdates: 0,
  topologySwaps: 0,
});

/**
 * Running sums between two metrics rows. Sums are added in arrival order from 0, so a mean equals
 * the left-to-right mean of the same values and survives a checkpoint bit for bit.
 */
export class MetricsWindow {
  private s: MetricsWindowState = empty();

  /** A training episode ended with this return. */
  addEpisode(episodeReturn: number): void {
    this.s.episodes += 1;
    this.s.returnSum += episodeReturn;
  }

  /** The learner made an update. */
  addUpdate(stats: TrainStats): void {
    this.s.updates += 1;
    this.s.lossSum += stats.loss;
    this.s.tdErrorAbsSum += stats.tdErrorAbs;
    this.s.qTakenSum += stats.qTaken;
    this.s.gradNormSum += stats.gradNorm;
    this.s.targets = stats.returns;
  }

  /** A mask update moved `swapped` connections. */
  addTopologyUpdate(swapped: number): void {
    this.s.topologyUpdates += 1;
    this.s.topologySwaps += swapped;
  }

  /** Means over the window (null where nothing was counted). */
  summary(): MetricsWindowSummary {
    const s = this.s;
    const per = (sum: number, n: number): number | null => (n === 0 ? null : sum / n);
    return {
      trainReturn: per(s.returnSum, s.episodes),
      loss: per(s.lossSum, s.updates),
      tdErrorAbs: per(s.tdErrorAbsSum, s.updates),
      qTaken: per(s.qTakenSum, s.updates),
      gradNorm: per(s.gradNormSum, s.updates),
      targets: s.targets,
      topologyUpdates: s.topologyUpdates,
      topologySwaps: s.topologySwaps,
    };
  }

  /** Start the next row's window. */
  reset(): void {
    this.s = empty();
  }

  /** A copy of the sums, for a checkpoint. */
  getState(): MetricsWindowState {
    return { ...this.s };
  }

  /** Continue from a checkpoint's sums. */
  setState(state: MetricsWindowState): void {
    this.s = { ...empty(), ...state };
  }
}
