/** VDN (`vdn.ts`) on plain arrays for the array update: Q_tot = Σ_i Q_i, ∂Q_i = ∂Q_tot, no parameters. */
import type { ArrayMixer } from './types.js';

/** Value decomposition by summation, on plain arrays. */
export class VdnArrays implements ArrayMixer {
  private rows = 0;
  private qTot: Float32Array = new Float32Array(0);
  private dChosen: Float32Array = new Float32Array(0);
  private variantsQTot: Float32Array = new Float32Array(0); // [K, R], forwardVariants' answer

  constructor(private readonly nAgents: number) {}

  forward(chosen: Float32Array, _states: Float32Array, rows: number): Float32Array {
    const n = this.nAgents;
    if (this.rows !== rows)
      [this.rows, this.qTot, this.dChosen] = [rows, new Float32Array(rows), new Float32Array(rows * n)];
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += chosen[r * n + i] as number;
      this.qTot[r] = sum;
    }
    return this.qTot;
  }

  forwardVariants(variants: Float32Array, _states: Float32Array, rows: number, count: number): Float32Array {
    const n = this.nAgents;
    if (this.variantsQTot.length !== count * rows) this.variantsQTot = new Float32Array(count * rows);
    const out = this.variantsQTot; // [K, R]
    for (let r = 0; r < count * rows; r++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += variants[r * n + i] as number;
      out[r] = sum;
    }
    return out;
  }

  backward(dqTot: Float32Array): { dChosen: Float32Array; grads: Record<string, Float32Array> } {
    const n = this.nAgents;
    for (let r = 0; r < this.rows; r++) for (let i = 0; i < n; i++) this.dChosen[r * n + i] = dqTot[r] as number;
    return { dChosen: this.dChosen, grads: {} };
  }
}
