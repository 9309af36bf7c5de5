import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  resolveConfig,
  parseConfig,
  deriveConfig,
  configHash,
  configDifferences,
  DEFAULT_CONFIG,
  PRESETS,
} from '../../src/config/index.js';
import { ConfigError, UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';
import { TOOLKIT_VERSION } from '../../src/version.js';
import { readStudy, studyRuns } from '../../src/study/grid.js';
import { ALGORITHMS } from '../../src/config/types.js';

test('defaults are pymarl QMIX; a preset is a small diff over them', () => {
  const c = resolveConfig();
  assert.equal(c.gamma, 0.99);
  assert.equal(c.batchSize, 32);
  assert.equal(c.bufferSize, 5000);
  assert.equal(c.targetUpdateInterval, 200);
  assert.equal(c.agent.hidden, 64);
  assert.equal(c.mixer.embed, 32);
  const demo = resolveConfig('demo');
  assert.equal(demo.sparsity.mode, 'static');
  assert.equal(demo.sparsity.density, 0.1);
  assert.equal(demo.optimizer.eps, DEFAULT_CONFIG.optimizer.eps, 'untouched nested keys keep their defaults');
});

test('overrides apply in order and leave DEFAULT_CONFIG untouched', () => {
  const c = resolveConfig('default', { seed: 5, optimizer: { lr: 0.01 } }, { seed: 6 });
  assert.equal(c.seed, 6);
  assert.equal(c.optimizer.lr, 0.01);
  assert.equal(DEFAULT_CONFIG.optimizer.lr, 5e-4);
});

test('unknown keys, wrong kinds and out-of-range values are ConfigErrors naming the key', () => {
  assert.throws(
    () => resolveConfig('default', { gama: 0.9 } as never),
    (e: unknown) => e instanceof ConfigError && /unknown config key 'gama'/.test(e.message),
  );
  assert.throws(
    () => resolveConfig('default', { optimizer: { rate: 1 } } as never),
    /unknown config key 'optimizer.rate'/,
  );
  assert.throws(() => resolveConfig('default', { steps: '10' } as never), /'steps' must be a number/);
  assert.throws(() => resolveConfig('default', { gamma: 1.5 }), /'gamma' must be in \[0, 1\], got 1.5/);
  assert.throws(() => resolveConfig('default', { bufferSize: 8, batchSize: 32 }), /bufferSize/);
  assert.throws(
    () => resolveConfig('default', { sparsity: { density: 0.1 } }),
    (e: unknown) => e instanceof ConfigError && /mode is 'dense'/.test(e.message),
  );
});

test('unknown names list the valid ones', () => {
  assert.throws(
    () => resolveConfig('default', { alg: 'qtran' as never }),
    (e: unknown) => e instanceof UnknownNameError && /got 'qtran'; expected one of 'qmix', 'vdn'/.test(e.message),
  );
  assert.throws(() => resolveConfig('nope'), /unknown preset: got 'nope'/);
});

test('parseConfig accepts a saved config and rejects a tampered one', () => {
  const c = resolveConfig('demo');
  assert.deepEqual(parseConfig(JSON.parse(JSON.stringify(c)), 'x'), c);
  assert.throws(() => parseConfig({ ...c, extra: 1 }, 'saved.json'), /unknown config key 'extra'/);
  assert.throws(() => parseConfig([], 'saved.json'), /saved.json: expected a JSON object/);
});

test('configHash is stable under key order and changes with any value', () => {
  const a = resolveConfig('demo');
  const reordered = JSON.parse(JSON.stringify(a, Object.keys(a).reverse()));
  assert.equal(configHash(a), configHash({ ...reordered, ...a }));
  assert.notEqual(configHash(a), configHash({ ...a, seed: a.seed + 1 }));
  assert.match(configHash(a), /^[0-9a-f]{12}$/);
});

test('every preset resolves; the toolkit version matches package.json', () => {
  for (const name of Object.keys(PRESETS)) assert.doesNotThrow(() => resolveConfig(name), name);
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.equal(TOOLKIT_VERSION, pkg.version);
});

test('a sparsity mode brings its own target and replay defaults, beneath the user overrides', () => {
  const mast = resolveConfig('default', { sparsity: { mode: 'mast', density: 0.1 } });
  assert.equal(mast.targets.operator, 'soft-mellowmax');
  assert.equal(mast.targets.returns, 'td-lambda');
  assert.equal(mast.recentBuffer.fraction, 0.5);
  const rlx2 = resolveConfig('default', { sparsity: { mode: 'rlx2', density: 0.1 } });
  assert.equal(rlx2.targets.returns, 'n-step');
  assert.equal(rlx2.targets.operator, 'max');
  const rigl = resolveConfig('default', { sparsity: { mode: 'rigl', density: 0.1 } });
  assert.deepEqual([rigl.targets.operator, rigl.targets.returns, rigl.recentBuffer.fraction], ['max', 'one-step', 0]);
  const custom = resolveConfig('default', {
    sparsity: { mode: 'mast', density: 0.1 },
    targets: { omega: 5, operator: 'max' },
  });
  assert.equal(custom.targets.omega, 5);
  assert.equal(custom.targets.operator, 'max', 'an explicit override wins over the mode default');
  assert.equal(custom.targets.returns, 'td-lambda');
});

test('sparse modes need a density below 1, and the new sections are range-checked', () => {
  assert.throws(
    () => resolveConfig('default', { sparsity: { mode: 'rigl' } }),
    (e: unknown) => e instanceof ConfigError && /mode is 'rigl' but sparsity.density is 1/.test(e.message),
  );
  assert.throws(
    () => resolveConfig('default', { sparsity: { mode: 'sparse' as never, density: 0.1 } }),
    (e: unknown) => e instanceof UnknownNameError && /mast/.test(e.message),
  );
  assert.throws(() => resolveConfig('default', { targets: { lambda: 1.5 } }), /targets.lambda/);
  assert.throws(() => resolveConfig('default', { targets: { operator: 'softmax' as never } }), UnknownNameError);
  assert.throws(() => resolveConfig('default', { topology: { interval: 0 } }), /topology.interval/);
  assert.throws(() => resolveConfig('default', { recentBuffer: { fraction: -0.1 } }), /recentBuffer.fraction/);
});

test("topology.grow overrides an evolving mode's grow rule, is refused where masks never change, and old configs keep their rule", () => {
  assert.equal(
    resolveConfig('default', { sparsity: { mode: 'mast', density: 0.1 }, topology: { grow: 'random' } }).topology.grow,
    'random',
  );
  assert.throws(
    () => resolveConfig('default', { topology: { grow: 'magnitude' as never } }),
    (e: unknown) => e instanceof UnknownNameError && /'mode', 'random', 'gradient'/.test(e.message),
  );
  assert.throws(
    () => resolveConfig('default', { sparsity: { mode: 'static', density: 0.1 }, topology: { grow: 'random' } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /topology.grow is 'random' but sparsity.mode 'static' never changes its masks/.test(e.message) &&
      /set, rigl, rlx2, mast/.test(e.hint ?? ''),
  );
  // a run saved before the key existed resumes with its mode's own rule, and hashes as it did
  const set = resolveConfig('default', { sparsity: { mode: 'set', density: 0.1 } });
  const { grow: _, ...olderTopology } = set.topology;
  const older = parseConfig({ ...set, topology: olderTopology }, 'an older saved config');
  assert.equal(older.topology.grow, 'mode');
  assert.equal(configHash(older), configHash(set));
});

test('topology.gradientUpdates is an integer in [1, ΔT], refused where nothing grows by the gradient, and old configs sum one update', () => {
  assert.equal(
    resolveConfig('default', { sparsity: { mode: 'mast', density: 0.1 }, topology: { gradientUpdates: 32 } }).topology
      .gradientUpdates,
    32,
  );
  assert.equal(
    resolveConfig('default', {
      sparsity: { mode: 'set', density: 0.1 },
      topology: { grow: 'gradient', gradientUpdates: 8 },
    }).topology.gradientUpdates,
    8,
  );
  for (const bad of [0, 2.5, 201]) {
    assert.throws(
      () => resolveConfig('default', { sparsity: { mode: 'rigl', density: 0.1 }, topology: { gradientUpdates: bad } }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /topology.gradientUpdates/.test(e.message) &&
        /\[1, topology.interval = 200\]/.test(e.message),
    );
  }
  assert.throws(
    () => resolveConfig('default', { sparsity: { mode: 'set', density: 0.1 }, topology: { gradientUpdates: 8 } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /sparsity.mode 'set' grows at random/.test(e.message) &&
      /leave topology.gradientUpdates at 1/.test(e.hint ?? ''),
  );
  assert.throws(
    () =>
      resolveConfig('default', {
        sparsity: { mode: 'mast', density: 0.1 },
        topology: { grow: 'random', gradientUpdates: 8 },
      }),
    /grows at random/,
  );
  assert.throws(
    () => resolveConfig('default', { sparsity: { mode: 'static', density: 0.1 }, topology: { gradientUpdates: 8 } }),
    /sparsity.mode 'static' grows nothing/,
  );
  const mast = resolveConfig('default', { sparsity: { mode: 'mast', density: 0.1 } });
  const { gradientUpdates: _, ...olderTopology } = mast.topology;
  assert.equal(parseConfig({ ...mast, topology: olderTopology }, 'an older saved config').topology.gradientUpdates, 1);
});

test('the lbf preset is the configuration of the LBF studies that reach the literature (one source of the settings)', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  for (const file of ['lbf-8x8-coop-terminal.json', 'lbf-8x8-coop-sparse.json']) {
    const study = readStudy(join(root, 'bench/studies', file));
    const run = studyRuns(study).find((r) => r.mode === 'dense')!;
    const fromPreset = resolveConfig('lbf', { seed: run.seed, compute: run.config.compute }); // the studies predate arrays
    assert.equal(configHash(fromPreset), configHash(run.config), `${file}: its dense run differs from --preset lbf`);
  }
  assert.equal(resolveConfig('lbf').terminalOnTimeLimit, true);
});

test('envArgs takes any JSON values, merges key by key, is refused when not an object, and old configs keep their hashes', () => {
  const c = resolveConfig(
    'default',
    { env: 'python:m:E', envArgs: { map_name: '3m', n: 2 } } as never,
    { envArgs: { n: 3, nested: { a: [1] } } } as never,
  );
  assert.deepEqual(c.envArgs, { map_name: '3m', n: 3, nested: { a: [1] } });
  assert.notEqual(configHash(c), configHash({ ...c, envArgs: { ...c.envArgs, n: 4 } }));
  assert.throws(
    () => resolveConfig('default', { envArgs: [1] } as never),
    (e: unknown) => e instanceof ConfigError && /config key 'envArgs' must be an object/.test(e.message),
  );
  assert.throws(() => parseConfig({ ...c, envArgs: 'x' }, 'saved.json'), /envArgs/);
  // a run saved before the key existed reads back with none, and hashes as it did
  const { envArgs: _, ...older } = resolveConfig('default');
  const read = parseConfig(older, 'an older saved config');
  assert.deepEqual(read.envArgs, {});
  assert.equal(configHash(read), configHash(older as never));
});

test('envWorkers is an integer in [1, 64]; configs from before it hash as they did', () => {
  assert.equal(resolveConfig('default', { envWorkers: 4 }).envWorkers, 4);
  for (const bad of [0, 1.5, 65])
    assert.throws(
      () => resolveConfig('default', { envWorkers: bad }),
      (e: unknown) =>
        e instanceof ConfigError && /config key 'envWorkers' must be an integer in \[1, 64\]/.test(e.message),
    );
  const { envWorkers: _, ...older } = resolveConfig('default');
  const read = parseConfig(older, 'an older saved config');
  assert.equal(read.envWorkers, 1);
  assert.equal(configHash(read), configHash(older as never));
  assert.notEqual(configHash({ ...read, envWorkers: 2 }), configHash(read));
});

test("runner is 'episode' or 'parallel'; 'parallel' needs envWorkers ≥ 2; configs from before it hash as they did", () => {
  assert.equal(resolveConfig('default').runner, 'episode');
  assert.equal(resolveConfig('default', { envWorkers: 2, runner: 'parallel' }).runner, 'parallel');
  assert.throws(
    () => resolveConfig('default', { runner: 'parallel' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /runner is 'parallel' but envWorkers is 1/.test(e.message) &&
      /--env-workers 8/.test(e.hint ?? ''),
  );
  assert.throws(
    () => resolveConfig('default', { runner: 'batch' as never }),
    (e: unknown) =>
      e instanceof UnknownNameError && /got 'batch'; expected one of 'episode', 'parallel'/.test(e.message),
  );
  const { runner: _, ...older } = resolveConfig('default', { envWorkers: 3 });
  const read = parseConfig(older, 'an older saved config');
  assert.equal(read.runner, 'episode');
  assert.equal(configHash(read), configHash(older as never));
  assert.notEqual(configHash({ ...read, runner: 'parallel' }), configHash(read));
});

test("the pymarl2 preset is pymarl2's QMIX SMAC config, and --sparsity mast keeps its schedule", () => {
  const c = resolveConfig('pymarl2');
  assert.deepEqual(
    [c.env, c.runner, c.envWorkers, c.batchSize, c.bufferSize, c.targetUpdateInterval, c.steps],
    ['smaclite/3m', 'parallel', 8, 128, 5000, 200, 10_050_000],
  );
  assert.deepEqual([c.optimizer.name, c.optimizer.lr, c.optimizer.eps, c.optimizer.gradClip], ['adam', 1e-3, 1e-8, 10]);
  assert.deepEqual(c.epsilon, { start: 1, finish: 0.05, annealSteps: 100_000 });
  assert.deepEqual(
    [c.targets.operator, c.targets.returns, c.targets.lambda, c.targets.cutTraces, c.targets.switchFraction, c.doubleQ],
    ['max', 'td-lambda', 0.6, false, 0, true],
  );
  assert.deepEqual([c.schedule.testInterval, c.schedule.testEpisodes], [10_000, 32]);
  const mast = resolveConfig('pymarl2', { sparsity: { mode: 'mast', density: 0.1 } });
  assert.deepEqual([mast.runner, mast.envWorkers, mast.targets.returns], ['parallel', 8, 'td-lambda']);
  assert.equal(mast.targets.operator, 'soft-mellowmax');
});

test('actingThread is a boolean that needs compute kernels; configs from before it hash as they did', () => {
  assert.equal(resolveConfig('default').actingThread, false);
  assert.equal(resolveConfig('default', { actingThread: true }).actingThread, true);
  assert.throws(
    () => resolveConfig('default', { actingThread: true, compute: 'tfjs' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /actingThread is true but compute is 'tfjs'/.test(e.message) &&
      /compute 'kernels'/.test(e.hint ?? ''),
  );
  assert.throws(
    () => resolveConfig('default', { actingThread: 1 as never }),
    /config key 'actingThread' must be a boolean/,
  );
  const { actingThread: _, ...older } = resolveConfig('default');
  const read = parseConfig(older, 'an older saved config');
  assert.equal(read.actingThread, false);
  assert.equal(configHash(read), configHash(older as never));
  assert.notEqual(configHash({ ...read, actingThread: true }), configHash(read));
});

test('configDifferences compares as configHash does: a late key left out equals its default', () => {
  const config = resolveConfig('default');
  const { actingThread: _, runner: __, ...older } = config;
  assert.equal(configHash(older as never), configHash(config));
  assert.deepEqual(configDifferences(older as never, config), []);
  assert.deepEqual(configDifferences(older as never, { ...config, actingThread: true }), ['actingThread']);
  assert.deepEqual(configDifferences(config, { ...config, gamma: 0.5, seed: 9 }).sort(), ['gamma', 'seed']);
});

test('compute defaults to the array update for every learner, and a path given anywhere is kept', () => {
  for (const alg of ALGORITHMS) assert.equal(resolveConfig('default', { alg }).compute, 'arrays', alg);
  for (const preset of Object.keys(PRESETS)) assert.equal(resolveConfig(preset).compute, 'arrays', preset);
  assert.equal(resolveConfig('default', { alg: 'qmix' }, { alg: 'cw-qmix' }).compute, 'arrays');
  assert.equal(resolveConfig('default', { compute: 'kernels' }).compute, 'kernels');
  assert.equal(resolveConfig('default', { compute: 'kernels' }, { alg: 'ow-qmix' }).compute, 'kernels');
  assert.equal(resolveConfig('default', { compute: 'tfjs' }, { alg: 'res-qmix' }).compute, 'tfjs');
});

test('a saved config keeps its compute path: one naming none reads as kernels, and deriving keeps the base', () => {
  const { compute: _, ...unnamed } = resolveConfig('default');
  assert.equal(parseConfig(unnamed, 'a config saved before compute was a key').compute, 'kernels');
  const kernelsRun = resolveConfig('default', { compute: 'kernels' });
  assert.equal(parseConfig(JSON.parse(JSON.stringify(kernelsRun)), 'a saved kernels run').compute, 'kernels');
  assert.equal(deriveConfig(kernelsRun, { sparsity: { mode: 'mast', density: 0.1 } }).compute, 'kernels');
});
