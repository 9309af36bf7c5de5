/**
 * Ctrl-C during training, as a terminal sends it: a real SIGINT to a `mast` process. The training
 * loop must let the signal handler run, stop at the next episode with a checkpoint, and resume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../../src/marl/training/checkpoint.js';
import { runPaths } from '../../src/run/run-dir.js';
import { runCli } from './harness.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** Run `mast args`, send SIGINT once `interruptWhen` matches its stderr, and collect how it ended. */
function runAndInterrupt(
  args: string[],
  interruptWhen: RegExp,
): Promise<{ code: number | null; err: string; interruptedAtMs: number; exitedAtMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let interruptedAtMs = -1;
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (interruptedAtMs < 0 && interruptWhen.test(err)) {
        interruptedAtMs = performance.now();
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, err, interruptedAtMs, exitedAtMs: performance.now() });
    });
  });
}

test('mast train: a SIGINT mid-run stops it within moments with a checkpoint, and --resume continues it', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mast-sigint-')), 'run');
  const args = ['train', '--out', out, '--env', 'smaclite/3m', '--steps', '200000', '--seed', '3'];
  const run = await runAndInterrupt(args, /smaclite\/3m [1-9]\d{2,}\/200000/); // a few hundred steps in
  assert.ok(run.interruptedAtMs > 0, `interrupted: ${run.err.slice(-300)}`);
  assert.equal(run.code, 130, `exit code 130 (interrupted), not success: ${run.err.slice(-500)}`);
  assert.ok(
    run.exitedAtMs - run.interruptedAtMs < 20_000,
    `stopped ${Math.round(run.exitedAtMs - run.interruptedAtMs)} ms after the signal`,
  );
  assert.match(run.err, /stopped at step (\d+); continue with: mast train --out .* --resume/);
  const saved = readCheckpoint(runPaths(out).checkpoint).counters.tEnv;
  assert.ok(saved > 0 && saved < 200_000, `checkpoint at step ${saved}`);
  const resumed = await runCli(['train', '--out', out, '--steps', String(saved + 300), '--resume']);
  assert.equal(resumed.error, null, String(resumed.error));
  assert.ok(
    readCheckpoint(runPaths(out).checkpoint).counters.tEnv >= saved + 300,
    'resumed from the checkpoint to the new budget',
  );
});

test('mast demo: a SIGINT during training exits 130 without exporting or evaluating the half-trained agent, and names the demo command to resume', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mast-sigint-demo-')), 'demo');
  const run = await runAndInterrupt(['demo', '--out', out, '--seed', '2'], /smaclite\/3m [1-9]\d{2,}\/\d+/);
  assert.ok(run.interruptedAtMs > 0, `interrupted: ${run.err.slice(-300)}`);
  assert.equal(run.code, 130, run.err.slice(-500));
  assert.match(run.err, /stopped at step \d+; continue with: mast demo --out \S+ --seed 2\n/);
  assert.doesNotMatch(run.err, /\[[234]\/4\]/, 'no export, evaluation or timing step');
  assert.ok(!existsSync(join(out, 'agent.onnx')), 'no model exported');
  assert.ok(existsSync(runPaths(out).checkpoint), 'the training so far is checkpointed');
});

test('mast study: a SIGINT exits 130 and says how to continue', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-sigint-study-'));
  const file = join(dir, 'study.json');
  writeFileSync(
    file,
    JSON.stringify({
      dir: join(dir, 'runs'),
      preset: 'demo',
      steps: 200000,
      seeds: [1],
      envs: ['smaclite/3m'],
      modes: ['dense'],
    }),
  );
  const run = await runAndInterrupt(['study', file], /smaclite\/3m .*[1-9]\d{2,}\/200000/);
  assert.ok(run.interruptedAtMs > 0, `interrupted: ${run.err.slice(-300)}`);
  assert.equal(run.code, 130, run.err.slice(-500));
  assert.match(run.err, /continue with: mast study /);
});

test('mast compress --data: a SIGINT stops the distillation with exit 130, writes no model, frees the directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-sigint-offline-'));
  const teacher = fileURLToPath(new URL('../../../models/recall-dense.onnx', import.meta.url));
  const episodes = join(dir, 'ep.mast');
  assert.equal((await runCli(['record', teacher, '--out', episodes, '--episodes', '40'])).error, null);
  const out = join(dir, 'offline');
  const run = await runAndInterrupt(
    ['compress', teacher, '--data', episodes, '--density', '0.1', '--updates', '100000', '--out', out],
    /distil to density 0\.1 [1-9]\d*\/100000/,
  );
  assert.ok(run.interruptedAtMs > 0, `interrupted: ${run.err.slice(-300)}`);
  assert.equal(run.code, 130, run.err.slice(-500));
  assert.ok(
    run.exitedAtMs - run.interruptedAtMs < 20_000,
    `stopped ${Math.round(run.exitedAtMs - run.interruptedAtMs)} ms after the signal`,
  );
  assert.match(run.err, /distillation stopped at update \d+ of 100000; nothing was written/);
  assert.ok(!existsSync(join(out, 'agent.onnx')) && !existsSync(runPaths(out).snapshot), 'no half-distilled agent');
  assert.ok(!existsSync(runPaths(out).lock), 'the run directory is not left locked');
  assert.equal(
    (await runCli(['compress', teacher, '--data', episodes, '--density', '0.1', '--updates', '10', '--out', out]))
      .error,
    null,
    'the same command then runs',
  );
});
