/**
 * Putting masks on the learner's weight matrices at the start of training. The layer densities come
 * from `src/sparse/` (pure typed arrays); this file only adapts them to the tfjs parameter stores.
 * One density budget covers the agent network and the mixer together, as MAST prunes both.
 */
import type { Rng } from '../../util/rng.js';
import type { DensityDistribution, SparsityConfig } from '../../config/types.js';
import { SPARSITY_MODE_KINDS } from '../../config/learners.js';
import { allocateDensities } from '../../sparse/density.js';
import { magnitudeMask, randomMask } from '../../sparse/mask.js';
import type { ExplorationRecord } from '../../sparse/exploration.js';
import type { ParamStore } from '../nets/params.js';

/** Density of one masked weight matrix. */
export interface LayerDensity {
  /** `store/param`, e.g. `agent/fc1.weight`. */
  name: string;
  shape: number[];
  size: number;
  active: number;
  density: number;
}

/** A weight matrix that can carry a mask: `store/param`, its shape, and where it lives. */
export interface MaskableLayer {
  name: string;
  shape: number[];
  store: ParamStore;
  param: string;
}

/** Every maskable weight matrix of `stores`, in store then parameter order. */
export function maskableLayers(stores: Record<string, ParamStore>): MaskableLayer[] {
  return Object.entries(stores).flatMap(([prefix, store]) =>
    store.maskableNames().map((param) => ({ name: `${prefix}/${param}`, shape: store.shape(param), store, param })),
  );
}

/** Where the initial mask comes from: random positions (training from scratch) or the largest |w| (pruning a trained network). */
export type MaskSource = 'random' | 'magnitude';

/**
 * Give every weight matrix in `stores` a mask at its share of the global `density` (the config's
 * unless given: gradual pruning starts at `pruning.startDensity`), or leave everything dense
 * (the modes without masks, `dense` and `tiny`: a no-op). Random masks of a fresh network with `init: 'sparse'` have
 * their kept weights scaled by 1/√density: a unit keeps about density·fanIn inputs, so U(±1/√fanIn)
 * weights would shrink its pre-activation variance by that factor. Magnitude masks keep a trained
 * network's largest weights as they are.
 */
export function initMasks(
  stores: Record<string, ParamStore>,
  sparsity: SparsityConfig,
  rng: Rng,
  source: MaskSource = 'random',
  density = sparsity.density,
): void {
  if (!SPARSITY_MODE_KINDS[sparsity.mode].masked) return;
  const layers = maskableLayers(stores);
  const plan = allocateDensities(layers, density, sparsity.distribution);
  for (const layer of layers) {
    const { active, size, density: layerDensity } = plan[layer.name]!;
    if (source === 'magnitude') {
      layer.store.setMask(layer.param, magnitudeMask(layer.store.get(layer.param).dataSync() as Float32Array, active));
      continue;
    }
    layer.store.setMask(layer.param, randomMask(size, active, rng));
    if (sparsity.init === 'sparse') layer.store.scale(layer.param, 1 / Math.sqrt(layerDensity));
  }
}

/** A mask keeping every weight of a matrix of `shape`. */
function fullMask(shape: readonly number[]): Uint8Array {
  return new Uint8Array(shape.reduce((a, b) => a * b, 1)).fill(1);
}

/** Give every maskable weight matrix of `stores` that has no mask yet a full one (all weights kept). */
export function fillMissingMasks(stores: Record<string, ParamStore>): void {
  for (const { store, param, shape } of maskableLayers(stores)) {
    if (!store.mask(param)) store.setMask(param, fullMask(shape));
  }
}

/** Whether the masks of `stores` keep no more weights in all than the global `density` allows (gradual pruning is done). */
export function reachedDensity(
  stores: Record<string, ParamStore>,
  density: number,
  distribution: DensityDistribution,
): boolean {
  const layers = layerDensities(stores);
  if (layers.length === 0) return true;
  const plan = allocateDensities(layers, density, distribution);
  return layers.reduce((n, l) => n + l.active, 0) <= Object.values(plan).reduce((n, l) => n + l.active, 0);
}

/** Per-layer active counts and densities of every weight matrix (dense ones report density 1). */
export function layerDensities(stores: Record<string, ParamStore>): LayerDensity[] {
  return maskableLayers(stores).map(({ name, shape, store, param }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const mask = store.mask(param);
    const active = mask ? mask.reduce((a, m) => a + m, 0) : size;
    return { name, shape, size, active, density: active / size };
  });
}

/** Add every weight matrix's current mask to `record` (a matrix without one counts as wholly active). */
export function observeMasks(record: ExplorationRecord, stores: Record<string, ParamStore>): void {
  for (const { name, shape, store, param } of maskableLayers(stores)) {
    record.observe(name, store.mask(param) ?? fullMask(shape));
  }
}

/** Global density over a list of layers: Σ active / Σ size. */
export function globalDensity(layers: readonly LayerDensity[]): number {
  const size = layers.reduce((a, l) => a + l.size, 0);
  return size === 0 ? 1 : layers.reduce((a, l) => a + l.active, 0) / size;
}

/**
 * Active weights of the agent network and of everything applied per transition (mixer and, for
 * WQMIX, the central critic), for FLOP accounting.
 */
export function activeWeights(layers: readonly LayerDensity[]): { agent: number; mixer: number } {
  const sum = (keep: (l: LayerDensity) => boolean): number => layers.filter(keep).reduce((a, l) => a + l.active, 0);
  const isAgent = (l: LayerDensity): boolean => l.name.startsWith('agent/');
  return { agent: sum(isAgent), mixer: sum((l) => !isAgent(l)) };
}
