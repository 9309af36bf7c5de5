/**
 * Delayed recall: a small task that needs memory and team coordination, so the recurrent agent
 * path is really exercised. Each of N agents sees a private cue (one of K) at the first step only;
 * for the next T − 2 steps the only action is "wait"; at the last step each agent must report its
 * cue. The team earns 1 only if every agent is right (`info.won`), so credit must be assigned across
 * agents from a shared, delayed reward. A memoryless policy wins (1/K)^N of the time.
 */
import { Rng } from '../util/rng.js';
import type { EnvInfo, MultiAgentEnv, StepResult } from './types.js';
import { checkStep } from './base.js';

/** Sizes of a recall task. */
export interface RecallOptions {
  /** Agents N (default 3). */
  agents?: number;
  /** Distinct cues K (default 3). */
  cues?: number;
  /** Episode length T ≥ 2 (default 4): cue at t = 0, report at t = T − 1. */
  length?: number;
}

/** The delayed-recall environment. */
export class RecallEnv implements MultiAgentEnv {
  readonly n: number;
  readonly k: number;
  readonly length: number;
  private cues: number[] = [];
  private t = 0;
  private running = false;

  constructor(
    readonly id: string = 'recall',
    options: RecallOptions = {},
  ) {
    this.n = options.agents ?? 3;
    this.k = options.cues ?? 3;
    this.length = options.length ?? 4;
    for (const [name, v, min] of [
      ['agents', this.n, 1],
      ['cues', this.k, 2],
      ['length', this.length, 2],
    ] as const) {
      if (!Number.isInteger(v) || v < min)
        throw new RangeError(`RecallEnv: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
  }

  getEnvInfo(): EnvInfo {
    return {
      nAgents: this.n,
      nActions: this.k + 1,
      obsShape: this.k + this.length,
      stateShape: this.n * this.k + this.length,
      episodeLimit: this.length,
      reportsWins: true,
      returnRange: [0, 1],
    };
  }

  reset(seed: number): void {
    const rng = new Rng(seed);
    this.cues = Array.from({ length: this.n }, () => rng.int(this.k));
    this.t = 0;
    this.running = true;
  }

  step(actions: readonly number[]): StepResult {
    checkStep(this.id, this.running, actions, this.getAvailActions());
    const last = this.t === this.length - 1;
    this.t += 1;
    if (!last) return { reward: 0, terminated: false, truncated: false, info: { won: false } };
    this.running = false;
    const won = actions.every((a, i) => a === 1 + (this.cues[i] as number));
    return { reward: won ? 1 : 0, terminated: true, truncated: false, info: { won } };
  }

  /** [own cue one-hot (K; only at t = 0) | time one-hot (T)]. After the episode, the time slot is cleared. */
  getObs(): Float32Array[] {
    return this.cues.map((cue) => {
      const o = new Float32Array(this.k + this.length);
      if (this.t === 0) o[cue] = 1;
      if (this.t < this.length) o[this.k + this.t] = 1;
      return o;
    });
  }

  /** [every agent's cue one-hot (N·K) | time one-hot (T)]. */
  getState(): Float32Array {
    const s = new Float32Array(this.n * this.k + this.length);
    this.cues.forEach((cue, i) => (s[i * this.k + cue] = 1));
    if (this.t < this.length) s[this.n * this.k + this.t] = 1;
    return s;
  }

  /** "wait" (action 0) before the last step; only the K report actions at the last step. */
  getAvailActions(): Uint8Array[] {
    const reportNow = this.t === this.length - 1;
    return this.cues.map(() => {
      const av = new Uint8Array(this.k + 1);
      if (reportNow) av.fill(1, 1);
      else av[0] = 1;
      return av;
    });
  }
}
