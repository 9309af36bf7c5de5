/**
 * The hypernetwork kernel (`src/kernels/hypernet.ts`): a graph of masked linear layers over the
 * states, resident in one arena, against the dense formulas (outputs, ReLUs, every layer's dw and db
 * through the graph), and a smaller batch after a larger one equals a fresh kernel's, bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypernetKernel, type HyperLayerSpec } from '../../src/kernels/hypernet.js';
import { Rng } from '../../src/util/rng.js';

const S = 5;
// 0: S→6 relu → 1: 6→4;  2: S→3 (an output read straight from the states)
const SPECS: HyperLayerSpec[] = [
  { inputs: S, outputs: 6, from: null, relu: true },
  { inputs: 6, outputs: 4, from: 0, relu: false },
  { inputs: S, outputs: 3, from: null, relu: false },
];

function weights(rng: Rng): Array<{ w: Float32Array; mask: Uint8Array; b: Float32Array }> {
  return SPECS.map((s) => {
    const w = Float32Array.from({ length: s.inputs * s.outputs }, () => rng.uniform(-1, 1));
    const mask = Uint8Array.from(w, () => (rng.next() < 0.6 ? 1 : 0));
    return { w, mask, b: Float32Array.from({ length: s.outputs }, () => rng.uniform(-1, 1)) };
  });
}

/** y = x·(W⊙mask) + b, row-major `[rows, out]`. */
function dense(x: number[][], w: Float32Array, mask: Uint8Array, b: Float32Array, nOut: number, relu: boolean) {
  return x.map((row) =>
    Array.from({ length: nOut }, (_, o) => {
      let y = b[o]!;
      row.forEach((v, i) => (y += mask[i * nOut + o] ? v * w[i * nOut + o]! : 0));
      return relu ? Math.max(y, 0) : y;
    }),
  );
}

/** Run the kernel on `rows` rows with ∂L/∂y = the given row-major gradients of layers 1 and 2. */
function run(kernel: HypernetKernel, states: Float32Array, rows: number, dy1: number[][], dy2: number[][]) {
  kernel.forward(states, rows);
  const lanes = kernel.lanes;
  const read = (i: number, out: number) => {
    const v = kernel.output(i);
    return Array.from({ length: rows }, (_, r) => Array.from({ length: out }, (_, o) => v[o * lanes + r]!));
  };
  const outputs = [read(0, 6), read(1, 4), read(2, 3)];
  const grads = kernel.backward((i, dy) => {
    const src = i === 1 ? dy1 : dy2;
    src.forEach((row, r) => row.forEach((g, o) => (dy[o * lanes + r] = g)));
  });
  return { outputs, grads };
}

test('HypernetKernel: outputs, ReLUs and every layer’s gradients equal the dense formulas; a smaller batch after a larger one is a fresh kernel’s', () => {
  const rng = new Rng(9);
  const ws = weights(rng);
  const make = () => {
    const k = new HypernetKernel(S, SPECS);
    ws.forEach(({ w, mask, b }, i) => k.load(i, w, mask, b));
    return k;
  };
  const reused = make();
  for (const rows of [11, 6]) {
    const states = Float32Array.from({ length: rows * S }, () => rng.uniform(-1, 1));
    const x = Array.from({ length: rows }, (_, r) => Array.from(states.subarray(r * S, (r + 1) * S)));
    const dy1 = Array.from({ length: rows }, () => Array.from({ length: 4 }, () => rng.uniform(-1, 1)));
    const dy2 = Array.from({ length: rows }, () => Array.from({ length: 3 }, () => rng.uniform(-1, 1)));
    const got = run(reused, states, rows, dy1, dy2);
    // dense reference
    const h = dense(x, ws[0]!.w, ws[0]!.mask, ws[0]!.b, 6, true);
    const want = [
      h,
      dense(h, ws[1]!.w, ws[1]!.mask, ws[1]!.b, 4, false),
      dense(x, ws[2]!.w, ws[2]!.mask, ws[2]!.b, 3, false),
    ];
    want.forEach((layer, i) =>
      layer.forEach((row, r) =>
        row.forEach((v, o) => assert.ok(Math.abs(got.outputs[i]![r]![o]! - v) < 1e-5, `y${i}[${r}, ${o}]`)),
      ),
    );
    // ∂h = dy1·W1ᵀ through the ReLU; dw = xᵀ·dy at stored positions; db = Σ_r dy
    const dh = dy1.map((row, r) =>
      Array.from({ length: 6 }, (_, j) => {
        let g = 0;
        row.forEach((d, o) => (g += ws[1]!.mask[j * 4 + o] ? d * ws[1]!.w[j * 4 + o]! : 0));
        return h[r]![j]! > 0 ? g : 0;
      }),
    );
    const layerGrads: Array<[number[][], number[][], number, number]> = [
      [x, dh, S, 6],
      [h, dy1, 6, 4],
      [x, dy2, S, 3],
    ];
    layerGrads.forEach(([input, dy, nIn, nOut], l) => {
      for (let i = 0; i < nIn; i++)
        for (let o = 0; o < nOut; o++) {
          let g = 0;
          for (let r = 0; r < rows; r++) g += input[r]![i]! * dy[r]![o]!;
          const stored = ws[l]!.mask[i * nOut + o] ? g : 0;
          assert.ok(Math.abs(got.grads[l]!.dw[i * nOut + o]! - stored) < 1e-5, `rows ${rows}: dw${l}[${i}, ${o}]`);
        }
      for (let o = 0; o < nOut; o++) {
        const db = dy.reduce((sum, row) => sum + row[o]!, 0);
        assert.ok(Math.abs(got.grads[l]!.db[o]! - db) < 1e-5, `rows ${rows}: db${l}[${o}]`);
      }
    });
    assert.deepEqual(
      run(make(), states, rows, dy1, dy2),
      got,
      `rows ${rows}: reused buffers give a fresh kernel's bits`,
    );
  }
});

test('HypernetKernel refuses a layer that reads a later layer or the wrong width', () => {
  assert.throws(() => new HypernetKernel(S, [{ inputs: 4, outputs: 2, from: 1, relu: false }, SPECS[1]!]), RangeError);
  assert.throws(() => new HypernetKernel(S, [{ inputs: S + 1, outputs: 2, from: null, relu: false }]), RangeError);
});
