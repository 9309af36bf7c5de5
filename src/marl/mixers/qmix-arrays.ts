/**
 * QMIX's mixer (`qmix.ts`) on plain arrays for the array update (`compute: arrays`): the same
 * network on the WebAssembly kernels in one piece of kernel memory (`src/kernels/qmix-mixing.ts`: its
 * seven hypernetwork layers on the CSR kernels, `src/kernels/hypernet.ts`, and the per-row mixing
 * products, ELU and their backward as SIMD kernels over the layers' feature-major outputs):
 *   W1 = |L₁(relu(L₀(s)))| [N, E],  b1 = L_b(s),  Wf = |L_f1(relu(L_f0(s)))| [E],  V = L_v1(relu(L_v0(s))),
 *   pre = qᵀ·W1 + b1,  hidden = elu(pre),  Q_tot = hidden·Wf + V;
 *   ∂pre = ∂Q_tot·|Wf| ⊙ elu′,  ∂L₁ = q ⊗ ∂pre ⊙ sgn(L₁),  ∂q = |W1|·∂pre,  ∂L_f1 = ∂Q_tot·hidden ⊙ sgn(L_f1),
 * with tfjs's conventions for the kinks (|x|′ = −1 at 0, relu′ = 0 at 0, elu′ read from its output),
 * so its gradients are tf.variableGrads' of the tfjs mixer within float rounding.
 */
import type { HyperLayerSpec } from '../../kernels/hypernet.js';
import { QmixMixingKernel } from '../../kernels/qmix-mixing.js';
import type { ParamStore } from '../nets/params.js';
import { ResidentLayers } from './resident-layers.js';
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

/** QMIX's mixing network over a parameter store built by `QmixMixer`, on plain arrays. */
export class QmixArrays implements ArrayMixer {
  private readonly kernel: QmixMixingKernel;
  private readonly layers: ResidentLayers;

  constructor(store: ParamStore, nAgents: number) {
    const specs: HyperLayerSpec[] = LAYERS.map(({ name, from, relu }) => {
      const [inputs, outputs] = store.shape(`${name}.weight`) as [number, number];
      return { inputs, outputs, from: from === null ? null : LAYERS.findIndex((l) => l.name === from), relu };
    });
    this.kernel = new QmixMixingKernel(specs[0]!.inputs, specs, { w1: W1, b1: B1, wf: WF, v: V }, nAgents);
    this.layers = new ResidentLayers(
      store,
      LAYERS.map((l) => l.name),
      this.kernel.hypernet,
    );
  }

  forward(chosen: Float32Array, states: Float32Array, rows: number, allPositions = false): Float32Array {
    this.layers.sync(allPositions);
    return this.kernel.forward(chosen, states, rows);
  }

  forwardVariants(variants: Float32Array, states: Float32Array, rows: number, count: number): Float32Array {
    this.layers.sync(false);
    return this.kernel.forwardVariants(variants, states, rows, count);
  }

  backward(dqTot: Float32Array): { dChosen: Float32Array; grads: Record<string, Float32Array> } {
    const { dChosen, layers } = this.kernel.backward(dqTot);
    return { dChosen, grads: this.layers.gradients(layers) };
  }
}
