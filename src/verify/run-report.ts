/** Pictures of a run directory: the learning curve and the density of every weight matrix (SVG). */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { readMetrics, type MetricsRow } from '../marl/training/metrics.js';
import { runPaths } from '../run/run-dir.js';
import type { RunSummaryFile } from '../marl/training/train.js';
import { groupedBarChart, lineChart, panelGrid, type LineChartOptions } from './svg.js';
import { builtInEnvInfo } from '../envs/registry.js';
import { clampBand } from './bands.js';

/**
 * Write `learning-curve.svg` (greedy test return, mean ± std over test episodes clamped to the
 * environment's return range, against environment steps; from 0 where returns are non-negative; with
 * the test win rate beside it where episodes are won or lost, and the density beside them when it
 * moved, as under `mast compress`) and `sparsity.svg` (per weight matrix: its density and, when the metrics have it, the
 * fraction of its weights ever active in the run) into run directory `dir`.
 * @returns the paths written.
 */
export function writeRunPictures(dir: string): string[] {
  const paths = runPaths(dir);
  const rows = readMetrics(paths.metrics);
  const written: string[] = [];
  const summary = existsSync(paths.summary)
    ? (JSON.parse(readFileSync(paths.summary, 'utf8')) as RunSummaryFile)
    : null;
  const title = summary
    ? `${summary.config.alg} on ${summary.config.env} (${summary.config.sparsity.mode}; density ${summary.density.toFixed(3)} over agent and mixer weight matrices)`
    : dir;
  const range = summary ? builtInEnvInfo(summary.config.env)?.returnRange : undefined; // a user environment starts no process here
  const returns = returnChart(title, rows, range);
  // a run whose density moves (`mast compress`'s gradual pruning) shows its density under its return
  const densities = rows.map((r) => r.globalDensity);
  const pruned = densities.some((d) => d !== densities[0]);
  const density: LineChartOptions = {
    title: 'density of the masked weights (agent and mixer together)',
    xLabel: 'environment steps',
    yLabel: 'density',
    series: [
      { name: 'density', points: rows.map((r) => [r.tEnv, r.globalDensity] as [number, number]), colorIndex: 2 },
    ],
    yRange: [0, 1],
  };
  // where episodes are won or lost, the greedy test win rate stands beside the return
  const wins = rows.flatMap((r): Array<[number, number]> => (r.testWinRate === null ? [] : [[r.tEnv, r.testWinRate]]));
  const winRate: LineChartOptions = {
    title: 'test win rate',
    xLabel: 'environment steps',
    yLabel: 'win rate',
    series: [{ name: 'test win rate', points: wins, colorIndex: 3 }],
    yRange: [0, 1],
  };
  const panels = [
    { ...returns, title: 'test and train return' },
    ...(wins.length > 0 ? [winRate] : []),
    ...(pruned ? [density] : []),
  ];
  writeFileAtomic(
    paths.curves,
    panels.length > 1
      ? panelGrid({ title, columns: panels.length, panelWidth: 560, panelHeight: 380, panels })
      : lineChart(returns),
  );
  written.push(paths.curves);
  if (summary) {
    const explored = rows.at(-1)?.layerExplored;
    const fraction = rows.at(-1)?.exploredFraction;
    const names = summary.layers.map((l) => l.name);
    const moved = rows.reduce((n, r) => n + r.topologySwaps, 0);
    writeFileAtomic(
      paths.sparsity,
      groupedBarChart({
        title: `per weight matrix: density (${summary.density.toFixed(3)} over agent and mixer)${fraction === undefined ? '' : `, weights ever active (${fraction.toFixed(3)})`}${moved > 0 ? `; ${summary.counters.topologyUpdates} topology updates moved ${moved} weights` : ''}`,
        yLabel: 'fraction of the weights',
        groups: names,
        series: [
          { name: 'density', values: summary.layers.map((l) => l.density) },
          ...(explored
            ? [{ name: 'ever active in the run (explored)', values: names.map((n) => explored[n] ?? null) }]
            : []),
        ],
      }),
    );
    written.push(paths.sparsity);
  }
  return written;
}

/**
 * The learning curve's chart: greedy test return ± std over test episodes (the band clamped to the
 * environment's return range `range` where it has one) and the exploring training return; read from
 * 0 when no return is negative.
 */
export function returnChart(
  title: string,
  rows: readonly MetricsRow[],
  range: readonly [number, number] | undefined,
): LineChartOptions {
  return {
    title,
    xLabel: 'environment steps',
    yLabel: 'return',
    series: [
      {
        name: 'test return (± std over test episodes)',
        points: rows.map((r) => [r.tEnv, r.testReturn] as [number, number]),
        band: clampBand(
          rows.map((r) => [r.tEnv, r.testReturn - r.testReturnStd, r.testReturn + r.testReturnStd]),
          range,
        ),
      },
      {
        name: 'train return (exploring)',
        points: rows.flatMap((r): Array<[number, number]> =>
          r.trainReturn === null || r.tEnv === 0 ? [] : [[r.tEnv, r.trainReturn]],
        ),
      },
    ],
    // returns that cannot be negative are read from 0, so a small dip does not look like a collapse
    ...(rows.every((r) => r.testReturn >= 0 && (r.trainReturn ?? 0) >= 0)
      ? { yRange: [0, 0] as [number, number] }
      : {}),
  };
}
