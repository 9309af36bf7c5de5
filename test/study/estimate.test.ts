/**
 * The `--list` estimate of a study's unfinished runs: each takes the median pace (training seconds per
 * step, summed over sessions) of the finished runs of its mode and density, else of its mode, else
 * none; and `mast study --list` prints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStudy, studyRuns, type StudyRun } from '../../src/study/grid.js';
import { estimateRemaining, type RunProgress } from '../../src/study/estimate.js';
import { runPaths } from '../../src/run/run-dir.js';
import { runCli } from '../cli/harness.js';

const STEPS = 400;

/** Metrics rows every 100 steps to `last`, with the clock at `clock(t)` (only tEnv and elapsedSec matter here). */
function writeRows(run: StudyRun, last: number, clock: (t: number) => number): void {
  mkdirSync(run.dir, { recursive: true });
  const rows = Array.from({ length: last / 100 + 1 }, (_, i) => ({ tEnv: i * 100, elapsedSec: clock(i * 100) }));
  writeFileSync(runPaths(run.dir).metrics, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

test('unfinished runs take the median pace of finished runs of their mode and density, else of their mode, else none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-estimate-'));
  const study = parseStudy({
    dir,
    preset: 'demo',
    steps: STEPS,
    seeds: [1, 2, 3],
    envs: ['recall'],
    modes: ['dense', 'mast', 'set'],
    densities: [0.1, 0.05],
  });
  const runs = studyRuns(study);
  const find = (mode: string, density: number, seed: number): StudyRun =>
    runs.find((r) => r.mode === mode && r.density === density && r.seed === seed)!;
  const finished = new Set<StudyRun>();
  // dense: seed 1 at 0.01 s a step, seed 2 at 0.02 over two sessions (a resume at 200), seed 3 stopped at 100
  writeRows(find('dense', 1, 1), STEPS, (t) => t / 100);
  writeRows(find('dense', 1, 2), STEPS, (t) => (t <= 200 ? t / 50 : (t - 200) / 50));
  [find('dense', 1, 1), find('dense', 1, 2)].forEach((r) => finished.add(r));
  // mast at 0.1: seed 1 finished at 0.005 s a step; at 0.05 none finished, so its mode's 0.1 pace stands in
  writeRows(find('mast', 0.1, 1), STEPS, (t) => t / 200);
  finished.add(find('mast', 0.1, 1));
  const steps = (r: StudyRun): number => (finished.has(r) ? STEPS : r === find('dense', 1, 3) ? 100 : 0);
  const progress: RunProgress[] = runs.map((run) => ({ run, steps: steps(run), finished: finished.has(run) }));
  const estimate = estimateRemaining(progress);
  const expected = 300 * 0.015 + 2 * 400 * 0.005 + 3 * 400 * 0.005; // dense s3; mast 0.1 s2, s3; mast 0.05 s1–3
  assert.ok(Math.abs(estimate.seconds - expected) < 1e-9, `${estimate.seconds} vs ${expected}`);
  assert.deepEqual([estimate.estimated, estimate.unestimated], [6, 6], 'SET has no finished run at either density');
});

test('mast study --list ends with the estimate, and --json carries it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-estimate-cli-'));
  const file = join(dir, 'study.json');
  const spec = { dir: 'runs', preset: 'demo', steps: STEPS, seeds: [1, 2], envs: ['recall'], modes: ['dense'] };
  writeFileSync(file, JSON.stringify(spec));
  const [first] = studyRuns(parseStudy({ ...spec, dir: join(dir, 'runs') }));
  writeRows(first!, STEPS, (t) => t * 3); // 3 s a step: the other run needs 1,200 s = 20 min
  writeFileSync(runPaths(first!.dir).summary, JSON.stringify({ counters: { tEnv: STEPS } }));
  const text = await runCli(['study', file, '--list']);
  assert.equal(text.error, null, String(text.error));
  assert.match(text.out, /2 runs: 1 finished, 1 not started; of the 1 unfinished, 1 needs about 20 min of training/);
  const json = await runCli(['study', file, '--list', '--json']);
  assert.deepEqual(JSON.parse(json.out).estimate, { seconds: 1200, estimated: 1, unestimated: 0 });
});
