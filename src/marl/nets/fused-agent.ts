/**
 * The agent network's unroll over a batch as one differentiable tfjs op backed by the WebAssembly
 * kernels (`src/kernels/agent-unroll.ts`): the forward pass and backpropagation through time run on
 * compressed sparse rows, so their work is proportional to the stored weights. tfjs sees one node
 * whose gradient function returns the parameters' gradients (zero at masked positions, like the
 * masked gradients of the tfjs path); the mixer, the targets and the optimizer stay in tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { AgentUnroll, type AgentMasks, type AgentWeights } from '../../kernels/agent-unroll.js';
import { inputSize } from '../../snapshot/validate.js';
import type { RnnAgent } from './agent.js';

const PARAMS = ['fc1.weight', 'fc1.bias', 'gru.weightIh', 'gru.weightHh', 'gru.biasIh', 'gru.biasHh', 'fc2.weight', 'fc2.bias'] as const;

/** Unrolls one agent network (online or target) with the kernels; holds its kernel memory. */
export class FusedAgentUnroll {
  private readonly unroller: AgentUnroll;

  constructor(private readonly agent: RnnAgent) {
    this.unroller = new AgentUnroll({ inputSize: inputSize(agent.arch), hidden: agent.arch.hidden, nActions: agent.arch.nActions });
  }

  /** The weights, and their masks unless every position is to be differentiated. */
  private weights(allPositions = false): { w: AgentWeights; masks: AgentMasks } {
    const p = this.agent.params;
    const w = Object.fromEntries(PARAMS.map((name) => [name, p.get(name).dataSync() as Float32Array])) as unknown as AgentWeights;
    if (allPositions) return { w, masks: {} };
    const masks: AgentMasks = { 'fc1.weight': p.mask('fc1.weight'), 'gru.weightIh': p.mask('gru.weightIh'), 'gru.weightHh': p.mask('gru.weightHh'), 'fc2.weight': p.mask('fc2.weight') };
    return { w, masks };
  }

  /**
   * Q-values `[T, R, A]` of R rows over T steps from zero hidden states, differentiable with respect
   * to the agent's parameters (not the inputs).
   * @param inputs `[T, R, In]`
   * @param denseGradient differentiate at every position, pruned ones included (RigL's grow score;
   *   pruned weights are zero, so the values are unchanged, but the work is dense).
   */
  apply(inputs: tf.Tensor3D, denseGradient = false): tf.Tensor3D {
    const [steps, rows] = inputs.shape;
    const a = this.agent.arch.nActions;
    const op = tf.customGrad(((x: tf.Tensor, ...params: tf.Tensor[]) => {
      const { w, masks } = this.weights(denseGradient);
      const q = this.unroller.forward(w, masks, x.dataSync() as Float32Array, steps, rows);
      return {
        value: tf.tensor3d(q, [steps, rows, a]),
        gradFunc: (dy: tf.Tensor) => {
          const g = this.unroller.backward(dy.dataSync() as Float32Array);
          return [tf.zerosLike(x), ...PARAMS.map((name, i) => tf.tensor(g[name], (params[i] as tf.Tensor).shape))];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(inputs, ...PARAMS.map((name) => this.agent.params.get(name))) as tf.Tensor3D;
  }

  /** Read the agent's current weights for {@link step}. */
  load(): void {
    const { w, masks } = this.weights();
    this.unroller.load(w, masks);
  }

  /**
   * One step for R rows from their hidden states with the weights of the last {@link load} (acting).
   * @param inputs `[R, In]`; @param hidden `[R, H]`
   */
  step(inputs: Float32Array, hidden: Float32Array, rows: number): { q: Float32Array; hidden: Float32Array } {
    return this.unroller.step(inputs, hidden, rows);
  }

  /** Q-values `[T, R, A]` without a gradient (the target network). */
  forward(inputs: Float32Array, steps: number, rows: number): tf.Tensor3D {
    const { w, masks } = this.weights();
    return tf.tensor3d(this.unroller.forward(w, masks, inputs, steps, rows), [steps, rows, this.agent.arch.nActions]);
  }
}
