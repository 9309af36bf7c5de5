/**
 * QMIX's mixer on the WebAssembly kernels for the array update (`compute: arrays`): its hypernetworks
 * as a {@link HypernetKernel} and the per-row mixing products, ELU and their backward as two kernels
 * (`qmixMixForward`, `qmixMixBackward` in sparse-kernels.wat) working in place on the hypernetworks'
 * feature-major outputs and gradients, so the only JavaScript loops left are the copies of the
 * chosen Qs in and of ∂L/∂Q out (`[rows, N]` each):
 *   pre = qᵀ·|W1| + b1 [E],  hidden = elu(pre),  Q_tot = hidden·|Wf| + V;
 *   ∂pre = ∂Q_tot·|Wf| ⊙ elu′ (= ∂b1),  ∂W1 = ±q ⊗ ∂pre,  ∂Wf = ±∂Q_tot·hidden,  ∂V = ∂Q_tot,  ∂q = |W1|·∂pre,
 * with tfjs's kinks (|x|′ = −1 at 0, elu′ read from its output). Sums are in f32 and ELU's e^x − 1 is
 * within 3·10⁻⁷ (and 10⁻⁶ relative) of Math.expm1, so results equal the formulas in f64 within float rounding.
 */
import { HypernetKernel, type HyperLayerSpec } from './hypernet.js';

/** Which hypernetwork layers hold W1 `[N·E]`, b1 `[E]`, Wf `[E]` and V `[1]` (their outputs, before the |·|). */
export interface QmixOutputs {
  w1: number;
  b1: number;
  wf: number;
  v: number;
}

const [Q, HIDDEN, QTOT, DQTOT, DQ] = [0, 1, 2, 3, 4]; // scratch buffers

/** QMIX's hypernetworks and mixing products, forward and backward, in one kernel arena. */
export class QmixMixingKernel {
  /** The hypernetworks (load their weights through it). */
  readonly hypernet: HypernetKernel;
  /** The mixing width E (b1's outputs). */
  readonly embed: number;
  private rows = 0;
  private differentiable = false; // whether the scratch holds the last forward's activations
  private qTot = new Float32Array(0); // [rows]
  private variantsQTot = new Float32Array(0); // [count, rows], forwardVariants' answer
  private dChosen = new Float32Array(0); // [rows, N]

  /**
   * @param stateSize the states' width; @param specs the hypernetwork layers (see {@link HypernetKernel})
   * @param outputs which layers are W1, b1, Wf and V; @param agents N
   */
  constructor(
    stateSize: number,
    specs: readonly HyperLayerSpec[],
    private readonly outputs: QmixOutputs,
    private readonly agents: number,
  ) {
    const embed = specs[outputs.b1]?.outputs ?? 0;
    const widths: Array<[number, number]> = [
      [outputs.w1, agents * embed],
      [outputs.wf, embed],
      [outputs.v, 1],
    ];
    for (const [index, width] of widths)
      if (specs[index]?.outputs !== width)
        throw new RangeError(
          `QmixMixingKernel: layer ${index} must have ${width} outputs (N = ${agents}, E = ${embed})`,
        );
    this.embed = embed;
    this.hypernet = new HypernetKernel(stateSize, specs, [agents, embed, 1, 1, agents]);
  }

  /**
   * Mix the hypernetworks' current outputs with agents' Qs `chosen[at .. at + rows·N)` (row-major
   * `[rows, N]`): Q_tot into the QTOT scratch `[1, lanes]`, the ELU outputs into HIDDEN.
   */
  private mix(chosen: Float32Array, at: number, rows: number): Float32Array {
    const [n, h] = [this.agents, this.hypernet];
    const lanes = h.lanes;
    const q = h.scratch(Q); // [N, lanes], padded lanes 0
    q.fill(0);
    for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) q[i * lanes + r] = chosen[at + r * n + i] as number;
    const { w1, b1, wf, v } = this.outputs;
    h.run((k, ptr) =>
      k.qmixMixForward(
        ptr.scratch[Q] as number,
        ptr.y[w1] as number,
        ptr.y[b1] as number,
        ptr.y[wf] as number,
        ptr.y[v] as number,
        ptr.scratch[HIDDEN] as number,
        ptr.scratch[QTOT] as number,
        n,
        this.embed,
        lanes,
      ),
    );
    return h.scratch(QTOT).subarray(0, rows);
  }

  /** Q_tot `[rows]` for the chosen Qs `[rows, N]` and states `[rows, S]` (valid until the next forward). */
  forward(chosen: Float32Array, states: Float32Array, rows: number): Float32Array {
    const n = this.agents;
    if (chosen.length !== rows * n)
      throw new RangeError(`QmixMixingKernel.forward: chosen has ${chosen.length} values, expected ${rows}×${n}`);
    this.hypernet.forward(states, rows);
    const qTot = this.mix(chosen, 0, rows);
    if (this.rows !== rows) {
      [this.rows, this.qTot, this.dChosen] = [rows, new Float32Array(rows), new Float32Array(rows * n)];
    }
    this.qTot.set(qTot);
    this.differentiable = true;
    return this.qTot;
  }

  /**
   * Q_tot of `count` variants of the agents' Qs `[count, rows, N]` over the same states `[rows, S]`:
   * `[count, rows]` (valid until the next forwardVariants). The hypernetworks run once for all variants; only the mixing
   * products are per variant. Forward only (RES's bootstrap): the next {@link backward} still needs a
   * {@link forward} before it.
   */
  forwardVariants(variants: Float32Array, states: Float32Array, rows: number, count: number): Float32Array {
    const n = this.agents;
    if (variants.length !== count * rows * n)
      throw new RangeError(
        `QmixMixingKernel.forwardVariants: variants has ${variants.length} values, expected ${count}×${rows}×${n}`,
      );
    this.hypernet.forward(states, rows);
    this.differentiable = false; // the scratch no longer holds the last forward's activations
    if (this.variantsQTot.length !== count * rows) this.variantsQTot = new Float32Array(count * rows);
    const out = this.variantsQTot; // [count, rows]
    for (let c = 0; c < count; c++) out.set(this.mix(variants, c * rows * n, rows), c * rows);
    return out;
  }

  /**
   * The last forward's backward from ∂L/∂Q_tot `[rows]`: ∂L/∂chosen `[rows, N]` (valid until the next
   * backward) and every hypernetwork layer's dw `[in, out]` and db `[out]`.
   */
  backward(dqTot: Float32Array): { dChosen: Float32Array; layers: Array<{ dw: Float32Array; db: Float32Array }> } {
    const [n, rows, h] = [this.agents, this.rows, this.hypernet];
    if (!this.differentiable || dqTot.length !== rows)
      throw new RangeError(
        `QmixMixingKernel.backward: dqTot has ${dqTot.length} values, expected the ${rows} rows of the last forward (with no forwardVariants since)`,
      );
    const lanes = h.lanes;
    const d = h.scratch(DQTOT); // [1, lanes], padded lanes 0
    d.fill(0);
    d.set(dqTot);
    const { w1, b1, wf, v } = this.outputs;
    let written = false;
    const layers = h.backward(() => {
      if (written) return; // one kernel call writes all four output layers' gradients
      written = true;
      h.run((k, at) => {
        k.qmixMixBackward(
          at.scratch[DQTOT] as number,
          at.scratch[Q] as number,
          at.y[w1] as number,
          at.y[wf] as number,
          at.scratch[HIDDEN] as number,
          at.dy[b1] as number,
          at.dy[w1] as number,
          at.dy[wf] as number,
          at.scratch[DQ] as number,
          n,
          this.embed,
          lanes,
        );
      });
      h.gradient(v).set(h.scratch(DQTOT)); // ∂V = ∂Q_tot (views fetched anew: memory may have grown)
    });
    const dq = h.scratch(DQ); // [N, lanes]
    const dChosen = this.dChosen;
    for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) dChosen[r * n + i] = dq[i * lanes + r] as number;
    return { dChosen, layers };
  }
}
