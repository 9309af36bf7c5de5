/**
 * Training and inference FLOPs of a run, counted the way the sparse-training literature does (RigL,
 * MAST) and accumulated as the run goes, so the ratios cover the whole run so far.
 *
 * A weight matrix used on one row costs 2·nnz FLOPs (2·size when dense); biases and activations are
 * small and left out of both sides. With f the forward cost of a batch (agent network on every agent
 * step B·(T+1)·N, mixer on every transition B·T):
 *   update          = online forward f + backward 2f + target forward f = 4·f_S
 *   RigL grow step  = 3·f_S + f_D      (the weight gradient is taken dense, the rest stays sparse)
 *   dense reference = 4·f_D            (the configured architecture with every weight, so `tiny` is
 *                                        measured against the full-width network too)
 * so over ΔT updates with one grow step the average is ((ΔT − 1)·4f_S + 3f_S + f_D)/ΔT, MAST's formula
 * with the target forward included. RES evaluates the target mixer on N·A joint-action variants per
 * transition (`targetMixerPasses`); WQMIX's central critic counts with the mixer. Inference: the
 * agent network forward, 2·nnz(agent) per agent per environment step, vs 2·size(agent).
 */

/** Weights used per row by each network: active now, and in the dense reference architecture. */
export interface NetworkWeights {
  agentActive: number;
  mixerActive: number;
  agentDense: number;
  mixerDense: number;
}

/** Running FLOP totals (saved in checkpoints). */
export interface FlopTotals {
  train: number;
  trainDense: number;
  inference: number;
  inferenceDense: number;
}

/** Zero totals. */
export function emptyFlopTotals(): FlopTotals {
  return { train: 0, trainDense: 0, inference: 0, inferenceDense: 0 };
}

/**
 * Add one learner update over `agentRows` agent steps and `mixerRows` transitions.
 * @param targetMixerPasses target-mixer evaluations per transition (1; N·A for RES).
 */
export function addUpdateFlops(
  totals: FlopTotals,
  w: NetworkWeights,
  agentRows: number,
  mixerRows: number,
  denseGradient: boolean,
  targetMixerPasses = 1,
): void {
  const cost = (rows: number, weights: number): number => 2 * rows * weights;
  const [agentS, agentD] = [cost(agentRows, w.agentActive), cost(agentRows, w.agentDense)];
  const [mixerS, mixerD] = [cost(mixerRows, w.mixerActive), cost(mixerRows, w.mixerDense)];
  // online forward + backward (2×) + target forward(s); a grow step takes the weight gradient dense
  const update = (fS: number, fD: number, targetPasses: number): number =>
    (denseGradient ? 2 * fS + fD : 3 * fS) + targetPasses * fS;
  totals.train += update(agentS, agentD, 1) + update(mixerS, mixerD, targetMixerPasses);
  totals.trainDense += (3 + 1) * agentD + (3 + targetMixerPasses) * mixerD;
}

/** Add the agent-network forward passes of `agentSteps` decisions (agents × environment steps). */
export function addInferenceFlops(totals: FlopTotals, w: NetworkWeights, agentSteps: number): void {
  totals.inference += 2 * agentSteps * w.agentActive;
  totals.inferenceDense += 2 * agentSteps * w.agentDense;
}

/** Sparse / dense ratios so far (1 before anything was counted). */
export function flopRatios(t: FlopTotals): { train: number; inference: number } {
  return {
    train: t.trainDense > 0 ? t.train / t.trainDense : 1,
    inference: t.inferenceDense > 0 ? t.inference / t.inferenceDense : 1,
  };
}
