/**
 * The training configuration: one typed object, validated once at the boundary (`validate.ts`),
 * recorded in every checkpoint, snapshot and exported model. Each field's doc line says what it does
 * and where its default comes from (pymarl's `default.yaml` + `algs/qmix.yaml` unless noted).
 */

/** Mixing networks. */
export const MIXER_NAMES = ['qmix', 'vdn'] as const;
/** A mixing-network name. */
export type MixerName = (typeof MIXER_NAMES)[number];

/**
 * Learners: QMIX and VDN (pymarl), OW-/CW-QMIX (weighted QMIX with a central critic; Rashid et al.
 * 2020) and RES-QMIX (regularized softmax targets; Pan et al. 2021), the learners MAST evaluates.
 * What sets each apart is its entry in `LEARNERS` (`learners.ts`).
 */
export const ALGORITHMS = ['qmix', 'vdn', 'ow-qmix', 'cw-qmix', 'res-qmix'] as const;
/** A learner name. */
export type Algorithm = (typeof ALGORITHMS)[number];

/**
 * Sparsity modes, one code path (rigl's `LEARNER_MODES`); `dense` is a mode too, in which every mask
 * step is a no-op. `tiny` is dense with widths shrunk to the sparse model's weight count; `static`
 * keeps its initial random mask; `set` (random grow), `rigl` (gradient grow), `rlx2` (RigL + delayed
 * multi-step targets) and `mast` (RigL + Soft Mellowmax + hybrid TD(λ) + dual buffers) evolve it.
 * Each mode brings its own target and replay defaults ({@link MODE_DEFAULTS} in `defaults.ts`); what
 * else sets it apart is its entry in `SPARSITY_MODE_KINDS` (`learners.ts`).
 */
export const SPARSITY_MODES = ['dense', 'tiny', 'static', 'set', 'rigl', 'rlx2', 'mast'] as const;
/** A sparsity mode. */
export type SparsityMode = (typeof SPARSITY_MODES)[number];

/** How a global density is split across layers. */
export const DENSITY_DISTRIBUTIONS = ['uniform', 'erk'] as const;
/** A per-layer density allocation rule. */
export type DensityDistribution = (typeof DENSITY_DISTRIBUTIONS)[number];

/** How masked layers are initialised. */
export const SPARSE_INITS = ['dense', 'sparse'] as const;
/** A sparse initialisation rule. */
export type SparseInit = (typeof SPARSE_INITS)[number];

/** How the masks reach their density: at once, or by gradual magnitude pruning. */
export const PRUNING_SCHEDULES = ['oneshot', 'gradual'] as const;
/** A pruning schedule. */
export type PruningSchedule = (typeof PRUNING_SCHEDULES)[number];

/** Grow rules a topology update can use: `mode` (the sparsity mode's own), `random` (SET's) or `gradient` (RigL's). */
export const GROW_CHOICES = ['mode', 'random', 'gradient'] as const;
/** A grow-rule choice. */
export type GrowChoice = (typeof GROW_CHOICES)[number];
/** A grow rule a topology update runs: what a {@link GrowChoice} resolves to. */
export type GrowRule = Exclude<GrowChoice, 'mode'>;

/** Operators that turn next-step agent Q-values into the bootstrap value. */
export const BOOTSTRAP_OPERATORS = ['max', 'soft-mellowmax'] as const;
/** A bootstrap operator. */
export type BootstrapOperator = (typeof BOOTSTRAP_OPERATORS)[number];

/** Kinds of return the TD target is built from. */
export const RETURN_KINDS = ['one-step', 'n-step', 'td-lambda'] as const;
/** A return kind. */
export type ReturnKind = (typeof RETURN_KINDS)[number];

/** Optimisers. */
export const OPTIMIZER_NAMES = ['adam', 'rmsprop'] as const;
/** An optimiser name. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The recurrent agent network (shared across agents). */
export interface AgentConfig {
  /** fc1 width and GRU hidden size (pymarl `rnn_hidden_dim`: 64). */
  hidden: number;
  /** Append the agent's previous action one-hot to its input (pymarl `obs_last_action`: true). */
  lastActionInput: boolean;
  /** Append the agent-id one-hot to its input (pymarl `obs_agent_id`: true). */
  agentIdInput: boolean;
}

/**
 * How training episodes and learner updates alternate (pymarl's `runner`): `episode`, one update per
 * episode played; `parallel`, pymarl's ParallelRunner, one update per lockstep batch of `envWorkers`
 * episodes (`batch_size_run`).
 */
export const RUNNER_NAMES = ['episode', 'parallel'] as const;
/** A runner name. */
export type RunnerName = (typeof RUNNER_NAMES)[number];

/** Where the learner's network math runs. */
export const COMPUTE_MODES = ['kernels', 'tfjs', 'arrays'] as const;
/** Where the learner's network math runs. */
export type ComputeMode = (typeof COMPUTE_MODES)[number];

/** Whether `compute` runs the networks on the WebAssembly kernels: `kernels` and `arrays` do, `tfjs` does not. */
export function runsOnKernels(compute: ComputeMode): boolean {
  return compute !== 'tfjs';
}

/** The mixing network (ignored by VDN, which has no parameters). */
export interface MixerConfig {
  /** QMIX mixing embedding size (pymarl `mixing_embed_dim`: 32). */
  embed: number;
  /** Hidden width of QMIX's two-layer hypernetworks (pymarl `hypernet_embed`: 64). */
  hypernetEmbed: number;
}

/** The optimiser and gradient clipping. */
export interface OptimizerConfig {
  /** Adam (pymarl2) or RMSprop (pymarl). */
  name: OptimizerName;
  /** Learning rate (pymarl 5e-4). */
  lr: number;
  /** RMSprop smoothing constant (pymarl `optim_alpha`: 0.99). */
  alpha: number;
  /** Adam first-moment decay. */
  beta1: number;
  /** Adam second-moment decay. */
  beta2: number;
  /** Denominator epsilon (pymarl `optim_eps`: 1e-5). */
  eps: number;
  /** Global gradient-norm clip (pymarl `grad_norm_clip`: 10). */
  gradClip: number;
}

/** ε-greedy exploration, annealed linearly. */
export interface EpsilonConfig {
  /** ε at step 0 (1.0). */
  start: number;
  /** ε after annealing (0.05). */
  finish: number;
  /** Environment steps over which ε falls from start to finish (pymarl 50 000). */
  annealSteps: number;
}

/** Masks on every weight matrix of the agent network and the mixer. */
export interface SparsityConfig {
  /**
   * `dense`, `tiny` (a dense network shrunk to the sparse weight count), `static` (a random mask kept
   * for the run), `set` (random grow), `rigl` (gradient grow), `rlx2` or `mast`; see {@link SPARSITY_MODES}.
   */
  mode: SparsityMode;
  /** Global fraction of weights kept, over all masked matrices (1 in dense mode; for `tiny`, the weight-count budget). */
  density: number;
  /**
   * Per-layer split of the global density: `erk` (Erdős–Rényi, MAST's default: a layer's density falls
   * with its size) or `uniform` (every masked layer at the global density). ERK gives the large GRU
   * matrices less than the global density; measured comparisons are in docs/results.md.
   */
  distribution: DensityDistribution;
  /**
   * `sparse` scales each masked layer's kept weights by 1/√density, so a unit's pre-activation
   * variance matches the dense network's (the fan-in a unit really has; RigL's `init_method=sparse`,
   * Evci et al. 2022); `dense` keeps the dense initialisation, which shrinks a sparse unit's
   * pre-activations by √density.
   */
  init: SparseInit;
}

/** Weighted QMIX (OW/CW): the per-sample weights and the unrestricted central critic Q̂*. */
export interface WqmixConfig {
  /** OW-QMIX weight where Q_tot ≥ y (pymarl `w`: 0.5). */
  owWeight: number;
  /** CW-QMIX weight where the taken joint action is not greedy and y ≤ Q̂*(s, greedy) (0.1). */
  cwWeight: number;
  /** Hidden width of the feed-forward central critic (pymarl `central_mixing_embed_dim`: 256). */
  centralEmbed: number;
}

/** RES (regularized softmax) targets and regulariser. */
export interface ResConfig {
  /** Softmax temperature β over the per-agent approximation of the joint actions (0.05). */
  beta: number;
  /** Weight λ of the regulariser (Q_tot − G_t)², G_t the discounted return (0.05). */
  lambda: number;
}

/** How the masks of a sparse mode reach `sparsity.density`. */
export interface PruningConfig {
  /**
   * `oneshot`: every mask is at its final density from the first step (random positions for a fresh
   * network, the largest |w| when compressing a trained one). `gradual`: the masks start at density
   * d₀ and, every `interval` learner updates, drop the smallest-|w| weights of each layer to
   * the global density d_t = D + (d₀ − D)·(1 − t/T_p)³ (Zhu & Gupta 2017), D from T_p on; a dynamic
   * mode's drop/grow starts once D is reached. Compressing a trained agent (`mast compress`) uses
   * `gradual` by default (why: docs/results.md, "Compressing trained agents").
   */
  schedule: PruningSchedule;
  /** Learner updates between two gradual pruning steps (10: many small cuts rather than a few large ones). */
  interval: number;
  /** T_p, the end of gradual pruning, as a fraction of `steps` (0.5). */
  endFraction: number;
  /** d₀, the global density gradual pruning starts from (1; `mast compress` sets the source run's). */
  startDensity: number;
}

/** Topology evolution of the dynamic modes (`set`, `rigl`, `rlx2`, `mast`); ignored by the others. */
export interface TopologyConfig {
  /** Learner updates between mask updates, ΔT (MAST: 200). */
  interval: number;
  /** Initial drop fraction ζ, annealed as ζ/2·(1 + cos(π·t/T_end)) (RigL, MAST: 0.5). */
  dropFraction: number;
  /** T_end as a fraction of `steps`: the topology is frozen after it (MAST: 0.8). */
  endFraction: number;
  /**
   * Which inactive connections are grown: `gradient` (largest |dense gradient|, RigL's and the
   * paper's MAST's), `random` (uniform, SET's), or `mode`, the sparsity mode's own (random for `set`,
   * gradient for `rigl`, `rlx2` and `mast`). Which is better depends on the task (docs/results.md).
   */
  grow: GrowChoice;
  /**
   * K, the learner updates whose dense gradients are summed into the gradient rule's grow score,
   * spread evenly over the ΔT updates before a mask change and ending at it (RigL, MAST: 1; at most
   * ΔT). Each costs a dense weight gradient; a larger K scores growth by more batches than one
   * (measurements: docs/results.md).
   */
  gradientUpdates: number;
}

/** How TD targets are built (MAST's "reliable targets"; one-step max is plain QMIX). */
export interface TargetConfig {
  /**
   * `max` (with `doubleQ`, the online network picks the action) or `soft-mellowmax`:
   * sm_ω(Q) = (1/ω)·log Σ_a softmax(αQ)_a·exp(ωQ_a) over the available actions (MAST).
   */
  operator: BootstrapOperator;
  /** Soft Mellowmax ω (MAST uses 5 and 10; default 10). */
  omega: number;
  /** Soft Mellowmax α, the softmax weighting's inverse temperature (not public in the paper; default ω). */
  alpha: number;
  /** `one-step`, `n-step` (RLx2) or `td-lambda` (MAST, pymarl2's λ-returns). */
  returns: ReturnKind;
  /** λ of TD(λ) (pymarl2: 0.6). */
  lambda: number;
  /**
   * Cut each λ-return where the replayed joint action was not the online network's greedy one
   * (Watkins's Q(λ): from there it bootstraps V(s) instead of following the exploring behaviour).
   * false (default) keeps pymarl2's uncorrected λ-returns (Peng's Q(λ)), as MAST uses.
   */
  cutTraces: boolean;
  /** n of n-step returns (RLx2-style multi-step: 3). */
  nStep: number;
  /**
   * Hybrid switch T0 as a fraction of `steps`: one-step targets before it, `returns` after (MAST and
   * RLx2 delay multi-step targets until the value estimates are usable; default 0.1; 0 = from the start).
   */
  switchFraction: number;
}

/** The small on-policy FIFO beside the large replay buffer (MAST's dual buffers). */
export interface RecentBufferConfig {
  /** Most recent episodes kept (MAST: 32). */
  capacity: number;
  /** Fraction of each batch drawn from it, ρ (MAST: 0.5; 0 = a single buffer). */
  fraction: number;
}

/** Logging, evaluation and checkpoint cadence. */
export interface ScheduleConfig {
  /** Environment steps between greedy test phases (pymarl `test_interval`: 2000). */
  testInterval: number;
  /** Episodes per test phase (pymarl `test_nepisode`: 20). */
  testEpisodes: number;
  /** Environment steps between checkpoints. */
  checkpointInterval: number;
  /**
   * Wall-clock seconds between checkpoints, beside `checkpointInterval` (whichever comes first; 300):
   * a slow environment still loses at most a few minutes to a crash. Checked at episode ends.
   */
  checkpointSeconds: number;
}

/** Everything a training run depends on. */
export interface TrainConfig {
  /**
   * Environment id: a built-in one (`mast envs` lists them), `module:PATH[#EXPORT]` (a JavaScript
   * module's factory) or `python:MODULE:Class` / `python:FILE.py:Class` (a pymarl-style Python
   * environment over a pipe); docs/custom-envs.md.
   */
  env: string;
  /**
   * Arguments of a user environment (`module:` or `python:` ids): the module factory's argument, or
   * the Python constructor's keyword arguments. Any JSON values; merged key by key over the preset's
   * and the config file's (`--env-arg key=value` adds one). Built-in environments take none.
   */
  envArgs: Record<string, unknown>;
  /**
   * Environments played at once (pymarl's `batch_size_run`): each round of acting plays one exploring
   * episode in each, in lockstep, with ε fixed for the round. A Python environment runs one process per
   * environment, all working at the same time. How many learner updates follow a round is `runner`'s
   * choice. The same seed, number and runner give the same run; 1 plays one episode at a time.
   */
  envWorkers: number;
  /**
   * How episodes and learner updates alternate (pymarl's `runner`). `episode` (pymarl's default): one
   * update per training episode, also when `envWorkers` episodes are played at once. `parallel`
   * (pymarl's ParallelRunner, every pymarl2 SMAC config): one update per round of `envWorkers`
   * episodes, so the environment steps per update grow with `envWorkers` (a lower update-to-data
   * ratio: with 8, an eighth of the updates for the same steps). Step counts (`steps`, ε, tests,
   * checkpoints, T_end, T_p) are environment steps either way; `targetUpdateInterval` counts episodes;
   * `topology.interval` and `pruning.interval` count updates, so they come N times further apart in
   * environment steps. `parallel` needs `envWorkers` ≥ 2.
   */
  runner: RunnerName;
  /**
   * Play training episodes in a worker thread, overlapped with learning: the next round of
   * `envWorkers` episodes is asked for before the update that follows the current round, and is
   * played with the weights from before that update while the main thread computes it (a fixed lag
   * of one update, so a run stays the same for a seed, `envWorkers`, `runner` and this switch; it is
   * another run than without it). Built-in and `module:` environments open their own copies in the
   * thread; Python environments are played in the main thread with the same lag (their processes
   * already work beside it). Needs `compute: arrays` or `kernels` (the thread steps the agent on the kernels).
   * It shortens wall time only where a second core is free: on a busy machine the two threads share
   * the same CPU time and the thread's own costs (a copy of the weights per round) make it slower
   * (docs/benchmarks.md).
   */
  actingThread: boolean;
  /** Learner (and through it the mixing network). */
  alg: Algorithm;
  /** Seed of the run's single root RNG. */
  seed: number;
  /** Environment steps to train for (pymarl `t_max`). */
  steps: number;
  /** Discount factor (0.99). */
  gamma: number;
  /** Episodes per learner update (pymarl 32). */
  batchSize: number;
  /** Replay capacity in episodes (pymarl 5000). */
  bufferSize: number;
  /** Episodes between hard target-network updates (pymarl 200). */
  targetUpdateInterval: number;
  /** Double-Q targets: online network picks the bootstrap action, target network values it. */
  doubleQ: boolean;
  /**
   * Standardise rewards by their running mean and standard deviation before building targets
   * (EPyMARL's `standardise_rewards`, on in its QMIX config; off in pymarl's). Returns in the metrics
   * stay in the environment's units.
   */
  standardiseRewards: boolean;
  /**
   * Treat the environment's time limit as the end of the return: the last transition of a truncated
   * episode gets no bootstrap value. Off (the default), a time limit is a truncation and bootstraps
   * from V(s_T), as pymarl does for SMAC. EPyMARL 1.x's gym wrapper (the LBF and MPE tables of
   * Papoudakis et al., 2021) reported timeouts as `done`, i.e. on.
   */
  terminalOnTimeLimit: boolean;
  /**
   * Where the learner's network math runs. `arrays` (the default for every learner; for RES-QMIX
   * since 2026-12-07 and for OW-/CW-QMIX since 2026-12-08, each change moving the hash of such
   * configs that name no `compute`): the whole update without tfjs — the agent unroll, the mixer's
   * and WQMIX's central critic's forward and hand-derived backward, the targets, the loss, clipping
   * and Adam run on plain arrays and the toolkit's WebAssembly kernels, and the new weights are
   * written back to the parameter stores. `kernels` (the default of every learner until 2026-12-07,
   * of WQMIX until 2026-12-08): the agent network's unroll over a batch (forward and
   * backpropagation through time, one op) and the mixer's and critic's linear layers run on the
   * WebAssembly CSR kernels, whose work is proportional to the stored
   * weights, and the optimizer step runs there too (the same bits as its tfjs ops); the rest (mixing
   * products, targets, loss) stays in tfjs. `arrays` is the same math as `kernels` within float
   * rounding (not the same bits: sums run in another order), so a seed's run differs between them.
   * `tfjs`: tfjs ops throughout, the reference the kernels are tested against. A saved config that
   * names none (saved before the key existed) reads as `kernels`.
   */
  compute: ComputeMode;
  /**
   * Threads of the learner update under `compute: arrays` (1 or 2). With 2, a worker thread takes
   * the second half of each batch's episodes: it runs the online and target agents' forward passes
   * and, once the mixer and the loss have given ∂Q, the backward pass through time for its half on
   * its own kernel copies of the agent, while the main thread does the same for the first half; the
   * worker's weight gradients are added to the main thread's (main's + worker's) before clipping and
   * the optimizer. A run is deterministic for a seed and a thread count, but 1 and 2 threads sum the
   * gradients in another order, so they agree within float rounding, not bit for bit (another run).
   * It shortens an update only where a second core is free (docs/benchmarks.md); with `actingThread`
   * as well, three threads share the cores. Needs `compute: arrays`.
   */
  updateThreads: 1 | 2;
  epsilon: EpsilonConfig;
  agent: AgentConfig;
  mixer: MixerConfig;
  wqmix: WqmixConfig;
  res: ResConfig;
  optimizer: OptimizerConfig;
  sparsity: SparsityConfig;
  pruning: PruningConfig;
  topology: TopologyConfig;
  targets: TargetConfig;
  recentBuffer: RecentBufferConfig;
  schedule: ScheduleConfig;
}
