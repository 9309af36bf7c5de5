/**
 * RES's bootstrap (`res.ts`) on plain arrays for the array update (`compute: arrays`): the joint-action
 * variants around each row's per-agent values, valued by the target mixer over one pass of its
 * hypernetworks per row (`ArrayMixer.forwardVariants`), and their softmax(Q_tot/β)-weighted mean.
 */
import type { ArrayMixer } from '../mixers/types.js';

/** RES's V_res(s_{t+1}) with its variants' buffer kept between updates. */
export class ResBootstrapArrays {
  private variants: Float32Array | null = null; // [N·A, B·T, N]

  /**
   * RES's bootstrap V_res(s_{t+1}) `[B·T]` (`res.ts`, the tfjs path's): around each row's per-agent next
   * values `next` `[B·T, N]`, agent i in turn takes each action a's target value (`targetQs`
   * `[B, T, N, A]`) while the others keep theirs; the target mixer values the N·A joint variants over
   * the row's next state (its hypernetworks once per row), and V_res is their softmax(Q_tot/β)-weighted
   * mean over the actions available at t+1 (0 where none is).
   */
  value(
    targetMixer: ArrayMixer,
    next: Float32Array,
    targetQs: Float32Array,
    avail: Uint8Array,
    statesNext: Float32Array,
    dims: { b: number; t: number; n: number; a: number },
    beta: number,
  ): Float32Array {
    const { b, t, n, a } = dims;
    const [bt, k] = [b * t, n * a];
    if (this.variants?.length !== k * bt * n) this.variants = new Float32Array(k * bt * n);
    const variants = this.variants; // [K, B·T, N], variant v = i·A + action
    for (let v = 0; v < k; v++) {
      const [i, act] = [Math.floor(v / a), v % a];
      const at = v * bt * n;
      variants.set(next, at);
      for (let r = 0; r < bt; r++) variants[at + r * n + i] = targetQs[(r * n + i) * a + act] as number;
    }
    const qTot = targetMixer.forwardVariants(variants, statesNext, bt, k); // [K, B·T]
    const value = new Float32Array(bt);
    for (let r = 0; r < bt; r++) {
      const availAt = (Math.floor(r / t) * (t + 1) + (r % t) + 1) * n * a; // avail [B, T+1, N, A] at step + 1
      let m = -Infinity;
      for (let v = 0; v < k; v++) if (avail[availAt + v]) m = Math.max(m, (qTot[v * bt + r] as number) / beta);
      if (m === -Infinity) continue; // nothing available (padding): the tfjs path's 0
      let [weights, weighted] = [0, 0];
      for (let v = 0; v < k; v++) {
        if (!avail[availAt + v]) continue;
        const q = qTot[v * bt + r] as number;
        const w = Math.exp(q / beta - m);
        weights += w;
        weighted += w * q;
      }
      value[r] = weighted / weights;
    }
    return value;
  }
}
