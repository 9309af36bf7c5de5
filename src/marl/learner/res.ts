/**
 * RES's bootstrap (Pan et al. 2021, "Regularized Softmax Deep Multi-Agent Q-Learning"): a softmax
 * over joint actions instead of the max, with the joint action space approximated per agent. Around
 * the greedy joint action ū, each agent i in turn tries each of its available actions a while the
 * others keep ū; the N·A joint values Q_tot(s, (a, ū_{−i})) are weighted by softmax(Q_tot/β):
 *   V_res(s) = Σ_j softmax(Q_tot^j / β)·Q_tot^j.
 * Small β approaches the max; the softmax's underestimation offsets QMIX's overestimation.
 */
import * as tf from '@tensorflow/tfjs';
import type { Mixer } from '../mixers/index.js';
import { UNAVAILABLE_Q } from './operators.js';

/**
 * @param greedy `[B, T, N]` each agent's value at its greedy action (the operator's base point).
 * @param agentQs `[B, T, N, A]` each agent's values of all its actions.
 * @param avail `[B, T, N, A]` available actions.
 * @param states `[B, T, S]` the states the values belong to.
 * @returns `[B, T]` the softmax-weighted joint value.
 */
export function resSoftmaxValue(
  mixer: Mixer,
  greedy: tf.Tensor3D,
  agentQs: tf.Tensor4D,
  avail: tf.Tensor4D,
  states: tf.Tensor3D,
  beta: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, t, n, a] = agentQs.shape;
    const s = states.shape[2];
    const eye = tf.reshape(tf.eye(n), [1, 1, n, 1, n]); // [1, 1, N(i), 1, N]: which entry agent i replaces
    const base = tf.reshape(greedy, [b, t, 1, 1, n]); // [B, T, 1, 1, N]
    const tried = tf.reshape(agentQs, [b, t, n, a, 1]); // [B, T, N, A, 1]
    const variants = tf.add(tf.mul(base, tf.sub(1, eye)), tf.mul(tried, eye)); // [B, T, N, A, N]
    const joint = tf.reshape(variants, [b, t * n * a, n]) as tf.Tensor3D; // [B, T·N·A, N]
    const tiled = tf.reshape(tf.tile(tf.reshape(states, [b, t, 1, s]), [1, 1, n * a, 1]), [
      b,
      t * n * a,
      s,
    ]) as tf.Tensor3D; // [B, T·N·A, S]
    const qTot = tf.reshape(mixer.mix(joint, tiled), [b, t, n * a]); // [B, T, N·A]
    const ok = tf.greater(tf.reshape(avail, [b, t, n * a]), 0); // [B, T, N·A]
    const weights = tf.softmax(tf.where(ok, tf.div(qTot, beta), tf.fill(qTot.shape, UNAVAILABLE_Q))); // [B, T, N·A]
    return tf.sum(tf.mul(weights, tf.where(ok, qTot, tf.zerosLike(qTot))), 2) as tf.Tensor2D; // [B, T]
  });
}
