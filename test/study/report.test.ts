/**
 * `mast report` on hand-written metrics: every run is read at the study's budget (rows a run gained
 * by being extended past it are left out), unfinished runs are left out, `solvedReturn` adds when
 * each mode's seeds first reached it, and `winThreshold` and `wonFrom` the same for test win rates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStudy, studyRuns } from '../../src/study/grid.js';
import { reportMarkdown, studyReport } from '../../src/study/report.js';
import { summaryFigure, summaryMarkdown, summaryRows } from '../../src/study/summary.js';
import { runCli } from '../cli/harness.js';
import { runPaths } from '../../src/run/run-dir.js';
import type { MetricsRow } from '../../src/marl/training/metrics.js';
import type { SessionRecord } from '../../src/marl/training/train-record.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { randomSnapshot } from '../../src/snapshot/random.js';
import { writeSnapshot } from '../../src/snapshot/io.js';
import { MASKED_AGENT_TENSORS, type RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import { expectedShapes } from '../../src/snapshot/validate.js';
import { Rng } from '../../src/util/rng.js';

const STEPS = 400;

/** A session record as `summary.json` keeps it (train-record.ts). */
const SESSION: SessionRecord = {
  startedAt: '2026-12-08T00:00:00.000Z',
  fromTEnv: 0,
  toTEnv: 400,
  elapsedSec: 4,
  cpu: 'Some CPU (family 25, model 17)',
  cores: 2,
  node: 'v20.0.0',
  kernels: 'simd',
  backend: 'wasm',
};

/** The agent network of every hand-written run. */
const ARCH: RnnAgentArchitecture = {
  kind: 'rnn-agent',
  inputLayout: { obs: 10, lastAction: 0, agentId: 2 },
  hidden: 8,
  nActions: 5,
  nAgents: 2,
};

/** A metrics row with the given returns (every other field plausible and fixed). */
function row(tEnv: number, trainReturn: number | null, testReturn: number): MetricsRow {
  return {
    tEnv,
    episodes: tEnv / 10,
    updates: tEnv / 10,
    epsilon: 0.05,
    elapsedSec: tEnv / 100,
    trainReturn,
    loss: 0.01,
    tdErrorAbs: 0.1,
    qTaken: 0.5,
    gradNorm: 1,
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
  };
}

/** Rows every 100 steps from 0 to `last`, training and test return from `curve(t)`. */
const rows = (last: number, curve: (t: number) => number): MetricsRow[] =>
  Array.from({ length: last / 100 + 1 }, (_, i) => row(i * 100, i === 0 ? null : curve(i * 100), curve(i * 100)));

function studyWith(
  extra: { solvedReturn?: number; finalTests?: number; winThreshold?: number; wonFrom?: number } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'mast-report-'));
  const study = parseStudy({
    dir,
    preset: 'demo',
    steps: STEPS,
    seeds: [1, 2, 3],
    envs: ['lbf/8x8-2p-2f-coop'],
    modes: ['dense', 'mast'],
    densities: [0.1],
    ...extra,
  });
  const curves: Record<string, [number, (t: number) => number]> = {
    'dense-s1': [800, (t) => (t <= STEPS ? 0.5 : 1)], // extended to 800 steps, solving only after the budget
    'dense-s2': [STEPS, (t) => (t >= 300 ? 1 : 0.5)], // solved at 300
    'dense-s3': [200, () => 0.5], // not finished
    'mast-d0.1-s1': [STEPS, (t) => (t >= 200 ? 0.95 : 0.4)], // solved at 200
    'mast-d0.1-s2': [STEPS, (t) => (t >= 400 ? 0.9 : 0.4)], // solved at 400, the budget's last row
    'mast-d0.1-s3': [STEPS, () => 0.5],
  };
  for (const run of studyRuns(study)) {
    const [last, curve] = curves[run.dir.split('/').at(-1)!]!;
    mkdirSync(run.dir, { recursive: true });
    writeFileSync(
      runPaths(run.dir).metrics,
      rows(last, curve)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(''),
    );
    if (!run.dir.endsWith('mast-d0.1-s3'))
      writeSnapshot(runPaths(run.dir).snapshot, randomSnapshot(ARCH, new Rng(run.seed), run.density));
  }
  return study;
}

test('the report reads every run at the study budget and leaves out unfinished runs', () => {
  const report = studyReport(studyWith());
  const [dense, mast] = report.rows;
  assert.deepEqual([dense!.mode, dense!.seedsDone, mast!.mode, mast!.seedsDone], ['dense', 2, 'mast', 3]);
  assert.equal(dense!.finalReturn.mean, (0.5 + 1) / 2, 'dense seed 1 at 400 steps (0.5), not at 800 (1)');
  assert.equal(dense!.meanOverRun, (0.5 + (0.5 * 3 + 1 * 2) / 5) / 2, 'the run means stop at the budget too');
  assert.equal(mast!.vsDense, (0.95 + 0.9 + 0.5) / 3 / 0.75);
  assert.equal(dense!.solved, null, 'no solved column without solvedReturn');
  const figure = report.figures['lbf_8x8-2p-2f-coop-qmix-d0.1.svg']!;
  assert.doesNotMatch(figure, /\b800\b/, 'curves end at the budget');
  const panels = report.figures['lbf_8x8-2p-2f-coop-qmix-d0.1-vs-dense.svg']!.split('<svg x=').slice(1);
  assert.equal(panels.length, 1, 'one panel per sparse mode');
  assert.match(
    panels[0]!,
    />mast<\/text>[\s\S]*>dense<\/text>[\s\S]*>mast<\/text>/,
    'titled by its mode, dense beside it',
  );
  assert.equal((panels[0]!.match(/<polygon /g) ?? []).length, 2, 'a ± std band for each, over 2 and 3 seeds');
  assert.equal((figure.match(/<polygon /g) ?? []).length, 0, 'the chart of every mode stays without bands');
  assert.doesNotMatch(reportMarkdown(report), /solved/);
});

test('the total size counts the parameters each run stores (active weights, every bias) against dense', () => {
  const report = studyReport(studyWith());
  const [dense, mast] = report.rows;
  const shapes = Object.entries(expectedShapes(ARCH));
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  const denseCount = shapes.reduce((n, [, shape]) => n + size(shape), 0);
  const sparseCount = shapes.reduce(
    (n, [name, shape]) =>
      n + (MASKED_AGENT_TENSORS.includes(name as never) ? Math.round(0.1 * size(shape)) : size(shape)),
    0,
  );
  assert.deepEqual([dense!.parameters, dense!.size], [denseCount, 1]);
  assert.equal(mast!.parameters, sparseCount, 'the mean over the seeds with a snapshot (s3 has none)');
  assert.equal(mast!.size, sparseCount / denseCount);
  const md = reportMarkdown(report);
  assert.match(md, new RegExp(`\\| dense \\| 1 \\|.*\\| 1 \\(${denseCount.toLocaleString('en-US')}\\) \\|`));
  assert.match(md, new RegExp(`\\| mast \\| 0\\.1 \\|.*\\| ${(sparseCount / denseCount).toFixed(3)} \\|`));
});

test('with solvedReturn, the report counts the seeds that reached it within the budget and their median step', () => {
  const report = studyReport(studyWith({ solvedReturn: 0.9 }));
  const [dense, mast] = report.rows;
  assert.deepEqual(dense!.solved, { seeds: 1, medianStep: 300 }, 'seed 1 solved only after the budget');
  assert.deepEqual(mast!.solved, { seeds: 2, medianStep: 300 }, 'median of 200 and 400');
  const md = reportMarkdown(report);
  assert.match(md, /\| solved \(training return ≥ 0\.9\) \|\n\|(---\|){13}\n/);
  assert.match(md, /\| mast \| 0\.1 \| 3\/3 \|.*\| 2\/3, median step 300 \|/);
  assert.throws(
    () => parseStudy({ preset: 'demo', steps: 1, seeds: [1], envs: ['recall'], modes: ['dense'], solvedReturn: '0.9' }),
    (e: unknown) => e instanceof ConfigError && /'solvedReturn' must be a number/.test(e.message),
  );
});

test('with winThreshold and wonFrom, the report counts the seeds whose test win rate reached it and when, and each run’s win rate from that step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-report-wins-'));
  const base = { dir, preset: 'demo', steps: STEPS, seeds: [1, 2], envs: ['smaclite/3m'], modes: ['dense'] };
  const study = parseStudy({ ...base, winThreshold: 0.8, wonFrom: 200 });
  const winRates: Record<number, (t: number) => number> = {
    1: (t) => (t >= 300 ? 1 : 0.25), // first ≥ 80% at 300; from 200: 0.25, 1, 1
    2: (t) => (t === 100 ? 0.9 : t >= 400 ? 0.5 : 0), // first ≥ 80% at 100; from 200: 0, 0, 0.5
  };
  for (const run of studyRuns(study)) {
    mkdirSync(run.dir, { recursive: true });
    // seed 2 was stopped after its test at 200 (2 s in) and resumed: its clock starts again
    const clock = (t: number): number => (run.seed === 2 && t >= 300 ? (t - 300) / 100 + 0.5 : t / 100);
    const metrics = rows(800, () => 10).map((r) => ({
      ...r,
      testWinRate: winRates[run.seed]!(r.tEnv),
      elapsedSec: clock(r.tEnv),
    }));
    writeFileSync(runPaths(run.dir).metrics, metrics.map((r) => `${JSON.stringify(r)}\n`).join(''));
    if (run.seed === 1) writeFileSync(runPaths(run.dir).summary, JSON.stringify({ sessions: [SESSION, SESSION] }));
  }
  const report = studyReport(study);
  const [dense] = report.rows;
  assert.deepEqual(dense!.firstWon, { seeds: 2, medianStep: 200 }, 'median of 300 and 100');
  assert.deepEqual(dense!.wonFrom, { mean: (0.75 + 0.5 / 3) / 2, perSeed: [0.75, 0.5 / 3] }, 'tests 200..400 only');
  assert.deepEqual(dense!.wallSec, { median: 3.75, min: 3.5, max: 4 }, 'seed 2: 2 s + 1.5 s over two sessions');
  assert.deepEqual(dense!.machines, ['Some CPU (family 25, model 17), 2 logical CPUs, Node v20.0.0, simd kernels']);
  const md = reportMarkdown(report);
  assert.match(md, /\| wall time per run \| first test ≥ 80% won \| won from step 200 \|\n\|(---\|){14}\n/);
  assert.match(md, /\| 4 s \(4 s–4 s\) \| 2\/2, median step 200 \| 45\.8% \(75\.0%, 16\.7%\) \|\n/);
  assert.match(md, /\nTrained on: Some CPU \(family 25, model 17\), 2 logical CPUs, Node v20\.0\.0, simd kernels\.\n/);
  const none = studyReport(parseStudy({ ...base, dir: join(dir, 'none') }));
  assert.deepEqual([none.rows.length, reportMarkdown(none)], [0, ''], 'no runs there');
  assert.equal(studyReport(parseStudy(base)).rows[0]!.firstWon, null, 'no column without winThreshold');
  const lbf = studyReport(studyWith({ winThreshold: 0.8, wonFrom: 100 }));
  assert.deepEqual([lbf.rows[0]!.firstWon, lbf.rows[0]!.wonFrom], [null, null], 'LBF has no wins: blank');
  for (const [key, value] of [
    ['winThreshold', 0],
    ['winThreshold', 1.5],
    ['winThreshold', '0.8'],
    ['wonFrom', -1],
    ['wonFrom', 2.5],
  ] as const)
    assert.throws(
      () => parseStudy({ ...base, [key]: value }),
      (e: unknown) => e instanceof ConfigError && new RegExp(`'${key}' must be`).test(e.message),
      `${key} ${value}`,
    );
});

test("the explored column: the mean over seeds of each run's final exploration rate, a dash where a run's metrics predate it", () => {
  const study = studyWith();
  const rates = [0.3, 0.4, 0.5];
  for (const [i, run] of studyRuns(study)
    .filter((r) => r.mode === 'mast')
    .entries()) {
    const metrics = rows(STEPS, () => 0.5).map((r, k, all) => ({
      ...r,
      exploredFraction: k === all.length - 1 ? rates[i]! : 0.1,
    }));
    writeFileSync(runPaths(run.dir).metrics, metrics.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
  const report = studyReport(study);
  const [dense, mast] = report.rows;
  assert.equal(dense!.explored, null, "the dense runs' rows have no exploration rate");
  assert.ok(Math.abs(mast!.explored! - 0.4) < 1e-12, `${mast!.explored}`);
  const md = reportMarkdown(report);
  assert.match(md, /\| inference FLOPs \| explored \|/);
  assert.match(md, /\| mast \| 0\.1 \|.*\| 0\.400 \| [^|]+ \|\n/);
  assert.match(md, /\| dense \| 1 \|.*\| – \| [^|]+ \|\n/);
});

test('with finalTests, a final return averages the last test phases up to the budget', () => {
  const report = studyReport(studyWith({ finalTests: 2 }));
  const [dense, mast] = report.rows;
  assert.equal(dense!.finalReturn.mean, (0.5 + 1) / 2, 'seed 1 at 300 and 400 steps (0.5 each), seed 2 (1 each)');
  assert.equal(mast!.finalReturn.mean, (0.95 + (0.4 + 0.9) / 2 + 0.5) / 3);
  assert.match(reportMarkdown(report), /\| final test return \(last 2 tests\) \|/);
  for (const finalTests of [0, 1.5, '2']) {
    assert.throws(
      () => parseStudy({ preset: 'demo', steps: 1, seeds: [1], envs: ['recall'], modes: ['dense'], finalTests }),
      /'finalTests' must be a positive integer/,
    );
  }
});

test('the summary across studies: one row per study and density, each mode relative to dense, unfinished seeds named', async () => {
  const a = studyWith();
  const b = studyWith({ finalTests: 2 });
  const rows = summaryRows([
    { file: 'studies/lbf-a.json', steps: a.steps, report: studyReport(a) },
    { file: 'studies/lbf-b.json', steps: b.steps, report: studyReport(b) },
  ]);
  assert.deepEqual(
    rows.map((r) => [r.study, r.env, r.density, Object.keys(r.cells)]),
    [
      ['lbf-a', 'lbf/8x8-2p-2f-coop', 0.1, ['mast']],
      ['lbf-b', 'lbf/8x8-2p-2f-coop', 0.1, ['mast']],
    ],
  );
  assert.equal(rows[0]!.cells.mast!.vsDense, (0.95 + 0.9 + 0.5) / 3 / 0.75, "the report row's figure");
  assert.equal(rows[1]!.cells.mast!.vsDense, (0.95 + 0.65 + 0.5) / 3 / 0.75, 'each study read with its own finalTests');
  const md = summaryMarkdown(rows);
  assert.match(md, /\| lbf-a \| lbf\/8x8-2p-2f-coop \| qmix \| 400 \| 3 \| 0\.1 \| 104\.4% \| 1\.000 \|/);
  const partial = summaryRows([
    {
      file: 'x.json',
      steps: 400,
      report: { ...studyReport(a), rows: studyReport(a).rows.map((r) => ({ ...r, seedsDone: 2 })) },
    },
  ]);
  assert.match(summaryMarkdown(partial), /104\.4% \(2\/3 seeds\)/);
  const svg = summaryFigure(rows);
  assert.equal(
    (svg.match(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="[^"]+"><title>/g) ?? []).length,
    2,
    'one bar per study and mode',
  );
  assert.match(svg, /stroke-dasharray[^>]*\/>\n<text[^>]*>dense<\/text>/, 'the dense line');

  const dir = mkdtempSync(join(tmpdir(), 'mast-summary-'));
  const files = [a, b].map((study, i) => {
    const file = join(dir, `s${i}.json`);
    const { dir: runs, preset, steps, seeds, envs, modes, densities, finalTests } = study;
    writeFileSync(file, JSON.stringify({ dir: runs, preset, steps, seeds, envs, modes, densities, finalTests }));
    return file;
  });
  const out = join(dir, 'out');
  const cli = await runCli(['report', ...files, '--out', out]);
  assert.equal(cli.error, null, String(cli.error));
  assert.match(cli.out, /^\| s0 \| .*\n\| s1 \| /m);
  assert.equal(
    readFileSync(join(out, 'summary.md'), 'utf8'),
    summaryMarkdown(
      summaryRows([a, b].map((study, i) => ({ file: files[i]!, steps: study.steps, report: studyReport(study) }))),
    ),
  );
  assert.ok(
    existsSync(join(out, 'summary.svg')) && !existsSync(join(out, 'tables.md')),
    'several studies: the summary only',
  );
});
