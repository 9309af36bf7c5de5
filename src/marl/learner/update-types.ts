/**
 * What a learner update takes besides its batch and hands back: the run's progress, its statistics
 * and RigL's dense gradients (shared by the tfjs/kernels update in `learner.ts` and the array update).
 */
import type { ReturnKind } from '../../config/types.js';

/** Statistics of one learner update. */
export interface TrainStats {
  loss: number;
  /** Mean |TD error| over filled steps. */
  tdErrorAbs: number;
  /** Mean Q_tot of the taken joint actions. */
  qTaken: number;
  /** Mean target y. */
  targetMean: number;
  /** Gradient norm before clipping. */
  gradNorm: number;
  /** The return the targets were built from (one-step before the hybrid switch). */
  returns: ReturnKind;
}

/** Where in the run an update happens, and what it should hand back. */
export interface UpdateContext {
  /** Environment steps so far (drives the hybrid TD(λ) switch). */
  tEnv: number;
  /** Also return the dense gradient of every maskable weight (RigL's grow score). */
  denseGrads?: boolean;
}

/** A learner update's statistics and, when asked, the dense gradients keyed `store/param`. */
export interface UpdateResult {
  stats: TrainStats;
  denseGrads: Record<string, Float32Array> | null;
}
