/**
 * The multi-agent environment interface, shaped like SMAC's so learners match the literature.
 * Environments are pure TypeScript (no tfjs), deterministic for a seed, and never call Math.random().
 */

/** Static facts about an environment, as SMAC's `get_env_info()` reports them. */
export interface EnvInfo {
  /** Number of agents N. */
  nAgents: number;
  /** Number of discrete actions per agent A. */
  nActions: number;
  /** Length of each agent's observation vector. */
  obsShape: number;
  /** Length of the global state vector (used by mixers during training only). */
  stateShape: number;
  /** Maximum number of steps in an episode; the episode is truncated there. */
  episodeLimit: number;
  /** Whether an episode ends won or lost (`info.won`); without it, only returns are comparable. */
  reportsWins: boolean;
  /** The lowest and highest return an episode can have, where bounded (pictures clamp ± std bands to it). */
  returnRange?: readonly [number, number];
}

/** Extra per-step information; `won` is set by environments that have a notion of winning. */
export interface StepInfo {
  won?: boolean;
  [key: string]: number | boolean | undefined;
}

/** What `step` returns. Rewards are shared by the team (cooperative MARL). */
export interface StepResult {
  reward: number;
  /** The episode ended by the environment's own rules (bootstrap is cut). */
  terminated: boolean;
  /** The episode was cut at `episodeLimit` (not a true terminal). */
  truncated: boolean;
  info: StepInfo;
}

/** A grid world at one step (Level-Based Foraging). */
export interface GridFrame {
  kind: 'grid';
  size: number;
  players: Array<{ row: number; col: number; level: number }>;
  food: Array<{ row: number; col: number; level: number }>;
}

/** Particles in the plane at one step (MPE). */
export interface ParticleFrame {
  kind: 'particles';
  agents: Array<[number, number]>;
  landmarks: Array<[number, number]>;
  agentRadius: number;
}

/** Units on a battlefield at one step (SMAC-style combat). */
export interface UnitsFrame {
  kind: 'units';
  /** Side of the square arena. */
  size: number;
  /** Walkable rows: [y0, y1) × x-intervals [x0, x1). */
  terrain: ReadonlyArray<{ y0: number; y1: number; x: ReadonlyArray<[number, number]> }>;
  units: Array<{
    faction: 'ally' | 'enemy';
    type: string;
    x: number;
    y: number;
    radius: number;
    hp: number;
    maxHp: number;
    shield: number;
    maxShield: number;
  }>;
}

/** What an environment looks like at one step, for pictures (`mast replay`). */
export type EnvFrame = GridFrame | ParticleFrame | UnitsFrame;

/**
 * A cooperative multi-agent environment with discrete actions: the interface the runner drives and
 * the one a user environment implements (`--env module:./env.mjs`, docs/custom-envs.md). Every
 * method is synchronous. The runner calls, per episode: `reset(seed)`, then per step `getObs()`,
 * `getState()`, `getAvailActions()` and `step(actions)` until `step` reports `terminated` or
 * `truncated`, and once more `getObs()`/`getState()`/`getAvailActions()` after the last step (the
 * bootstrap step; there the masks may be all zero).
 */
export interface MultiAgentEnv {
  /** The registry id this environment was made from, e.g. `matrix/nonmonotonic`. */
  readonly id: string;
  /** Static sizes, each a positive integer; constant for the environment's lifetime. */
  getEnvInfo(): EnvInfo;
  /** Start a new episode; the same seed gives the same episode for the same actions. */
  reset(seed: number): void;
  /**
   * Apply one action per agent (an index in [0, nActions) that `getAvailActions()` marked available);
   * throws when called after the episode ended or with unavailable actions.
   */
  step(actions: readonly number[]): StepResult;
  /** Per-agent observations: `nAgents` arrays, each of `obsShape` finite numbers. */
  getObs(): Float32Array[];
  /** The global state: `stateShape` finite numbers. */
  getState(): Float32Array;
  /** Per-agent availability masks: `nAgents` arrays of length `nActions`, 1 = available, at least one 1 while the episode runs. */
  getAvailActions(): Uint8Array[];
  /** The current step as a picture's data; environments without pictures leave it out. */
  frame?(): EnvFrame;
  /** Release what the environment holds (a child process, a native handle); idempotent. Optional. */
  close?(): void;
  /**
   * Optional, for environments that run elsewhere (a Python process): start `reset(seed)` and return
   * at once; {@link MultiAgentEnv.finish} waits for it. Lets several environments work at once
   * (`envWorkers`).
   */
  startReset?(seed: number): void;
  /** Optional, with `startReset`: start `step(actions)` and return at once. */
  startStep?(actions: readonly number[]): void;
  /** Optional, with `startReset`: wait for the call started; what `step` would have returned (for a reset: a zero reward, not ended). */
  finish?(): StepResult;
}
