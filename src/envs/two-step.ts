/**
 * The two-step game of the QMIX paper (Rashid et al. 2018, Fig. 3). In state 1 agent 0's action
 * picks the next state (0 → 2A, 1 → 2B); 2A pays 7 whatever the agents do, 2B pays [[0,1],[1,8]].
 * The optimum (8) needs both agents to coordinate in 2B; VDN settles for 7, QMIX can find 8.
 */
import type { EnvInfo, MultiAgentEnv, StepResult } from './types.js';
import { checkStep, oneHot } from './base.js';

const STATE_1 = 0;
const STATE_2A = 1;
const STATE_2B = 2;
const PAYOFF_2B = [
  [0, 1],
  [1, 8],
] as const;

/** The two-agent, two-action, two-step game. */
export class TwoStepGame implements MultiAgentEnv {
  readonly id = 'twostep';
  private state = STATE_1;
  private t = 0;
  private running = false;

  getEnvInfo(): EnvInfo {
    return {
      nAgents: 2,
      nActions: 2,
      obsShape: 3,
      stateShape: 3,
      episodeLimit: 2,
      reportsWins: false,
      returnRange: [0, 8],
    };
  }

  reset(_seed: number): void {
    this.state = STATE_1;
    this.t = 0;
    this.running = true;
  }

  step(actions: readonly number[]): StepResult {
    checkStep(this.id, this.running, actions, this.getAvailActions());
    this.t += 1;
    if (this.state === STATE_1) {
      this.state = actions[0] === 0 ? STATE_2A : STATE_2B;
      return { reward: 0, terminated: false, truncated: false, info: {} };
    }
    const reward = this.state === STATE_2A ? 7 : PAYOFF_2B[actions[0] as 0 | 1][actions[1] as 0 | 1];
    this.running = false;
    return { reward, terminated: true, truncated: false, info: {} };
  }

  /** Both agents see the current state one-hot over {1, 2A, 2B}. */
  getObs(): Float32Array[] {
    return [oneHot(3, this.state), oneHot(3, this.state)];
  }

  getState(): Float32Array {
    return oneHot(3, this.state);
  }

  getAvailActions(): Uint8Array[] {
    return [new Uint8Array([1, 1]), new Uint8Array([1, 1])];
  }
}
