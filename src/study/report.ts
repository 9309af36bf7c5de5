/**
 * A study's report in the layout of the MAST paper's Table 1: per environment and learner, each
 * sparsity mode at each density with its final test return (mean ± std over seeds) and that return
 * normalised to dense, the win rate, the total size (parameters stored) and training and inference
 * FLOPs normalised to dense; plus, per environment, learner and density, two SVGs of learning curves:
 * every mode's mean, and each sparse mode beside dense with ± std bands.
 * Every run is read at the study's budget: rows a run gained by being extended past it
 * (`mast train --resume --steps N`) are left out, so all modes are compared at the same steps.
 * A study's `finalTests` averages the final figures over its last test phases, and `solvedReturn`
 * adds how many seeds reached that training return within the budget, and when; on environments
 * with wins, `winThreshold` adds how many seeds' test win rate reached it, and when, and `wonFrom`
 * each run's test win rate from that step to the budget.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readMetrics, trainedSeconds, type MetricsRow } from '../marl/training/metrics.js';
import { runPaths } from '../run/run-dir.js';
import { meanStd, median } from '../util/stats.js';
import { roughDuration } from '../util/duration.js';
import { readSnapshot } from '../snapshot/io.js';
import { readMixerSnapshot } from '../snapshot/mixer.js';
import { storedParameters } from '../snapshot/size.js';
import { lineChart, panelGrid, type Series } from '../verify/svg.js';
import { builtInEnvInfo } from '../envs/registry.js';
import { SPARSITY_MODES, type SparsityMode } from '../config/index.js';
import { studyRuns, type StudyConfig, type StudyRun } from './grid.js';
import type { RunSummaryFile } from '../marl/training/train.js';

/** One row of a report table: a mode at a density, over its seeds. */
export interface ReportRow {
  env: string;
  alg: string;
  mode: string;
  density: number;
  /** Seeds with a finished run / seeds in the study. */
  seedsDone: number;
  seeds: number;
  /** Each run's final test return (the mean of its last `finalTests` test phases), mean and std over seeds. */
  finalReturn: { mean: number; std: number };
  /** Test return averaged over each run's test phases, then over seeds (how early it learns). */
  meanOverRun: number;
  /**
   * Final return relative to the dense runs' mean: mode / dense for positive returns, dense / mode
   * when both are negative (costs, as in MPE Spread), so above 1 is better than dense either way;
   * null without dense runs or when the signs differ.
   */
  vsDense: number | null;
  /** Final win rate (over the same test phases), mean over seeds; null where episodes are not won or lost. */
  winRate: number | null;
  /**
   * Parameters the trained agent network and mixer store (active weights plus biases; WQMIX's
   * central critic, a training aid, is not counted), mean over seeds; null where no run has a snapshot.
   */
  parameters: number | null;
  /**
   * Total size: {@link ReportRow.parameters} relative to dense's; null without them or without a
   * dense run. Unlike the masks' density, it counts `tiny`'s smaller network as small.
   */
  size: number | null;
  trainFlops: number;
  inferenceFlops: number;
  /**
   * Fraction of the masked weights active at some point of the run (in-time over-parameterisation's
   * exploration rate), mean over seeds; null when a run's metrics predate it.
   */
  explored: number | null;
  /**
   * With the study's `solvedReturn`: the seeds whose training return reached it within the budget,
   * and the median of the steps at which each first did (null when none did); null without it.
   */
  solved: { seeds: number; medianStep: number | null } | null;
  /**
   * With the study's `winThreshold` (environments with wins): the seeds whose test win rate reached
   * it within the budget, and the median step of each one's first such test (null when none did).
   */
  firstWon: { seeds: number; medianStep: number | null } | null;
  /**
   * With the study's `wonFrom` (environments with wins): each run's test win rate averaged over its
   * test phases from that step to the budget, by seed in the study's order, and their mean.
   */
  wonFrom: { mean: number; perSeed: number[] } | null;
  /**
   * Wall time each run trained to the budget (its test rows' clock, summed over the sessions that
   * trained it), in seconds: median, least and most over seeds.
   */
  wallSec: { median: number; min: number; max: number };
  /**
   * The machines that trained these runs, as their `summary.json` records them (CPU, logical CPUs,
   * Node, kernel build), each once; empty for runs finished before the record was kept.
   */
  machines: string[];
}

/** A report: its rows and its figures (SVG text by file name). */
export interface StudyReport {
  rows: ReportRow[];
  figures: Record<string, string>;
  /** The study's `finalTests` (see {@link ReportRow.finalReturn}). */
  finalTests: number;
  /** The study's `solvedReturn` (see {@link ReportRow.solved}). */
  solvedReturn: number | null;
  /** The study's `winThreshold` (see {@link ReportRow.firstWon}). */
  winThreshold: number | null;
  /** The study's `wonFrom` (see {@link ReportRow.wonFrom}). */
  wonFrom: number | null;
}

/** Whether `env`'s episodes are won or lost (for a user environment: whether its runs tested any win rate). */
function reportsWins(env: string, runs: ReadonlyArray<{ metrics: readonly MetricsRow[] }>): boolean {
  return builtInEnvInfo(env)?.reportsWins ?? runs.some((r) => r.metrics.some((m) => m.testWinRate !== null));
}

/** See {@link ReportRow.vsDense}. */
function relativeToDense(mode: number, dense: number | null): number | null {
  if (dense === null || dense === 0) return null;
  if (dense > 0) return mode / dense;
  return mode < 0 ? dense / mode : null;
}

/** The machines a run's `summary.json` records (see {@link ReportRow.machines}); none without it. */
function runMachines(dir: string): string[] {
  const path = runPaths(dir).summary;
  if (!existsSync(path)) return [];
  try {
    const { sessions } = JSON.parse(readFileSync(path, 'utf8')) as RunSummaryFile;
    return (sessions ?? []).map((s) => `${s.cpu}, ${s.cores} logical CPUs, Node ${s.node}, ${s.kernels} kernels`);
  } catch {
    return [];
  }
}

/** A run's rows through its budget's final test (the first row at or past `steps`); null before it gets there. */
function rowsAtBudget(run: StudyRun, rows: MetricsRow[]): MetricsRow[] | null {
  const end = rows.findIndex((r) => r.tEnv >= run.config.steps);
  return end < 0 ? null : rows.slice(0, end + 1);
}

/** The step of the first row whose training return reaches `level`, or null. */
function solvedAt(rows: readonly MetricsRow[], level: number): number | null {
  return rows.find((r) => r.trainReturn !== null && r.trainReturn >= level)?.tEnv ?? null;
}

/** The seeds that reached a level (the step each first did, null where it did not), and the median of those steps. */
function reachedSummary(steps: ReadonlyArray<number | null>): { seeds: number; medianStep: number | null } {
  const reached = steps.filter((t): t is number => t !== null);
  return { seeds: reached.length, medianStep: reached.length === 0 ? null : median(reached) };
}

/** See {@link ReportRow.solved}. */
function solvedSummary(runs: readonly (readonly MetricsRow[])[], level: number | null): ReportRow['solved'] {
  return level === null ? null : reachedSummary(runs.map((rows) => solvedAt(rows, level)));
}

/** See {@link ReportRow.firstWon}. */
function firstWonSummary(runs: readonly (readonly MetricsRow[])[], level: number | null): ReportRow['firstWon'] {
  if (level === null) return null;
  return reachedSummary(
    runs.map((rows) => rows.find((r) => r.testWinRate !== null && r.testWinRate >= level)?.tEnv ?? null),
  );
}

/** See {@link ReportRow.wonFrom}; runs with no test from `step` on are left out (null when none has one). */
function wonFromSummary(runs: readonly (readonly MetricsRow[])[], step: number | null): ReportRow['wonFrom'] {
  if (step === null) return null;
  const perSeed = runs.flatMap((rows) => {
    const wins = rows
      .filter((r) => r.tEnv >= step)
      .map((r) => r.testWinRate)
      .filter((w): w is number => typeof w === 'number');
    return wins.length === 0 ? [] : [meanStd(wins).mean];
  });
  return perSeed.length === 0 ? null : { mean: meanStd(perSeed).mean, perSeed };
}

/** Parameters stored by a run's agent network and mixer (see {@link ReportRow.parameters}); null without a snapshot. */
function runParameters(dir: string): number | null {
  const paths = runPaths(dir);
  if (!existsSync(paths.snapshot)) return null;
  const mixer = existsSync(paths.mixerSnapshot) ? storedParameters(readMixerSnapshot(paths.mixerSnapshot).tensors) : 0;
  return storedParameters(readSnapshot(paths.snapshot).tensors) + mixer;
}

/** Mean stored parameters over the runs that have a snapshot; null if none has. */
function meanParameters(dirs: readonly string[]): number | null {
  const counts = dirs.map(runParameters).filter((n): n is number => n !== null);
  return counts.length === 0 ? null : meanStd(counts).mean;
}

/**
 * A mode's test-return curve over its seeds' runs: the mean, and a ± std band with two seeds or more,
 * clamped to the environment's return range and to the seeds' lowest and highest return at each step.
 */
export function returnCurve(
  mode: SparsityMode,
  runs: readonly (readonly MetricsRow[])[],
  range: readonly [number, number] | undefined,
): Series {
  const stats = runs[0]!
    .map((row, i) => {
      const values = runs.map((r) => r[i]?.testReturn ?? NaN).filter(Number.isFinite);
      return {
        t: row.tEnv,
        ...meanStd(values),
        lo: Math.max(range?.[0] ?? -Infinity, Math.min(...values)),
        hi: Math.min(range?.[1] ?? Infinity, Math.max(...values)),
      };
    })
    .filter((p) => Number.isFinite(p.mean));
  return {
    name: mode,
    points: stats.map((p): [number, number] => [p.t, p.mean]),
    band:
      runs.length > 1
        ? stats.map((p): [number, number, number] => [
            p.t,
            Math.max(p.lo, p.mean - p.std),
            Math.min(p.hi, p.mean + p.std),
          ])
        : undefined,
    colorIndex: SPARSITY_MODES.indexOf(mode),
  };
}

/** Build the report from the study's run directories; unfinished runs are left out and counted. */
export function studyReport(study: StudyConfig): StudyReport {
  const done = studyRuns(study).flatMap((run) => {
    const metrics = rowsAtBudget(run, readMetrics(runPaths(run.dir).metrics));
    return metrics ? [{ run, metrics }] : [];
  });
  const groupKey = (r: StudyRun): string => `${r.env}|${r.alg}|${r.mode}|${r.density}`;
  const groups = new Map<string, typeof done>();
  for (const r of done) groups.set(groupKey(r.run), [...(groups.get(groupKey(r.run)) ?? []), r]);
  const finalRows = (rows: MetricsRow[]): MetricsRow[] => rows.slice(Math.max(1, rows.length - study.finalTests));
  const finalReturn = (g: typeof done): number[] =>
    g.map((r) => meanStd(finalRows(r.metrics).map((m) => m.testReturn)).mean);
  const finalWinRate = (rows: MetricsRow[]): number | null => {
    const wins = finalRows(rows)
      .map((m) => m.testWinRate)
      .filter((w): w is number => typeof w === 'number');
    return wins.length > 0 ? meanStd(wins).mean : null;
  };

  const rows: ReportRow[] = [];
  for (const env of study.envs) {
    const envReportsWins = reportsWins(
      env,
      done.filter((r) => r.run.env === env),
    ); // runs before 2026-11-30 logged 0 where there are no wins
    for (const alg of study.algs) {
      const dense = groups.get(`${env}|${alg}|dense|1`) ?? [];
      const denseMean = dense.length > 0 ? meanStd(finalReturn(dense)).mean : null;
      const denseParameters = meanParameters(dense.map((r) => r.run.dir));
      for (const mode of study.modes) {
        for (const density of mode === 'dense' ? [1] : study.densities) {
          const g = groups.get(`${env}|${alg}|${mode}|${density}`) ?? [];
          if (g.length === 0) continue;
          const last = g.map((r) => r.metrics.at(-1) as MetricsRow);
          const f = meanStd(finalReturn(g));
          const wins = g.map((r) => finalWinRate(r.metrics)).filter((w): w is number => w !== null);
          const parameters = meanParameters(g.map((r) => r.run.dir));
          const wall = g.map((r) => trainedSeconds(r.metrics));
          rows.push({
            env,
            alg,
            mode,
            density,
            seedsDone: g.length,
            seeds: study.seeds.length,
            finalReturn: f,
            meanOverRun: meanStd(g.map((r) => meanStd(r.metrics.map((m) => m.testReturn)).mean)).mean,
            vsDense: relativeToDense(f.mean, denseMean),
            winRate: envReportsWins && wins.length > 0 ? meanStd(wins).mean : null,
            parameters,
            size: parameters === null || denseParameters === null ? null : parameters / denseParameters,
            trainFlops: meanStd(last.map((r) => r.trainFlopsRatio)).mean,
            inferenceFlops: meanStd(last.map((r) => r.inferenceFlopsRatio)).mean,
            explored: last.every((r) => r.exploredFraction !== undefined)
              ? meanStd(last.map((r) => r.exploredFraction as number)).mean
              : null,
            solved: solvedSummary(
              g.map((r) => r.metrics),
              study.solvedReturn,
            ),
            firstWon: envReportsWins
              ? firstWonSummary(
                  g.map((r) => r.metrics),
                  study.winThreshold,
                )
              : null,
            wonFrom: envReportsWins
              ? wonFromSummary(
                  g.map((r) => r.metrics),
                  study.wonFrom,
                )
              : null,
            wallSec: { median: median(wall), min: Math.min(...wall), max: Math.max(...wall) },
            machines: [...new Set(g.flatMap((r) => runMachines(r.run.dir)))],
          });
        }
      }
    }
  }

  // --- figures, one colour per mode in every figure: per density, every mode's mean curve (dense on
  // each density's chart) and, beside dense, each sparse mode against dense with ± std bands
  const figures: Record<string, string> = {};
  for (const env of study.envs) {
    for (const alg of study.algs) {
      for (const density of study.densities) {
        const curves = study.modes.flatMap((mode) => {
          const g = groups.get(`${env}|${alg}|${mode}|${mode === 'dense' ? 1 : density}`) ?? [];
          return g.length === 0
            ? []
            : [
                returnCurve(
                  mode,
                  g.map((r) => r.metrics),
                  builtInEnvInfo(env)?.returnRange,
                ),
              ];
        });
        if (curves.length === 0) continue;
        const name = `${env.replace(/\//g, '_')}-${alg}-d${density}`;
        figures[`${name}.svg`] = lineChart({
          title: `${env}, ${alg}, density ${density}: test return (mean over seeds)`,
          xLabel: 'environment steps',
          yLabel: 'test return',
          series: curves.map(({ band: _, ...line }) => line),
        });
        const dense = curves.find((c) => c.name === 'dense');
        const sparse = curves.filter((c) => c.name !== 'dense');
        if (!dense || sparse.length === 0) continue;
        const ys = curves.flatMap((c) => [
          ...c.points.map((p) => p[1]),
          ...(c.band ?? []).flatMap((b) => [b[1], b[2]]),
        ]);
        figures[`${name}-vs-dense.svg`] = panelGrid({
          title: `${env}, ${alg}, density ${density}: each mode against dense (test return, mean ± std over seeds)`,
          panels: sparse.map((c) => ({
            title: c.name,
            xLabel: 'environment steps',
            yLabel: 'test return',
            series: [dense, c],
            yRange: [Math.min(...ys), Math.max(...ys)],
          })),
        });
      }
    }
  }
  const { finalTests, solvedReturn, winThreshold, wonFrom } = study;
  return { rows, figures, finalTests, solvedReturn, winThreshold, wonFrom };
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

/** Size relative to dense, with dense's own count of parameters: `1 (41,283)`. */
const sizeCell = (r: ReportRow): string => {
  if (r.size === null) return '–';
  return r.mode === 'dense' && r.parameters !== null
    ? `1 (${Math.round(r.parameters).toLocaleString('en-US')})`
    : r.size.toFixed(3);
};

const steps = (t: number): string => Math.round(t).toLocaleString('en-US');

/** Seeds that reached a level of those finished, and their median step: `2/3, median step 300`. */
const reachedCell = (r: ReportRow, reached: { seeds: number; medianStep: number | null } | null): string =>
  reached === null
    ? '–'
    : `${reached.seeds}/${r.seedsDone}${reached.medianStep === null ? '' : `, median step ${steps(reached.medianStep)}`}`;

/** The median wall time per run, and the range over seeds: `28 min (21 min–37 min)`. */
const wallCell = (r: ReportRow): string =>
  r.seedsDone > 1
    ? `${roughDuration(r.wallSec.median)} (${roughDuration(r.wallSec.min)}–${roughDuration(r.wallSec.max)})`
    : roughDuration(r.wallSec.median);

/** Mean won share, and each seed's: `61.0% (92.0%, 30.0%)`. */
const wonFromCell = (r: ReportRow): string =>
  r.wonFrom === null
    ? '–'
    : `${pct(r.wonFrom.mean)}${r.wonFrom.perSeed.length > 1 ? ` (${r.wonFrom.perSeed.map(pct).join(', ')})` : ''}`;

/** The report's tables as Markdown, one per environment and learner. */
export function reportMarkdown(report: StudyReport): string {
  const { finalTests, solvedReturn, winThreshold, wonFrom } = report;
  const out: string[] = [];
  const keys = [...new Set(report.rows.map((r) => `${r.env}|${r.alg}`))];
  // the optional columns: heading and cell, present when the study names their setting
  const extra: Array<[string, (r: ReportRow) => string]> = [];
  if (solvedReturn !== null)
    extra.push([`solved (training return ≥ ${solvedReturn})`, (r) => reachedCell(r, r.solved)]);
  if (winThreshold !== null)
    extra.push([`first test ≥ ${Number((100 * winThreshold).toFixed(1))}% won`, (r) => reachedCell(r, r.firstWon)]);
  if (wonFrom !== null) extra.push([`won from step ${steps(wonFrom)}`, wonFromCell]);
  for (const key of keys) {
    const [env, alg] = key.split('|');
    out.push(`### ${env}, ${alg}`, '');
    out.push(
      `| mode | density | seeds | final test return${finalTests > 1 ? ` (last ${finalTests} tests)` : ''} | vs dense | mean over the run | win rate | total size | train FLOPs | inference FLOPs | explored | wall time per run |${extra.map(([head]) => ` ${head} |`).join('')}`,
    );
    out.push(`|---|---|---|---|---|---|---|---|---|---|---|---|${'---|'.repeat(extra.length)}`);
    const rows = report.rows.filter((x) => `${x.env}|${x.alg}` === key);
    for (const r of rows) {
      out.push(
        `| ${r.mode} | ${r.density} | ${r.seedsDone}/${r.seeds} | ${r.finalReturn.mean.toFixed(3)}${r.seedsDone > 1 ? ` ± ${r.finalReturn.std.toFixed(3)}` : ' (one seed)'} | ${pct(r.vsDense)} | ${r.meanOverRun.toFixed(3)} | ${r.winRate === null ? '–' : pct(r.winRate)} | ${sizeCell(r)} | ${r.trainFlops.toFixed(3)} | ${r.inferenceFlops.toFixed(3)} | ${r.explored === null ? '–' : r.explored.toFixed(3)} | ${wallCell(r)} |${extra.map(([, cell]) => ` ${cell(r)} |`).join('')}`,
      );
    }
    const machines = [...new Set(rows.flatMap((r) => r.machines))];
    if (machines.length > 0) out.push('', `Trained on: ${machines.join('; ')}.`);
    out.push('');
  }
  return out.join('\n');
}
