/**
 * Kernel buffers across batches of changing shape: a layer or unroll that has seen larger batches
 * gives a smaller batch exactly what a fresh one gives, and growing batches (episodes lengthening as
 * agents learn) do not keep every outgrown buffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparseLinearKernel } from '../../src/kernels/sparse-linear.js';
import { AgentUnroll, type AgentWeights } from '../../src/kernels/agent-unroll.js';
import { Rng } from '../../src/util/rng.js';

const values = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

test('SparseLinearKernel: after larger batches a batch gets bit-identical outputs and gradients; memory stays within 3× the largest batch', () => {
  const rng = new Rng(5);
  const [nIn, nOut] = [13, 6];
  const w = values(rng, nIn * nOut);
  const mask = Uint8Array.from(w, () => (rng.next() < 0.4 ? 1 : 0));
  const b = values(rng, nOut);
  const used = new SparseLinearKernel(nIn, nOut);
  for (let rows = 4; rows <= 400; rows += 4) used.forward(values(rng, rows * nIn), rows, w, mask, b); // growing, as episodes lengthen
  const largest = new SparseLinearKernel(nIn, nOut);
  largest.forward(values(rng, 400 * nIn), 400, w, mask, b);
  assert.ok(
    used.memoryBytes <= 3 * largest.memoryBytes,
    `${used.memoryBytes} bytes after 100 growing batches, ${largest.memoryBytes} for the largest alone`,
  );
  for (const rows of [37, 250]) {
    const [x, dy] = [values(rng, rows * nIn), values(rng, rows * nOut)];
    const fresh = new SparseLinearKernel(nIn, nOut);
    assert.deepEqual(used.forward(x, rows, w, mask, b), fresh.forward(x, rows, w, mask, b), `y, ${rows} rows`);
    assert.deepEqual(used.backward(dy), fresh.backward(dy), `gradients, ${rows} rows`);
  }
});

test('AgentUnroll: after longer unrolls a shorter one is bit-identical to a fresh unroll’s; memory stays within 3× the longest', () => {
  const rng = new Rng(6);
  const dims = { inputSize: 9, hidden: 8, nActions: 5 };
  const { inputSize: i, hidden: h, nActions: a } = dims;
  const w: AgentWeights = {
    'fc1.weight': values(rng, i * h),
    'fc1.bias': values(rng, h),
    'gru.weightIh': values(rng, h * 3 * h),
    'gru.weightHh': values(rng, h * 3 * h),
    'gru.biasIh': values(rng, 3 * h),
    'gru.biasHh': values(rng, 3 * h),
    'fc2.weight': values(rng, h * a),
    'fc2.bias': values(rng, a),
  };
  const masks = { 'gru.weightHh': Uint8Array.from({ length: h * 3 * h }, () => (rng.next() < 0.3 ? 1 : 0)) };
  const rows = 6;
  const used = new AgentUnroll(dims);
  for (let steps = 1; steps <= 120; steps++) {
    used.forward(w, masks, values(rng, steps * rows * i), steps, rows);
    if (steps === 2) used.step(values(rng, rows * i), values(rng, rows * h), rows); // acting buffers above the unroll's
  }
  const longest = new AgentUnroll(dims);
  longest.forward(w, masks, values(rng, 120 * rows * i), 120, rows);
  assert.ok(
    used.memoryBytes <= 3 * longest.memoryBytes,
    `${used.memoryBytes} bytes after 120 growing unrolls, ${longest.memoryBytes} for the longest alone`,
  );
  for (const steps of [7, 90]) {
    const x = values(rng, steps * rows * i);
    const dq = values(rng, steps * rows * a);
    const fresh = new AgentUnroll(dims);
    assert.deepEqual(
      used.forward(w, masks, x, steps, rows),
      fresh.forward(w, masks, x, steps, rows),
      `Q, ${steps} steps`,
    );
    assert.deepEqual(used.backward(dq), fresh.backward(dq), `gradients, ${steps} steps`);
  }
});
