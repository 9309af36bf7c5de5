/**
 * Bootstrap operators over each agent's next-step Q-values, restricted to its available actions.
 *
 * Soft Mellowmax (MAST, after Gan et al. 2021): sm_ω(Q) = (1/ω)·log Σ_a softmax(αQ)_a·exp(ωQ_a).
 * It sits between the mean and the max, and its smaller overestimation is what keeps sparse value
 * networks' targets reliable. Computed stably: with m = max_a Q_a,
 *   sm = m + (1/ω)·logsumexp_a( log softmax(αQ)_a + ω·(Q_a − m) ),
 * where every exponent is ≤ 0 for the arg-max term. Unavailable actions get a logit of −1e9, so their
 * softmax weight is exactly 0. Limits: ω → ∞ gives the max; α = 0 gives mellowmax (uniform weights).
 */
import * as tf from '@tensorflow/tfjs';

/** Large, finite stand-in for −∞, so masked entries stay finite (0·x = 0). */
export const UNAVAILABLE_Q = -1e9;

/** Replace Q-values of unavailable actions (`avail` 0) by {@link UNAVAILABLE_Q}. */
export function maskUnavailable(q: tf.Tensor, avail: tf.Tensor): tf.Tensor {
  return tf.where(tf.greater(avail, 0), q, tf.fill(q.shape, UNAVAILABLE_Q));
}

/**
 * Soft Mellowmax over the last axis.
 * @param q `[..., A]` Q-values.
 * @param avail `[..., A]` 1 for available actions (at least one per row).
 * @returns `[...]` one value per row.
 */
export function softMellowmax(q: tf.Tensor, avail: tf.Tensor, omega: number, alpha: number): tf.Tensor {
  return tf.tidy(() => {
    const axis = q.rank - 1;
    const masked = maskUnavailable(q, avail); // [..., A]
    const m = tf.max(masked, axis, true); // [..., 1]
    const logWeights = tf.logSoftmax(maskUnavailable(tf.mul(q, alpha), avail)); // [..., A], −∞-like off the available set
    const exponents = tf.add(logWeights, tf.mul(tf.sub(masked, m), omega)); // [..., A]
    return tf.add(tf.squeeze(m, [axis]), tf.div(tf.logSumExp(exponents, axis), omega)); // [...]
  });
}
