/**
 * The acting thread (`actingThread`): a round played in the worker is the round played in the main
 * thread from the same weights, seeds and exploration stream; a run with it is deterministic and
 * resumes exactly (a round played ahead is kept in the checkpoint); its lag is the one documented
 * (the run equals the same run with the rounds played in the main thread at the same points, which
 * is what a Python environment gets); errors in the worker come back as the toolkit's errors.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { initBackend } from '../../src/marl/backend.js';
import { AgentController } from '../../src/marl/acting/controller.js';
import { InThreadActor } from '../../src/marl/acting/actor.js';
import { ThreadActor } from '../../src/marl/acting/actor-thread.js';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { runPaths } from '../../src/run/run-dir.js';
import { Rng } from '../../src/util/rng.js';
import { ToyEnv } from '../envs/toy-env.js';
import { makeTestLearner } from './fixtures.js';

const TOY_MODULE = 'module:dist/test/envs/toy-env-module.js';
const TOY_PYTHON = 'python:test/fixtures/envs/toy_env.py:ToyEnv';

before(async () => {
  await initBackend('cpu');
});

test('rounds played in the thread are the rounds played in this thread, as the weights and masks change', async () => {
  const { learner } = makeTestLearner({ sparsity: { mode: 'static', density: 0.3 } });
  const agent = learner.agent;
  const [here, there] = [new Rng(5), new Rng(5)];
  const envs = [0, 1, 2].map(() => new ToyEnv());
  const controllers = envs.map(() => new AgentController(agent, 3, { kernels: true }));
  const inThread = new InThreadActor(envs, controllers, here);
  const actor = await ThreadActor.create({ env: TOY_MODULE, envArgs: {}, workers: 3, arch: agent.arch }, agent, there);
  try {
    const fc1 = agent.params.get('fc1.weight');
    for (let round = 0; round < 4; round++) {
      const seeds = [round * 3 + 1, round * 3 + 2, round * 3 + 3];
      const playing = actor.play(seeds, 0.3);
      // weights changed while the thread plays do not reach the round asked for before
      const before = fc1.dataSync().slice();
      fc1.assign(tf.mul(fc1, 1.5));
      const played = await playing;
      fc1.assign(tf.tensor(before, fc1.shape));
      assert.deepEqual(played, await inThread.play(seeds, 0.3), `round ${round}`);
      assert.deepEqual(there.getState(), here.getState(), 'the exploration stream continues in step');
      if (round === 1) {
        // a new mask (a topology update): the thread rebuilds its compressed rows
        const mask = agent.params.mask('fc1.weight') as Uint8Array;
        agent.params.setMask(
          'fc1.weight',
          mask.map((m, i) => (i % 7 === 0 ? 1 - m : m)),
        );
      }
      fc1.assign(tf.mul(fc1, 0.9));
    }
    assert.ok(new Set((await inThread.play([9, 9, 9], 0)).map((r) => r.return)).size >= 1);
  } finally {
    await actor.close();
    learner.dispose();
  }
});

test("an environment failing in the thread is the toolkit's error, with its code", async () => {
  const { learner } = makeTestLearner();
  await assert.rejects(
    ThreadActor.create(
      { env: 'module:test/fixtures/envs/bad-envs.mjs#noStep', envArgs: {}, workers: 1, arch: learner.agent.arch },
      learner.agent,
      new Rng(1),
    ),
    (e: unknown) => e instanceof ToolkitError && e.code === 'E_ENV' && /step/.test(e.message),
  );
  learner.dispose();
});

test('a thread that exits before it is ready is an error, not a wait', async () => {
  const { learner } = makeTestLearner();
  await assert.rejects(
    ThreadActor.create(
      { env: 'module:test/fixtures/envs/exits-on-import.mjs', envArgs: {}, workers: 1, arch: learner.agent.arch },
      learner.agent,
      new Rng(1),
    ),
    /the acting thread exited \(code 3\) before it was ready/,
  );
  learner.dispose();
});

const config = resolveConfig('demo', {
  env: TOY_MODULE,
  envWorkers: 3,
  runner: 'parallel',
  actingThread: true,
  steps: 600,
  batchSize: 8,
  targetUpdateInterval: 6,
  sparsity: { mode: 'mast', density: 0.2 },
  topology: { interval: 3 },
  schedule: { testInterval: 150, testEpisodes: 2, checkpointInterval: 100_000 },
});
const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `mast-acting-thread-${name}-`));
const rows = (dir: string) => readMetrics(runPaths(dir).metrics).map(({ elapsedSec: _t, ...rest }) => rest);

test('a run with the acting thread is deterministic, resumes exactly, and lags by one update', async () => {
  const whole = tmp('whole');
  const again = tmp('again');
  const full = await train(config, { outDir: whole, backend: 'cpu' });
  await train(config, { outDir: again, backend: 'cpu' });
  assert.ok(rows(whole).length >= 4);
  assert.deepEqual(rows(again), rows(whole), 'same seed, same run');

  const split = tmp('split');
  const stopped = await train(config, { outDir: split, stopAtStep: 250, backend: 'cpu' });
  assert.equal(stopped.completed, false);
  const resumed = await train(config, { outDir: split, resume: true, backend: 'cpu' });
  assert.deepEqual(rows(split), rows(whole));
  assert.deepEqual(resumed.counters, full.counters);

  // the Python twin of the toy environment plays in the main thread, at the same points: the same run
  const python = tmp('python');
  await train({ ...config, env: TOY_PYTHON }, { outDir: python, backend: 'cpu' });
  assert.deepEqual(rows(python), rows(whole), 'the lag is the same in either thread');

  const inline = tmp('inline');
  await train({ ...config, actingThread: false }, { outDir: inline, backend: 'cpu' });
  assert.notDeepEqual(rows(inline), rows(whole), 'without the lag it is another run');
});
