/**
 * `engine: 'auto'`: both engines are timed on the model at load and the faster is kept; the policy
 * then acts exactly as one created on that engine by name, reports the times it measured, and a
 * batch-agents graph (which only ONNX Runtime runs) goes to ONNX Runtime untimed. (Without
 * onnxruntime-node it keeps the sparse engine: test/runtime/optional-ort.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { StatelessPolicy } from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { exportAgent, exportAgentBytes } from '../../src/onnx/export-agent.js';
import { wrapBatchAgents } from '../../src/onnx/export-batch.js';
import { Rng } from '../../src/util/rng.js';
import { snapshot } from '../onnx/fixtures.js';

test('auto keeps the engine it timed faster, reports both times, and acts as that engine named', async () => {
  for (const density of [1, 0.1]) {
    const bytes = exportAgentBytes(snapshot(density, 3));
    const auto = await OnnxPolicy.create(bytes, { engine: 'auto' });
    const times = auto.engineTimes;
    assert.ok(times, 'both engines were timed');
    for (const us of Object.values(times)) assert.ok(Number.isFinite(us) && us > 0, JSON.stringify(times));
    assert.equal(auto.engine, times.ort < times.sparse ? 'ort' : 'sparse', `density ${density}: the faster is kept`);
    const named = await OnnxPolicy.create(bytes, { engine: auto.engine });
    assert.equal(named.engineTimes, null, 'a named engine is not timed');
    const { nAgents, inputLayout, nActions } = auto.metadata;
    const rng = new Rng(4);
    for (let step = 0; step < 5; step++) {
      const obs = Array.from({ length: nAgents }, () =>
        Float32Array.from({ length: inputLayout.obs }, () => rng.uniform(-1, 1)),
      );
      const avail = Array.from({ length: nAgents }, () =>
        Uint8Array.from({ length: nActions }, (_, a) => (a === 0 || (a + step) % 2 === 0 ? 1 : 0)),
      );
      const [x, y] = [await auto.step(obs, avail), await named.step(obs, avail)];
      assert.deepEqual(x.actions, y.actions, `density ${density} step ${step}: actions`);
      assert.deepEqual(x.qValues, y.qValues, `density ${density} step ${step}: the same engine, the same bits`);
    }
    await Promise.all([auto.close(), named.close()]);
  }
});

test('auto on a batch-agents graph is ONNX Runtime, untimed; the stateless policy reports its choice too', async () => {
  const snap = snapshot(0.3, 5);
  const batched = encodeModel(wrapBatchAgents(exportAgent(snap), snap.architecture));
  const policy = await OnnxPolicy.create(batched, { engine: 'auto' });
  assert.equal(policy.engine, 'ort');
  assert.equal(policy.engineTimes, null);
  await policy.close();
  const stateless = await StatelessPolicy.create(exportAgentBytes(snap), { engine: 'auto' });
  assert.ok(['ort', 'sparse'].includes(stateless.engine));
  assert.ok(
    stateless.engineTimes &&
      stateless.engineTimes[stateless.engine] <= Math.min(...Object.values(stateless.engineTimes)),
  );
  await stateless.close();
});
