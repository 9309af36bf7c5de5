/**
 * WQMIX's unrestricted central critic Q̂*(s, u): a feed-forward network over the agents' chosen
 * utilities and the state, with no monotonicity constraint (pymarl's `ff` central mixer):
 *   Q̂* = Linear(E→1)( ReLU(Linear(E→E)( ReLU(Linear(N+S→E)([Q_1..Q_N, s])) )) ).
 * pymarl feeds it from a second, central agent network; here it reads the QMIX agents' utilities
 * (detached by the learner, so only the weighted QMIX loss shapes the agents), which keeps one
 * recurrent network to train and export. Its weight matrices are masked like the mixer's.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../util/rng.js';
import { ParamStore } from '../nets/params.js';
import { addLinear, linear } from '../nets/layers.js';
import type { KernelLinearLayers } from '../nets/kernel-linear.js';
import type { Mixer, MixerSpec } from './types.js';

/** The feed-forward central critic. */
export class CentralCritic implements Mixer {
  readonly params = new ParamStore();

  /** @param kernels runs the linear layers on the WebAssembly kernels (`compute: kernels`); null: tfjs. */
  constructor(
    spec: MixerSpec,
    embed: number,
    rng: Rng,
    private readonly kernels: KernelLinearLayers | null = null,
  ) {
    addLinear(this.params, 'fc1', spec.nAgents + spec.stateShape, embed, rng);
    addLinear(this.params, 'fc2', embed, embed, rng);
    addLinear(this.params, 'out', embed, 1, rng);
  }

  mix(agentQs: tf.Tensor3D, states: tf.Tensor3D): tf.Tensor2D {
    const [b, t] = agentQs.shape;
    const x = tf.reshape(tf.concat([agentQs, states], 2), [b * t, -1]) as tf.Tensor2D; // [BT, N+S]
    const h = tf.relu(linear(this.params, 'fc2', tf.relu(linear(this.params, 'fc1', x, this.kernels)), this.kernels)); // [BT, E]
    return tf.reshape(linear(this.params, 'out', h, this.kernels), [b, t]) as tf.Tensor2D; // [B, T]
  }
}
