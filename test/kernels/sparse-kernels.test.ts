import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { csrFromEntries } from '@mast-toolkit/runtime/internal/kernels/csr';
import { SparseLinearKernel } from '../../src/kernels/sparse-linear.js';
import { Rng } from '../../src/util/rng.js';

test('the SIMD sigmoid stays within 2e-7 of 1/(1+e^−x) on [−40, 40], saturates beyond, keeps NaN', () => {
  const arena = new KernelArena();
  const xs = Float32Array.from({ length: 80_000 }, (_, i) => -40 + i * 0.001);
  const extremes = Float32Array.of(
    -1e9,
    1e9,
    0,
    Number.NaN,
    -88,
    89,
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
  );
  const all = Float32Array.from([...xs, ...extremes]);
  const [x, y] = [arena.put(all), arena.alloc(4 * all.length)];
  arena.kernels.sigmoid(x, y, all.length);
  const out = arena.f32(y, all.length);
  let worst = 0;
  for (let i = 0; i < xs.length; i++)
    worst = Math.max(worst, Math.abs((out[i] as number) - 1 / (1 + Math.exp(-(xs[i] as number)))));
  assert.ok(worst < 2e-7, `worst |error| ${worst}`);
  const e = out.subarray(xs.length);
  assert.ok((e[0] as number) < 1e-37, `σ(−1e9) = ${e[0]}`); // e^t is clamped at e^88.3
  assert.deepEqual([e[1], e[2]], [1, 0.5]);
  assert.ok(Number.isNaN(e[3]));
  assert.ok((e[4] as number) < 1e-37 && e[5] === 1 && (e[6] as number) < 1e-37 && e[7] === 1, `${[...e]}`);
});

test('spmm equals the dense product for every lane count (8-lane passes, a 4-lane tail) and empty rows', () => {
  const rng = new Rng(7);
  const [rows, cols] = [13, 21];
  const dense = Array.from({ length: rows * cols }, (_, i) =>
    Math.floor(i / cols) === 4 || rng.next() > 0.2 ? 0 : rng.uniform(-1, 1),
  ); // row 4 empty
  const m = csrFromEntries(rows, cols, dense.length, (k) => [Math.floor(k / cols), k % cols, dense[k] as number]);
  for (const lanes of [4, 8, 12, 16]) {
    const arena = new KernelArena();
    const x = Float32Array.from({ length: cols * lanes }, () => rng.uniform(-1, 1)); // [cols, lanes]
    const [rs, col, val, xAt, yAt] = [
      arena.put(m.rowStart),
      arena.put(m.col),
      arena.put(m.value),
      arena.put(x),
      arena.alloc(4 * rows * lanes),
    ];
    arena.kernels.spmm(rs, col, val, rows, xAt, yAt, lanes);
    const y = arena.f32(yAt, rows * lanes);
    for (let r = 0; r < rows; r++) {
      for (let l = 0; l < lanes; l++) {
        let want = 0;
        for (let c = 0; c < cols; c++) want += (dense[r * cols + c] as number) * (x[c * lanes + l] as number);
        assert.ok(
          Math.abs((y[r * lanes + l] as number) - want) < 1e-5,
          `lanes ${lanes}, row ${r}, lane ${l}: ${y[r * lanes + l]} vs ${want}`,
        );
      }
    }
    assert.ok(
      y.subarray(4 * lanes, 5 * lanes).every((v) => v === 0),
      'an empty row gives zeros',
    );
  }
});

test('toFeatureMajor and toRowMajor are inverse transposes over the padded lanes', () => {
  const arena = new KernelArena();
  const [rows, features, lanes] = [5, 7, 8];
  const src = Float32Array.from({ length: rows * features }, (_, i) => i + 1);
  const [a, fm, b] = [arena.put(src), arena.alloc(4 * features * lanes), arena.alloc(4 * rows * features)];
  arena.kernels.toFeatureMajor(a, fm, rows, features, lanes);
  assert.equal(arena.f32(fm, features * lanes)[3 * lanes + 2], src[2 * features + 3]); // feature 3 of row 2
  arena.kernels.toRowMajor(fm, b, rows, features, lanes);
  assert.deepEqual([...arena.f32(b, rows * features)], [...src]);
});

test('the arena grows its memory and keeps earlier placements', () => {
  const arena = new KernelArena();
  const first = arena.put(Float32Array.of(1, 2, 3));
  const big = arena.alloc(4 * 300_000); // past the first 64 KiB page
  arena.f32(big, 300_000).fill(9);
  assert.deepEqual([...arena.f32(first, 3)], [1, 2, 3]);
  assert.equal(arena.heap[(big >> 2) + 299_999], 9);
});

test('SparseLinearKernel: y = x·W + b and its gradients (dx, dw at stored positions, db) equal the dense formulas', () => {
  const rng = new Rng(3);
  const [nIn, nOut] = [11, 7];
  const kernel = new SparseLinearKernel(nIn, nOut);
  for (const rows of [9, 3]) {
    // a smaller batch after a larger one reuses the buffers
    const w = Float32Array.from({ length: nIn * nOut }, () => rng.uniform(-1, 1));
    const mask = Uint8Array.from(w, () => (rng.next() < 0.3 ? 1 : 0));
    const wm = w.map((v, k) => (mask[k] ? v : 0));
    const b = Float32Array.from({ length: nOut }, () => rng.uniform(-1, 1));
    const x = Float32Array.from({ length: rows * nIn }, () => rng.uniform(-1, 1));
    const dy = Float32Array.from({ length: rows * nOut }, () => rng.uniform(-1, 1));
    const y = kernel.forward(x, rows, w, mask, b);
    const g = kernel.backward(dy);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < nOut; o++) {
        let want = b[o] as number;
        for (let i = 0; i < nIn; i++) want += (x[r * nIn + i] as number) * (wm[i * nOut + o] as number);
        assert.ok(Math.abs((y[r * nOut + o] as number) - want) < 1e-5, `rows ${rows}: y[${r}, ${o}]`);
      }
      for (let i = 0; i < nIn; i++) {
        let want = 0;
        for (let o = 0; o < nOut; o++) want += (dy[r * nOut + o] as number) * (wm[i * nOut + o] as number);
        assert.ok(Math.abs((g.dx[r * nIn + i] as number) - want) < 1e-5, `rows ${rows}: dx[${r}, ${i}]`);
      }
    }
    for (let i = 0; i < nIn; i++) {
      for (let o = 0; o < nOut; o++) {
        let want = 0;
        for (let r = 0; r < rows; r++) want += (x[r * nIn + i] as number) * (dy[r * nOut + o] as number);
        assert.ok(
          Math.abs((g.dw[i * nOut + o] as number) - (mask[i * nOut + o] ? want : 0)) < 1e-5,
          `rows ${rows}: dw[${i}, ${o}]`,
        );
      }
    }
    for (let o = 0; o < nOut; o++) {
      let want = 0;
      for (let r = 0; r < rows; r++) want += dy[r * nOut + o] as number;
      assert.ok(Math.abs((g.db[o] as number) - want) < 1e-5, `rows ${rows}: db[${o}]`);
    }
  }
});
