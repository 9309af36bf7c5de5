/**
 * Learning behaviour the literature documents.
 *
 * Matrix game: the payoff [[8,−12,−12],[−12,0,0],[−12,0,0]] is not representable by any monotonic
 * mixing f(Q1(a1), Q2(a2)). If Q1(0) ≥ Q1(1), monotonicity forces f(0,1) ≥ f(1,1), but the payoff has
 * −12 < 0. If Q1(0) ≤ Q1(1), it forces f(0,0) ≤ f(1,0), but 8 > −12. So every such fit is off by
 * max(|f01 + 12|, |f11|) ≥ 6 or by max(|f00 − 8|, |f10 + 12|) ≥ 10 somewhere. VDN's additive
 * least-squares fit under uniform data ranks rows by their means (−5.3 for action 0, −4 for the
 * others), so its greedy joint action is never (0, 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig, type MixerName } from '../../src/config/index.js';
import { initBackend } from '../../src/marl/backend.js';
import { QLearner } from '../../src/marl/learner/learner.js';
import { agentArchitecture } from '../../src/marl/training/setup.js';
import { AgentController } from '../../src/marl/acting/controller.js';
import { runEpisode } from '../../src/marl/acting/runner.js';
import { EpisodeBuffer } from '../../src/marl/replay/buffer.js';
import { makeEnv } from '../../src/envs/registry.js';
import { NONMONOTONIC_PAYOFF } from '../../src/envs/matrix-game.js';
import { Rng } from '../../src/util/rng.js';
import { train } from '../../src/marl/training/train.js';

/** Train on the matrix game with uniform exploration (ε = 1) and return the learned Q_tot table. */
async function learnedTable(alg: MixerName, updates: number): Promise<number[][]> {
  await initBackend('wasm');
  const config = resolveConfig('matrix', { alg });
  const env = makeEnv('matrix/nonmonotonic');
  const info = env.getEnvInfo();
  const rng = new Rng(config.seed);
  const learner = new QLearner(config, agentArchitecture(info, config.agent), { nAgents: 2, stateShape: 1 }, rng);
  const buffer = new EpisodeBuffer(config.bufferSize, info);
  const controller = new AgentController(learner.agent, 2);
  for (let u = 0; u < updates; u++) {
    buffer.insert(runEpisode(env, controller, 0, 1, rng).episode);
    if (buffer.canSample(config.batchSize)) learner.train(buffer.sample(config.batchSize, rng), { tEnv: 0 });
    if (u % config.targetUpdateInterval === 0) learner.updateTargets();
  }
  env.reset(0);
  controller.reset();
  const q = controller.qValues(env.getObs()); // [2, 3]: agent 0's then agent 1's Q-values
  const table = [0, 1, 2].map((a) =>
    [0, 1, 2].map((b) =>
      tf.tidy(
        () => learner.mixer.mix(tf.tensor3d([q[a]!, q[3 + b]!], [1, 1, 2]), tf.tensor3d([1], [1, 1, 1])).dataSync()[0]!,
      ),
    ),
  );
  learner.dispose();
  return table;
}

const maxError = (table: number[][]) =>
  Math.max(...table.flatMap((row, a) => row.map((v, b) => Math.abs(v - NONMONOTONIC_PAYOFF[a]![b]!))));
const argmax = (table: number[][]) => {
  const flat = table.flat();
  const i = flat.indexOf(Math.max(...flat));
  return [Math.floor(i / 3), i % 3];
};

test('matrix game: QMIX and VDN cannot represent the payoff (the optimum 8 beside −12s); VDN never picks (0, 0)', async () => {
  const vdn = await learnedTable('vdn', 1500);
  const qmix = await learnedTable('qmix', 1500);
  assert.ok(maxError(vdn) >= 5, `VDN fits the payoff too well: ${JSON.stringify(vdn)}`);
  assert.ok(
    maxError(qmix) >= 5,
    `QMIX fits the non-monotonic payoff too well (is the mixer still monotonic?): ${JSON.stringify(qmix)}`,
  );
  assert.notDeepEqual(argmax(vdn), [0, 0], `VDN table ${JSON.stringify(vdn)}`);
  // both fits are close to the least-squares target on the cells they can represent: mean Q_tot ≈ mean payoff
  for (const t of [vdn, qmix])
    assert.ok(Math.abs(t.flat().reduce((a, b) => a + b, 0) / 9 - -40 / 9) < 1.5, JSON.stringify(t));
});

test('recall: dense QMIX learns to remember and coordinate (greedy win rate ≥ 90%)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-learn-'));
  const config = resolveConfig('demo', {
    steps: 5000,
    sparsity: { mode: 'dense', density: 1 },
    schedule: { testInterval: 1000, testEpisodes: 32 },
  });
  const summary = await train(config, { outDir: dir });
  assert.ok((summary.last!.testWinRate ?? 0) >= 0.9, `win rate ${summary.last!.testWinRate} (chance is 1/27)`);
});

test('recall: static 90%-sparse QMIX (ERK, sparse init) learns too (greedy win rate ≥ 90%)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-learn-sparse-'));
  const config = resolveConfig('demo', { steps: 6000, schedule: { testInterval: 1000, testEpisodes: 32 } });
  assert.equal(config.sparsity.mode, 'static');
  assert.equal(config.sparsity.density, 0.1);
  const summary = await train(config, { outDir: dir });
  assert.ok(Math.abs(summary.last!.globalDensity - 0.1) < 1e-3, `density ${summary.last!.globalDensity}`);
  assert.ok((summary.last!.testWinRate ?? 0) >= 0.9, `win rate ${summary.last!.testWinRate} (chance is 1/27)`);
});
