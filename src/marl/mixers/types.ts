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

/**
 * A mixing network on plain arrays (the array update, `compute: arrays`): forward keeping what its
 * hand-derived backward needs, then the backward from ∂L/∂Q_tot. Rows are (episode, step) pairs.
 */
export interface ArrayMixer {
  /**
   * Q_tot `[R]` from each agent's chosen Q `[R, N]` and the states `[R, S]`.
   * @param allPositions differentiate at every weight position, pruned ones included (RigL's dense gradient)
   */
  forward(chosen: Float32Array, states: Float32Array, rows: number, allPositions?: boolean): Float32Array;
  /**
   * Q_tot `[K, R]` of `count` = K variants of the agents' Qs `[K, R, N]` over the same states `[R, S]`
   * (RES's joint-action variants; valid until the next call); forward only, and {@link backward} then
   * needs a new {@link forward}.
   */
  forwardVariants(variants: Float32Array, states: Float32Array, rows: number, count: number): Float32Array;
  /**
   * From ∂L/∂Q_tot `[R]` of the last forward: ∂L/∂chosen `[R, N]` and every parameter's gradient,
   * by parameter name (zero at pruned positions unless the forward asked for all positions).
   */
  backward(dqTot: Float32Array): { dChosen: Float32Array; grads: Record<string, Float32Array> };
}
