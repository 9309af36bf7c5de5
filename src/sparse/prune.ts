/**
 * Gradual magnitude pruning (Zhu & Gupta, "To prune, or not to prune", 2017) on plain typed arrays:
 * the density schedule, and the mask that drops a layer's smallest weights.
 */
import { countActive, magnitudeMask } from './mask.js';

/**
 * The global density at environment step `t` when pruning from `startDensity` (1: dense) to
 * `finalDensity` by `tEnd`: D + (d₀ − D)·(1 − t/T_p)³, which prunes fastest at the start, while the
 * network has the most redundant weights, and slowest near the end; D from T_p on.
 */
export function gradualDensityAt(t: number, finalDensity: number, tEnd: number, startDensity = 1): number {
  if (!(finalDensity > 0 && finalDensity <= startDensity && startDensity <= 1)) {
    throw new RangeError(
      `gradualDensityAt: need 0 < final density ≤ start density ≤ 1, got ${finalDensity} and ${startDensity}`,
    );
  }
  if (t >= tEnd) return finalDensity;
  const left = 1 - Math.max(0, t) / tEnd;
  return finalDensity + (startDensity - finalDensity) * left ** 3;
}

/**
 * The mask keeping the `active` entries of largest |weight| among those `mask` keeps (ties: lower
 * index first), and the positions it drops. Never re-activates a pruned entry.
 */
export function pruneMask(
  mask: Uint8Array,
  weights: Float32Array,
  active: number,
): { mask: Uint8Array; dropped: Uint8Array } {
  if (weights.length !== mask.length)
    throw new RangeError(`pruneMask: mask has ${mask.length} entries but weights ${weights.length}`);
  const kept = countActive(mask);
  if (!Number.isInteger(active) || active < 0 || active > kept)
    throw new RangeError(`pruneMask: active must be an integer in [0, ${kept}], got ${active}`);
  const next = magnitudeMask(weights, active, mask);
  const dropped = mask.map((m, i) => m & (1 - (next[i] as number)));
  return { mask: next, dropped };
}
