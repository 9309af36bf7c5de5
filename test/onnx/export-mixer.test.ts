/** The exported mixer computes the tfjs mixer's Q_tot (QMIX with and without masks, VDN). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { initBackend } from '../../src/marl/backend.js';
import { createMixer, mixerSnapshot } from '../../src/marl/mixers/index.js';
import { exportMixer } from '../../src/onnx/export-mixer.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { randomMask } from '../../src/sparse/mask.js';
import { Rng } from '../../src/util/rng.js';
import { snapshot } from './fixtures.js';

before(async () => {
  await initBackend('wasm');
});

const [N, S] = [3, 6];

test('QMIX (dense and 80% sparse) and VDN mixers export to ONNX and match tfjs within 1e-5', async () => {
  for (const [kind, density] of [
    ['qmix', 1],
    ['qmix', 0.2],
    ['vdn', 1],
  ] as const) {
    const rng = new Rng(4);
    const mixer = createMixer(kind, { nAgents: N, stateShape: S }, { embed: 8, hypernetEmbed: 16 }, rng);
    if (density < 1)
      for (const p of mixer.params.maskableNames())
        mixer.params.setMask(
          p,
          randomMask(mixer.params.get(p).size, Math.ceil(density * mixer.params.get(p).size), rng),
        );
    const snap = mixerSnapshot(
      mixer,
      { kind, nAgents: N, stateShape: S, embed: 8, hypernetEmbed: 16 },
      snapshot(1).metadata,
    );
    const model = exportMixer(snap);
    if (density < 1) assert.ok(model.graph.sparseInitializer.length > 0, 'masked weights stored sparse');
    const session = await ort.InferenceSession.create(encodeModel(model));
    const batch = 5;
    const qs = Float32Array.from({ length: batch * N }, () => rng.uniform(-2, 2));
    const states = Float32Array.from({ length: batch * S }, () => rng.uniform(-1, 1));
    const out = await session.run({
      agent_qs: new ort.Tensor('float32', qs, [batch, N]),
      state: new ort.Tensor('float32', states, [batch, S]),
    });
    const got = out['q_tot']!.data as Float32Array;
    const want = tf.tidy(() =>
      mixer.mix(tf.tensor3d(qs, [batch, 1, N]), tf.tensor3d(states, [batch, 1, S])).dataSync(),
    );
    assert.equal(got.length, batch);
    got.forEach((v, i) =>
      assert.ok(Math.abs(v - want[i]!) < 1e-5, `${kind} ${density}: q_tot[${i}] ${v} vs ${want[i]}`),
    );
    await session.release();
    mixer.params.dispose();
  }
});

test('the mixer export follows --format and --sparse-as: dense, auto, sparse as initializers or Constant nodes, all computing one Q_tot', async () => {
  const rng = new Rng(7);
  const mixer = createMixer('qmix', { nAgents: N, stateShape: S }, { embed: 8, hypernetEmbed: 16 }, rng);
  for (const p of mixer.params.maskableNames())
    mixer.params.setMask(p, randomMask(mixer.params.get(p).size, Math.ceil(0.2 * mixer.params.get(p).size), rng));
  const snap = mixerSnapshot(
    mixer,
    { kind: 'qmix', nAgents: N, stateShape: S, embed: 8, hypernetEmbed: 16 },
    snapshot(1).metadata,
  );
  const qs = Float32Array.from({ length: 2 * N }, () => rng.uniform(-2, 2));
  const states = Float32Array.from({ length: 2 * S }, () => rng.uniform(-1, 1));
  const outputs: Float32Array[] = [];
  for (const [format, sparseEncoding] of [
    ['sparse', 'initializer'],
    ['sparse', 'constant'],
    ['dense', 'initializer'],
    ['auto', 'initializer'],
  ] as const) {
    const model = exportMixer(snap, { format, sparseEncoding });
    const constants = model.graph.node.filter(
      (n) => n.opType === 'Constant' && n.attribute.some((a) => a.name === 'sparse_value'),
    ).length;
    const expected = format === 'dense' ? [0, 0] : sparseEncoding === 'constant' ? [0, 7] : [7, 0]; // 7 masked matrices at 0.2 < 1/3
    assert.deepEqual([model.graph.sparseInitializer.length, constants], expected, `${format} ${sparseEncoding}`);
    assert.equal(model.metadataProps.find((p) => p.key === 'mast.weight_format')?.value, format);
    const session = await ort.InferenceSession.create(encodeModel(model));
    const out = await session.run({
      agent_qs: new ort.Tensor('float32', qs, [2, N]),
      state: new ort.Tensor('float32', states, [2, S]),
    });
    outputs.push(out['q_tot']!.data as Float32Array);
    await session.release();
  }
  for (const o of outputs.slice(1)) o.forEach((v, i) => assert.ok(Math.abs(v - outputs[0]![i]!) < 1e-5));
  mixer.params.dispose();
});
