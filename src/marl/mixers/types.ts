/** The mixing-network interface: per-agent chosen Q-values + global state → the team's Q_tot. */
import type * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../nets/params.js';

/** Sizes a mixer is built for. */
export interface MixerSpec {
  nAgents: number;
  stateShape: number;
}

/** A mixing network (monotonic in each agent's Q for QMIX and VDN). */
export interface Mixer {
  /** Trainable parameters (empty for VDN). */
  readonly params: ParamStore;
  /**
   * @param agentQs `[B, T, N]` each agent's Q-value for its chosen action.
   * @param states `[B, T, S]` global states.
   * @returns Q_tot `[B, T]`.
   */
  mix(agentQs: tf.Tensor3D, states: tf.Tensor3D): tf.Tensor2D;
}
