/**
 * `mast train --compute`: `arrays` trains and is recorded in config.json, WQMIX's default included;
 * `--resume` keeps the run's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mast-train-compute-'));

test('mast train --compute arrays trains and records compute in config.json; --resume cannot change it', async () => {
  const out = join(dir, 'arrays');
  const args = ['train', '--out', out, '--preset', 'demo', '--steps', '300', '--json', '--compute', 'arrays'];
  const run = await runCli(args);
  assert.equal(run.error, null, String(run.error));
  const { counters } = JSON.parse(run.out) as { counters: { updates: number } };
  assert.ok(counters.updates > 0, `${counters.updates} updates`);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).compute, 'arrays');
  const resumed = await runCli(['train', '--out', out, '--resume', '--compute', 'kernels']);
  assert.ok(resumed.error instanceof ConfigError && /--compute/.test(resumed.error.message), String(resumed.error));
});

test('mast train --alg ow-qmix trains on compute arrays by default and records it', async () => {
  const out = join(dir, 'ow-qmix');
  const run = await runCli(['train', '--out', out, '--preset', 'demo', '--alg', 'ow-qmix', '--steps', '300', '--json']);
  assert.equal(run.error, null, String(run.error));
  const { counters } = JSON.parse(run.out) as { counters: { updates: number } };
  assert.ok(counters.updates > 0, `${counters.updates} updates`);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { alg: string; compute: string };
  assert.deepEqual([config.alg, config.compute], ['ow-qmix', 'arrays']);
  rmSync(dir, { recursive: true, force: true });
});
