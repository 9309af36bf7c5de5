/**
 * QMIX (Rashid et al. 2018), pymarl2's variant with two-layer hypernetworks:
 *   W1 = |Linear(S,He)→ReLU→Linear(He, E·N)|,  b1 = Linear(S, E),
 *   Wf = |Linear(S,He)→ReLU→Linear(He, E)|,    V  = Linear(S, E)→ReLU→Linear(E, 1),
 *   Q_tot = ELU(Qᵀ·W1 + b1)·Wf + V.
 * The absolute values keep Q_tot monotonic in every agent's Q.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../util/rng.js';
import type { MixerConfig } from '../../config/types.js';
import { ParamStore } from '../nets/params.js';
import { addLinear, linear } from '../nets/layers.js';
import type { KernelLinearLayers } from '../nets/kernel-linear.js';
import type { Mixer, MixerSpec } from './types.js';

/** The QMIX monotonic mixing network. */
export class QmixMixer implements Mixer {
  readonly params = new ParamStore();
  private readonly n: number;
  private readonly embed: number;

  /** @param kernels runs the linear layers on the WebAssembly kernels (`compute: kernels`); null: tfjs. */
  constructor(
    spec: MixerSpec,
    config: MixerConfig,
    rng: Rng,
    private readonly kernels: KernelLinearLayers | null = null,
  ) {
    const { nAgents: n, stateShape: s } = spec;
    const { embed: e, hypernetEmbed: he } = config;
    this.n = n;
    this.embed = e;
    addLinear(this.params, 'hyperW1.0', s, he, rng);
    addLinear(this.params, 'hyperW1.1', he, e * n, rng);
    addLinear(this.params, 'hyperB1', s, e, rng);
    addLinear(this.params, 'hyperWf.0', s, he, rng);
    addLinear(this.params, 'hyperWf.1', he, e, rng);
    addLinear(this.params, 'value.0', s, e, rng);
    addLinear(this.params, 'value.1', e, 1, rng);
  }

  private twoLayer(prefix: string, s: tf.Tensor2D): tf.Tensor2D {
    return linear(
      this.params,
      `${prefix}.1`,
      tf.relu(linear(this.params, `${prefix}.0`, s, this.kernels)),
      this.kernels,
    );
  }

  mix(agentQs: tf.Tensor3D, states: tf.Tensor3D): tf.Tensor2D {
    const [b, t] = agentQs.shape;
    const bt = b * t;
    const s = tf.reshape(states, [bt, -1]) as tf.Tensor2D; // [BT, S]
    // The per-sample products q·W1 and h·Wf are written as broadcast multiply + sum: tfjs-wasm's
    // batched matMul of BT tiny matrices (and its gradient) costs several times more.
    const q = tf.reshape(agentQs, [bt, this.n, 1]) as tf.Tensor3D; // [BT, N, 1]
    const w1 = tf.reshape(tf.abs(this.twoLayer('hyperW1', s)), [bt, this.n, this.embed]) as tf.Tensor3D; // [BT, N, E]
    const b1 = linear(this.params, 'hyperB1', s, this.kernels); // [BT, E]
    const hidden = tf.elu(tf.add(tf.sum(tf.mul(q, w1), 1), b1)) as tf.Tensor2D; // Σ_n q_n·W1[n, :] + b1  [BT, E]
    const wf = tf.abs(this.twoLayer('hyperWf', s)); // [BT, E]
    const v = tf.reshape(this.twoLayer('value', s), [bt]); // [BT]
    const qTot = tf.add(tf.sum(tf.mul(hidden, wf), 1), v); // [BT]
    return tf.reshape(qTot, [b, t]) as tf.Tensor2D;
  }
}
