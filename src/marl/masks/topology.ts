/**
 * Topology evolution of a learner's masks: the tfjs side of `src/sparse/topology.ts`. Each mode only
 * chooses the grow score (SET: random, RigL/RLx2/MAST: |dense gradient|; `topology.grow` can choose
 * the other); the drop score is |w| for all. Dropped weights are zeroed by the new mask, grown ones
 * are already zero (they were pruned), and the optimizer's moments at both are reset so a regrown
 * weight starts fresh. Gradual magnitude pruning (`src/sparse/prune.ts`) changes the masks here too,
 * dropping without growing.
 */
import type { DensityDistribution, GrowChoice, GrowRule, SparsityMode } from '../../config/types.js';
import { MODE_GROW_RULES } from '../../config/learners.js';
import type { Rng } from '../../util/rng.js';
import { allocateDensities } from '../../sparse/density.js';
import { countActive } from '../../sparse/mask.js';
import { pruneMask } from '../../sparse/prune.js';
import { magnitudeScore, updateMask } from '../../sparse/topology.js';
import { maskableLayers } from './masks.js';
import type { Optimizer } from '../learner/optimizer.js';
import type { ParamStore } from '../nets/params.js';

/**
 * The grow rule a run's topology updates use: `topology.grow`, or with `mode` the sparsity mode's
 * own; null for the modes whose masks never change.
 */
export function growRule(mode: SparsityMode, choice: GrowChoice = 'mode'): GrowRule | null {
  const own = MODE_GROW_RULES[mode];
  return own === null || choice === 'mode' ? own : choice;
}

/** What one topology update did. */
export interface TopologyReport {
  /** Connections moved, over all tensors. */
  swapped: number;
  /** Connections moved per tensor (`store/param`). */
  perLayer: Record<string, number>;
}

/**
 * Sum `grads` into `sum` tensor by tensor (a fresh copy when `sum` is null): the gradient rule's grow
 * score over several updates (`topology.gradientUpdates`).
 */
export function addGradients(
  sum: Record<string, Float32Array> | null,
  grads: Record<string, Float32Array>,
): Record<string, Float32Array> {
  if (sum === null) return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Float32Array.from(g)]));
  for (const [key, g] of Object.entries(grads)) {
    const into = sum[key];
    if (!into || into.length !== g.length)
      throw new RangeError(`addGradients: '${key}' has ${g.length} entries but the sum has ${into?.length ?? 'none'}`);
    for (let i = 0; i < g.length; i++) into[i]! += g[i]!;
  }
  return sum;
}

/**
 * Move round(fraction · active) connections of every masked weight matrix in `stores`.
 * @param denseGrads `store/param` → ∂L/∂W over the full matrix (required for the gradient rule).
 * @param rng source of SET's random grow scores.
 */
export function evolveTopology(
  stores: Record<string, ParamStore>,
  optimizer: Optimizer,
  rule: GrowRule,
  fraction: number,
  denseGrads: Record<string, Float32Array> | null,
  rng: Rng,
): TopologyReport {
  const report: TopologyReport = { swapped: 0, perLayer: {} };
  for (const [prefix, store] of Object.entries(stores)) {
    for (const param of store.maskableNames()) {
      const mask = store.mask(param);
      if (!mask) continue;
      const key = `${prefix}/${param}`;
      const active = countActive(mask);
      const weights = store.get(param).dataSync() as Float32Array;
      let growScore: Float32Array;
      if (rule === 'gradient') {
        const g = denseGrads?.[key];
        if (!g)
          throw new RangeError(
            `evolveTopology: no dense gradient for '${key}' (the gradient grow rule needs one per masked tensor)`,
          );
        growScore = magnitudeScore(g);
      } else {
        growScore = Float32Array.from({ length: mask.length }, () => rng.next());
      }
      const update = updateMask(mask, magnitudeScore(weights), growScore, Math.round(fraction * active));
      report.perLayer[key] = update.swapped;
      report.swapped += update.swapped;
      if (update.swapped === 0) continue;
      store.setMask(param, update.mask);
      const touched = update.grown.map((g, i) => g | (update.dropped[i] as number));
      optimizer.resetMoments(key, touched);
    }
  }
  return report;
}

/**
 * One step of gradual magnitude pruning: bring every masked weight matrix in `stores` down to its
 * share of the global `density` by dropping its smallest active |w| (a layer already at or below its
 * share is left alone). Dropped weights are zeroed by the new mask and their optimizer moments reset.
 * @returns the weights dropped, over all tensors.
 */
export function pruneToDensity(
  stores: Record<string, ParamStore>,
  optimizer: Optimizer,
  density: number,
  distribution: DensityDistribution,
): number {
  const layers = maskableLayers(stores);
  const plan = allocateDensities(layers, density, distribution);
  let dropped = 0;
  for (const { name, store, param } of layers) {
    const mask = store.mask(param);
    if (!mask) continue;
    const active = countActive(mask);
    const target = Math.min(active, plan[name]!.active);
    if (target === active) continue;
    const pruned = pruneMask(mask, store.get(param).dataSync() as Float32Array, target);
    store.setMask(param, pruned.mask);
    optimizer.resetMoments(name, pruned.dropped);
    dropped += active - target;
  }
  return dropped;
}

/** Zero the optimizer's moments wherever a mask of `stores` is 0 (weights just pruned from a trained network). */
export function resetPrunedMoments(stores: Record<string, ParamStore>, optimizer: Optimizer): void {
  for (const { name, store, param } of maskableLayers(stores)) {
    const mask = store.mask(param);
    if (mask && mask.includes(0))
      optimizer.resetMoments(
        name,
        mask.map((m) => 1 - m),
      );
  }
}
