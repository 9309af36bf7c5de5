/**
 * The one greedy choice over available actions (`snapshot/actions.ts`), shared by the controller,
 * the ONNX policy, distillation and the array update: ties go to the lowest index, -1 when nothing
 * is available, and an agent's slice of a whole batch's availability (`availOffset`, `count`) is
 * read in place, as its own copy would be.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greedyAction } from '@mast-toolkit/runtime/internal/snapshot/actions';

test('greedyAction: the largest available Q, the lowest index on ties, -1 when none is available', () => {
  const q = Float32Array.from([5, 1, 3, 3]);
  assert.equal(greedyAction(q, 0, Uint8Array.from([0, 1, 1, 1])), 2);
  assert.equal(greedyAction(q, 0, Uint8Array.from([1, 1, 1, 1])), 0);
  assert.equal(greedyAction(q, 0, Uint8Array.from([0, 0, 0, 0])), -1);
});

test("greedyAction: an agent's slice of a batch's availability gives what its own copy gives", () => {
  const [agents, actions] = [3, 4];
  const q = Float32Array.from([0.5, 2, 2, -1, 7, 1, 3, 0, -2, -3, -1, -4]); // [agents, actions]
  const avail = Uint8Array.from([1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0]); // [agents, actions]
  for (let i = 0; i < agents; i++) {
    const own = avail.slice(i * actions, (i + 1) * actions);
    assert.equal(
      greedyAction(q, i * actions, avail, i * actions, actions),
      greedyAction(q, i * actions, own),
      `agent ${i}`,
    );
  }
  assert.deepEqual(
    [0, 1, 2].map((i) => greedyAction(q, i * actions, avail, i * actions, actions)),
    [2, 2, -1],
  );
});
