import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 8 }, () => a.nextUint32());
  const sb = Array.from({ length: 8 }, () => b.nextUint32());
  const sc = Array.from({ length: 8 }, () => c.nextUint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('a saved state continues the same stream', () => {
  const a = new Rng(7);
  for (let i = 0; i < 5; i++) a.next();
  const b = Rng.fromState(a.getState());
  assert.deepEqual(
    Array.from({ length: 5 }, () => a.next()),
    Array.from({ length: 5 }, () => b.next()),
  );
});

test('int stays in range and covers it; uniform mean is near the middle', () => {
  const r = new Rng(1);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 5000; i++) counts[r.int(5)]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, `bucket count ${c}`);
  let s = 0;
  for (let i = 0; i < 10000; i++) s += r.uniform(2, 4);
  assert.ok(Math.abs(s / 10000 - 3) < 0.03);
});

test('sampleIndices equals a partial Fisher–Yates over a full index array, draw for draw', () => {
  const naive = (r: Rng, n: number, k: number): number[] => {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + r.int(n - i);
      [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
    }
    return pool.slice(0, k);
  };
  for (const [n, k] of [
    [1, 1],
    [7, 7],
    [50, 32],
    [5000, 32],
    [10, 0],
  ] as const) {
    const a = new Rng(11),
      b = new Rng(11);
    for (let rep = 0; rep < 20; rep++) assert.deepEqual(a.sampleIndices(n, k), naive(b, n, k), `n=${n} k=${k}`);
  }
});

test('sampleIndices draws distinct indices; bad arguments throw RangeError', () => {
  const r = new Rng(3);
  const idx = r.sampleIndices(100, 30);
  assert.equal(new Set(idx).size, 30);
  assert.ok(idx.every((i) => i >= 0 && i < 100));
  assert.throws(() => r.sampleIndices(3, 4), RangeError);
  assert.throws(() => r.int(0), /n must be a positive integer/);
  assert.throws(() => new Rng(1.5), TypeError);
});
