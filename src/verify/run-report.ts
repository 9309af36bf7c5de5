/** Pictures of a run directory: the learning curve and the density of every weight matrix (SVG). */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic.js';
import { readMetrics } from '../marl/metrics.js';
import { runPaths } from '../marl/run-dir.js';
import type { RunSummaryFile } from '../marl/train.js';
import { groupedBarChart, lineChart } from './svg.js';

/**
 * Write `learning-curve.svg` (greedy test return, mean ± std over test episodes, against environment
 * steps) and `sparsity.svg` (per weight matrix: its density and, when the metrics have it, the
 * fraction of its weights ever active in the run) into run directory `dir`.
 * @returns the paths written.
 */
export function writeRunPictures(dir: string): string[] {
  const paths = runPaths(dir);
  const rows = readMetrics(paths.metrics);
  const written: string[] = [];
  const summary = existsSync(paths.summary) ? (JSON.parse(readFileSync(paths.summary, 'utf8')) as RunSummaryFile) : null;
  const title = summary ? `${summary.config.alg} on ${summary.config.env} (${summary.config.sparsity.mode}, density ${summary.density.toFixed(3)})` : dir;
  writeFileAtomic(
    paths.curves,
    lineChart({
      title,
      xLabel: 'environment steps',
      yLabel: 'return',
      series: [
        {
          name: 'test return',
          points: rows.map((r) => [r.tEnv, r.testReturn] as [number, number]),
          band: rows.map((r) => [r.tEnv, r.testReturn - r.testReturnStd, r.testReturn + r.testReturnStd] as [number, number, number]),
        },
        { name: 'train return (exploring)', points: rows.flatMap((r): Array<[number, number]> => (r.trainReturn === null || r.tEnv === 0 ? [] : [[r.tEnv, r.trainReturn]])) },
      ],
    }),
  );
  written.push(paths.curves);
  if (summary) {
    const explored = rows.at(-1)?.layerExplored;
    const fraction = rows.at(-1)?.exploredFraction;
    const names = summary.layers.map((l) => l.name);
    writeFileAtomic(
      paths.sparsity,
      groupedBarChart({
        title: `per weight matrix: density (global ${summary.density.toFixed(3)})${fraction === undefined ? '' : ` and weights ever active (${fraction.toFixed(3)})`}`,
        yLabel: 'fraction of the weights',
        groups: names,
        series: [
          { name: 'density', values: summary.layers.map((l) => l.density) },
          ...(explored ? [{ name: 'ever active in the run (explored)', values: names.map((n) => explored[n] ?? null) }] : []),
        ],
      }),
    );
    written.push(paths.sparsity);
  }
  return written;
}
