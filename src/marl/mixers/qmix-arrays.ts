/**
 * QMIX's mixer (`qmix.ts`) on plain arrays for the array update (`compute: arrays`): the same
 * network, its seven hypernetwork layers on the CSR kernels in one piece of kernel memory
 * (`src/kernels/hypernet.ts`), the per-sample mixing products in plain loops over the layers'
 * feature-major outputs, and the backward pass derived by hand:
 *   W1 = |L₁(relu(L₀(s)))| [N, E],  b1 = L_b(s),  Wf = |L_f1(relu(L_f0(s)))| [E],  V = L_v1(relu(L_v0(s))),
 *   pre = qᵀ·W1 + b1,  hidden = elu(pre),  Q_tot = hidden·Wf + V;
 *   ∂pre = ∂Q_tot·|Wf| ⊙ elu′,  ∂L₁ = q ⊗ ∂pre ⊙ sgn(L₁),  ∂q = |W1|·∂pre,  ∂L_f1 = ∂Q_tot·hidden ⊙ sgn(L_f1),
 * with tfjs's conventions for the kinks (|x|′ = −1 at 0, relu′ = 0 at 0, elu′ read from its output),
 * so its gradients are tf.variableGrads' of the tfjs mixer within float rounding.
 */
import { HypernetKernel, type HyperLayerSpec } from '../../kernels/hypernet.js';
import type { ParamStore } from '../nets/params.js';
import { residentRefresh, type ResidentKey } from '../nets/resident-weights.js';
import type { ArrayMixer } from './types.js';

/** The hypernetwork layers, in the kernel's order: name, and which layer (by name) feeds it. */
const LAYERS: ReadonlyArray<{ name: string; from: string | null; relu: boolean }> = [
  { name: 'hyperW1.0', from: null, relu: true },
  { name: 'hyperW1.1', from: 'hyperW1.0', relu: false },
  { name: 'hyperB1', from: null, relu: false },
  { name: 'hyperWf.0', from: null, relu: true },
  { name: 'hyperWf.1', from: 'hyperWf.0', relu: false },
  { name: 'value.0', from: null, relu: true },
  { name: 'value.1', from: 'value.0', relu: false },
];
const [W1, B1, WF, V] = [1, 2, 4, 6]; // the output layers' indices

/** Per-row-count buffers (feature-major ones are `[features, lanes]`). */
interface Buffers {
  rows: number;
  lanes: number;
  q: Float32Array; // chosen Q [N, lanes]
  hidden: Float32Array; // elu(pre) [E, lanes]
  qTot: Float32Array; // [R]
  dPre: Float32Array; // [E, lanes]
  dChosen: Float32Array; // [R, N]
}

/** QMIX's mixing network over a parameter store built by `QmixMixer`, on plain arrays. */
export class QmixArrays implements ArrayMixer {
  private readonly kernel: HypernetKernel;
  private readonly embed: number;
  private readonly loaded: Array<ResidentKey | null> = LAYERS.map(() => null);
  private buffers: Buffers | null = null;

  constructor(
    private readonly store: ParamStore,
    private readonly nAgents: number,
  ) {
    const specs: HyperLayerSpec[] = LAYERS.map(({ name, from, relu }) => {
      const [inputs, outputs] = store.shape(`${name}.weight`) as [number, number];
      return { inputs, outputs, from: from === null ? null : LAYERS.findIndex((l) => l.name === from), relu };
    });
    this.kernel = new HypernetKernel(specs[0]!.inputs, specs);
    this.embed = specs[B1]!.outputs;
  }

  /**
   * Bring each layer's weights in kernel memory up to date: nothing when no tensor was assigned since,
   * the values under an unchanged mask, else the compressed rows anew (`resident-weights.ts`).
   */
  private sync(allPositions: boolean): void {
    LAYERS.forEach(({ name }, i) => {
      const [w, b] = [this.store.get(`${name}.weight`), this.store.get(`${name}.bias`)];
      const mask = allPositions ? null : this.store.mask(`${name}.weight`);
      const now = { layout: [allPositions, mask], data: [w.dataId, b.dataId] };
      const refresh = residentRefresh(this.loaded[i] ?? null, now);
      if (refresh === 'none') return;
      const [values, bias] = [w.dataSync() as Float32Array, b.dataSync() as Float32Array];
      if (refresh === 'values') this.kernel.loadValues(i, values, bias);
      else this.kernel.load(i, values, mask, bias);
      this.loaded[i] = now;
    });
  }

  private buffersFor(rows: number, lanes: number): Buffers {
    if (this.buffers?.rows === rows) return this.buffers;
    const [n, e] = [this.nAgents, this.embed];
    this.buffers = {
      rows,
      lanes,
      q: new Float32Array(n * lanes),
      hidden: new Float32Array(e * lanes),
      qTot: new Float32Array(rows),
      dPre: new Float32Array(e * lanes),
      dChosen: new Float32Array(rows * n),
    };
    return this.buffers;
  }

  forward(chosen: Float32Array, states: Float32Array, rows: number, allPositions = false): Float32Array {
    const [n, e] = [this.nAgents, this.embed];
    this.sync(allPositions);
    this.kernel.forward(states, rows);
    const lanes = this.kernel.lanes;
    const buf = this.buffersFor(rows, lanes);
    const { q, hidden, qTot } = buf;
    for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) q[i * lanes + r] = chosen[r * n + i] as number;
    const [w1, b1, wf, v] = [W1, B1, WF, V].map((i) => this.kernel.output(i)) as Float32Array[];
    qTot.fill(0);
    for (let k = 0; k < e; k++) {
      const at = k * lanes;
      for (let r = 0; r < rows; r++) {
        let pre = 0;
        for (let i = 0, wi = k * lanes + r, qi = r; i < n; i++, wi += e * lanes, qi += lanes)
          pre += (q[qi] as number) * Math.abs(w1![wi] as number); // Σ_n q_n·|W1[n, k]|
        pre += b1![at + r] as number;
        const h = Math.fround(pre > 0 ? pre : Math.expm1(pre)); // elu
        hidden[at + r] = h;
        qTot[r] = (qTot[r] as number) + h * Math.abs(wf![at + r] as number);
      }
    }
    for (let r = 0; r < rows; r++) qTot[r] = (qTot[r] as number) + (v![r] as number);
    return qTot;
  }

  /**
   * ∂L/∂(output of layer `index`) into `dy` `[out, lanes]` (padded lanes left 0), from ∂L/∂Q_tot and
   * ∂pre (in the buffers): V gets ∂Q_tot, b1 ∂pre, L_f1 ∂Q_tot·hidden·sgn, L₁ ∂pre·q·sgn.
   */
  private outputGradient(index: number, dy: Float32Array, dqTot: Float32Array): void {
    const buf = this.buffers as Buffers;
    const [n, e, rows, lanes] = [this.nAgents, this.embed, buf.rows, buf.lanes];
    const { q, hidden, dPre } = buf;
    if (index === V) dy.set(dqTot);
    else if (index === B1) dy.set(dPre);
    else if (index === WF) {
      const wf = this.kernel.output(WF);
      for (let k = 0; k < e; k++)
        for (let r = 0, at = k * lanes; r < rows; r++, at++) {
          const g = (dqTot[r] as number) * (hidden[at] as number);
          dy[at] = (wf[at] as number) > 0 ? g : -g; // tfjs's |x|′ (−1 at 0)
        }
    } else if (index === W1) {
      const w1 = this.kernel.output(W1);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < e; k++)
          for (let r = 0, at = (i * e + k) * lanes, pk = k * lanes, qi = i * lanes; r < rows; r++, at++, pk++, qi++) {
            const g = (dPre[pk] as number) * (q[qi] as number);
            dy[at] = (w1[at] as number) > 0 ? g : -g;
          }
    }
  }

  backward(dqTot: Float32Array): { dChosen: Float32Array; grads: Record<string, Float32Array> } {
    const buf = this.buffers;
    if (!buf || dqTot.length !== buf.rows)
      throw new RangeError(`QmixArrays.backward: dqTot has ${dqTot.length} values, expected the last forward's rows`);
    const [n, e, rows, lanes] = [this.nAgents, this.embed, buf.rows, buf.lanes];
    const { hidden, dPre, dChosen } = buf;
    const [w1, wf] = [this.kernel.output(W1), this.kernel.output(WF)];
    for (let k = 0; k < e; k++) {
      const at = k * lanes;
      for (let r = 0; r < rows; r++) {
        const h = hidden[at + r] as number;
        const dh = (dqTot[r] as number) * Math.abs(wf[at + r] as number);
        dPre[at + r] = h >= 0 ? dh : dh * (h + 1); // elu′ from its output, as tfjs
      }
    }
    dChosen.fill(0);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < e; k++) {
        const [wi, at] = [(i * e + k) * lanes, k * lanes];
        for (let r = 0; r < rows; r++)
          dChosen[r * n + i] =
            (dChosen[r * n + i] as number) + (dPre[at + r] as number) * Math.abs(w1[wi + r] as number);
      }
    const layers = this.kernel.backward((index, dy) => this.outputGradient(index, dy, dqTot));
    const grads: Record<string, Float32Array> = {};
    LAYERS.forEach(({ name }, i) => {
      grads[`${name}.weight`] = layers[i]!.dw;
      grads[`${name}.bias`] = layers[i]!.db;
    });
    return { dChosen, grads };
  }
}
