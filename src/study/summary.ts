/**
 * The summary across studies: one row per study, environment, learner and density, one column per
 * sparsity mode with its final return relative to dense (the paper's headline figure: how much of
 * dense's return each mode keeps), and the training FLOPs; plus the same as a grouped bar chart.
 * Built from the rows of each study's {@link StudyReport}, so every run is read at its study's budget.
 */
import { basename } from 'node:path';
import { SPARSITY_MODES } from '../config/index.js';
import { groupedBarChart } from '../verify/svg.js';
import type { ReportRow, StudyReport } from './report.js';

/** One cell: a mode's final return relative to dense, over its finished seeds. */
export interface SummaryCell {
  /** See {@link ReportRow.vsDense}; null without finished dense runs. */
  vsDense: number | null;
  seedsDone: number;
  seeds: number;
}

/** One row: a study's environment and learner at one density. */
export interface SummaryRow {
  /** The study file's name without `.json`. */
  study: string;
  env: string;
  alg: string;
  /** The study's steps per run. */
  steps: number;
  density: number;
  /** By sparsity mode (dense left out: it is the 100% every cell is measured against). */
  cells: Partial<Record<string, SummaryCell>>;
  /** Training FLOPs relative to dense: MAST's where it ran, else the first sparse mode's. */
  trainFlops: number | null;
}

/** A named study report, as `mast report` builds one per file. */
export interface NamedReport {
  /** The study file's path. */
  file: string;
  /** Its budget: steps per run. */
  steps: number;
  report: StudyReport;
}

/** The summary rows of several study reports, in the order given. */
export function summaryRows(reports: readonly NamedReport[]): SummaryRow[] {
  const out: SummaryRow[] = [];
  for (const { file, steps, report } of reports) {
    const study = basename(file).replace(/\.json$/, '');
    const keyOf = (r: ReportRow): string => `${r.env}|${r.alg}|${r.density}`;
    const sparse = report.rows.filter((r) => r.mode !== 'dense');
    for (const key of [...new Set(sparse.map(keyOf))]) {
      const group = sparse.filter((r) => keyOf(r) === key);
      const { env, alg, density } = group[0]!;
      const cells: Partial<Record<string, SummaryCell>> = {};
      for (const r of group) cells[r.mode] = { vsDense: r.vsDense, seedsDone: r.seedsDone, seeds: r.seeds };
      const flops = group.find((r) => r.mode === 'mast') ?? group[0]!;
      out.push({ study, env, alg, steps, density, cells, trainFlops: flops.trainFlops });
    }
  }
  return out;
}

/** The sparse modes that appear in `rows`, in the toolkit's order (tiny … mast). */
function modesOf(rows: readonly SummaryRow[]): string[] {
  return SPARSITY_MODES.filter((m) => m !== 'dense' && rows.some((r) => r.cells[m] !== undefined));
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** A cell as text: the percentage, with the seeds done when some are still missing. */
function cellText(c: SummaryCell | undefined): string {
  if (c === undefined) return '';
  const value = c.vsDense === null ? '–' : percent(c.vsDense);
  return c.seedsDone < c.seeds ? `${value} (${c.seedsDone}/${c.seeds} seeds)` : value;
}

/** The summary as one Markdown table. */
export function summaryMarkdown(rows: readonly SummaryRow[]): string {
  const modes = modesOf(rows);
  const lines = [
    `| study | environment | learner | steps | seeds | density | ${modes.join(' | ')} | train FLOPs |`,
    `|---|---|---|---|---|---|${modes.map(() => '---|').join('')}---|`,
  ];
  for (const r of rows) {
    const seeds = Math.max(...Object.values(r.cells).map((c) => c!.seeds));
    const flops = r.trainFlops === null ? '–' : r.trainFlops.toFixed(3);
    lines.push(
      `| ${r.study} | ${r.env} | ${r.alg} | ${r.steps.toLocaleString('en-US')} | ${seeds} | ${r.density} | ${modes.map((m) => cellText(r.cells[m])).join(' | ')} | ${flops} |`,
    );
  }
  return `${lines.join('\n')}\n\nFinal return as a share of dense's (above 100% is better than dense, for costs too); a cell with fewer seeds than its study says so.\n`;
}

/** The summary as a grouped bar chart: one group per row, one bar per mode, a line at dense (100%). */
export function summaryFigure(rows: readonly SummaryRow[]): string {
  const modes = modesOf(rows);
  return groupedBarChart({
    title: 'final return relative to dense (mean over seeds)',
    yLabel: '% of dense',
    groups: rows.map((r) => `${r.study} ${r.density}`),
    series: modes.map((mode) => ({
      name: mode,
      colorIndex: SPARSITY_MODES.indexOf(mode as (typeof SPARSITY_MODES)[number]),
      values: rows.map((r) => {
        const v = r.cells[mode]?.vsDense;
        return v === null || v === undefined ? null : 100 * v;
      }),
    })),
    reference: { value: 100, label: 'dense' },
  });
}
