/**
 * `mast train --runner`: `parallel` with `--env-workers N` trains with one update per round of N
 * episodes and records the runner (and `--acting-thread`) in config.json; without a second environment it is refused with
 * the key, the value and the fix; `--resume` keeps the run's own runner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mast-train-runner-'));

test('mast train --runner parallel --env-workers 2 makes one update per round of two episodes (with --acting-thread)', async () => {
  const out = join(dir, 'parallel');
  const args = ['train', '--out', out, '--preset', 'demo', '--steps', '200', '--backend', 'cpu', '--json'];
  const run = await runCli([...args, '--env-workers', '2', '--runner', 'parallel', '--acting-thread']);
  assert.equal(run.error, null, String(run.error));
  const { counters } = JSON.parse(run.out) as { counters: { episodes: number; updates: number } };
  // demo: batches of 32 episodes, so updates start with the round that stores the 32nd
  assert.equal(counters.episodes % 2, 0);
  assert.equal(counters.updates, Math.max(0, counters.episodes / 2 - 15));
  const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.deepEqual([saved.runner, saved.actingThread], ['parallel', true]);
  const resumed = await runCli(['train', '--out', out, '--resume', '--runner', 'episode']);
  assert.ok(resumed.error instanceof ConfigError && /--runner/.test(resumed.error.message), String(resumed.error));
});

test('mast train --runner parallel with one environment is refused, naming the fix', async () => {
  const run = await runCli(['train', '--out', join(dir, 'refused'), '--preset', 'demo', '--runner', 'parallel']);
  assert.ok(run.error instanceof ConfigError, String(run.error));
  assert.match(run.error.message, /runner is 'parallel' but envWorkers is 1/);
  assert.match(run.error.hint ?? '', /--env-workers 8/);
});
