/**
 * Multi-step TD targets over padded episode batches, on plain arrays (the bootstrap values come from
 * the target networks, so no gradient flows through them). All arrays are `[B, T]`, row-major:
 * `reward[t]` is r_t, `terminated[t]` marks a transition the environment ended, `filled[t]` a real
 * (not padding) step, and `bootstrap[t]` = V(s_{t+1}), the target mixer's value of the next state.
 *
 * An episode cut by the time limit is not terminated: its last step bootstraps from V(s_T) (unless
 * `terminalOnTimeLimit` marked it terminal when it was stored).
 */

import type { ReturnKind, TargetConfig } from '../../config/types.js';

/** Sizes and inputs shared by the target builders. */
export interface ReturnInputs {
  /** Episodes B. */
  batch: number;
  /** Padded transitions per episode T. */
  steps: number;
  reward: Float32Array;
  terminated: Uint8Array;
  filled: Uint8Array;
  bootstrap: Float32Array;
  /**
   * `[B, T]`: 1 where the joint action taken at that step was greedy. When given, a λ-return is cut
   * before a step that was not (Watkins's Q(λ)); without it every trace runs to the episode's end.
   */
  greedy?: Uint8Array;
}

function check(x: ReturnInputs): void {
  const n = x.batch * x.steps;
  for (const [name, a] of Object.entries({
    reward: x.reward,
    terminated: x.terminated,
    filled: x.filled,
    bootstrap: x.bootstrap,
    ...(x.greedy ? { greedy: x.greedy } : {}),
  })) {
    if (a.length !== n)
      throw new RangeError(`returns: ${name} has ${a.length} entries, expected B·T = ${x.batch}·${x.steps} = ${n}`);
  }
}

/** One-step targets y_t = r_t + γ·(1 − d_t)·V(s_{t+1}); 0 on padding. */
export function oneStepTargets(x: ReturnInputs, gamma: number): Float32Array {
  check(x);
  const y = new Float32Array(x.batch * x.steps);
  for (let i = 0; i < y.length; i++) {
    if (x.filled[i]) y[i] = (x.reward[i] as number) + (x.terminated[i] ? 0 : gamma * (x.bootstrap[i] as number));
  }
  return y;
}

/**
 * λ-returns by the backward recursion (pymarl2's `build_td_lambda_targets`, with episode ends handled
 * per step): G_t = r_t + γ·(1 − d_t)·[(1 − λ)·V(s_{t+1}) + λ·G_{t+1}], where a step whose successor is
 * padding uses G_{t+1} := V(s_{t+1}). λ = 0 gives one-step targets, λ = 1 Monte-Carlo returns
 * bootstrapped only at the time limit. With `greedy`, a step whose successor's joint action was
 * exploratory also uses G_{t+1} := V(s_{t+1}).
 */
export function lambdaReturns(x: ReturnInputs, gamma: number, lambda: number): Float32Array {
  check(x);
  const { batch: b, steps: t } = x;
  const g = new Float32Array(b * t);
  for (let e = 0; e < b; e++) {
    for (let s = t - 1; s >= 0; s--) {
      const i = e * t + s;
      if (!x.filled[i]) continue;
      if (x.terminated[i]) {
        g[i] = x.reward[i] as number;
        continue;
      }
      const v = x.bootstrap[i] as number;
      const hasNext = s + 1 < t && x.filled[i + 1] === 1 && (x.greedy === undefined || x.greedy[i + 1] === 1);
      const tail = hasNext ? (1 - lambda) * v + lambda * (g[i + 1] as number) : v;
      g[i] = (x.reward[i] as number) + gamma * tail;
    }
  }
  return g;
}

/**
 * n-step returns: G_t = Σ_{k<m} γ^k·r_{t+k} + γ^m·V(s_{t+m}), with m ≤ n cut short by the episode's end
 * (no bootstrap after a terminal step). n = 1 gives one-step targets.
 */
export function nStepReturns(x: ReturnInputs, gamma: number, n: number): Float32Array {
  check(x);
  const { batch: b, steps: t } = x;
  const g = new Float32Array(b * t);
  for (let e = 0; e < b; e++) {
    for (let s = 0; s < t; s++) {
      const i = e * t + s;
      if (!x.filled[i]) continue;
      let sum = 0;
      let discount = 1;
      let last = i;
      let ended = false;
      for (let k = 0; k < n && s + k < t && x.filled[i + k]; k++) {
        last = i + k;
        sum += discount * (x.reward[last] as number);
        discount *= gamma;
        if (x.terminated[last]) {
          ended = true;
          break;
        }
      }
      g[i] = ended ? sum : sum + discount * (x.bootstrap[last] as number);
    }
  }
  return g;
}

/**
 * The return kind in force at environment step `t` of a `steps`-long run: one-step targets before
 * the hybrid switch T0 = `switchFraction`·steps, the configured kind after it.
 */
export function returnKindAt(targets: TargetConfig, t: number, steps: number): ReturnKind {
  return t < targets.switchFraction * steps ? 'one-step' : targets.returns;
}

/** TD targets of the given kind. */
export function tdTargets(kind: ReturnKind, x: ReturnInputs, gamma: number, targets: TargetConfig): Float32Array {
  if (kind === 'td-lambda') return lambdaReturns(x, gamma, targets.lambda);
  if (kind === 'n-step') return nStepReturns(x, gamma, targets.nStep);
  return oneStepTargets(x, gamma);
}
