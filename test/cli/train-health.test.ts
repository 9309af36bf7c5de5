/**
 * Training that goes wrong says so: a loss that blows up is flagged (a warning, and `diverged` in
 * summary.json), a NaN loss stops naming the step with a fix `--resume` does not refuse, and a slow
 * run is checkpointed by the wall clock as well as by steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NumericError } from '@mast-toolkit/runtime/internal/util/errors';
import { resolveConfig } from '../../src/config/index.js';
import { train, type RunSummaryFile } from '../../src/marl/training/train.js';
import { readCheckpoint } from '../../src/marl/training/checkpoint.js';
import { runPaths } from '../../src/run/run-dir.js';
import { divergedLoss, DIVERGED_LOSS } from '../../src/marl/training/metrics.js';
import { runCli } from './harness.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mast-health-'));

function overrides(dir: string, lr: number): string {
  const file = join(dir, 'lr.json');
  writeFileSync(file, JSON.stringify({ optimizer: { lr }, schedule: { testInterval: 200, testEpisodes: 2 } }));
  return file;
}

test('the divergence rule: a mean loss above 1e6, or not finite', () => {
  assert.equal(DIVERGED_LOSS, 1e6);
  for (const ok of [null, 0, 32.5, 1e6]) assert.equal(divergedLoss(ok), false, String(ok));
  for (const bad of [1e6 * 1.01, 3.6e12, NaN, Infinity]) assert.equal(divergedLoss(bad), true, String(bad));
});

test("training that blows up at lr 1 is flagged: a warning and summary.json's diverged", async () => {
  const dir = tmp();
  const out = join(dir, 'run');
  const run = await runCli(['train', '--out', out, '--steps', '200', '--config', overrides(dir, 1), '--json']);
  assert.equal(run.error, null, String(run.error));
  assert.match(run.err, /warning: training blew up: mean loss \d\.\d\de\+\d+ at step 200/);
  const summary = JSON.parse(readFileSync(runPaths(out).summary, 'utf8')) as RunSummaryFile;
  assert.equal(summary.diverged?.tEnv, 200);
  assert.ok((summary.diverged?.loss ?? 0) > DIVERGED_LOSS);
  assert.deepEqual((JSON.parse(run.out) as { diverged: unknown }).diverged, summary.diverged);
  const calm = await runCli([
    'train',
    '--out',
    join(dir, 'calm'),
    '--steps',
    '200',
    '--config',
    overrides(dir, 0.0005),
  ]);
  assert.equal(calm.error, null);
  assert.doesNotMatch(calm.err, /blew up/);
  assert.equal(
    (JSON.parse(readFileSync(runPaths(join(dir, 'calm')).summary, 'utf8')) as RunSummaryFile).diverged,
    null,
  );
});

test('a NaN loss stops naming the step and update, with a hint that does not suggest resuming with another lr', async () => {
  const dir = tmp();
  const run = await runCli(['train', '--out', join(dir, 'run'), '--steps', '400', '--config', overrides(dir, 1e30)]);
  assert.ok(run.error instanceof NumericError, String(run.error));
  assert.match(
    run.error.message,
    /training loss became (NaN|Infinity|-Infinity) at environment step \d+ \(learner update \d+\); no checkpoint had been written yet/,
  );
  assert.match(run.error.hint ?? '', /new run in another --out directory with a lower optimizer\.lr/);
  assert.doesNotMatch(run.error.hint ?? '', /resume from|--resume with/);
});

test('a checkpoint is written by the wall clock (schedule.checkpointSeconds) between step checkpoints', async () => {
  const outDir = tmp();
  const config = resolveConfig('demo', {
    steps: 300,
    schedule: { testInterval: 1000, testEpisodes: 2, checkpointInterval: 1_000_000, checkpointSeconds: 0.001 },
  });
  const seen: number[] = [];
  await train(config, {
    outDir,
    onEpisode: () => {
      if (existsSync(runPaths(outDir).checkpoint)) seen.push(readCheckpoint(runPaths(outDir).checkpoint).counters.tEnv);
    },
  });
  assert.ok(seen.length > 0 && seen[0]! < 300, `checkpoints during the run at steps ${seen.slice(0, 5).join(', ')}`);
  assert.throws(() => resolveConfig('demo', { schedule: { checkpointSeconds: 0 } }), /schedule\.checkpointSeconds/);
});

test('a study says which of its runs blew up', async () => {
  const dir = tmp();
  const file = join(dir, 'study.json');
  writeFileSync(
    file,
    JSON.stringify({
      dir: join(dir, 'runs'),
      preset: 'default',
      steps: 200,
      seeds: [1],
      envs: ['recall'],
      modes: ['dense'],
      overrides: { optimizer: { lr: 1 }, schedule: { testInterval: 200, testEpisodes: 2 } },
    }),
  );
  const run = await runCli(['study', file]);
  assert.equal(run.error, null, String(run.error));
  assert.match(
    run.progress,
    /done \(warning: training blew up, mean loss \d\.\d\de\+\d+ at step 200; summary\.json records it\)/,
  );
});
