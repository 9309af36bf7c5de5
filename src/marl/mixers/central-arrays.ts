/**
 * WQMIX's central critic Q̂* (`central.ts`) on plain arrays for the array update (`compute: arrays`):
 * its three layers as a {@link HypernetKernel} over the rows' inputs [Q_1..Q_N, s] (the tfjs critic's
 * concatenation, `[rows, N+S]`), forward and backward on the WebAssembly CSR kernels:
 *   Q̂* = out(relu(fc2(relu(fc1([q, s]))))).
 * The critic reads the agents' utilities detached (only the weighted QMIX loss shapes the agents),
 * so its backward gives its own weights' gradients and no ∂L/∂q.
 */
import { HypernetKernel, type HyperLayerSpec } from '../../kernels/hypernet.js';
import type { ParamStore } from '../nets/params.js';
import { ResidentLayers } from './resident-layers.js';

/** The critic's layers, in the kernel's order: name, the layer it reads (null: the inputs), ReLU after. */
const LAYERS: ReadonlyArray<{ name: string; from: number | null; relu: boolean }> = [
  { name: 'fc1', from: null, relu: true },
  { name: 'fc2', from: 0, relu: true },
  { name: 'out', from: 1, relu: false },
];
const OUT = 2;

/** The central critic over a parameter store built by `CentralCritic`, on plain arrays. */
export class CentralCriticArrays {
  private readonly kernel: HypernetKernel;
  private readonly layers: ResidentLayers;
  private readonly width: number; // N + S
  private inputs = new Float32Array(0); // [rows, N+S]
  private values = new Float32Array(0); // [rows]
  private rows = 0;

  constructor(
    store: ParamStore,
    private readonly agents: number,
  ) {
    const specs: HyperLayerSpec[] = LAYERS.map(({ name, from, relu }) => {
      const [inputs, outputs] = store.shape(`${name}.weight`) as [number, number];
      return { inputs, outputs, from, relu };
    });
    this.width = specs[0]!.inputs;
    this.kernel = new HypernetKernel(this.width, specs);
    this.layers = new ResidentLayers(
      store,
      LAYERS.map((l) => l.name),
      this.kernel,
    );
  }

  /**
   * Q̂*(s, q) `[rows]` (valid until the next forward) for the agents' utilities `q` `[rows, N]` and the
   * states `[rows, S]`.
   * @param allPositions differentiate at every weight position, pruned ones included (RigL's dense gradient)
   */
  forward(q: Float32Array, states: Float32Array, rows: number, allPositions = false): Float32Array {
    const [n, width] = [this.agents, this.width];
    const s = width - n;
    if (q.length !== rows * n || states.length !== rows * s)
      throw new RangeError(
        `CentralCriticArrays.forward: ${q.length} utilities and ${states.length} state values, expected ${rows}×${n} and ${rows}×${s}`,
      );
    this.layers.sync(allPositions);
    if (this.rows !== rows)
      [this.rows, this.inputs, this.values] = [rows, new Float32Array(rows * width), new Float32Array(rows)];
    const x = this.inputs;
    for (let r = 0; r < rows; r++) {
      x.set(q.subarray(r * n, (r + 1) * n), r * width);
      x.set(states.subarray(r * s, (r + 1) * s), r * width + n);
    }
    this.kernel.forward(x, rows);
    this.values.set(this.kernel.output(OUT).subarray(0, rows)); // [1, lanes] → [rows]
    return this.values;
  }

  /**
   * The last forward's gradients from ∂L/∂Q̂* `[rows]`: every layer's weight and bias gradient by
   * parameter name (zero at pruned positions unless the forward asked for all positions).
   */
  backward(dValue: Float32Array): Record<string, Float32Array> {
    if (dValue.length !== this.rows)
      throw new RangeError(
        `CentralCriticArrays.backward: ${dValue.length} values, expected the ${this.rows} rows of the last forward`,
      );
    const layers = this.kernel.backward((index, dy) => {
      if (index === OUT) dy.set(dValue); // [1, lanes]; padded lanes stay 0
    });
    return this.layers.gradients(layers);
  }
}
