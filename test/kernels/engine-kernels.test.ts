/**
 * The sparse engine's own kernels against the ones they stand in for: `gruStep` (the GRU step with
 * linear_before_reset in one pass, the padded lanes of a 4m + 1 batch gathered four units at a time)
 * must give the bits of `gruGates` + `gruCandidate` in every real lane, on odd hidden sizes and every
 * batch remainder, in both kernel builds; `dense5` (five batch rows in one pass over the weights) must
 * give the bits of `dense`, and `spmm4` / `spmm8` (columns as byte offsets) those of `spmm`;
 * `allFinite` must find a NaN or ±Inf at any position.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { csrFromEntries, packDense } from '@mast-toolkit/runtime/internal/kernels/csr';
import { Rng } from '../../src/util/rng.js';
import { VARIANTS, randomCsr } from './kernel-cases.js';

/** Random values over [−spread, spread], a few of them far out (σ's clamped range) or exactly 0. */
function values(rng: Rng, n: number, spread: number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const u = rng.next();
    return u < 0.03 ? 0 : u < 0.06 ? rng.uniform(-200, 200) : rng.uniform(-spread, spread);
  });
}

test('gruStep gives the bits of gruGates + gruCandidate (linear_before_reset) in every real lane, for hidden sizes 1-17 and batches 1-13, and only reads gx and gh', () => {
  const rng = new Rng(29);
  for (const variant of VARIANTS)
    for (const hidden of [1, 3, 4, 5, 6, 7, 8, 13, 17])
      for (let batch = 1; batch <= 13; batch++) {
        const lanes = Math.ceil(batch / 4) * 4;
        const a = new KernelArena(variant);
        const k = a.kernels;
        const gxValues = values(rng, 3 * hidden * lanes, 6);
        const ghValues = values(rng, 3 * hidden * lanes, 6);
        const [gx, gh, h] = [a.put(gxValues), a.put(ghValues), a.put(values(rng, hidden * lanes, 1))];
        const gates = a.put(values(rng, 4 * hidden, 2));
        const [yStep, yOld] = [a.alloc(4 * hidden * lanes), a.alloc(4 * hidden * lanes)];
        k.gruStep(gx, gh, gates, h, yStep, hidden, batch, lanes);
        assert.deepEqual(a.f32(gx, gxValues.length), gxValues, 'gx is only read');
        assert.deepEqual(a.f32(gh, ghValues.length), ghValues, 'gh is only read');
        k.gruGates(gx, gh, gates, hidden, lanes); // z, r in place in gx
        k.gruCandidate(gx, gh, 0, gates, h, yOld, hidden, lanes, 1, 0);
        const [got, want] = [a.f32(yStep, hidden * lanes), a.f32(yOld, hidden * lanes)];
        for (let j = 0; j < hidden; j++)
          for (let b = 0; b < batch; b++) {
            const i = j * lanes + b;
            assert.ok(
              Object.is(got[i], want[i]),
              `${variant} H ${hidden} batch ${batch}: unit ${j} row ${b}: ${got[i]} vs ${want[i]}`,
            );
          }
      }
});

test('allFinite finds a NaN, +Inf or −Inf at any position of 1-37 floats (vector passes and scalar tail), and looks no further than count', () => {
  const a = new KernelArena();
  const rng = new Rng(5);
  for (let count = 1; count <= 37; count++) {
    const clean = Float32Array.from({ length: count + 3 }, () => rng.uniform(-3e38, 3e38));
    const at = a.put(clean);
    assert.equal(a.kernels.allFinite(at, count), 1, `${count} finite floats`);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (let i = 0; i < count; i++) {
        const v = a.f32(at, count + 3);
        v[i] = bad;
        assert.equal(a.kernels.allFinite(at, count), 0, `${bad} at ${i} of ${count}`);
        v[i] = clean[i] as number;
      }
      a.f32(at, count + 3)[count] = bad; // past the end: not looked at
      assert.equal(a.kernels.allFinite(at, count), 1, `${bad} just past ${count}`);
      a.f32(at, count + 3)[count] = clean[count] as number;
    }
  }
});

test('dense5 gives the bits of dense for five batch rows at lane offsets 0, 4 and 8 (rows not a multiple of 8, odd column counts), zeroes the three lanes after them and leaves the others alone', () => {
  const rng = new Rng(31);
  for (const variant of VARIANTS)
    for (const [rows, cols] of [
      [1, 1],
      [7, 5],
      [9, 3],
      [13, 33],
      [17, 8],
      [24, 21],
    ] as const)
      for (const b0 of [0, 4, 8]) {
        const [batch, lanes] = [b0 + 5, b0 + 8];
        const a = new KernelArena(variant);
        const m = csrFromEntries(rows, cols, rows * cols, (i) => [Math.floor(i / cols), i % cols, rng.uniform(-1, 1)]);
        const [w, x] = [a.put(packDense(m)), a.put(values(rng, cols * lanes, 2))];
        const [yDense, y5] = [a.alloc(4 * rows * lanes), a.alloc(4 * rows * lanes)];
        a.f32(y5, rows * lanes).fill(Number.NaN);
        a.kernels.dense(w, rows, cols, x, yDense, batch, lanes);
        a.kernels.dense5(w, rows, cols, x, y5, b0, lanes);
        const [want, got] = [a.f32(yDense, rows * lanes), a.f32(y5, rows * lanes)];
        for (let r = 0; r < rows; r++)
          for (let l = 0; l < lanes; l++) {
            const [g, i] = [got[r * lanes + l] as number, r * lanes + l];
            const what = `${variant} ${rows}×${cols} b0 ${b0}: row ${r} lane ${l}`;
            if (l < b0) assert.ok(Number.isNaN(g), `${what} written`);
            else if (l < batch) assert.ok(Object.is(g, want[i]), `${what}: ${g} vs ${want[i]}`);
            else assert.ok(Object.is(g, 0), `${what}: ${g}, not 0`);
          }
      }
});

test('spmm4 and spmm8 (columns as byte offsets of x at 4 and 8 lanes) give the bits of spmm, over odd shapes, empty rows and odd entry counts per row, in both builds', () => {
  const rng = new Rng(37);
  for (const variant of VARIANTS)
    for (const [rows, cols, density] of [
      [1, 1, 1],
      [3, 7, 0.5],
      [9, 5, 0.3],
      [13, 33, 0.1],
      [40, 17, 0.05],
      [64, 64, 0.2],
    ] as const)
      for (const lanes of [4, 8]) {
        const a = new KernelArena(variant);
        const m = randomCsr(rng, rows, cols, density);
        const [rowStart, col, val] = [a.put(m.rowStart), a.put(m.col), a.put(m.value)];
        const off = a.put(m.col.map((c) => c * 4 * lanes));
        const x = a.put(values(rng, cols * lanes, 2));
        const [want, got] = [a.alloc(4 * rows * lanes), a.alloc(4 * rows * lanes)];
        a.kernels.spmm(rowStart, col, val, rows, x, want, lanes);
        if (lanes === 8) a.kernels.spmm8(rowStart, off, val, rows, x, got);
        else a.kernels.spmm4(rowStart, off, val, rows, x, got);
        const [w, g] = [a.f32(want, rows * lanes), a.f32(got, rows * lanes)];
        for (let i = 0; i < rows * lanes; i++)
          assert.ok(Object.is(g[i], w[i]), `${variant} ${rows}×${cols} at ${lanes} lanes: [${i}] ${g[i]} vs ${w[i]}`);
      }
});
