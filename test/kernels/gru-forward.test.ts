/**
 * Training's GRU kernels. `gruForward` (the step in one pass) against the two kernels it stands in for,
 * `gruGates` + `gruCandidate` (linear_before_reset, candidate kept): the same bits in every lane,
 * padded lanes included, for z and r (left in gx), the candidate n and the new hidden state, on odd
 * hidden sizes and lane counts of one to seven vectors (the paired pass and the single last vector),
 * in both kernel builds; and it only reads gx's candidate block and gh. `gruBackward` leaves dgh's z
 * and r blocks equal to dgx's bit for bit, which lets the agent unroll take their bias gradients from
 * dgx's sums instead of summing them twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { Rng } from '../../src/util/rng.js';
import { VARIANTS } from './kernel-cases.js';

/** Random values over [−spread, spread], a few of them far out (σ's clamped range), exactly 0 or NaN. */
function values(rng: Rng, n: number, spread: number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const u = rng.next();
    if (u < 0.005) return Number.NaN;
    return u < 0.03 ? 0 : u < 0.06 ? rng.uniform(-200, 200) : rng.uniform(-spread, spread);
  });
}

/** Bitwise equality of two float arrays (NaN equals NaN), naming the first difference. */
function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++)
    assert.ok(Object.is(got[i], want[i]), `${what}: value ${i}: ${got[i]} vs ${want[i]}`);
}

test('gruForward gives the bits of gruGates + gruCandidate (lbr 1) for z, r, n and h′ in every lane, hidden 1-17, 4-28 lanes', () => {
  const rng = new Rng(290);
  for (const variant of VARIANTS)
    for (const hidden of [1, 2, 3, 5, 7, 8, 13, 17])
      for (let lanes = 4; lanes <= 28; lanes += 4) {
        const a = new KernelArena(variant);
        const k = a.kernels;
        const gxValues = values(rng, 3 * hidden * lanes, 6); // [3H, lanes]
        const ghValues = values(rng, 3 * hidden * lanes, 6); // [3H, lanes]
        const hValues = values(rng, hidden * lanes, 1); // [H, lanes]
        const gatesValues = values(rng, 4 * hidden, 2); // [H, 4]
        const [gates, h] = [a.put(gatesValues), a.put(hValues)];
        // --- the two-kernel reference
        const [gxOld, ghOld] = [a.put(gxValues), a.put(ghValues)];
        const [yOld, nOld] = [a.alloc(4 * hidden * lanes), a.alloc(4 * hidden * lanes)];
        k.gruGates(gxOld, ghOld, gates, hidden, lanes);
        k.gruCandidate(gxOld, ghOld, 0, gates, h, yOld, hidden, lanes, 1, nOld);
        // --- the fused kernel
        const [gx, gh] = [a.put(gxValues), a.put(ghValues)];
        const [y, n] = [a.alloc(4 * hidden * lanes), a.alloc(4 * hidden * lanes)];
        k.gruForward(gx, gh, gates, h, y, hidden, lanes, n);
        const what = `${variant} H ${hidden} lanes ${lanes}`;
        const block = hidden * lanes;
        assertSameBits(a.f32(y, block), a.f32(yOld, block), `${what} h′`);
        assertSameBits(a.f32(n, block), a.f32(nOld, block), `${what} n`);
        assertSameBits(a.f32(gx, 3 * block), a.f32(gxOld, 3 * block), `${what} gx (z, r; candidate block unchanged)`);
        assertSameBits(a.f32(gx + 8 * block, block), gxValues.subarray(2 * block), `${what} gx's candidate block`);
        assertSameBits(a.f32(gh, 3 * block), ghValues, `${what} gh is only read`);
        assertSameBits(a.f32(h, block), hValues, `${what} h is only read`);
        // --- without keeping n: the same h′, nothing written at 0
        const [gx2, y2] = [a.put(gxValues), a.alloc(4 * block)];
        const low = a.f32(0, 4).slice();
        k.gruForward(gx2, gh, gates, h, y2, hidden, lanes, 0);
        assertSameBits(a.f32(y2, block), a.f32(yOld, block), `${what} h′ without n`);
        assertSameBits(a.f32(0, 4), low, `${what} nothing at address 0`);
      }
});

test("gruBackward's dgh z and r blocks are dgx's bit for bit (hidden 1-13, 4-20 lanes)", () => {
  const rng = new Rng(291);
  for (const variant of VARIANTS)
    for (const hidden of [1, 3, 8, 13])
      for (let lanes = 4; lanes <= 20; lanes += 8) {
        const a = new KernelArena(variant);
        const block = hidden * lanes;
        const [dh, zr, n, gh, h] = [
          a.put(values(rng, block, 3)), // [H, lanes]
          a.put(values(rng, 3 * block, 1)), // z, r in [0, 1] mostly; [3H, lanes]
          a.put(values(rng, block, 1)),
          a.put(values(rng, 3 * block, 4)),
          a.put(values(rng, block, 1)),
        ];
        const gates = a.put(values(rng, 4 * hidden, 2));
        const [dgx, dgh, carry] = [a.alloc(12 * block), a.alloc(12 * block), a.alloc(4 * block)];
        a.kernels.gruBackward(dh, zr, n, gh, gates, h, dgx, dgh, carry, hidden, lanes);
        assertSameBits(a.f32(dgh, 2 * block), a.f32(dgx, 2 * block), `${variant} H ${hidden} lanes ${lanes}`);
      }
});
