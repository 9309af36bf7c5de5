/**
 * The decentralised controller (pymarl's BasicMAC) for acting: it keeps each agent's hidden state and
 * last action, builds the agents' input rows, runs the shared network for all N agents at once and
 * picks actions ε-greedily over the available ones.
 */
import * as tf from '@tensorflow/tfjs';
import type { RnnAgent } from '../nets/agent.js';
import { fillAgentInputs } from '@mast-toolkit/runtime/internal/snapshot/inputs';
import { inputSize } from '../../snapshot/validate.js';
import { FusedAgentUnroll } from '../nets/fused-agent.js';
import type { EpisodeController } from './select-actions.js';

export { selectActions } from './select-actions.js';

/** Options of {@link AgentController}. */
export interface ControllerOptions {
  /**
   * Step the network on the WebAssembly kernels (`compute: kernels`; measured ~7× less time per step
   * than tfjs ops for 3 agents of hidden 64, 39 vs 259 µs). The weights are then read at each
   * {@link AgentController.reset}, so they must not change within an episode (the runner trains
   * between episodes).
   */
  kernels?: boolean;
}

/** Steps the shared agent network for all agents of one environment. */
export class AgentController implements EpisodeController {
  private hidden: Float32Array; // [N, H]
  private lastActions: number[];
  private readonly inputs: Float32Array; // [N, In]
  private readonly kernel: FusedAgentUnroll | null;

  constructor(
    readonly agent: RnnAgent,
    readonly nAgents: number,
    options: ControllerOptions = {},
  ) {
    this.hidden = new Float32Array(nAgents * agent.arch.hidden);
    this.lastActions = new Array<number>(nAgents).fill(-1);
    this.inputs = new Float32Array(nAgents * inputSize(agent.arch));
    this.kernel = options.kernels ? new FusedAgentUnroll(agent) : null;
  }

  /** Zero hidden states and last actions at the start of an episode (and read the weights, on the kernels). */
  reset(): void {
    this.hidden.fill(0);
    this.lastActions.fill(-1);
    this.kernel?.load();
  }

  /** The current agent inputs `[N, In]` for `obs` (a copy), as the network will see them. */
  buildInputs(obs: readonly Float32Array[]): Float32Array {
    fillAgentInputs(this.agent.arch.inputLayout, obs, this.lastActions, this.inputs);
    return new Float32Array(this.inputs);
  }

  /** Q-values `[N, A]` for the current observations; advances the hidden state. */
  qValues(obs: readonly Float32Array[]): Float32Array {
    const inputs = this.buildInputs(obs);
    if (this.kernel) {
      const out = this.kernel.step(inputs, this.hidden, this.nAgents);
      this.hidden = out.hidden;
      return out.q;
    }
    const h = this.agent.arch.hidden;
    const { q, hidden } = tf.tidy(() => {
      const out = this.agent.step(
        tf.tensor2d(inputs, [this.nAgents, inputs.length / this.nAgents]),
        tf.tensor2d(this.hidden, [this.nAgents, h]),
      );
      return { q: out.q.dataSync() as Float32Array, hidden: out.hidden.dataSync() as Float32Array };
    });
    this.hidden = new Float32Array(hidden);
    return new Float32Array(q);
  }

  /** Record the actions taken, fed back as next step's last-action inputs. */
  recordActions(actions: readonly number[]): void {
    this.lastActions = [...actions];
  }
}
