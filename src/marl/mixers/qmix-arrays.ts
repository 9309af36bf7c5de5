/**
 * QMIX's mixer (`qmix.ts`) on plain arrays for the array update (`compute: arrays`): the same
 * network, its hypernetwork layers on the CSR kernels (`linear-arrays.ts`), the per-sample mixing
 * products in plain loops, and the backward pass derived by hand:
 *   W1 = |L₁(relu(L₀(s)))| [N, E],  b1 = L_b(s),  Wf = |L_f1(relu(L_f0(s)))| [E],  V = L_v1(relu(L_v0(s))),
 *   pre = qᵀ·W1 + b1,  hidden = elu(pre),  Q_tot = hidden·Wf + V;
 *   ∂pre = ∂Q_tot·Wf ⊙ elu′,  ∂W1 = q ⊗ ∂pre ⊙ sgn(L₁),  ∂q = W1·∂pre,  ∂Wf = ∂Q_tot·hidden ⊙ sgn(L_f1),
 * with tfjs's conventions for the kinks (|x|′ = −1 at 0, relu′ = 0 at 0, elu′ read from its output),
 * so its gradients are tf.variableGrads' of the tfjs mixer within float rounding.
 */
import type { ParamStore } from '../nets/params.js';
import { ArrayLinear } from './linear-arrays.js';
import type { ArrayMixer } from './types.js';

/** A two-layer hypernetwork Linear → ReLU → Linear, with its hidden activation kept. */
class TwoLayer {
  private readonly first: ArrayLinear;
  private readonly second: ArrayLinear;
  constructor(store: ParamStore, prefix: string) {
    this.first = new ArrayLinear(store, `${prefix}.0`);
    this.second = new ArrayLinear(store, `${prefix}.1`);
  }

  forward(s: Float32Array, rows: number, allPositions: boolean): Float32Array {
    const hidden = this.first.forward(s, rows, allPositions, true); // relu(L₀(s)) [R, He]
    return this.second.forward(hidden, rows, allPositions); // [R, out]
  }

  backward(dy: Float32Array, grads: Record<string, Float32Array>): void {
    const second = this.second.backward(dy, true); // ∂ of the ReLU's input [R, He]
    const first = this.first.backward(second.dx, false, false); // no ∂ of the states
    grads[`${this.second.prefix}.weight`] = second.dw;
    grads[`${this.second.prefix}.bias`] = second.db;
    grads[`${this.first.prefix}.weight`] = first.dw;
    grads[`${this.first.prefix}.bias`] = first.db;
  }
}

/** What the backward pass needs from the last forward, and its scratch, for one row count. */
interface Saved {
  rows: number;
  chosen: Float32Array; // [R, N]
  w1: Float32Array; // L₁'s output before |·| [R, N, E]
  hidden: Float32Array; // elu(pre) [R, E]
  wf: Float32Array; // L_f1's output before |·| [R, E]
  qTot: Float32Array; // [R]
  dPre: Float32Array; // [R, E]
  dW1: Float32Array; // [R, N, E]
  dWf: Float32Array; // [R, E]
  dChosen: Float32Array; // [R, N]
}

/** QMIX's mixing network over a parameter store built by `QmixMixer`, on plain arrays. */
export class QmixArrays implements ArrayMixer {
  private readonly hyperW1: TwoLayer;
  private readonly hyperB1: ArrayLinear;
  private readonly hyperWf: TwoLayer;
  private readonly value: TwoLayer;
  private readonly embed: number;
  private saved: Saved | null = null;

  constructor(
    store: ParamStore,
    private readonly nAgents: number,
  ) {
    this.hyperW1 = new TwoLayer(store, 'hyperW1');
    this.hyperB1 = new ArrayLinear(store, 'hyperB1');
    this.hyperWf = new TwoLayer(store, 'hyperWf');
    this.value = new TwoLayer(store, 'value');
    this.embed = this.hyperB1.outputs;
  }

  /** Buffers for `rows` rows, reused while the row count stays the same. */
  private buffers(rows: number): Saved {
    if (this.saved?.rows === rows) return this.saved;
    const [n, e] = [this.nAgents, this.embed];
    this.saved = {
      rows,
      chosen: new Float32Array(0),
      w1: new Float32Array(0),
      hidden: new Float32Array(rows * e),
      wf: new Float32Array(0),
      qTot: new Float32Array(rows),
      dPre: new Float32Array(rows * e),
      dW1: new Float32Array(rows * n * e),
      dWf: new Float32Array(rows * e),
      dChosen: new Float32Array(rows * n),
    };
    return this.saved;
  }

  forward(chosen: Float32Array, states: Float32Array, rows: number, allPositions = false): Float32Array {
    const [n, e] = [this.nAgents, this.embed];
    const s = this.buffers(rows);
    s.chosen = chosen;
    s.w1 = this.hyperW1.forward(states, rows, allPositions); // [R, N·E]
    const b1 = this.hyperB1.forward(states, rows, allPositions); // [R, E]
    s.wf = this.hyperWf.forward(states, rows, allPositions); // [R, E]
    const v = this.value.forward(states, rows, allPositions); // [R, 1]
    const { w1, wf, hidden, qTot } = s;
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (let k = 0; k < e; k++) {
        let pre = 0;
        for (let i = 0; i < n; i++) pre += (chosen[r * n + i] as number) * Math.abs(w1[(r * n + i) * e + k] as number);
        pre += b1[r * e + k] as number;
        const h = Math.fround(pre > 0 ? pre : Math.expm1(pre)); // elu
        hidden[r * e + k] = h;
        total += h * Math.abs(wf[r * e + k] as number);
      }
      qTot[r] = total + (v[r] as number);
    }
    return qTot;
  }

  backward(dqTot: Float32Array): { dChosen: Float32Array; grads: Record<string, Float32Array> } {
    const s = this.saved;
    if (!s || dqTot.length !== s.rows)
      throw new RangeError(`QmixArrays.backward: dqTot has ${dqTot.length} values, expected the last forward's rows`);
    const [n, e, rows] = [this.nAgents, this.embed, s.rows];
    const { chosen, w1, hidden, wf, dPre, dW1, dWf, dChosen } = s;
    const sgn = (x: number): number => (x > 0 ? 1 : -1); // tfjs's |x|′ (−1 at 0)
    for (let r = 0; r < rows; r++) {
      const dq = dqTot[r] as number;
      for (let k = 0; k < e; k++) {
        const at = r * e + k;
        const h = hidden[at] as number;
        dWf[at] = dq * h * sgn(wf[at] as number);
        const dh = dq * Math.abs(wf[at] as number);
        dPre[at] = h >= 0 ? dh : dh * (h + 1); // elu′ from its output, as tfjs
      }
      for (let i = 0; i < n; i++) {
        const q = chosen[r * n + i] as number;
        let dqi = 0;
        for (let k = 0; k < e; k++) {
          const at = (r * n + i) * e + k;
          const dp = dPre[r * e + k] as number;
          const w = w1[at] as number;
          dW1[at] = dp * q * sgn(w);
          dqi += dp * Math.abs(w);
        }
        dChosen[r * n + i] = dqi;
      }
    }
    const grads: Record<string, Float32Array> = {};
    this.value.backward(dqTot, grads); // ∂V = ∂Q_tot [R, 1]
    this.hyperWf.backward(dWf, grads);
    const b1 = this.hyperB1.backward(dPre, false, false);
    grads['hyperB1.weight'] = b1.dw;
    grads['hyperB1.bias'] = b1.db;
    this.hyperW1.backward(dW1, grads);
    return { dChosen, grads };
  }
}
