import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ToolkitError, UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from './harness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mast-cli-'));

function usageError(run: { error: unknown; err: string }, pattern: RegExp): void {
  assert.ok(run.error instanceof CommanderError, `expected a usage error, got ${String(run.error)}`);
  assert.match(run.err, pattern);
}

test('an unknown backend is a usage error listing the backends', async () => {
  usageError(
    await runCli(['train', '--out', join(tmp(), 'r'), '--backend', 'gpu']),
    /expected one of wasm, cpu, tensorflow, got 'gpu'/,
  );
});

test('--episodes must be a positive integer', async () => {
  usageError(await runCli(['eval', 'x.onnx', '--episodes', '0']), /expected an integer ≥ 1, got '0'/);
  usageError(await runCli(['eval', 'x.onnx', '--episodes', 'ten']), /got 'ten'/);
});

test('an unknown environment names the known ones', async () => {
  const run = await runCli(['train', '--env', 'starcraft/3m', '--out', join(tmp(), 'r'), '--steps', '10']);
  assert.ok(run.error instanceof UnknownNameError, String(run.error));
  assert.match((run.error as Error).message, /unknown environment: got 'starcraft\/3m'; expected one of .*'recall'/);
});

test('a --config file that is missing, not JSON, or not an object is named with the fix', async () => {
  const dir = tmp();
  const cases: [string | null, RegExp][] = [
    [null, /config file .*nope\.json does not exist/],
    ['{"optimizer": ', /config file .*nope\.json is not valid JSON/],
    ['[{"steps": 10}]', /config file .*nope\.json must hold a JSON object/],
  ];
  for (const [text, pattern] of cases) {
    const file = join(dir, 'nope.json');
    if (text !== null) writeFileSync(file, text);
    const run = await runCli(['train', '--env', 'recall', '--out', join(dir, 'r'), '--steps', '10', '--config', file]);
    assert.ok(run.error instanceof ToolkitError && run.error.code === 'E_CONFIG', String(run.error));
    assert.match((run.error as Error).message, pattern);
  }
});

test('a missing .onnx file is reported by name', async () => {
  const path = join(tmp(), 'missing.onnx');
  const run = await runCli(['eval', path]);
  assert.ok(run.error instanceof ToolkitError && run.error.code === 'E_ONNX_LOAD', String(run.error));
  assert.match((run.error as Error).message, /missing\.onnx does not exist/);
  const inspect = await runCli(['inspect', path]);
  assert.ok(inspect.error instanceof ToolkitError && inspect.error.code === 'E_ONNX_LOAD');
});

test('a corrupt .onnx file is reported by name', async () => {
  const path = join(tmp(), 'corrupt.onnx');
  writeFileSync(path, Buffer.from('this is not a protobuf model \u0000\u0001\u0002'));
  const run = await runCli(['inspect', path]);
  assert.ok(run.error instanceof ToolkitError && run.error.code === 'E_ONNX_LOAD', String(run.error));
  assert.match((run.error as Error).message, /corrupt\.onnx/);
});

test('exporting a directory that is not a run says so', async () => {
  const run = await runCli(['export', tmp(), '-o', join(tmp(), 'a.onnx')]);
  assert.ok(run.error instanceof ToolkitError && run.error.code === 'E_CHECKPOINT', String(run.error));
  assert.match((run.error as Error).message, /agent\.snapshot does not exist/);
});

test('--resume refuses options that would change the run; a second run into the same dir is refused', async () => {
  const dir = tmp();
  const first = await runCli(['train', '--out', dir, '--steps', '8', '--seed', '3']);
  assert.equal(first.error, null, String(first.error));
  const changed = await runCli(['train', '--out', dir, '--resume', '--seed', '4']);
  assert.ok(changed.error instanceof ToolkitError && changed.error.code === 'E_CONFIG', String(changed.error));
  assert.match((changed.error as Error).message, /cannot be combined with --seed/);
  const again = await runCli(['train', '--out', dir, '--steps', '8']);
  assert.ok(again.error instanceof ToolkitError && again.error.code === 'E_CHECKPOINT', String(again.error));
  assert.match((again.error as Error).message, /already holds a run[\s\S]*--resume/);
});

test('a truncated checkpoint is reported on --resume, and the run can be told apart from a missing one', async () => {
  const dir = tmp();
  assert.equal((await runCli(['train', '--out', dir, '--steps', '8'])).error, null);
  const ckpt = join(dir, 'checkpoint.mast');
  const bytes = readFileSync(ckpt);
  writeFileSync(ckpt, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const run = await runCli(['train', '--out', dir, '--resume', '--steps', '16']);
  assert.ok(run.error instanceof ToolkitError && run.error.code === 'E_CHECKPOINT', String(run.error));
  assert.match((run.error as Error).message, /checkpoint\.mast is truncated/);
});

test('evaluating a model on an environment of other sizes names both and the fix', async () => {
  const dir = tmp();
  assert.equal((await runCli(['train', '--out', dir, '--steps', '8'])).error, null);
  const model = join(dir, 'a.onnx');
  assert.equal((await runCli(['export', dir, '-o', model])).error, null);
  const run = await runCli(['eval', model, '--env', 'twostep', '--episodes', '2']);
  assert.ok(run.error instanceof ToolkitError && run.error.code === 'E_CONFIG', String(run.error));
  assert.match((run.error as Error).message, /exported for recall .* cannot play twostep[\s\S]*--env recall/);
  const ok = await runCli(['eval', model, '--episodes', '3', '--json']);
  assert.equal(ok.error, null, String(ok.error));
  const report = JSON.parse(ok.out) as { env: string; episodes: number; flops: { ratio: number }; meanReturn: number };
  assert.equal(report.env, 'recall');
  assert.equal(report.episodes, 3);
  assert.equal(report.flops.ratio, 1, 'a dense run exports a dense network');
});
