/**
 * The recurrent agent network shared by all agents (pymarl's RNNAgent):
 * Linear(In→H) → ReLU → GRUCell(H) → Linear(H→A). The GRU is PyTorch's cell (sigmoid gates, reset
 * applied after the recurrent matmul), written out here because tfjs's GRUCell uses hard-sigmoid
 * and cannot reset after; gates are stacked z|r|n, the snapshot's and ONNX's order.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../util/rng.js';
import { ParamStore } from './params.js';
import { addLinear, linear } from './layers.js';
import { matMul } from './matmul.js';
import { uniformFanIn } from './init.js';
import {
  MASKED_AGENT_TENSORS,
  RNN_AGENT_TENSORS,
  type AgentSnapshot,
  type RnnAgentArchitecture,
  type SnapshotTensor,
  type RnnAgentTensorName,
} from '@mast-toolkit/runtime/internal/snapshot/types';
import { inputSize, validateSnapshot } from '../../snapshot/validate.js';

/** The agent network's parameters and forward pass. */
export class RnnAgent {
  /** Parameters named as in {@link RNN_AGENT_TENSORS}. */
  readonly params: ParamStore;

  private constructor(
    readonly arch: RnnAgentArchitecture,
    params: ParamStore,
  ) {
    this.params = params;
  }

  /** A freshly initialised agent (PyTorch default initialisation from `rng`). */
  static create(arch: RnnAgentArchitecture, rng: Rng): RnnAgent {
    const h = arch.hidden;
    const params = new ParamStore();
    addLinear(params, 'fc1', inputSize(arch), h, rng);
    params.add('gru.weightIh', [h, 3 * h], uniformFanIn(3 * h * h, h, rng), true);
    params.add('gru.weightHh', [h, 3 * h], uniformFanIn(3 * h * h, h, rng), true);
    params.add('gru.biasIh', [3 * h], uniformFanIn(3 * h, h, rng), false);
    params.add('gru.biasHh', [3 * h], uniformFanIn(3 * h, h, rng), false);
    addLinear(params, 'fc2', h, arch.nActions, rng);
    return new RnnAgent(arch, params);
  }

  /** An agent holding a snapshot's weights and masks. */
  static fromSnapshot(snap: AgentSnapshot): RnnAgent {
    validateSnapshot(snap);
    const params = new ParamStore();
    for (const name of RNN_AGENT_TENSORS) {
      const t = snap.tensors[name];
      params.add(name, t.shape, t.values, MASKED_AGENT_TENSORS.includes(name));
      if (t.mask) params.setMask(name, t.mask);
    }
    return new RnnAgent(snap.architecture, params);
  }

  /**
   * One step for R rows (agents × episodes).
   * @param inputs `[R, In]`
   * @param hidden `[R, H]`
   * @returns Q-values `[R, A]` and the next hidden state `[R, H]`.
   */
  step(inputs: tf.Tensor2D, hidden: tf.Tensor2D): { q: tf.Tensor2D; hidden: tf.Tensor2D } {
    const p = this.params;
    const x = tf.relu(linear(p, 'fc1', inputs)); // [R, H]
    const gi = tf.add(matMul(x, p.get('gru.weightIh') as tf.Tensor2D), p.get('gru.biasIh')); // [R, 3H]
    const gh = tf.add(matMul(hidden, p.get('gru.weightHh') as tf.Tensor2D), p.get('gru.biasHh')); // [R, 3H]
    const [iz, ir, inn] = tf.split(gi, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // each [R, H]
    const [hz, hr, hn] = tf.split(gh, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const z = tf.sigmoid(tf.add(iz, hz)); // update gate [R, H]
    const r = tf.sigmoid(tf.add(ir, hr)); // reset gate [R, H]
    const n = tf.tanh(tf.add(inn, tf.mul(r, hn))); // candidate, reset after the matmul [R, H]
    const next = tf.add(n, tf.mul(z, tf.sub(hidden, n))) as tf.Tensor2D; // (1−z)·n + z·h  [R, H]
    return { q: linear(p, 'fc2', next), hidden: next };
  }

  /** The agent as a framework-neutral snapshot (values downloaded from the backend). */
  toSnapshot(metadata: AgentSnapshot['metadata']): AgentSnapshot {
    const arrays = this.params.toArrays();
    const tensors = {} as Record<RnnAgentTensorName, SnapshotTensor>;
    for (const name of RNN_AGENT_TENSORS) {
      const a = arrays[name]!;
      tensors[name] = { shape: a.shape, values: a.values, ...(a.mask ? { mask: a.mask } : {}) };
    }
    return { format: 'mast-agent-snapshot', version: 1, architecture: this.arch, tensors, metadata };
  }

  /** Release the agent's tensors. */
  dispose(): void {
    this.params.dispose();
  }
}
