/**
 * The training configuration: one typed object, validated once at the boundary (`validate.ts`),
 * recorded in every checkpoint, snapshot and exported model. Each field's doc line says what it does
 * and where its default comes from (pymarl's `default.yaml` + `algs/qmix.yaml` unless noted).
 */

/** Mixing networks. */
export const MIXER_NAMES = ['qmix', 'vdn'] as const;
/** A mixing-network name. */
export type MixerName = (typeof MIXER_NAMES)[number];

/** Sparsity modes; `dense` is a mode too, in which every mask step is a no-op. */
export const SPARSITY_MODES = ['dense', 'static'] as const;
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
  /** `dense` (no pruning) or `static` (a random mask at the given density, fixed for the run). */
  mode: SparsityMode;
  /** Global fraction of weights kept, over all masked matrices (1 in dense mode). */
  density: number;
  /** Per-layer split of the global density: `erk` (Erdős–Rényi, MAST's default) or `uniform`. */
  distribution: DensityDistribution;
  /**
   * `sparse` scales each masked layer's kept weights by 1/√density, so a unit's pre-activation
   * variance matches the dense network's (the fan-in a unit really has; RigL's `init_method=sparse`,
   * Evci et al. 2022); `dense` keeps the dense initialisation. Without it, static masks at 10%
   * density fail to learn `recall` at all.
   */
  init: SparseInit;
}

/** Logging, evaluation and checkpoint cadence. */
export interface ScheduleConfig {
  /** Environment steps between greedy test phases (pymarl `test_interval`: 2000). */
  testInterval: number;
  /** Episodes per test phase (pymarl `test_nepisode`: 20). */
  testEpisodes: number;
  /** Environment steps between checkpoints. */
  checkpointInterval: number;
}

/** Everything a training run depends on. */
export interface TrainConfig {
  /** Environment id (`mast envs` lists them). */
  env: string;
  /** Mixing network. */
  alg: MixerName;
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
  epsilon: EpsilonConfig;
  agent: AgentConfig;
  mixer: MixerConfig;
  optimizer: OptimizerConfig;
  sparsity: SparsityConfig;
  schedule: ScheduleConfig;
}
