import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseStudy, selectStudy, studyRuns } from '../../src/study/grid.js';
import { runStatus, runStudy, trainedSteps } from '../../src/study/run.js';
import { reportMarkdown, studyReport } from '../../src/study/report.js';
import { ConfigError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from '../cli/harness.js';
import { runPaths } from '../../src/run/run-dir.js';
import { readSnapshot } from '../../src/snapshot/io.js';

const base = {
  preset: 'demo',
  steps: 300,
  seeds: [1],
  envs: ['recall'],
  modes: ['dense', 'static'],
  densities: [0.5],
  overrides: { schedule: { testInterval: 100, testEpisodes: 4, checkpointInterval: 100 } },
};

test('a study file is checked: unknown keys, modes, learners and environments are refused with the known names', () => {
  assert.throws(
    () => parseStudy({ ...base, sede: [1] }),
    (e: unknown) => e instanceof ConfigError && /unknown key 'sede'/.test(e.message),
  );
  assert.throws(
    () => parseStudy({ ...base, modes: ['dense', 'sparse'] }),
    (e: unknown) => e instanceof ToolkitError && /sparsity mode: got 'sparse'/.test(e.message),
  );
  assert.throws(() => parseStudy({ ...base, algs: ['qmax'] }), /learner: got 'qmax'/);
  assert.throws(() => parseStudy({ ...base, envs: ['smaclite/4m'] }), /4m/);
  assert.throws(() => parseStudy({ ...base, steps: 0 }), /'steps' must be a positive integer/);
  const runs = studyRuns(parseStudy({ ...base, dir: 'x', densities: [0.5, 0.1], seeds: [1, 2] }));
  assert.equal(runs.length, 2 + 4, 'dense once per seed, static per density and seed');
  assert.ok(
    runs.every((r) => r.config.sparsity.mode === r.mode && (r.mode === 'dense') === (r.config.sparsity.density === 1)),
  );
});

test('a study narrowed to part of its grid keeps those runs and their directories; values it lacks are refused', () => {
  const study = parseStudy({
    ...base,
    dir: 'x',
    modes: ['dense', 'static', 'mast'],
    densities: [0.5, 0.1],
    seeds: [1, 2, 3],
  });
  const all = studyRuns(study).map((r) => r.dir);
  const part = studyRuns(selectStudy(study, { modes: ['mast', 'dense'], densities: [0.1], seeds: [3, 1] }));
  assert.deepEqual(
    part.map((r) => [r.mode, r.density, r.seed]),
    [
      ['dense', 1, 1],
      ['dense', 1, 3],
      ['mast', 0.1, 1],
      ['mast', 0.1, 3],
    ],
    "in the study's order, dense kept",
  );
  assert.ok(
    part.every((r) => all.includes(r.dir)),
    'the same run directories as the whole study',
  );
  assert.equal(studyRuns(selectStudy(study, {})).length, all.length);
  assert.throws(
    () => selectStudy(study, { modes: ['rigl'] }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /--modes: "rigl" is not among the study's modes/.test(e.message) &&
      /dense, static, mast/.test(e.hint ?? ''),
  );
  assert.throws(() => selectStudy(study, { densities: [0.05] }), /--densities: 0\.05/);
});

test('mast study: an interrupted study resumes where it stopped; the report tabulates every mode against dense and draws the curves', async () => {
  const study = parseStudy({ ...base, dir: mkdtempSync(join(tmpdir(), 'mast-study-')) });
  const abort = new AbortController();
  const first = await runStudy(study, {
    signal: abort.signal,
    onEpisode: (tEnv) => {
      if (tEnv >= 150) abort.abort(); // stop inside the first run
    },
  });
  assert.equal(first.completed, false);
  const [dense, sparse] = studyRuns(study);
  assert.ok(trainedSteps(dense!.dir) < 300 && trainedSteps(sparse!.dir) === 0, 'stopped inside the first run');
  const stopped = runStatus(dense!.dir, 300);
  assert.ok(
    stopped.steps >= 150 && stopped.steps < 300 && !stopped.finished && stopped.heldBy === null,
    JSON.stringify(stopped),
  );
  assert.deepEqual(runStatus(sparse!.dir, 300), { steps: 0, finished: false, heldBy: null });
  const resumed: boolean[] = [];
  const second = await runStudy(study, { onRun: (_run, _i, _n, resuming) => resumed.push(resuming) });
  assert.deepEqual(resumed, [true, false], 'the first run resumes from its checkpoint, the second starts');
  assert.ok(second.completed && trainedSteps(dense!.dir) >= 300 && trainedSteps(sparse!.dir) >= 300);
  assert.equal((await runStudy(study)).trained, 0, 'nothing left to train');
  assert.ok(runStatus(dense!.dir, 300).finished && runStatus(sparse!.dir, 300).finished);

  const report = studyReport(study);
  assert.deepEqual(
    report.rows.map((r) => [r.mode, r.density, r.seedsDone]),
    [
      ['dense', 1, 1],
      ['static', 0.5, 1],
    ],
  );
  assert.equal(report.rows[0]!.vsDense, report.rows[0]!.finalReturn.mean === 0 ? null : 1);
  assert.equal(report.rows[0]!.size, 1);
  const agentOnly = Object.values(readSnapshot(runPaths(dense!.dir).snapshot).tensors).reduce(
    (n, t) => n + t.values.length,
    0,
  );
  assert.ok(report.rows[0]!.parameters! > agentOnly, 'the mixer counts too');
  assert.ok(
    report.rows[1]!.size! > 0.5 && report.rows[1]!.size! < 0.6 && report.rows[1]!.trainFlops < 0.8,
    `half the weights and every bias: ${JSON.stringify(report.rows[1])}`,
  );
  assert.deepEqual(Object.keys(report.figures), ['recall-qmix-d0.5.svg', 'recall-qmix-d0.5-vs-dense.svg']);
  assert.match(report.figures['recall-qmix-d0.5.svg']!, /<svg[\s\S]*dense[\s\S]*static/);
  assert.match(reportMarkdown(report), /\| static \| 0\.5 \| 1\/1 \|/);
});

test('mast study: a run locked by another live process is left to it; a lock whose process is gone is taken over', async () => {
  const study = parseStudy({ ...base, steps: 100, dir: mkdtempSync(join(tmpdir(), 'mast-study-lock-')) });
  const [dense, sparse] = studyRuns(study);
  mkdirSync(dense!.dir, { recursive: true });
  mkdirSync(sparse!.dir, { recursive: true });
  writeFileSync(runPaths(dense!.dir).lock, JSON.stringify({ pid: process.ppid, host: hostname(), started: 'x' })); // our parent: alive
  writeFileSync(runPaths(sparse!.dir).lock, JSON.stringify({ pid: 4194303, host: hostname(), started: 'x' })); // above Linux's default pid_max: no such process
  assert.equal(runStatus(dense!.dir, 100).heldBy, process.ppid, 'listed as training in the live process');
  assert.equal(runStatus(sparse!.dir, 100).heldBy, null, 'a dead holder is not listed');
  const result = await runStudy(study);
  assert.equal(result.heldElsewhere, 1);
  assert.equal(result.completed, false);
  assert.equal(trainedSteps(dense!.dir), 0, 'the locked run is left alone');
  assert.ok(trainedSteps(sparse!.dir) >= 100, 'the stale lock is taken over');
  assert.ok(!existsSync(runPaths(sparse!.dir).lock), 'the lock is released after the run');
});

test('mast study: a run finished while another process holds the next one is reported done, not stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-study-held-'));
  const file = join(dir, 'study.json');
  const spec = { ...base, steps: 100, dir: join(dir, 'runs') };
  writeFileSync(file, JSON.stringify(spec));
  const [held] = studyRuns(parseStudy(spec));
  mkdirSync(held!.dir, { recursive: true });
  writeFileSync(runPaths(held!.dir).lock, String(process.ppid)); // our parent: alive (a bare pid, as older locks hold)
  const { out, progress, error } = await runCli(['study', file]);
  assert.equal(error, null, String(error));
  assert.match(out, /1 left to another process training this study/);
  assert.match(progress, /done/);
  assert.doesNotMatch(progress, /stopped with a checkpoint/, progress);
});

test('mast study --jobs 2: a worker process shares the study; every run is trained once and no lock is left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-study-jobs-'));
  const file = join(dir, 'study.json');
  writeFileSync(file, JSON.stringify({ ...base, steps: 200, seeds: [1, 2], dir: join(dir, 'runs') }));
  const { out, error } = await runCli(['study', file, '--jobs', '2']);
  assert.equal(error, null, String(error));
  const runs = studyRuns(parseStudy({ ...base, steps: 200, seeds: [1, 2], dir: join(dir, 'runs') }));
  assert.ok(
    runs.every((r) => trainedSteps(r.dir) >= 200 && !existsSync(runPaths(r.dir).lock)),
    out,
  );
  assert.match(out, /^\[job 2\] trained \d of the study's 4 runs$/m, 'the worker reports under its label');
  assert.match(out, /^4 runs: 0 already done, 4 trained now by 2 processes$/m);
});

test('mast study --modes/--seeds with --jobs 2: only that part of the grid is listed and trained, by both processes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-study-part-'));
  const file = join(dir, 'study.json');
  const raw = { ...base, steps: 100, seeds: [1, 2, 3], dir: join(dir, 'runs') };
  writeFileSync(file, JSON.stringify(raw));
  const listed = await runCli(['study', file, '--list', '--modes', 'static', '--seeds', '2,3']);
  assert.equal(listed.error, null, String(listed.error));
  const lines = listed.out.trim().split('\n');
  assert.deepEqual(
    lines.slice(0, -1).map((l) => l.split('  ')[0]!.split('/').pop()),
    ['static-d0.5-s2', 'static-d0.5-s3'],
  );
  assert.equal(
    lines.at(-1),
    '2 runs: 2 not started; of the 2 unfinished, 2 have no finished run of their mode to go by',
  );
  const { out, error } = await runCli(['study', file, '--modes', 'static', '--seeds', '2,3', '--jobs', '2']);
  assert.equal(error, null, String(error));
  const trained = studyRuns(parseStudy(raw))
    .filter((r) => trainedSteps(r.dir) >= 100)
    .map((r) => `${r.mode}-s${r.seed}`);
  assert.deepEqual(trained, ['static-s2', 'static-s3'], out);
  assert.match(out, /^\[job 2\] trained \d of the study's 2 runs$/m, 'the worker got the same selection');
  assert.match(
    (await runCli(['study', file, '--list'])).out,
    /^6 runs: 2 finished, 4 not started; of the 4 unfinished, /m,
  );
  const wrong = await runCli(['study', file, '--modes', 'rigl']);
  assert.ok(
    wrong.error instanceof ConfigError && /not among the study's modes/.test(wrong.error.message),
    String(wrong.error),
  );
});

test('mast study keys runs by their settings: finished runs are reused only when their config matches, and it says which', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-study-key-'));
  const file = join(dir, 'study.json');
  const spec = { ...base, steps: 100, dir: join(dir, 'runs') };
  writeFileSync(file, JSON.stringify(spec));
  assert.equal((await runCli(['study', file])).error, null);
  const first = studyRuns(parseStudy(spec));
  assert.ok(first.every((r) => r.displaced === null && trainedSteps(r.dir) >= 100));
  const again = await runCli(['study', file]);
  assert.equal(again.error, null, String(again.error));
  assert.match(again.out, /reusing 2 finished runs whose settings match the study's \(config hash\)/);
  assert.match(again.out, /2 runs: 2 already done, 0 trained now/);

  // the settings change: the old runs are neither counted nor trained over; the new ones go beside them
  const changed = { ...spec, overrides: { ...spec.overrides, optimizer: { lr: 0.0007 } } };
  writeFileSync(file, JSON.stringify(changed));
  const runs = studyRuns(parseStudy(changed));
  assert.deepEqual(
    runs.map((r) => r.displaced),
    first.map((r) => r.dir),
  );
  assert.ok(runs.every((r, i) => r.dir === `${first[i]!.dir}-${r.key.slice(0, 8)}` && r.key !== first[i]!.key));
  const after = await runCli(['study', file]);
  assert.equal(after.error, null, String(after.error));
  assert.match(after.out, /2 run directories hold runs of other settings .* left alone and not counted/);
  assert.match(after.out, /2 runs: 0 already done, 2 trained now/);
  assert.ok(runs.every((r) => trainedSteps(r.dir) >= 100 && r.config.optimizer.lr === 0.0007));
  const kept = JSON.parse(readFileSync(runPaths(first[0]!.dir).config, 'utf8')) as { optimizer: { lr: number } };
  assert.notEqual(kept.optimizer.lr, 0.0007, 'the earlier run is kept as it was');

  // a larger budget is the same settings: the runs are resumed in place
  const longer = { ...changed, steps: 150 };
  assert.deepEqual(
    studyRuns(parseStudy(longer)).map((r) => r.dir),
    runs.map((r) => r.dir),
  );
});

test('mast study --archive keeps finished runs without checkpoints; copied into a new study directory they count as finished and are reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-study-archive-'));
  const file = join(dir, 'study.json');
  const spec = { ...base, steps: 100, dir: join(dir, 'runs') };
  writeFileSync(file, JSON.stringify(spec));
  assert.equal((await runCli(['study', file, '--modes', 'dense'])).error, null);
  const kept = join(dir, 'kept');
  const first = await runCli(['study', file, '--archive', kept]);
  assert.equal(first.error, null, String(first.error));
  assert.match(first.out, /archived 1 finished runs to .*kept \(0 already there\); 1 not finished, left out/);
  const [dense] = studyRuns(parseStudy(spec));
  const copy = join(kept, relative(spec.dir, dense!.dir));
  assert.deepEqual(readdirSync(copy).sort(), ['config.json', 'metrics.jsonl', 'summary.json']);
  for (const name of ['config.json', 'metrics.jsonl', 'summary.json'])
    assert.ok(readFileSync(join(copy, name)).equals(readFileSync(join(dense!.dir, name))), name);
  assert.match(
    (await runCli(['study', file, '--archive', kept])).out,
    /archived 1 finished runs .*\(1 already there\)/,
  );

  // another machine: the archive copied into the study's directory, nothing else
  const moved = { ...spec, dir: join(dir, 'elsewhere') };
  const movedFile = join(dir, 'moved.json');
  writeFileSync(movedFile, JSON.stringify(moved));
  cpSync(kept, moved.dir, { recursive: true });
  const [movedDense, movedSparse] = studyRuns(parseStudy(moved));
  assert.equal(movedDense!.displaced, null, 'the archived config is the study’s settings');
  assert.ok(runStatus(movedDense!.dir, 100).finished);
  const after = await runCli(['study', movedFile]);
  assert.equal(after.error, null, String(after.error));
  assert.match(after.out, /2 runs: 1 already done, 1 trained now/);
  assert.ok(existsSync(runPaths(movedSparse!.dir).checkpoint) && !existsSync(runPaths(movedDense!.dir).checkpoint));
  const report = studyReport(parseStudy(moved));
  assert.deepEqual(
    report.rows.map((r) => [r.mode, r.seedsDone, r.parameters === null]),
    [
      ['dense', 1, true], // no snapshot in the archive: no parameter count
      ['static', 1, false],
    ],
  );
  assert.equal(report.rows[0]!.finalReturn.mean, studyReport(parseStudy(spec)).rows[0]!.finalReturn.mean);

  const both = await runCli(['study', file, '--archive', kept, '--list']);
  assert.ok(both.error instanceof ConfigError && /does not go with --list/.test(both.error.message));
});
