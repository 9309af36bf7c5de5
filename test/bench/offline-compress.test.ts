/**
 * The offline-compress bench: its `defaults` recipe is what `mast record` + `mast compress --data`
 * do without options (so the bench measures the CLI's defaults), its `best` recipe differs only
 * where docs/compress.md says, and its summary averages compressed / dense over the seeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { buildProgram } from '../../cli/program.js';
import {
  formatOfflineCompress,
  OFFLINE_COMPRESS_RECIPES,
  type OfflineCompressRow,
} from '../../bench/offline-compress.js';
import { machineInfo } from '../../bench/machine.js';

const program = buildProgram({
  out: () => {},
  err: () => {},
  progressStream: new Writable({ write: (_c, _e, cb) => cb() }),
});
const defaultOf = (command: string, flag: string): unknown => {
  const cmd = program.commands.find((c: Command) => c.name() === command)!;
  const option = cmd.options.find((o) => o.long === flag);
  assert.ok(option, `${command} ${flag}`);
  return option.defaultValue;
};

test("offline-compress bench: the 'defaults' recipe is the CLI's defaults; 'best' changes only the data, the updates, the end of pruning and the schedule", () => {
  const { record, distill } = OFFLINE_COMPRESS_RECIPES.defaults;
  assert.equal(record.length, 1);
  assert.equal(record[0]!.epsilon, defaultOf('record', '--epsilon'));
  const cli: Record<string, string> = {
    updates: '--updates',
    batchSize: '--batch-size',
    lr: '--lr',
    heldOut: '--held-out',
    policyWeight: '--policy-weight',
    temperature: '--temperature',
    pruneEnd: '--prune-end',
    lrSchedule: '--lr-schedule',
  };
  for (const [key, flag] of Object.entries(cli))
    assert.equal(distill[key as keyof typeof distill], defaultOf('compress', flag), `${key} vs compress ${flag}`);
  assert.equal(distill.distribution, 'erk'); // compress-offline.ts: --distribution's default offline
  const best = OFFLINE_COMPRESS_RECIPES.best;
  assert.deepEqual(best.record, [{ episodes: 3000, epsilon: 0.3 }]);
  assert.deepEqual(best.distill, { ...distill, updates: 20_000, pruneEnd: 0.6, lrSchedule: 'cosine' });
});

test('offline-compress bench: the summary is the mean over seeds of compressed / dense, per source', () => {
  const row = (source: string, seed: number, ratio: number): OfflineCompressRow => ({
    source,
    seed,
    dense: { mean: 1, se: 0, winRate: null },
    compressed: { mean: ratio, se: 0, winRate: null },
    ratio,
    heldOutAgreement: 0.9,
    maxAbsQDiff: 0.1,
    flops: 0.12,
    cpuSeconds: 1,
  });
  const lines = formatOfflineCompress({
    machine: machineInfo(),
    loadAvgEnd: [1, 1, 1],
    recipe: { name: 'best', ...OFFLINE_COMPRESS_RECIPES.best },
    evaluation: { episodes: 300, seed: 0 },
    rows: [row('a', 1, 0.9), row('a', 2, 1.0), row('b', 1, 0.5)],
  });
  // a: (0.9 + 1.0) / 2 = 95%; standard deviation 0.0707, over √2: 5.0 points
  assert.match(
    lines[0]!,
    /^a \(recipe best\): compressed \/ dense return 95\.0% \(± 5\.0 across seeds\) over 2 compression seeds, 300 evaluation episodes each$/,
  );
  assert.match(lines[1]!, /^b \(recipe best\): compressed \/ dense return 50\.0% over 1 compression seed, 300/);
  assert.match(lines[2]!, /^machine: .* at the end \(a shared machine\)$/);
});
