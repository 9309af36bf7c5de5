import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { RnnAgent } from '../../src/marl/nets/agent.js';
import { FusedAgentUnroll } from '../../src/marl/nets/fused-agent.js';
import { AgentController } from '../../src/marl/acting/controller.js';
import { inputSize } from '../../src/snapshot/validate.js';
import { Rng } from '../../src/util/rng.js';
import { makeTestLearner, fakeEpisode, FAKE_INFO } from './fixtures.js';
import { makeBatch } from '../../src/marl/replay/episode.js';

const ARCH = {
  kind: 'rnn-agent' as const,
  inputLayout: { obs: 7, lastAction: 4, agentId: 3 },
  hidden: 16,
  nActions: 4,
  nAgents: 3,
};

/** The tfjs path: agent.step per time step. */
function tfjsUnroll(agent: RnnAgent, inputs: tf.Tensor3D): tf.Tensor3D {
  const [steps, rows] = inputs.shape;
  let h = tf.zeros([rows, agent.arch.hidden]) as tf.Tensor2D;
  const qs: tf.Tensor2D[] = [];
  for (const x of tf.unstack(inputs) as tf.Tensor2D[]) {
    const out = agent.step(x, h);
    qs.push(out.q);
    h = out.hidden;
  }
  return tf.reshape(tf.stack(qs), [steps, rows, agent.arch.nActions]) as tf.Tensor3D;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (b[i] as number)))));
  return worst;
}

test('the fused kernel unroll gives the tfjs unroll’s Q-values and parameter gradients (dense and 80%-sparse agents, 5 and 9 rows)', async () => {
  await initBackend('wasm');
  for (const [density, rows] of [
    [1, 5],
    [0.2, 9],
  ] as const) {
    const rng = new Rng(11);
    const agent = RnnAgent.create(ARCH, rng);
    if (density < 1) {
      for (const name of agent.params.maskableNames()) {
        const size = agent.params.shape(name).reduce((x, y) => x * y, 1);
        agent.params.setMask(
          name,
          Uint8Array.from({ length: size }, () => (rng.next() < density ? 1 : 0)),
        );
        agent.params.applyMask(name);
      }
    }
    const steps = 6;
    const inputs = tf.tensor3d(
      Float32Array.from({ length: steps * rows * inputSize(ARCH) }, () => rng.uniform(-1, 1)),
      [steps, rows, inputSize(ARCH)],
    );
    const weights = tf.tensor3d(
      Float32Array.from({ length: steps * rows * ARCH.nActions }, () => rng.uniform(-1, 1)),
      [steps, rows, ARCH.nActions],
    );
    const vars = agent.params.names().map((n) => agent.params.get(n));
    const paramOf = new Map(agent.params.names().map((n) => [agent.params.get(n).name, n]));
    const loss = (q: tf.Tensor3D): tf.Scalar => tf.sum(tf.mul(tf.square(q), weights)) as tf.Scalar; // a loss with a non-trivial ∂L/∂Q
    const want = tf.variableGrads(() => loss(tfjsUnroll(agent, inputs)), vars);
    const fused = new FusedAgentUnroll(agent);
    const got = tf.variableGrads(() => loss(fused.apply(inputs)), vars);
    assert.ok(
      Math.abs((want.value.dataSync()[0] as number) - (got.value.dataSync()[0] as number)) <
        1e-4 * Math.abs(want.value.dataSync()[0] as number) + 1e-5,
      'loss',
    );
    const qWant = tfjsUnroll(agent, inputs).dataSync() as Float32Array;
    const qGot = fused.forward(inputs.dataSync() as Float32Array, steps, rows).dataSync() as Float32Array;
    assert.ok(maxAbsDiff(qWant, qGot) < 1e-5, `density ${density}: Q differs by ${maxAbsDiff(qWant, qGot)}`);
    for (const [name, g] of Object.entries(want.grads)) {
      const a = g.dataSync() as Float32Array;
      const b = got.grads[name]!.dataSync() as Float32Array;
      const mask = agent.params.mask(paramOf.get(name)!);
      const scale = Math.max(1e-3, ...Array.from(a, Math.abs));
      const masked = mask ? a.map((v, i) => (mask[i] ? v : 0)) : a;
      assert.ok(
        maxAbsDiff(masked, b) < 2e-4 * scale,
        `density ${density}, ${name}: gradient differs by ${maxAbsDiff(masked, b)} (scale ${scale})`,
      );
    }
    tf.dispose([inputs, weights, want.value, got.value, ...Object.values(want.grads), ...Object.values(got.grads)]);
    agent.dispose();
  }
});

test('training is unchanged by the kernel unroll: 15 updates (MAST targets, dense RigL gradients at one of them) follow the tfjs unroll’s losses and weights within float tolerance', async () => {
  await initBackend('wasm');
  const overrides = { sparsity: { mode: 'mast' as const, density: 0.2 } };
  const [viaTfjs, viaKernels] = (['tfjs', 'kernels'] as const).map(
    (compute) => makeTestLearner({ ...overrides, compute }).learner,
  );
  for (let u = 0; u < 15; u++) {
    const b = makeBatch(
      [fakeEpisode(4, 10 * u + 1), fakeEpisode(2, 10 * u + 2), fakeEpisode(3, 10 * u + 3), fakeEpisode(1, 10 * u + 4)],
      FAKE_INFO,
    );
    const context = { tEnv: 100 * u, denseGrads: u === 7 };
    const [x, y] = [viaTfjs!.train(b, context), viaKernels!.train(b, context)];
    assert.ok(
      Math.abs(x.stats.loss - y.stats.loss) <= 1e-4 * Math.abs(x.stats.loss) + 1e-6,
      `update ${u}: loss ${x.stats.loss} vs ${y.stats.loss}`,
    );
    if (context.denseGrads) {
      for (const [key, g] of Object.entries(x.denseGrads!)) {
        const worst = Math.max(...Array.from(g, (v, i) => Math.abs(v - y.denseGrads![key]![i]!)));
        const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
        assert.ok(worst <= 1e-3 * scale, `dense gradient of ${key} differs by ${worst} (scale ${scale})`);
      }
    }
  }
  for (const name of viaTfjs!.agent.params.names()) {
    const [a, b] = [viaTfjs!.agent.params.get(name).dataSync(), viaKernels!.agent.params.get(name).dataSync()];
    const worst = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    assert.ok(worst < 1e-4, `${name} drifted by ${worst}`);
  }
  viaTfjs!.dispose();
  viaKernels!.dispose();
});

test('acting on the kernels: the controller’s Q-values and hidden states follow the tfjs controller step by step, and reset() reads new weights', async () => {
  await initBackend('wasm');
  const rng = new Rng(21);
  const agent = RnnAgent.create(ARCH, rng);
  const [viaTfjs, viaKernels] = [new AgentController(agent, 3), new AgentController(agent, 3, { kernels: true })];
  for (const episode of [0, 1]) {
    if (episode === 1) agent.params.scale('fc2.weight', 2); // a weight change between episodes
    viaTfjs.reset();
    viaKernels.reset();
    for (let t = 0; t < 5; t++) {
      const obs = [0, 1, 2].map(() => Float32Array.from({ length: 7 }, () => rng.uniform(-1, 1)));
      const [a, b] = [viaTfjs.qValues(obs), viaKernels.qValues(obs)];
      assert.ok(maxAbsDiff(a, b) < 1e-5, `episode ${episode}, step ${t}: Q differs by ${maxAbsDiff(a, b)}`);
      const actions = [t % 4, (t + 1) % 4, 0];
      viaTfjs.recordActions(actions);
      viaKernels.recordActions(actions);
    }
  }
  agent.dispose();
});

test('the kernel unroll keeps its weights between calls but follows every change: new values (an optimizer step) and new masks (a topology update)', async () => {
  await initBackend('wasm');
  const rng = new Rng(31);
  const agent = RnnAgent.create(ARCH, rng);
  const [rows, steps] = [6, 4];
  const x = Float32Array.from({ length: steps * rows * inputSize(ARCH) }, () => rng.uniform(-1, 1));
  const kept = new FusedAgentUnroll(agent);
  const inputs = tf.tensor3d(x, [steps, rows, inputSize(ARCH)]);
  const vars = agent.params.names().map((n) => agent.params.get(n));
  // Q and every gradient: a grown position (weight 0) changes no Q-value but does get a gradient
  const q = (unroll: FusedAgentUnroll): Float32Array[] =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(unroll.apply(inputs))) as tf.Scalar, vars);
      return [
        unroll.forward(x, steps, rows).dataSync() as Float32Array,
        ...vars.map((v) => grads[v.name]!.dataSync() as Float32Array),
      ];
    });
  const randomMask = (name: string): Uint8Array =>
    Uint8Array.from({ length: agent.params.get(name).size }, () => (rng.next() < 0.5 ? 1 : 0));
  const changes: Array<[string, () => void]> = [
    ['nothing', () => {}],
    ['a bias', () => agent.params.scale('fc2.bias', 3)],
    ['a weight', () => agent.params.scale('gru.weightHh', 0.5)],
    ['a mask', () => agent.params.setMask('gru.weightIh', randomMask('gru.weightIh'))],
    ['values under that mask', () => agent.params.scale('gru.weightIh', 2)],
    ['the mask cleared', () => agent.params.setMask('gru.weightIh', null)],
  ];
  for (const [what, change] of changes) {
    change();
    assert.deepEqual(q(kept), q(new FusedAgentUnroll(agent)), `after changing ${what}`);
  }
  inputs.dispose();
  agent.dispose();
});
