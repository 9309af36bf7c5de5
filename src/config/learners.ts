/**
 * The learner registry (pymarl's `REGISTRY`s, as data): one entry per learner and one per sparsity
 * mode, holding what sets it apart from the others. Code that behaves differently per learner or
 * per mode asks its entry (`LEARNERS[config.alg].weighting`, `SPARSITY_MODE_KINDS[mode].masked`)
 * instead of comparing names, so a new learner or mode is one new entry plus the code its
 * properties switch on.
 */
import {
  ALGORITHMS,
  SPARSITY_MODES,
  type Algorithm,
  type GrowRule,
  type MixerName,
  type SparsityMode,
} from './types.js';

/** Where a learner's bootstrap value V(s_{t+1}) comes from. */
export type BootstrapSource =
  /** The target mixer over the per-agent next values (QMIX, VDN). */
  | 'target-mixer'
  /** The target central critic Q̂* over them (WQMIX). */
  | 'target-critic'
  /** RES's softmax over per-agent joint-action variants, each through the target mixer. */
  | 'res-softmax';

/** What sets one learner apart. */
export interface LearnerKind {
  /** The mixing network it trains (WQMIX and RES add their parts on top of QMIX's). */
  readonly mixer: MixerName;
  /**
   * WQMIX's per-sample weighting of the QMIX loss: `ow` (optimistic: full weight where Q_tot < y),
   * `cw` (centrally weighted: full weight on greedy joint actions or where y beats Q̂*), or null.
   */
  readonly weighting: 'ow' | 'cw' | null;
  /** Whether it trains WQMIX's central critic Q̂* (regressed onto the same targets). */
  readonly centralCritic: boolean;
  /** Where V(s_{t+1}) comes from. */
  readonly bootstrap: BootstrapSource;
  /** Whether RES's regulariser λ·(Q_tot − G_t)² is added to the loss. */
  readonly resRegularizer: boolean;
}

/**
 * Every learner: QMIX and VDN (pymarl), OW-/CW-QMIX (weighted QMIX with a central critic; Rashid
 * et al. 2020) and RES-QMIX (regularized softmax targets; Pan et al. 2021).
 */
export const LEARNERS: Readonly<Record<Algorithm, LearnerKind>> = {
  qmix: { mixer: 'qmix', weighting: null, centralCritic: false, bootstrap: 'target-mixer', resRegularizer: false },
  vdn: { mixer: 'vdn', weighting: null, centralCritic: false, bootstrap: 'target-mixer', resRegularizer: false },
  'ow-qmix': { mixer: 'qmix', weighting: 'ow', centralCritic: true, bootstrap: 'target-critic', resRegularizer: false },
  'cw-qmix': { mixer: 'qmix', weighting: 'cw', centralCritic: true, bootstrap: 'target-critic', resRegularizer: false },
  'res-qmix': { mixer: 'qmix', weighting: null, centralCritic: false, bootstrap: 'res-softmax', resRegularizer: true },
};

/** The mixing network each learner trains (read from {@link LEARNERS}). */
export const ALGORITHM_MIXER: Readonly<Record<Algorithm, MixerName>> = Object.fromEntries(
  ALGORITHMS.map((alg) => [alg, LEARNERS[alg].mixer]),
) as Record<Algorithm, MixerName>;

/**
 * Target-mixer passes per transition when bootstrapping: RES mixes one joint-action variant per agent
 * and action (N·A), the others one (for FLOP accounting).
 */
export function targetMixerPasses(kind: LearnerKind, nAgents: number, nActions: number): number {
  return kind.bootstrap === 'res-softmax' ? nAgents * nActions : 1;
}

/** What sets one sparsity mode apart (beyond its target and replay defaults, `MODE_DEFAULTS`). */
export interface SparsityModeKind {
  /** Whether its weight matrices carry masks (every mode but `dense` and `tiny`). */
  readonly masked: boolean;
  /**
   * Whether it builds dense networks with every width scaled so their weight count is the density
   * × the configured network's (`tiny`, the small-dense baseline).
   */
  readonly shrinksWidths: boolean;
  /** Its own grow rule (`topology.grow: 'mode'`); null when its masks never change. */
  readonly grow: GrowRule | null;
}

/**
 * Every sparsity mode: `dense`; `tiny` (dense at shrunk widths); `static` (its initial random mask);
 * `set` (random grow), `rigl` (gradient grow), `rlx2` and `mast` (gradient grow, with their own
 * targets and buffers).
 */
export const SPARSITY_MODE_KINDS: Readonly<Record<SparsityMode, SparsityModeKind>> = {
  dense: { masked: false, shrinksWidths: false, grow: null },
  tiny: { masked: false, shrinksWidths: true, grow: null },
  static: { masked: true, shrinksWidths: false, grow: null },
  set: { masked: true, shrinksWidths: false, grow: 'random' },
  rigl: { masked: true, shrinksWidths: false, grow: 'gradient' },
  rlx2: { masked: true, shrinksWidths: false, grow: 'gradient' },
  mast: { masked: true, shrinksWidths: false, grow: 'gradient' },
};

/** Each mode's own grow rule (`topology.grow: 'mode'`; read from {@link SPARSITY_MODE_KINDS}); null for the modes whose masks never change. */
export const MODE_GROW_RULES: Readonly<Record<SparsityMode, GrowRule | null>> = Object.fromEntries(
  SPARSITY_MODES.map((m) => [m, SPARSITY_MODE_KINDS[m].grow]),
) as Record<SparsityMode, GrowRule | null>;

/**
 * Whether a mode's config takes a density below 1: a masked mode keeps that share of the weights,
 * `tiny` sizes its widths by it; `dense` has neither.
 */
export function usesDensity(kind: SparsityModeKind): boolean {
  return kind.masked || kind.shrinksWidths;
}
