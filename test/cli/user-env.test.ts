/**
 * `mast train` on the user's own environments, end to end: a JavaScript module (the docs example)
 * and a Python class over the bridge, then `mast export` and `mast eval` on the result (the env id
 * and its envArgs round-trip through the model's metadata), and a Python process dying mid-run:
 * the last checkpoint is kept and `--resume` continues with a fresh process.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { readCheckpoint } from '../../src/marl/training/checkpoint.js';
import { runCli } from './harness.js';
import { bridgeChildren } from '../envs/bridge-children.js';

const TOY = 'python:test/fixtures/envs/toy_env.py:ToyEnv';
const dir = mkdtempSync(join(tmpdir(), 'mast-user-env-'));
/** Short phases so a few hundred steps hold tests and checkpoints. */
const overrides = join(dir, 'overrides.json');
writeFileSync(
  overrides,
  JSON.stringify({ batchSize: 8, schedule: { testInterval: 200, testEpisodes: 2, checkpointInterval: 200 } }),
);

after(() => assert.deepEqual(bridgeChildren(), [], 'no bridge process outlives the tests'));

test('mast train --env module:docs/examples/custom-env.mjs trains a few hundred steps', async () => {
  const out = join(dir, 'module-run');
  const run = await runCli([
    'train',
    '--out',
    out,
    '--env',
    'module:docs/examples/custom-env.mjs',
    '--env-arg',
    'agents=3',
    '--steps',
    '400',
    '--preset',
    'demo',
    '--config',
    overrides,
    '--json',
  ]);
  assert.equal(run.error, null, String(run.error));
  const result = JSON.parse(run.out) as { completed: boolean; counters: { tEnv: number } };
  assert.ok(result.completed && result.counters.tEnv >= 400);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).envArgs, { agents: 3 });
});

test('mast train --env python:… trains end to end; export, eval and compress find the environment from the run', async () => {
  const out = join(dir, 'python-run');
  const run = await runCli([
    'train',
    '--out',
    out,
    '--env',
    TOY,
    '--env-arg',
    'n_agents=2',
    '--steps',
    '400',
    '--preset',
    'demo',
    '--config',
    overrides,
    '--json',
  ]);
  assert.equal(run.error, null, String(run.error));
  assert.ok((JSON.parse(run.out) as { completed: boolean }).completed);
  const model = join(out, 'agent.onnx');
  assert.equal((await runCli(['export', out, '-o', model])).error, null);
  const evaluated = await runCli(['eval', model, '--episodes', '4', '--against', out, '--json']);
  assert.equal(evaluated.error, null, String(evaluated.error));
  const report = JSON.parse(evaluated.out) as { env: string; parity: { actionAgreement: number } };
  assert.equal(report.env, TOY);
  assert.equal(report.parity.actionAgreement, 1);
  // Online compression goes on training through the bridge, with the run's envArgs.
  const compressed = await runCli([
    'compress',
    out,
    '--out',
    join(dir, 'python-compressed'),
    '--density',
    '0.05',
    '--steps',
    '200',
    '--config',
    overrides,
    '--json',
  ]);
  assert.equal(compressed.error, null, String(compressed.error));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'python-compressed', 'config.json'), 'utf8')).envArgs, {
    n_agents: 2,
  });
  // Another environment's arguments must be given: with n_agents 3 the model no longer fits.
  const other = await runCli(['eval', model, '--episodes', '1', '--env-arg', 'n_agents=3']);
  assert.ok(other.error instanceof ToolkitError && /cannot play/.test(other.error.message), String(other.error));
});

test('mast train --env-workers 3 plays three Python processes at once', async () => {
  const out = join(dir, 'workers-run');
  const run = await runCli([
    'train',
    '--out',
    out,
    '--env',
    TOY,
    '--env-workers',
    '3',
    '--steps',
    '300',
    '--preset',
    'demo',
    '--config',
    overrides,
    '--json',
  ]);
  assert.equal(run.error, null, String(run.error));
  const result = JSON.parse(run.out) as { completed: boolean; counters: { episodes: number } };
  assert.ok(result.completed);
  assert.equal(result.counters.episodes % 3, 0, 'whole rounds of three episodes');
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).envWorkers, 3);
});

test('a Python process dying mid-run keeps the last checkpoint; --resume continues with a fresh process', async () => {
  const out = join(dir, 'crash-run');
  const id = 'python:test/fixtures/envs/bad_envs.py:CrashesAfter';
  process.env.MAST_TEST_CRASH_AFTER = '500';
  let run;
  try {
    run = await runCli([
      'train',
      '--out',
      out,
      '--env',
      id,
      '--steps',
      '800',
      '--preset',
      'demo',
      '--config',
      overrides,
    ]);
  } finally {
    delete process.env.MAST_TEST_CRASH_AFTER;
  }
  assert.ok(run.error instanceof ToolkitError && run.error.code === 'E_ENV_BRIDGE', String(run.error));
  assert.match(run.error.message, /exited with code 9 during step/);
  assert.match(run.error.message, new RegExp(`mast train --out ${out} --resume`));
  assert.deepEqual(bridgeChildren(), [], 'both environment processes are closed after the failure');
  const saved = readCheckpoint(join(out, 'checkpoint.mast')).counters.tEnv;
  assert.ok(saved >= 200 && saved <= 500, `checkpoint at step ${saved}`);

  const resumed = await runCli(['train', '--out', out, '--resume', '--json']);
  assert.equal(resumed.error, null, String(resumed.error));
  const result = JSON.parse(resumed.out) as { completed: boolean; counters: { tEnv: number } };
  assert.ok(result.completed && result.counters.tEnv >= 800);
  assert.ok(existsSync(join(out, 'summary.json')));
});

test('--env-stderr shows everything the Python environment prints, as it comes', () => {
  const out = join(dir, 'chatty-run');
  const run = spawnSync(
    process.execPath,
    [
      'bin/mast.js',
      'train',
      '--out',
      out,
      '--env',
      'python:test/fixtures/envs/bad_envs.py:PrintsToStdout',
      '--steps',
      '40',
      '--preset',
      'demo',
      '--config',
      overrides,
      '--env-stderr',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const steps = readCheckpoint(join(out, 'checkpoint.mast')).counters.tEnv;
  const printed = run.stderr.split('\n').filter((l) => l.startsWith('stepping')).length;
  assert.ok(printed >= steps, `printed ${printed} lines for at least ${steps} steps`);
});
