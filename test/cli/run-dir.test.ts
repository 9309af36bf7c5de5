/**
 * Nothing lost: a run directory is never trained over with another config, written by two processes
 * at once, or replaced by an import; bad output paths and damaged run files are errors with a code
 * and a hint (exit 1), never a stack trace or a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { readCheckpoint } from '../../src/marl/training/checkpoint.js';
import { runPaths } from '../../src/run/run-dir.js';
import { readTensorFile, writeTensorFile } from '../../src/util/tensor-file.js';
import { runCli } from './harness.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mast-rundir-'));

function toolkitError(run: { error: unknown }, code: string, pattern: RegExp): ToolkitError {
  assert.ok(
    run.error instanceof ToolkitError,
    `expected a ToolkitError, got ${String((run.error as Error)?.stack ?? run.error)}`,
  );
  assert.equal(run.error.code, code, run.error.message);
  assert.match(run.error.message, pattern);
  assert.ok(run.error.hint, 'with a hint');
  return run.error;
}

test('train --resume on a run killed before its first checkpoint trains its own config again from step 0, and says so', async () => {
  const dir = join(tmp(), 'run');
  assert.equal((await runCli(['train', '--out', dir, '--env', 'twostep', '--steps', '8', '--seed', '5'])).error, null);
  rmSync(runPaths(dir).checkpoint); // as if killed before the first checkpoint: config.json (and metrics) only
  const resumed = await runCli(['train', '--out', dir, '--resume', '--steps', '16']);
  assert.equal(resumed.error, null, String(resumed.error));
  assert.match(resumed.err, /no checkpoint yet: training its config\.json \(twostep, qmix, seed 5\) again from step 0/);
  const config = JSON.parse(readFileSync(runPaths(dir).config, 'utf8')) as { env: string; seed: number; steps: number };
  assert.deepEqual([config.env, config.seed, config.steps], ['twostep', 5, 16], 'its own config, never the defaults');
  assert.equal(readCheckpoint(runPaths(dir).checkpoint).config.env, 'twostep');
});

test('train --resume refuses a directory with no run, and a config.json it cannot parse', async () => {
  toolkitError(
    await runCli(['train', '--out', join(tmp(), 'none'), '--resume']),
    'E_CHECKPOINT',
    /holds no run to resume/,
  );
  const dir = tmp();
  writeFileSync(runPaths(dir).config, '{"env": "recall", ');
  toolkitError(await runCli(['train', '--out', dir, '--resume']), 'E_CHECKPOINT', /config\.json cannot be read/);
  writeFileSync(runPaths(dir).config, '{"env": "recall", "optimizr": {}}');
  toolkitError(await runCli(['train', '--out', dir, '--resume']), 'E_CHECKPOINT', /config\.json is not a valid config/);
});

test('--out naming a file, or a path under /proc, is an E_IO error at once (no stack trace, no spinning)', async () => {
  const file = join(tmp(), 'plain-file');
  writeFileSync(file, 'x');
  toolkitError(await runCli(['train', '--out', file, '--steps', '8']), 'E_IO', /is a file, not a directory/);
  toolkitError(
    await runCli(['train', '--out', join(file, 'below'), '--steps', '8']),
    'E_IO',
    /is a file, not a directory/,
  );
  const started = performance.now();
  toolkitError(
    await runCli(['train', '--out', '/proc/mast-no-such-dir/run', '--steps', '8']),
    'E_IO',
    /cannot create directory/,
  );
  assert.ok(performance.now() - started < 5000);
});

test('a run directory held by a live process is refused (E_LOCKED naming it); a stale lock is taken over and released', async () => {
  const dir = tmp();
  const { lock } = runPaths(dir);
  writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), started: '2026-12-07T06:00:00Z' })); // our parent: alive
  const held = toolkitError(
    await runCli(['train', '--out', dir, '--steps', '8']),
    'E_LOCKED',
    new RegExp(`in use by process ${process.ppid} on ${hostname()}`),
  );
  assert.match(held.hint ?? '', /run\.lock/);
  assert.ok(!existsSync(runPaths(dir).config), 'nothing written');
  writeFileSync(lock, JSON.stringify({ pid: 4194303, host: hostname(), started: '2026-12-07T06:00:00Z' })); // above pid_max: gone
  assert.equal((await runCli(['train', '--out', dir, '--steps', '8'])).error, null);
  assert.ok(!existsSync(lock), 'released after the run');
});

test('temporary files of interrupted writes are deleted when the directory is next opened; a live writer keeps its own', async () => {
  const dir = tmp();
  assert.equal((await runCli(['train', '--out', dir, '--steps', '8'])).error, null);
  writeFileSync(join(dir, '.tmp-checkpoint.mast-4194303-1796600000000'), Buffer.alloc(4096)); // its writer is gone
  writeFileSync(join(dir, `.tmp-agent.snapshot-${process.ppid}-1796600000000`), 'in progress'); // a live writer
  assert.equal((await runCli(['train', '--out', dir, '--resume', '--steps', '16'])).error, null);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.startsWith('.tmp-')),
    [`.tmp-agent.snapshot-${process.ppid}-1796600000000`],
  );
});

test('import --out onto an existing run (trained or imported) is refused and leaves it as it was', async () => {
  const root = tmp();
  const trained = join(root, 'trained');
  assert.equal((await runCli(['train', '--out', trained, '--steps', '8'])).error, null);
  const model = join(root, 'a.onnx');
  assert.equal((await runCli(['export', trained, '-o', model])).error, null);
  const before = readFileSync(runPaths(trained).snapshot);
  toolkitError(await runCli(['import', model, '--out', trained]), 'E_CHECKPOINT', /already holds a run/);
  assert.deepEqual(readFileSync(runPaths(trained).snapshot), before);
  const imported = join(root, 'imported');
  assert.equal((await runCli(['import', model, '--out', imported])).error, null);
  assert.ok(!existsSync(runPaths(imported).lock), 'the lock is released');
  toolkitError(await runCli(['import', model, '--out', imported]), 'E_CHECKPOINT', /already holds a run/);
  const file = join(root, 'file');
  writeFileSync(file, '');
  toolkitError(await runCli(['import', model, '--out', file]), 'E_IO', /is a file/);
});

test('a study whose dir is a file is an E_IO error', async () => {
  const root = tmp();
  writeFileSync(join(root, 'runs'), 'not a directory');
  const study = join(root, 'study.json');
  writeFileSync(
    study,
    JSON.stringify({
      dir: join(root, 'runs'),
      preset: 'demo',
      steps: 8,
      seeds: [1],
      envs: ['recall'],
      modes: ['dense'],
    }),
  );
  toolkitError(await runCli(['study', study]), 'E_IO', /is a file, not a directory/);
});

test('a checkpoint whose step counter or mask map was edited is refused on --resume (the header is under the CRC)', async () => {
  const dir = tmp();
  assert.equal((await runCli(['train', '--out', dir, '--steps', '8'])).error, null);
  const path = runPaths(dir).checkpoint;
  const original = readFileSync(path).toString('latin1');
  const edits: [RegExp, (m: string) => string][] = [
    [/"tEnv":\d+/, (m) => m.replace(/\d+$/, (d) => String(Number(d) + 1))], // the step counter
    [/"dtype":"uint8"/, () => '"dtype":"int32"'], // a mask's entry in the array map
  ];
  for (const [pattern, edit] of edits) {
    assert.match(original, pattern);
    writeFileSync(path, Buffer.from(original.replace(pattern, edit), 'latin1'));
    toolkitError(
      await runCli(['train', '--out', dir, '--resume', '--steps', '16']),
      'E_CHECKPOINT',
      /checkpoint\.mast is corrupt \(header CRC-32 mismatch\)/,
    );
  }
});

test('mixer.snapshot is validated like agent.snapshot: NaN weights are refused on export', async () => {
  const dir = tmp();
  assert.equal((await runCli(['train', '--out', dir, '--steps', '8'])).error, null);
  const path = runPaths(dir).mixerSnapshot;
  const { meta, arrays } = readTensorFile(path);
  (arrays['hyperW1.0.weight']!.data as Float32Array)[3] = NaN;
  writeTensorFile(path, meta, arrays);
  toolkitError(
    await runCli(['export', dir, '-o', join(dir, 'a.onnx'), '--with-mixer']),
    'E_SNAPSHOT',
    /mixer tensor 'hyperW1\.0\.weight' has a non-finite value at flat index 3/,
  );
});
