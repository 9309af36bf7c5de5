/**
 * `StepBatcher`: the steps asked for in one tick run as one engine call (at most `maxSessions`
 * sessions each), a failing batch is retried one session at a time so only the faulty session gets
 * the error, and batched results on the sparse engine are those of `stepMany`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { StepBatcher, type SessionStepper } from '@mast-toolkit/runtime/internal/runtime/step-batcher';
import {
  StatelessPolicy,
  type StatelessDecision,
  type StatelessStep,
} from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
import { Rng } from '../../src/util/rng.js';

const SMAC = fileURLToPath(new URL('../../../models/smaclite_3m-mast-d0.1.onnx', import.meta.url));

/** A stepper that records each call's batch size and echoes the first observation value as the action; value −1 fails. */
function fakeStepper(): SessionStepper & { batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    async stepMany(inputs: readonly StatelessStep[]): Promise<StatelessDecision[]> {
      batches.push(inputs.length);
      if (inputs.some((i) => i.obs[0]![0] === -1)) throw new RangeError('bad session');
      return inputs.map((i) => ({ actions: [i.obs[0]![0]!], qValues: new Float32Array(1), state: i.state }));
    },
  };
}

const input = (v: number): StatelessStep => ({
  obs: [Float32Array.of(v)],
  state: { hidden: new Float32Array(1), lastActions: Int32Array.of(-1) },
});

test('steps asked in one tick run as one call; maxSessions splits them; each caller gets its own decision', async () => {
  const fake = fakeStepper();
  const batcher = new StepBatcher(fake);
  const out = await Promise.all([1, 2, 3, 4, 5].map((v) => batcher.step(input(v))));
  assert.deepEqual(
    out.map((d) => d.actions[0]),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(fake.batches, [5]);
  const small = fakeStepper();
  const two = new StepBatcher(small, { maxSessions: 2 });
  await Promise.all([1, 2, 3, 4, 5].map((v) => two.step(input(v))));
  assert.deepEqual(small.batches, [2, 2, 1]);
  assert.deepEqual(two.stats, { calls: 3, steps: 5, queued: 0 });
  assert.throws(() => new StepBatcher(fake, { maxSessions: 0 }), RangeError);
});

test('a failing batch is retried one session at a time: only the faulty session is rejected', async () => {
  const fake = fakeStepper();
  const batcher = new StepBatcher(fake);
  const results = await Promise.allSettled([1, -1, 3].map((v) => batcher.step(input(v))));
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.ok(results[1]!.status === 'rejected' && /bad session/.test(String(results[1].reason)));
  assert.deepEqual(fake.batches, [3, 1, 1, 1]);
  assert.equal((await batcher.step(input(7))).actions[0], 7, 'it goes on batching');
});

test('on the sparse engine, batched steps equal stepMany of the same sessions bit for bit', async () => {
  const policy = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const { nAgents: n, inputLayout } = policy.metadata;
  const rng = new Rng(4);
  const inputs = Array.from({ length: 6 }, () => ({
    obs: Array.from({ length: n }, () => Float32Array.from({ length: inputLayout.obs }, () => rng.uniform(-1, 1))),
    state: policy.initialState(),
  }));
  let calls = 0;
  const counting: SessionStepper = { stepMany: (i) => (calls++, policy.stepMany(i)) };
  const batched = await Promise.all(inputs.map((i) => new StepBatcher(counting).step(i)));
  const shared = new StepBatcher(counting);
  calls = 0;
  const together = await Promise.all(inputs.map((i) => shared.step(i)));
  assert.equal(calls, 1);
  together.forEach((d, s) => {
    assert.deepEqual(d.qValues, batched[s]!.qValues);
    assert.deepEqual(d.state.hidden, batched[s]!.state.hidden);
  });
  await policy.close();
});
