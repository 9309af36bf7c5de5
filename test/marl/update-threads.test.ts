/**
 * The second update thread (`updateThreads: 2`): an update split over two threads equals the
 * one-thread update within float rounding (dense, masked, RigL's dense gradients; after target syncs
 * and a mask change, which the worker must receive); a batch too small to split stays on the main
 * thread; an error in the worker comes back as the update's, with its class; an error in the main
 * thread's half leaves the worker free for the next update; a run with it is deterministic; the
 * config key and the CLI flag are checked.
 *
 * Tolerance: two threads sum each agent gradient over their own lanes, then add the two sums, where
 * one thread sums all lanes in one pass: float32 rounding apart, every value (weights, gradients)
 * within 1e-5·(1 + max |x|) and the statistics within 1e-5 relative.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, NumericError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { DataError } from '../../src/marl/compress/episodes-file.js';
import { describeFailure, rebuildFailure } from '../../src/marl/learner/update-protocol.js';
import { initBackend } from '../../src/marl/backend.js';
import type { QLearner } from '../../src/marl/learner/learner.js';
import { configHash, resolveConfig, type DeepPartial, type TrainConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { runPaths } from '../../src/run/run-dir.js';
import { runCli } from '../cli/harness.js';
import { sharedFloats, UpdateThread } from '../../src/marl/learner/update-thread.js';
import { inputSize } from '../../src/snapshot/validate.js';
import { FAKE_INFO, makeTestLearner, randomActionBatch } from './fixtures.js';

before(async () => {
  await initBackend('wasm');
});

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let [worst, max] = [0, 0];
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    max = Math.max(max, Math.abs(want[i]!));
  }
  assert.ok(worst <= 1e-5 * (1 + max), `${what}: differs by ${worst} (max |x| ${max})`);
}

function assertStatsClose(got: Record<string, unknown>, want: Record<string, unknown>, what: string): void {
  for (const key of ['loss', 'tdErrorAbs', 'qTaken', 'targetMean', 'gradNorm']) {
    const [g, w] = [got[key] as number, want[key] as number];
    assert.ok(Math.abs(g - w) <= 1e-5 * (1 + Math.abs(w)), `${what}: ${key} ${g} vs ${w}`);
  }
}

function assertWeightsClose(got: QLearner, want: QLearner, what: string): void {
  for (const [prefix, store] of Object.entries(want.stores()))
    for (const name of store.names())
      assertClose(
        got.stores()[prefix]!.get(name).dataSync() as Float32Array,
        store.get(name).dataSync() as Float32Array,
        `${what}: ${prefix}/${name}`,
      );
}

/** A one-thread and a two-thread learner with the same seed and config. */
function pair(overrides: DeepPartial<TrainConfig>): [QLearner, QLearner] {
  const one = makeTestLearner({ ...overrides, compute: 'arrays' }).learner;
  const two = makeTestLearner({ ...overrides, compute: 'arrays', updateThreads: 2 }).learner;
  return [one, two];
}

const CASES: Array<[string, DeepPartial<TrainConfig>]> = [
  ['dense QMIX', {}],
  ['dense VDN', { alg: 'vdn' }],
  ['dense CW-QMIX (the central critic stays on the main thread)', { alg: 'cw-qmix' }],
  ['masked at density 0.1', { sparsity: { mode: 'static', density: 0.1 } }],
];

test('one update on two threads gives the one-thread Q, loss, statistics and weights (dense, masked; halves of 3 and 2 episodes)', () => {
  for (const [what, overrides] of CASES) {
    const [one, two] = pair(overrides);
    const batch = randomActionBatch(5, [4, 2, 3, 1, 4]);
    const want = one.train(batch, { tEnv: 0 }).stats;
    const got = two.train(batch, { tEnv: 0 }).stats;
    assertStatsClose({ ...got }, { ...want }, what);
    assertWeightsClose(two, one, what);
    assert.ok((two.updateThreadTraffic?.sends ?? 0) >= 2, `${what}: the worker got both agents' weights`);
    assert.equal(one.updateThreadTraffic, null);
    one.dispose();
    two.dispose();
  }
});

test('RigL’s dense gradients on two threads are the one-thread ones, pruned positions included', () => {
  const [one, two] = pair({ sparsity: { mode: 'rigl', density: 0.2 } });
  for (let update = 0; update < 3; update++) {
    const batch = randomActionBatch(8 + update, [3, 4, 2, 4]);
    const dense = update !== 1; // a dense update between sparse ones: the worker switches layouts both ways
    const want = one.train(batch, { tEnv: 0, denseGrads: dense });
    const got = two.train(batch, { tEnv: 0, denseGrads: dense });
    assertStatsClose({ ...got.stats }, { ...want.stats }, `update ${update}`);
    assert.equal(got.denseGrads === null, !dense);
    let prunedNonzero = 0;
    for (const [key, g] of Object.entries(want.denseGrads ?? {})) {
      const mask = key.startsWith('agent/') ? one.agent.params.mask(key.slice('agent/'.length)) : null;
      if (mask) prunedNonzero += mask.filter((m, i) => m === 0 && g[i] !== 0).length;
      assertClose(got.denseGrads![key]!, g, `update ${update}: dense ${key}`);
    }
    if (dense) assert.ok(prunedNonzero > 0, 'dense agent gradients at pruned positions are compared');
    assertWeightsClose(two, one, `update ${update}`);
  }
  one.dispose();
  two.dispose();
});

test('over several updates with target syncs and a changed mask the two-thread weights stay with the one-thread ones', () => {
  const [one, two] = pair({ sparsity: { mode: 'static', density: 0.3 }, targets: { operator: 'soft-mellowmax' } });
  for (let update = 0; update < 8; update++) {
    const batch = randomActionBatch(20 + update, [4, 2, 3, 1]);
    const [want, got] = [one.train(batch, { tEnv: 0 }).stats, two.train(batch, { tEnv: 0 }).stats];
    assertStatsClose({ ...got }, { ...want }, `update ${update}`);
    if (update % 3 === 1) [one, two].forEach((l) => l.updateTargets());
    if (update === 4)
      for (const l of [one, two])
        // a topology update: the worker must rebuild its compressed rows
        for (const name of ['fc1.weight', 'gru.weightHh']) {
          const mask = l.agent.params.mask(name)!;
          l.agent.params.setMask(
            name,
            mask.map((m, i) => (i % 5 === 0 ? 1 - m : m)),
          );
        }
  }
  assertWeightsClose(two, one, 'after 8 updates');
  one.dispose();
  two.dispose();
});

test('a batch of one episode runs on the main thread alone; an error in the worker comes back as the update’s error and closes the thread', () => {
  const [one, two] = pair({});
  const single = randomActionBatch(3, [4]);
  const [want, got] = [one.train(single, { tEnv: 0 }).stats, two.train(single, { tEnv: 0 }).stats];
  assert.deepEqual(got, want, 'no second half: the one-thread update, bit for bit');
  assert.equal(two.updateThreadTraffic?.sends, 0, 'nothing was sent to the worker');
  // a worker built for inputs one wider than the batch's: its forward pass throws there
  const { arch } = two.agent;
  const dims = { inputSize: inputSize(arch) + 1, hidden: arch.hidden, nActions: arch.nActions };
  const thread = new UpdateThread(dims, { online: two.agent.params, target: two.targetAgent.params });
  const batch = randomActionBatch(4, [3, 2]);
  const layout = arch.inputLayout;
  const [n, a, t] = [FAKE_INFO.nAgents, FAKE_INFO.nActions, batch.maxT];
  thread.startForward(batch, layout, { from: 1, to: 2 }, sharedFloats((t + 1) * n * a), sharedFloats(t * n * a), false);
  assert.throws(
    () => thread.finish(),
    (e: unknown) =>
      e instanceof RangeError && // as thrown there, so the CLI maps it as in one thread (a usage error, not internal)
      /the update thread failed in a forward pass: AgentUnroll/.test(e.message) &&
      /update-worker|agent-unroll/.test(e.stack ?? ''), // the worker's stack
  );
  assert.throws(() => thread.startBackward(sharedFloats((t + 1) * n * a), n), /used after close/);
  one.dispose();
  two.dispose();
});

test('errors cross from the worker with their class, code and hint; other errors as plain Error', () => {
  const cross = (err: unknown): Error =>
    rebuildFailure(structuredClone(describeFailure(err)), 'the update thread failed in x');
  const numeric = cross(new NumericError('gradient became NaN', { hint: 'lower the learning rate' }));
  assert.ok(numeric instanceof NumericError, 'a NumericError stays one (training treats it as divergence)');
  assert.equal((numeric as NumericError).code, 'E_NUMERIC');
  assert.equal((numeric as NumericError).hint, 'lower the learning rate');
  assert.equal(numeric.message, 'the update thread failed in x: gradient became NaN\n  hint: lower the learning rate');
  const data = cross(new DataError('episodes file cut short'));
  assert.ok(data instanceof ToolkitError && !(data instanceof NumericError), 'another toolkit error: its code');
  assert.equal((data as ToolkitError).code, 'E_DATA');
  assert.equal(data.name, 'DataError');
  const type = cross(new TypeError('not a function'));
  assert.ok(type instanceof TypeError);
  const plain = cross('a thrown string');
  assert.ok(!(plain instanceof ToolkitError) && !(plain instanceof RangeError) && !(plain instanceof TypeError));
  assert.equal(plain.message, 'the update thread failed in x: a thrown string');
});

test('when the main thread’s half throws while the worker is busy, that error is reported and the next update runs', () => {
  const [one, two] = pair({});
  const batch = randomActionBatch(5, [4, 2, 3, 1]);
  // fault injection: the main thread's target forward throws once, after the worker has been given its half
  const target = (two as unknown as { arrays: { nets: { target: { forwardPackedArrays: () => void } } } }).arrays.nets
    .target;
  const real = target.forwardPackedArrays;
  target.forwardPackedArrays = () => {
    target.forwardPackedArrays = real;
    throw new RangeError('injected');
  };
  assert.throws(() => two.train(batch, { tEnv: 0 }), /^RangeError: injected$/m);
  const [want, got] = [one.train(batch, { tEnv: 0 }).stats, two.train(batch, { tEnv: 0 }).stats];
  assertStatsClose(
    got as unknown as Record<string, unknown>,
    want as unknown as Record<string, unknown>,
    'the update after',
  );
  assertWeightsClose(two, one, 'after');
  one.dispose();
  two.dispose();
});

const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `mast-update-threads-${name}-`));
const rows = (dir: string) => readMetrics(runPaths(dir).metrics).map(({ elapsedSec: _t, ...rest }) => rest);

test('a run on two update threads is deterministic', async () => {
  const config = resolveConfig('demo', {
    compute: 'arrays',
    updateThreads: 2,
    steps: 500,
    batchSize: 8,
    targetUpdateInterval: 5,
    sparsity: { mode: 'rigl', density: 0.3 },
    topology: { interval: 4 },
    schedule: { testInterval: 125, testEpisodes: 2, checkpointInterval: 100_000 },
  });
  const [a, b] = [tmp('a'), tmp('b')];
  await train(config, { outDir: a, backend: 'wasm' });
  await train(config, { outDir: b, backend: 'wasm' });
  assert.ok(rows(a).length >= 4, `${rows(a).length} rows`);
  assert.deepEqual(rows(b), rows(a), 'same seed, same thread count: the same run, bit for bit');
  const one = tmp('one');
  await train({ ...config, updateThreads: 1 }, { outDir: one, backend: 'wasm' });
  assert.notDeepEqual(rows(one), rows(a), 'one thread sums in another order: another run, within rounding');
  for (const dir of [a, b, one]) rmSync(dir, { recursive: true, force: true });
});

test('updateThreads is 1 or 2, 2 needs compute arrays (a ConfigError naming the fix); configs from before it hash as they did', () => {
  assert.equal(resolveConfig('default').updateThreads, 1);
  assert.equal(resolveConfig('default', { updateThreads: 2 }).updateThreads, 2);
  assert.equal(resolveConfig('default', { alg: 'ow-qmix', updateThreads: 2 }).updateThreads, 2, 'WQMIX too');
  for (const overrides of [
    { compute: 'kernels' },
    { compute: 'tfjs' },
    { alg: 'ow-qmix', compute: 'kernels' },
  ] as const)
    assert.throws(
      () => resolveConfig('default', { ...overrides, updateThreads: 2 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /updateThreads is 2 but compute is '(kernels|tfjs)'/.test(e.message) &&
        /compute 'arrays'/.test(e.hint ?? ''),
    );
  assert.throws(() => resolveConfig('default', { updateThreads: 3 as never }), /'updateThreads' must be 1 or 2/);
  const { updateThreads: _, ...older } = resolveConfig('default');
  const hash = configHash({ ...older, updateThreads: 1 });
  assert.equal(configHash(older as TrainConfig), hash, 'a config without the key hashes as at its default');
  assert.notEqual(configHash({ ...older, updateThreads: 2 }), hash);
});

test('mast train --update-threads 2 trains and records the key; 3 is a usage error; with --compute kernels a ConfigError', async () => {
  const dir = tmp('cli');
  const out = join(dir, 'run');
  const run = await runCli([
    'train',
    '--out',
    out,
    '--preset',
    'demo',
    '--steps',
    '300',
    '--json',
    '--update-threads',
    '2',
  ]);
  assert.equal(run.error, null, String(run.error));
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).updateThreads, 2);
  const three = await runCli(['train', '--out', join(dir, 'x'), '--update-threads', '3']);
  assert.match(String((three.error as Error | null)?.message), /expected one of 1, 2, got '3'/);
  const kernels = await runCli(['train', '--out', join(dir, 'y'), '--update-threads', '2', '--compute', 'kernels']);
  assert.ok(kernels.error instanceof ConfigError, String(kernels.error));
  rmSync(dir, { recursive: true, force: true });
});
