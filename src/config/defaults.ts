/** Default training configuration (pymarl QMIX) and named presets, each a small diff over it. */
import type { GrowRule, SparsityMode, TrainConfig } from './types.js';

/** A recursively optional version of `T`, the shape of presets and overrides. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** pymarl's QMIX defaults (Adam instead of RMSprop, as pymarl2 and most recent work use). */
export const DEFAULT_CONFIG: TrainConfig = {
  env: 'recall',
  envArgs: {},
  envWorkers: 1,
  alg: 'qmix',
  seed: 1,
  steps: 50_000,
  gamma: 0.99,
  batchSize: 32,
  bufferSize: 5000,
  targetUpdateInterval: 200,
  doubleQ: true,
  standardiseRewards: false,
  terminalOnTimeLimit: false,
  compute: 'kernels',
  epsilon: { start: 1.0, finish: 0.05, annealSteps: 50_000 },
  agent: { hidden: 64, lastActionInput: true, agentIdInput: true },
  mixer: { embed: 32, hypernetEmbed: 64 },
  wqmix: { owWeight: 0.5, cwWeight: 0.1, centralEmbed: 256 },
  res: { beta: 0.05, lambda: 0.05 },
  optimizer: { name: 'adam', lr: 5e-4, alpha: 0.99, beta1: 0.9, beta2: 0.999, eps: 1e-5, gradClip: 10 },
  sparsity: { mode: 'dense', density: 1, distribution: 'erk', init: 'sparse' },
  pruning: { schedule: 'oneshot', interval: 10, endFraction: 0.5, startDensity: 1 },
  topology: { interval: 200, dropFraction: 0.5, endFraction: 0.8, grow: 'mode', gradientUpdates: 1 },
  targets: { operator: 'max', omega: 10, alpha: 10, returns: 'one-step', lambda: 0.6, cutTraces: false, nStep: 3, switchFraction: 0.1 },
  recentBuffer: { capacity: 32, fraction: 0 },
  schedule: { testInterval: 2000, testEpisodes: 20, checkpointInterval: 10_000, checkpointSeconds: 300 },
};

/** Named presets: small overrides of {@link DEFAULT_CONFIG}. */
export const PRESETS = {
  /** pymarl's QMIX defaults as they are. */
  default: {},
  /**
   * Static 90%-sparse QMIX on `recall`, sized to finish in a few minutes on 2 cores (the demo until
   * 2026-12-07; the recall studies and many tests start from it). Short episodes, so ε anneals over
   * fewer steps and targets sync more often.
   */
  demo: {
    env: 'recall',
    steps: 8000,
    targetUpdateInterval: 100,
    epsilon: { annealSteps: 4000 },
    optimizer: { lr: 1e-3 },
    sparsity: { mode: 'static', density: 0.1 },
    schedule: { testInterval: 1000, testEpisodes: 32, checkpointInterval: 4000 },
  },
  /**
   * `mast demo`: QMIX trained with MAST at density 0.1 on `smaclite/3m`, one of the tasks where MAST
   * matches dense (docs/results.md), sized to train in about 25 s of CPU on one core. ε anneals over
   * the whole run; the topology moves every 50 updates (about one per test phase) until 80% of the
   * steps. Seed 2 is one whose final test wins (README, "Try it").
   */
  quickstart: {
    env: 'smaclite/3m',
    seed: 2,
    steps: 6000,
    epsilon: { annealSteps: 6000 },
    sparsity: { mode: 'mast', density: 0.1 },
    topology: { interval: 50 },
    schedule: { testInterval: 1000, testEpisodes: 8, checkpointInterval: 3000 },
  },
  /**
   * The one-step matrix game studied with uniform exploration (ε = 1 throughout), as in the
   * WQMIX paper's analysis of what monotonic mixing can represent.
   */
  matrix: {
    env: 'matrix/nonmonotonic',
    steps: 3000,
    gamma: 0,
    targetUpdateInterval: 50,
    epsilon: { start: 1, finish: 1, annealSteps: 1 },
    optimizer: { lr: 5e-3 },
    schedule: { testInterval: 500, testEpisodes: 1, checkpointInterval: 1000 },
  },
  /**
   * EPyMARL's QMIX settings for Level-Based Foraging (Papoudakis et al., 2021): standardised rewards,
   * ε annealed over 200,000 steps, Adam 3·10⁻⁴, no last-action input, 2,000,000 steps, and the time
   * limit stored as terminal as EPyMARL 1.x did. Without the last, QMIX stays on a one-item plateau
   * of `lbf/8x8-2p-2f-coop` (docs/envs.md).
   */
  lbf: {
    env: 'lbf/8x8-2p-2f-coop',
    steps: 2_000_000,
    standardiseRewards: true,
    terminalOnTimeLimit: true,
    epsilon: { annealSteps: 200_000 },
    optimizer: { lr: 3e-4 },
    agent: { lastActionInput: false },
    schedule: { testInterval: 25_000, testEpisodes: 32, checkpointInterval: 50_000 },
  },
} satisfies Record<string, DeepPartial<TrainConfig>>;

/**
 * What each sparsity mode changes besides the mask, applied between the preset and the user's
 * overrides (so `--sparsity mast` brings MAST's targets and buffers, and any field can still be set).
 * RLx2's value-based buffer sizing is not reproduced: it uses the single replay buffer.
 */
export const MODE_DEFAULTS: Record<SparsityMode, DeepPartial<TrainConfig>> = {
  dense: {},
  tiny: {},
  static: {},
  set: {},
  rigl: {},
  rlx2: { targets: { returns: 'n-step' } },
  mast: { targets: { operator: 'soft-mellowmax', returns: 'td-lambda' }, recentBuffer: { fraction: 0.5 } },
};

/** Each mode's own grow rule (`topology.grow: 'mode'`); null for the modes whose masks never change. */
export const MODE_GROW_RULES: Record<SparsityMode, GrowRule | null> = {
  dense: null,
  tiny: null,
  static: null,
  set: 'random',
  rigl: 'gradient',
  rlx2: 'gradient',
  mast: 'gradient',
};

/** A preset name. */
export type PresetName = keyof typeof PRESETS;
