/**
 * One-step cooperative matrix games. `matrix/nonmonotonic` is the two-agent game of the QMIX and
 * WQMIX papers (Rashid et al. 2018; 2020): payoff [[8,−12,−12],[−12,0,0],[−12,0,0]]. Its optimum (8)
 * sits beside heavy penalties, so value factorisations with monotonic mixing (VDN, QMIX) trained on
 * uniform data cannot represent it and settle on a joint action worth 0.
 */
import type { EnvInfo, MultiAgentEnv, StepResult } from './types.js';
import { checkStep } from './base.js';

/** A one-step game for two agents with a shared payoff table `payoff[a0][a1]`. */
export class MatrixGame implements MultiAgentEnv {
  private running = false;

  constructor(
    readonly id: string,
    private readonly payoff: readonly (readonly number[])[],
  ) {
    const n = payoff.length;
    if (n < 1 || payoff.some((row) => row.length !== n))
      throw new RangeError(`MatrixGame: payoff must be square and non-empty`);
  }

  getEnvInfo(): EnvInfo {
    return {
      nAgents: 2,
      nActions: this.payoff.length,
      obsShape: 1,
      stateShape: 1,
      episodeLimit: 1,
      reportsWins: false,
      returnRange: [Math.min(...this.payoff.flat()), Math.max(...this.payoff.flat())],
    };
  }

  reset(_seed: number): void {
    this.running = true; // deterministic: the seed has nothing to choose
  }

  step(actions: readonly number[]): StepResult {
    checkStep(this.id, this.running, actions, this.getAvailActions());
    this.running = false;
    return {
      reward: (this.payoff[actions[0] as number] as readonly number[])[actions[1] as number] as number,
      terminated: true,
      truncated: false,
      info: {},
    };
  }

  /** Each agent sees a constant 1: the game has a single state. */
  getObs(): Float32Array[] {
    return [new Float32Array([1]), new Float32Array([1])];
  }

  getState(): Float32Array {
    return new Float32Array([1]);
  }

  getAvailActions(): Uint8Array[] {
    return [0, 1].map(() => new Uint8Array(this.payoff.length).fill(1));
  }
}

/** The non-monotonic payoff of the QMIX/WQMIX papers. */
export const NONMONOTONIC_PAYOFF = [
  [8, -12, -12],
  [-12, 0, 0],
  [-12, 0, 0],
] as const;
