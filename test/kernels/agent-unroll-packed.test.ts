/**
 * The agent unroll over packed inputs (feature-major in, batch-major Q out, no transposes) computes
 * exactly what the row-major unroll computes, and refreshing the stored values under an unchanged
 * mask gives what rebuilding the compressed rows gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentUnroll, type AgentWeights } from '../../src/kernels/agent-unroll.js';
import { Rng } from '../../src/util/rng.js';

const values = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
const dims = { inputSize: 9, hidden: 8, nActions: 5 };

function weights(rng: Rng): AgentWeights {
  const { inputSize: i, hidden: h, nActions: a } = dims;
  return {
    'fc1.weight': values(rng, i * h),
    'fc1.bias': values(rng, h),
    'gru.weightIh': values(rng, h * 3 * h),
    'gru.weightHh': values(rng, h * 3 * h),
    'gru.biasIh': values(rng, 3 * h),
    'gru.biasHh': values(rng, 3 * h),
    'fc2.weight': values(rng, h * a),
    'fc2.bias': values(rng, a),
  };
}

/** `[steps, rows, F]` row-major (row = episode·agents + agent) → `[steps, F, lanes]`, padded lanes 0. */
function pack(x: Float32Array, steps: number, rows: number, features: number): Float32Array {
  const lanes = Math.ceil(rows / 4) * 4;
  const out = new Float32Array(steps * features * lanes);
  for (let t = 0; t < steps; t++)
    for (let r = 0; r < rows; r++)
      for (let f = 0; f < features; f++)
        out[(t * features + f) * lanes + r] = x[(t * rows + r) * features + f] as number;
  return out;
}

/** `[steps, episodes·agents, A]` → `[episodes, steps, agents, A]`. */
function batchMajor(q: Float32Array, steps: number, episodes: number, agents: number, a: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let t = 0; t < steps; t++)
    for (let e = 0; e < episodes; e++)
      for (let i = 0; i < agents; i++)
        for (let k = 0; k < a; k++)
          out[((e * steps + t) * agents + i) * a + k] = q[((t * episodes + e) * agents + i) * a + k] as number;
  return out;
}

test('AgentUnroll.forwardPacked / backwardPacked: bit-identical to forward / backward (padded and unpadded lanes, masked and dense), and from a later first step', () => {
  const rng = new Rng(8);
  const { inputSize: i, hidden: h, nActions: a } = dims;
  for (const [episodes, agents] of [
    [2, 3],
    [4, 2],
    [3, 5],
  ] as const) {
    const rows = episodes * agents;
    const steps = 7;
    const w = weights(rng);
    const masks = {
      'gru.weightHh': Uint8Array.from({ length: h * 3 * h }, () => (rng.next() < 0.3 ? 1 : 0)),
      'fc1.weight': Uint8Array.from({ length: i * h }, () => (rng.next() < 0.5 ? 1 : 0)),
    };
    const x = values(rng, steps * rows * i);
    const dq = values(rng, steps * rows * a);
    const rowMajor = new AgentUnroll(dims);
    const q = rowMajor.forward(w, masks, x, steps, rows);
    const g = rowMajor.backward(dq);
    const packed = new AgentUnroll(dims);
    packed.load(w, masks);
    assert.deepEqual(
      packed.forwardPacked(pack(x, steps, rows, i), steps, rows, agents),
      batchMajor(q, steps, episodes, agents, a),
      `Q, ${episodes} episodes × ${agents} agents`,
    );
    assert.deepEqual(
      packed.backwardPacked(batchMajor(dq, steps, episodes, agents, a), agents),
      g,
      `gradients, ${episodes} episodes × ${agents} agents`,
    );
    // from step 2 on: the same values, the first two steps left out
    const later = packed.forwardPacked(pack(x, steps, rows, i), steps, rows, agents, 2);
    assert.deepEqual(
      later,
      batchMajor(q.subarray(2 * rows * a), steps - 2, episodes, agents, a),
      `Q from step 2, ${episodes} episodes × ${agents} agents`,
    );
    assert.throws(() => packed.backwardPacked(batchMajor(dq, steps, episodes, agents, a), agents), /from step 0/);
    assert.throws(() => packed.backward(dq), /kept its activations/);
    // a forward from step 0 after one that kept nothing (its buffers shared across steps): the same bits again
    packed.forwardPacked(pack(values(rng, x.length), steps, rows, i), steps, rows, agents, 1);
    assert.deepEqual(
      packed.forwardPacked(pack(x, steps, rows, i), steps, rows, agents),
      batchMajor(q, steps, episodes, agents, a),
      `Q again from step 0, ${episodes} episodes × ${agents} agents`,
    );
    assert.deepEqual(
      packed.backwardPacked(batchMajor(dq, steps, episodes, agents, a), agents),
      g,
      `gradients after a forward that kept nothing, ${episodes} episodes × ${agents} agents`,
    );
  }
});

test('AgentUnroll.loadValues: new weights under the same masks give what a full load gives; bad packed sizes are refused', () => {
  const rng = new Rng(9);
  const { inputSize: i, hidden: h } = dims;
  const masks = { 'gru.weightIh': Uint8Array.from({ length: h * 3 * h }, () => (rng.next() < 0.4 ? 1 : 0)) };
  const [first, second] = [weights(rng), weights(rng)];
  const [rows, steps] = [6, 5];
  const x = pack(values(rng, steps * rows * i), steps, rows, i);
  const refreshed = new AgentUnroll(dims);
  refreshed.load(first, masks);
  refreshed.forwardPacked(x, steps, rows, 3);
  refreshed.loadValues(second);
  const fresh = new AgentUnroll(dims);
  fresh.load(second, masks);
  assert.deepEqual(refreshed.forwardPacked(x, steps, rows, 3), fresh.forwardPacked(x, steps, rows, 3));
  assert.throws(() => fresh.forwardPacked(x.subarray(1), steps, rows, 3), RangeError);
  assert.throws(() => fresh.forwardPacked(x, steps, rows, 4), /whole episodes/);
});

test('AgentUnroll.forwardPacked / backwardPacked write into given arrays (stale values overwritten) the bits they return fresh, and refuse a wrong-sized one', () => {
  const rng = new Rng(29);
  const { inputSize: i, hidden: h, nActions: a } = dims;
  const [episodes, agents, steps] = [3, 3, 6];
  const rows = episodes * agents;
  const w = weights(rng);
  const masks = { 'gru.weightIh': Uint8Array.from({ length: h * 3 * h }, () => (rng.next() < 0.4 ? 1 : 0)) };
  const x = pack(values(rng, steps * rows * i), steps, rows, i);
  const dq = values(rng, steps * rows * a); // [episodes, steps, agents, A]
  const unroll = new AgentUnroll(dims);
  unroll.load(w, masks);
  const fresh = unroll.forwardPacked(x, steps, rows, agents);
  const freshGrads = unroll.backwardPacked(dq, agents);
  const qOut = values(rng, fresh.length); // stale values
  const gradsOut = Object.fromEntries(
    Object.entries(freshGrads).map(([name, g]) => [name, values(rng, g.length)]),
  ) as unknown as AgentWeights;
  for (let round = 0; round < 2; round++) {
    const q = unroll.forwardPacked(x, steps, rows, agents, 0, qOut);
    assert.equal(q, qOut, 'Q is written into out');
    assert.deepEqual(q, fresh, `Q, round ${round}`);
    const grads = unroll.backwardPacked(dq, agents, gradsOut);
    for (const [name, g] of Object.entries(grads)) {
      assert.equal(g, gradsOut[name as keyof AgentWeights], `${name} is written into out`);
      assert.deepEqual(g, freshGrads[name as keyof AgentWeights], `${name}, round ${round}`);
    }
  }
  const later = new Float32Array((steps - 1) * rows * a);
  const tail = Float32Array.from({ length: later.length }, (_, k) => {
    const per = (steps - 1) * agents * a; // one episode's values from step 1
    const e = Math.floor(k / per);
    return fresh[e * steps * agents * a + agents * a + (k % per)] as number;
  });
  assert.deepEqual(unroll.forwardPacked(x, steps, rows, agents, 1, later), tail, 'Q from step 1 into out');
  assert.throws(() => unroll.forwardPacked(x, steps, rows, agents, 0, new Float32Array(3)), /out has 3 values/);
});
