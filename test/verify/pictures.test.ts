/**
 * The report pictures, rendered with librsvg's rsvg-convert as a reader's viewer would: nothing is
 * cut at the edges, titles fit, bands stay inside what a return can be.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupedBarChart, lineChart, panelGrid } from '../../src/verify/svg.js';
import { returnChart, writeRunPictures } from '../../src/verify/run-report.js';
import { runPaths } from '../../src/run/run-dir.js';
import type { MetricsRow } from '../../src/marl/training/metrics.js';
import { recordReplay } from '../../src/verify/replay.js';
import { replaySvg } from '../../src/verify/replay-svg.js';
import { makeEnv } from '../../src/envs/registry.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { inkAtEdges, inkColumns, renderSkipReason, renderSvg } from './render.js';

const skip = renderSkipReason();
const svgSize = (svg: string): [number, number] => {
  const m = /<svg xmlns[^>]* width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert.ok(m, 'a standalone svg with a size');
  return [Number(m[1]), Number(m[2])];
};

/** Render `svg`: its size is the one it declares, no ink touches its edges, its title row has margins. */
function assertFits(svg: string, what: string): void {
  const img = renderSvg(svg);
  assert.deepEqual([img.width, img.height], svgSize(svg).map(Math.ceil), `${what}: rendered at its declared size`);
  assert.equal(inkAtEdges(img), 0, `${what}: nothing cut at the picture's edges`);
  const title = inkColumns(img, 4, 28);
  assert.ok(
    title && title[0] >= 4 && title[1] <= img.width - 5,
    `${what}: the title fits (ink from x=${title?.[0]} to ${title?.[1]} of ${img.width})`,
  );
}

const LONG = 'lbf/8x8-2p-2f-coop, qmix, density 0.1: each mode against dense (test return, mean ± std over seeds)';
const series = [
  {
    name: 'dense',
    points: [
      [0, 0],
      [1000, 0.5],
      [2000, 1],
    ] as Array<[number, number]>,
  },
  {
    name: 'mast',
    points: [
      [0, 0],
      [1000, 0.4],
      [2000, 0.9],
    ] as Array<[number, number]>,
  },
];

test(
  'a "vs dense" picture with one sparse mode widens to its title instead of cutting it',
  { skip: skip ?? false },
  () => {
    const svg = panelGrid({
      title: LONG,
      panels: [{ title: 'mast', xLabel: 'environment steps', yLabel: 'test return', series }],
    });
    assert.ok(svgSize(svg)[0] > 360, 'wider than its one 360 px panel');
    assertFits(svg, 'one-panel grid');
    assertFits(
      panelGrid({
        title: LONG,
        panels: ['set', 'rigl', 'mast'].map((m) => ({ title: m, xLabel: 'steps', yLabel: 'return', series })),
      }),
      'three panels',
    );
  },
);

test('line and bar charts keep long titles and labels inside the picture', { skip: skip ?? false }, () => {
  assertFits(
    lineChart({ title: `${LONG} ${LONG}`, xLabel: 'environment steps', yLabel: 'return', series }),
    'line chart',
  );
  const groups = [
    'agent/fc1.weight',
    'agent/gru.weightIh',
    'agent/gru.weightHh',
    'agent/fc2.weight',
    'mixer/hyperW1.0.weight',
    'mixer/value.1.weight',
  ];
  assertFits(
    groupedBarChart({
      title: `per weight matrix: ${LONG}`,
      yLabel: 'fraction',
      groups,
      series: [
        { name: 'density', values: groups.map(() => 0.1) },
        { name: 'ever active in the run (explored)', values: groups.map(() => 0.2) },
      ],
    }),
    'bar chart',
  );
});

/** A metrics row (fields the pictures do not read are fixed). */
function row(tEnv: number, testReturn: number, testReturnStd: number, globalDensity = 0.1): MetricsRow {
  return {
    tEnv,
    episodes: tEnv / 4,
    updates: tEnv / 4,
    epsilon: 0.05,
    elapsedSec: 1,
    trainReturn: tEnv === 0 ? null : testReturn,
    loss: 0.1,
    tdErrorAbs: 0.1,
    qTaken: 0.5,
    gradNorm: 1,
    testReturn,
    testReturnStd,
    testWinRate: testReturn,
    globalDensity,
    layerDensity: {},
    trainFlopsRatio: 0.1,
    inferenceFlopsRatio: 0.1,
    topologySwaps: 40,
    topologyUpdates: 2,
    targets: null,
  };
}

test('a learning curve clamps its ± std band to the return range and starts its axis at 0', () => {
  const rows = [row(0, 0.05, 0.2), row(1000, 0.6, 0.49), row(2000, 0.9, 0.3)]; // 0.05 − 0.2 < 0, 0.9 + 0.3 > 1
  const chart = returnChart('t', rows, [0, 1]);
  const band = chart.series[0]!.band!;
  assert.ok(
    band.every(([, lo, hi]) => lo >= 0 && hi <= 1),
    JSON.stringify(band),
  );
  assert.equal(band[2]![2], 1, 'the high side stops at 1');
  assert.ok(Math.abs(band[2]![1] - 0.6) < 1e-12 && band[0]![1] === 0, 'the low side at mean − std, or 0');
  assert.ok(chart.yRange && chart.yRange[0] <= 0, 'non-negative returns are read from 0');
  assert.equal(
    returnChart('t', [row(0, -5, 1), row(100, -3, 1)], undefined).yRange,
    undefined,
    'negative returns keep their own range',
  );
});

test("a run's pictures: the win rate beside the return, a density panel when pruning moved it; topology moves are in the sparsity title; both render", async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mast-pictures-')), 'run');
  mkdirSync(dir);
  const rows = [row(0, 0.9, 0.3, 1), row(1000, 0.8, 0.4, 0.5), row(2000, 0.95, 0.2, 0.1)];
  writeFileSync(runPaths(dir).metrics, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const layers = [
    'agent/fc1.weight',
    'agent/gru.weightIh',
    'agent/gru.weightHh',
    'agent/fc2.weight',
    'mixer/hyperW1.0.weight',
  ].map((name) => ({ name, shape: [8, 8], size: 64, active: 6, density: 0.1 }));
  const summary = {
    config: { alg: 'qmix', env: 'recall', sparsity: { mode: 'mast' } },
    counters: { topologyUpdates: 6 },
    density: 0.1,
    layers,
  };
  writeFileSync(runPaths(dir).summary, JSON.stringify(summary));
  writeRunPictures(dir);
  const curve = readFileSync(runPaths(dir).curves, 'utf8');
  assert.match(curve, /density of the masked weights \(agent and mixer together\)/);
  assert.match(curve, />test win rate<\/text>/, 'recall is won or lost: a win-rate panel beside the return');
  const sparsity = readFileSync(runPaths(dir).sparsity, 'utf8');
  assert.match(sparsity, /6 topology updates moved 120 weights/);
  if (skip) return t.skip(skip);
  assertFits(curve, 'learning curve with density');
  assertFits(sparsity, 'sparsity picture');
});

test('replay on an environment without pictures names every family that has them, smaclite included', async () => {
  const policy = {} as OnnxPolicy; // never stepped: the environment is refused first
  await assert.rejects(
    recordReplay(makeEnv('recall'), policy, 1),
    (e: unknown) =>
      e instanceof ToolkitError &&
      /smaclite/.test(e.hint ?? '') &&
      /lbf/.test(e.hint ?? '') &&
      /mpe/.test(e.hint ?? ''),
  );
});

test(
  'a SMAClite replay zooms to where the units fight, so they are drawn larger than dots',
  { skip: skip ?? false },
  () => {
    const env = makeEnv('smaclite/3m');
    env.reset(3);
    const frames = [env.frame!()];
    const rewards: number[] = [];
    const actions: number[][] = [];
    for (let t = 0; t < 10; t++) {
      const step = env.getAvailActions().map((avail) => (avail[1] ? 1 : avail.indexOf(1))); // stop (SMAC's action 1): the armies stay where they start
      const r = env.step(step);
      actions.push(step);
      rewards.push(r.reward);
      frames.push(env.frame!());
      if (r.terminated || r.truncated) break;
    }
    const svg = replaySvg(
      { env: env.id, seed: 3, frames, actions, rewards, return: rewards.reduce((a, b) => a + b, 0), won: null },
      'smaclite/3m replay',
    );
    const radii = [...svg.matchAll(/<circle [^>]*r="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.ok(radii.length > 0 && Math.min(...radii) >= 3, `unit radii ${radii.slice(0, 6).join(', ')} px`);
    assert.match(svg, /of 32 units across/);
    assertFits(svg, 'replay');
  },
);
