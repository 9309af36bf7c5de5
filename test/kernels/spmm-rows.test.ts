/**
 * spmm over a matrix that is not dense (its row-at-a-time path: lane blocks of 128, rows inside,
 * 16/8/4-lane passes) gives, in every lane of every width, the bits of `spmm8` / `spmm4` — kernels
 * with their own loops and spmm's per-lane arithmetic — on the same lanes cut out of x: so the
 * results do not depend on the blocking, across block edges (128, 256 lanes) and 8- and 4-lane
 * remainders, with empty rows and odd entry counts, in both kernel builds; and `spmmBias` (bias and
 * ReLU added as rows are stored) gives the bits of spmm, addBias and relu run one after another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { Rng } from '../../src/util/rng.js';
import { VARIANTS, randomCsr } from './kernel-cases.js';

test('spmm of a sparse matrix equals spmm8 / spmm4 on each 8- or 4-lane slice, bit for bit, at 4-300 lanes', () => {
  const rng = new Rng(292);
  for (const variant of VARIANTS)
    for (const [rows, cols, density] of [
      [1, 1, 1],
      [7, 5, 0.5],
      [13, 33, 0.1],
      [37, 19, 0.05],
      [45, 64, 0.3],
    ] as const)
      for (const lanes of [4, 12, 16, 20, 28, 124, 128, 132, 140, 252, 260, 300]) {
        const a = new KernelArena(variant);
        const m = randomCsr(rng, rows, cols, density);
        const [rowStart, col, val] = [a.put(m.rowStart), a.put(m.col), a.put(m.value)];
        const xValues = Float32Array.from({ length: cols * lanes }, () => rng.uniform(-2, 2)); // [cols, lanes]
        const [x, y] = [a.put(xValues), a.alloc(4 * rows * lanes)];
        a.kernels.spmm(rowStart, col, val, rows, x, y, lanes);
        const wide = a.f32(y, rows * lanes).slice(); // [rows, lanes]
        for (let g = 0; g < lanes; g += 8) {
          const width = Math.min(8, lanes - g); // 8, or the 4 left at the end
          const narrow = Float32Array.from({ length: cols * width }, (_, i) => {
            const [c, l] = [Math.floor(i / width), i % width];
            return xValues[c * lanes + g + l] as number;
          }); // [cols, width]
          const [xs, ys] = [a.put(narrow), a.alloc(4 * rows * width)];
          const off = a.put(m.col.map((c) => c * 4 * width));
          if (width === 8) a.kernels.spmm8(rowStart, off, val, rows, xs, ys);
          else a.kernels.spmm4(rowStart, off, val, rows, xs, ys);
          const want = a.f32(ys, rows * width);
          for (let r = 0; r < rows; r++)
            for (let l = 0; l < width; l++)
              assert.ok(
                Object.is(wide[r * lanes + g + l], want[r * width + l]),
                `${variant} ${rows}×${cols} (${density}) at ${lanes} lanes: row ${r} lane ${g + l}: ${wide[r * lanes + g + l]} vs ${want[r * width + l]}`,
              );
        }
      }
});

test('spmmBias gives the bits of spmm, addBias and relu in turn (sparse and dense matrices, ReLU on and off, 4-300 lanes)', () => {
  const rng = new Rng(293);
  for (const variant of VARIANTS)
    for (const [rows, cols, density] of [
      [1, 1, 1],
      [8, 12, 1], // dense: the blocked product, then the bias and ReLU passes
      [7, 5, 0.5],
      [37, 19, 0.05],
      [45, 64, 0.3],
    ] as const)
      for (const lanes of [4, 12, 20, 132, 260])
        for (const relu of [0, 1]) {
          const a = new KernelArena(variant);
          const m = randomCsr(rng, rows, cols, density);
          const [rowStart, col, val] = [a.put(m.rowStart), a.put(m.col), a.put(m.value)];
          const bias = a.put(Float32Array.from({ length: rows }, (_, r) => (r % 5 === 0 ? 0 : rng.uniform(-1, 1))));
          const x = a.put(Float32Array.from({ length: cols * lanes }, () => rng.uniform(-2, 2))); // [cols, lanes]
          const [want, got] = [a.alloc(4 * rows * lanes), a.alloc(4 * rows * lanes)];
          a.kernels.spmm(rowStart, col, val, rows, x, want, lanes);
          a.kernels.addBias(want, bias, want, rows, lanes);
          if (relu) a.kernels.relu(want, want, rows * lanes);
          a.kernels.spmmBias(rowStart, col, val, rows, x, got, lanes, bias, relu);
          const [w, g] = [a.f32(want, rows * lanes), a.f32(got, rows * lanes)];
          for (let i = 0; i < rows * lanes; i++)
            assert.ok(
              Object.is(g[i], w[i]),
              `${variant} ${rows}×${cols} (${density}) at ${lanes} lanes, relu ${relu}: [${i}] ${g[i]} vs ${w[i]}`,
            );
        }
});
