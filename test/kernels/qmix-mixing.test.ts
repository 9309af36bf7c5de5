/**
 * QMIX's mixing kernels (`qmixMixForward`, `qmixMixBackward` in sparse-kernels.wat, through
 * `src/kernels/qmix-mixing.ts`) against the mixing formulas in f64 on odd sizes (rows not a multiple
 * of 4, odd N and E), tfjs's kinks included (a W1 column that is exactly 0); and ELU's e^x − 1 against
 * Math.expm1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { QmixMixingKernel } from '../../src/kernels/qmix-mixing.js';
import type { HyperLayerSpec } from '../../src/kernels/hypernet.js';
import { Rng } from '../../src/util/rng.js';

test('qmixMixForward’s ELU is within 3·10⁻⁷ and 10⁻⁶ relative of x > 0 ? x : Math.expm1(x), NaN stays NaN', () => {
  const rng = new Rng(3);
  const xs = [0, -0, 1e-30, -1e-30, -1e-8, -0.1, -0.34657, -0.34658, -1, -20, -87, -87.3, -88, -100, -1e6, 2.5, 1e6];
  for (let i = 0; i < 4000; i++) xs.push(rng.uniform(-20, 2), rng.uniform(-0.5, 0.5) * 10 ** -rng.int(8));
  xs.push(NaN);
  const e = xs.length;
  const lanes = 4;
  const a = new KernelArena();
  const b1 = a.alloc(4 * e * lanes);
  const wf = a.alloc(4 * e * lanes); // zeros
  const [v, qTot, hidden, q, w1] = [a.alloc(16), a.alloc(16), a.alloc(4 * e * lanes), a.alloc(16), a.alloc(16)];
  const bv = a.f32(b1, e * lanes);
  xs.forEach((x, k) => bv.fill(x, k * lanes, (k + 1) * lanes));
  a.kernels.qmixMixForward(q, w1, b1, wf, v, hidden, qTot, 0, e, lanes); // no agents: pre = b1
  const h = a.f32(hidden, e * lanes);
  xs.forEach((x, k) => {
    const x32 = Math.fround(x);
    const want = x32 > 0 ? x32 : Math.expm1(x32);
    for (let l = 0; l < lanes; l++) {
      const got = h[k * lanes + l]!;
      if (Number.isNaN(x)) assert.ok(Number.isNaN(got), 'NaN in, NaN out');
      else
        assert.ok(
          Math.abs(got - want) <= Math.min(3e-7, 1e-6 * Math.abs(want)) || got === want,
          `elu(${x}) = ${got}, Math.expm1 gives ${want}`,
        );
    }
  });
});

const [S, N, E] = [5, 3, 5];
// W1 [N·E], b1 [E], Wf [E], V [1], each read straight from the states (the hypernetworks' own graph is hypernet.test.ts')
const SPECS: HyperLayerSpec[] = [
  { inputs: S, outputs: N * E, from: null, relu: false },
  { inputs: S, outputs: E, from: null, relu: false },
  { inputs: S, outputs: E, from: null, relu: false },
  { inputs: S, outputs: 1, from: null, relu: false },
];
const ZERO_UNIT = 2 * E + 1; // W1[2, 1] is exactly 0 on every row: tfjs's |x|′ = −1 there

test('QmixMixingKernel: Q_tot, ∂L/∂chosen and every layer’s gradients equal the mixing formulas on odd sizes', () => {
  const rng = new Rng(17);
  const kernel = new QmixMixingKernel(S, SPECS, { w1: 0, b1: 1, wf: 2, v: 3 }, N);
  const ws = SPECS.map((s, i) => {
    const w = Float32Array.from({ length: s.inputs * s.outputs }, () => rng.uniform(-1, 1));
    const mask = Uint8Array.from(w, () => (rng.next() < 0.7 ? 1 : 0));
    const b = Float32Array.from({ length: s.outputs }, () => rng.uniform(-1, 1));
    if (i === 0) {
      for (let j = 0; j < S; j++) mask[j * s.outputs + ZERO_UNIT] = 0;
      b[ZERO_UNIT] = 0;
    }
    kernel.hypernet.load(i, w, mask, b);
    return { w, mask, b };
  });
  for (const rows of [13, 7]) {
    const states = Float32Array.from({ length: rows * S }, () => rng.uniform(-2, 2));
    const chosen = Float32Array.from({ length: rows * N }, () => rng.uniform(-3, 3));
    const dqTot = Float32Array.from({ length: rows }, () => rng.uniform(-1, 1));
    const qTot = kernel.forward(chosen, states, rows).slice();
    // the hypernetworks' outputs, row-major
    const lanes = kernel.hypernet.lanes;
    const out = SPECS.map((s, i) => {
      const y = kernel.hypernet.output(i);
      return Array.from({ length: rows }, (_, r) => Array.from({ length: s.outputs }, (_, o) => y[o * lanes + r]!));
    });
    const { dChosen, layers } = kernel.backward(dqTot);
    const dy = SPECS.map((s) => Array.from({ length: rows }, () => new Array<number>(s.outputs).fill(0)));
    for (let r = 0; r < rows; r++) {
      const [w1, b1, wf, v] = out.map((o) => o[r]!) as [number[], number[], number[], number[]];
      let want = v[0]!;
      const dq = new Array<number>(N).fill(0);
      for (let k = 0; k < E; k++) {
        let pre = b1[k]!;
        for (let i = 0; i < N; i++) pre += chosen[r * N + i]! * Math.abs(w1[i * E + k]!);
        const h = pre > 0 ? pre : Math.expm1(pre);
        want += h * Math.abs(wf[k]!);
        const sgn = (x: number) => (x > 0 ? 1 : -1);
        const dPre = dqTot[r]! * Math.abs(wf[k]!) * (h >= 0 ? 1 : h + 1);
        dy[1]![r]![k] = dPre;
        dy[2]![r]![k] = dqTot[r]! * h * sgn(wf[k]!);
        for (let i = 0; i < N; i++) {
          dy[0]![r]![i * E + k] = dPre * chosen[r * N + i]! * sgn(w1[i * E + k]!);
          dq[i] = dq[i]! + dPre * Math.abs(w1[i * E + k]!);
        }
      }
      dy[3]![r]![0] = dqTot[r]!;
      assert.ok(
        Math.abs(qTot[r]! - want) < 1e-5 * (1 + Math.abs(want)),
        `rows ${rows}: Q_tot[${r}] ${qTot[r]} vs ${want}`,
      );
      dq.forEach((g, i) =>
        assert.ok(Math.abs(dChosen[r * N + i]! - g) < 1e-5 * (1 + Math.abs(g)), `rows ${rows}: dChosen[${r}, ${i}]`),
      );
    }
    assert.equal(out[0]![0]![ZERO_UNIT], 0, 'the zero unit is exactly 0');
    // dw = statesᵀ·dy at stored positions, db = Σ_r dy
    SPECS.forEach((s, l) => {
      for (let o = 0; o < s.outputs; o++) {
        const db = dy[l]!.reduce((sum, row) => sum + row[o]!, 0);
        assert.ok(Math.abs(layers[l]!.db[o]! - db) < 1e-5 * (1 + Math.abs(db)), `rows ${rows}: db${l}[${o}]`);
        for (let j = 0; j < S; j++) {
          let g = 0;
          for (let r = 0; r < rows; r++) g += states[r * S + j]! * dy[l]![r]![o]!;
          const want = ws[l]!.mask[j * s.outputs + o] ? g : 0;
          const got = layers[l]!.dw[j * s.outputs + o]!;
          assert.ok(
            Math.abs(got - want) < 1e-5 * (1 + Math.abs(want)),
            `rows ${rows}: dw${l}[${j}, ${o}] ${got} vs ${want}`,
          );
        }
      }
    });
  }
});

test('QmixMixingKernel refuses output layers of the wrong widths', () => {
  const bad = SPECS.map((s, i) => (i === 2 ? { ...s, outputs: E + 1 } : s));
  assert.throws(() => new QmixMixingKernel(S, bad, { w1: 0, b1: 1, wf: 2, v: 3 }, N), RangeError);
  assert.throws(() => new QmixMixingKernel(S, SPECS, { w1: 0, b1: 1, wf: 2, v: 3 }, N + 1), RangeError);
});

test('QmixMixingKernel.forwardVariants: each variant’s Q_tot is forward’s, bit for bit; a backward after it is refused until the next forward', () => {
  const rng = new Rng(23);
  const kernel = new QmixMixingKernel(S, SPECS, { w1: 0, b1: 1, wf: 2, v: 3 }, N);
  SPECS.forEach((s, i) => {
    const w = Float32Array.from({ length: s.inputs * s.outputs }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: s.outputs }, () => rng.uniform(-1, 1));
    kernel.hypernet.load(i, w, null, b);
  });
  const [rows, count] = [11, 5];
  const states = Float32Array.from({ length: rows * S }, () => rng.uniform(-2, 2));
  const variants = Float32Array.from({ length: count * rows * N }, () => rng.uniform(-3, 3)); // [K, rows, N]
  const got = kernel.forwardVariants(variants, states, rows, count); // [K, rows]
  assert.equal(got.length, count * rows);
  assert.throws(() => kernel.backward(new Float32Array(rows)), /no forwardVariants since/);
  for (let c = 0; c < count; c++) {
    const one = kernel.forward(variants.subarray(c * rows * N, (c + 1) * rows * N), states, rows);
    assert.deepEqual(got.subarray(c * rows, (c + 1) * rows), one, `variant ${c}`);
  }
  kernel.backward(new Float32Array(rows)); // a forward again: differentiable
  assert.throws(() => kernel.forwardVariants(variants.subarray(1), states, rows, count), RangeError);
});
