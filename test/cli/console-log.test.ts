/**
 * `DIR/console.log`: what train/compress/demo print, appended session by session under a header
 * (date, command line, resumed or not); and the closing line of a resumed session, which names the
 * steps it started from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPaths } from '../../src/run/run-dir.js';
import { trainedLine } from '../../cli/run-training.js';
import { runCli } from './harness.js';

const HEADER = /^=== (\d{4}-\d\d-\d\dT[\d:.]+Z) {2}(mast .*) {2}\((.*)\)$/gm;

test('train writes DIR/console.log; a resume appends its own section and keeps the first', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mast-console-')), 'run');
  const log = join(dir, 'console.log');
  const first = await runCli(['train', '--out', dir, '--env', 'twostep', '--steps', '8', '--seed', '3']);
  assert.equal(first.error, null, String(first.error));
  const afterFirst = readFileSync(log, 'utf8');
  const h1 = [...afterFirst.matchAll(HEADER)];
  assert.equal(h1.length, 1);
  assert.equal(h1[0]![2], `mast train --out ${dir} --env twostep --steps 8 --seed 3`);
  assert.equal(h1[0]![3], 'new run, from step 0');
  assert.ok(Math.abs(Date.parse(h1[0]![1]!) - Date.now()) < 120_000, 'dated now');
  // the plain progress lines, the closing line and the summary the terminal got
  assert.match(afterFirst, /^train qmix on twostep 8\/8 \(100%\) .*test return/m);
  assert.match(afterFirst, /^train qmix on twostep: trained 8 steps in [\d.]+ s$/m);
  const summaryLine = first.out.trim().split('\n').at(-1)!;
  assert.ok(afterFirst.includes(`${summaryLine}\n`), `the final summary "${summaryLine}" is logged`);

  const resumed = await runCli(['train', '--out', dir, '--resume', '--steps', '16']);
  assert.equal(resumed.error, null, String(resumed.error));
  const afterResume = readFileSync(log, 'utf8');
  assert.ok(afterResume.startsWith(afterFirst), 'the first session is kept as it was');
  const second = afterResume.slice(afterFirst.length);
  const h2 = [...second.matchAll(HEADER)];
  assert.equal(h2.length, 1);
  assert.equal(h2[0]![2], `mast train --out ${dir} --resume --steps 16`);
  assert.equal(h2[0]![3], 'resumed from its last checkpoint');
  assert.match(second, /trained steps 8→16 \(8 this session\) in [\d.]+ s$/m);
  assert.match(resumed.progress, /trained steps 8→16 \(8 this session\) in [\d.]+ s/, 'the terminal says it too');
  assert.doesNotMatch(resumed.progress + second, /trained 16 steps in/);
});

test('compress logs into its own --out: header, plain progress, the before/after report', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mast-console-'));
  const [src, out] = [join(root, 'src'), join(root, 'small')];
  assert.equal((await runCli(['train', '--out', src, '--env', 'recall', '--steps', '64'])).error, null);
  const run = await runCli(['compress', src, '--out', out, '--density', '0.5', '--steps', '64', '--prune', 'oneshot']);
  assert.equal(run.error, null, String(run.error));
  const log = readFileSync(join(out, 'console.log'), 'utf8');
  assert.equal(
    [...log.matchAll(HEADER)].map((m) => `${m[2]} (${m[3]})`).join('|'),
    `mast compress ${src} --out ${out} --density 0.5 --steps 64 --prune oneshot (new run, from step 0)`,
  );
  assert.match(log, /^train qmix on recall: trained \d+ steps in [\d.]+ s$/m);
  for (const line of run.out.trim().split('\n')) assert.ok(log.includes(`${line}\n`), `logged: ${line}`);
  assert.ok(
    !readFileSync(join(src, 'console.log'), 'utf8').includes('mast compress'),
    "the source run's log is its own",
  );
});

test('a command refused before the run directory is its own (held by a live process) logs nothing there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-console-'));
  writeFileSync(
    runPaths(dir).lock,
    JSON.stringify({ pid: process.ppid, host: hostname(), started: '2026-12-07T06:00:00Z' }),
  );
  const run = await runCli(['train', '--out', dir, '--steps', '8']);
  assert.ok(run.error, 'refused');
  assert.ok(!existsSync(join(dir, 'console.log')));
});

test('trainedLine: a resumed session names where it started; a fresh one its total', () => {
  const at = (startTEnv: number, tEnv: number, completed = true) =>
    trainedLine({ startTEnv, counters: { tEnv } as never, completed, elapsedSec: 3.14 });
  assert.equal(at(0, 8000), 'trained 8000 steps in 3.1 s');
  assert.equal(at(6000, 8000), 'trained steps 6000→8000 (2000 this session) in 3.1 s');
  assert.equal(at(8000, 8000), 'already trained to step 8000: nothing left to train (3.1 s)');
  assert.equal(at(0, 500, false), 'stopped at step 500');
  assert.equal(at(200, 500, false), 'stopped at step 500 (steps 200→500 this session, in 3.1 s)');
});
