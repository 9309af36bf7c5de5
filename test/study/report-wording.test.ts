/**
 * `mast report` where a study has little to show: no finished runs (a clear error, non-zero exit),
 * empty studies among several (named), one seed (no "± 0.000"); the seeds' bands stay inside the
 * returns they reached; a study's `dir` is read from the study file's folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStudy, readStudy, studyRuns } from '../../src/study/grid.js';
import { reportMarkdown, returnCurve, studyReport } from '../../src/study/report.js';
import { runPaths } from '../../src/run/run-dir.js';
import type { MetricsRow } from '../../src/marl/training/metrics.js';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from '../cli/harness.js';

const row = (tEnv: number, testReturn: number): MetricsRow => ({
  tEnv,
  episodes: 1,
  updates: 1,
  epsilon: 0.05,
  elapsedSec: 1,
  trainReturn: null,
  loss: null,
  tdErrorAbs: null,
  qTaken: null,
  gradNorm: null,
  testReturn,
  testReturnStd: 0,
  testWinRate: null,
  globalDensity: 1,
  layerDensity: {},
  trainFlopsRatio: 1,
  inferenceFlopsRatio: 1,
  topologySwaps: 0,
  topologyUpdates: 0,
  targets: null,
});

/** A study file in its own folder, its runs under `runs/` there; `finished` seeds get metrics through the budget. */
function studyFile(name: string, seeds: number[], finished: number[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'mast-report-wording-'));
  const file = join(folder, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({ dir: 'runs', preset: 'demo', steps: 200, seeds, envs: ['recall'], modes: ['dense'] }),
  );
  for (const run of studyRuns(readStudy(file)).filter((r) => finished.includes(r.seed))) {
    mkdirSync(run.dir, { recursive: true });
    writeFileSync(
      runPaths(run.dir).metrics,
      [row(0, 0), row(100, 0.5), row(200, 1)].map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
  }
  return file;
}

test('report on a study with no finished runs fails with a message naming it and the way on', async () => {
  const file = studyFile('empty', [1, 2], []);
  const run = await runCli(['report', file]);
  assert.ok(run.error instanceof CheckpointError, String(run.error));
  assert.match((run.error as Error).message, /no finished runs: .*empty\.json \(2 runs, none finished at 200 steps\)/);
  assert.match((run.error as CheckpointError).hint ?? '', /mast study .*--list/);
  assert.equal(run.out, '', 'no empty table printed');
});

test('a summary of several studies names the empty ones, on stderr and in summary.md', async () => {
  const [full, empty] = [studyFile('full', [1], [1]), studyFile('empty', [1], [])];
  const out = mkdtempSync(join(tmpdir(), 'mast-report-out-'));
  const run = await runCli(['report', full, empty, '--out', out]);
  assert.equal(run.error, null, String(run.error));
  assert.match(run.err, /left out, no finished runs: .*empty\.json/);
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /Left out, no finished runs: .*empty\.json/);
});

test('one seed prints its return without a ± 0.000 it does not have', () => {
  const md = reportMarkdown(studyReport(readStudy(studyFile('one', [1], [1]))));
  assert.doesNotMatch(md, /±/);
  assert.match(md, /\| 1\.000 \(one seed\) \|/);
  assert.match(
    reportMarkdown(studyReport(readStudy(studyFile('two', [1, 2], [1, 2])))),
    /\| 1\.000 ± 0\.000 \|/,
    'two seeds keep their ±',
  );
});

test("a mode's band over seeds stays within the returns the seeds reached and the env's range", () => {
  // returns 1, 1, 0.4: mean 0.8, std 0.28 — mean + std = 1.08 is more than any seed reached
  const runs = [
    [row(0, 0), row(100, 1)],
    [row(0, 0), row(100, 1)],
    [row(0, 0.5), row(100, 0.4)],
  ];
  const band = returnCurve('mast', runs, undefined).band!;
  assert.equal(band[1]![2], 1, 'the high side stops at the best seed');
  assert.ok(band[0]![1] >= 0, 'the low side stops at the worst seed');
  const ranged = returnCurve('mast', [[row(0, -1)], [row(0, 3)]], [0, 2]).band!;
  assert.deepEqual(ranged[0]!.slice(1), [0, 2], "and within the env's return range");
});

test("a study's relative dir is read from the study file's folder, whatever the working directory", () => {
  const file = studyFile('where', [1], []);
  assert.equal(readStudy(file).dir, join(dirname(file), 'runs'));
  assert.equal(
    parseStudy({ dir: 'runs', preset: 'demo', steps: 1, seeds: [1], envs: ['recall'], modes: ['dense'] }).dir,
    'runs',
    'parsing alone leaves it as written',
  );
  // the repository's study files keep naming the repository's runs/ folder
  const bench = fileURLToPath(new URL('../../../bench/studies/', import.meta.url));
  const repo = resolve(bench, '../..');
  for (const name of readdirSync(bench).filter((f) => f.endsWith('.json'))) {
    const dir = resolve(readStudy(join(bench, name)).dir);
    assert.ok(dir.startsWith(join(repo, 'runs') + '/'), `${name}: ${dir}`);
  }
});
