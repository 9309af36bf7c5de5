import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportAgent, exportAgentBytes } from '../../src/onnx/export-agent.js';
import { wrapBatchAgents, BATCH_IO } from '../../src/onnx/export-batch.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { Rng } from '../../src/util/rng.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { snapshot, SMALL_ARCH } from './fixtures.js';

test('the batch-agents graph picks, from raw observations, the same greedy actions and Q-values as the row graph', async () => {
  const snap = snapshot(0.2, 12);
  const rowPolicy = await OnnxPolicy.create(exportAgentBytes(snap));
  const batched = wrapBatchAgents(exportAgent(snap), snap.architecture);
  assert.deepEqual(
    batched.graph.input.map((i) => i.name),
    [BATCH_IO.obs, BATCH_IO.lastAction, BATCH_IO.avail, BATCH_IO.hIn],
  );
  assert.deepEqual(
    batched.graph.output.map((o) => o.name),
    [BATCH_IO.actions, BATCH_IO.qValues, BATCH_IO.hOut],
  );
  const batchPolicy = await OnnxPolicy.create(encodeModel(batched));
  const rng = new Rng(3);
  for (let episode = 0; episode < 3; episode++) {
    rowPolicy.reset();
    batchPolicy.reset();
    for (let t = 0; t < 6; t++) {
      const obs = [0, 1, 2].map(() =>
        Float32Array.from({ length: SMALL_ARCH.inputLayout.obs }, () => rng.uniform(-1, 1)),
      );
      const avail = [0, 1, 2].map(() => {
        const m = Uint8Array.from({ length: SMALL_ARCH.nActions }, () => (rng.next() < 0.6 ? 1 : 0));
        m[rng.int(m.length)] = 1;
        return m;
      });
      const [a, b] = [await rowPolicy.step(obs, avail), await batchPolicy.step(obs, avail)];
      assert.deepEqual(b.actions, a.actions, `episode ${episode} step ${t}`);
      b.qValues.forEach((q, i) => assert.ok(Math.abs(q - a.qValues[i]!) < 1e-5));
      b.actions.forEach((act, i) => assert.equal(avail[i]![act], 1, 'only available actions'));
    }
  }
  await rowPolicy.close();
  await batchPolicy.close();
  await assert.rejects(
    OnnxPolicy.create(encodeModel(batched), { engine: 'sparse' }),
    (e: unknown) => e instanceof ToolkitError && /only ONNX Runtime runs/.test(e.message),
  );
});
