/**
 * The sparsity-mode comparison (MAST's Table 1 layout, on one environment): every mode at one density,
 * several seeds, each run resumable in its own directory, then a table of final test return
 * (mean ± std over seeds, and normalised to dense) with training/inference FLOP ratios, and an SVG of
 * the mean learning curves.
 *
 *   node dist/bench/modes.js --preset demo --steps 8000 --seeds 1,2,3 --density 0.1 \
 *     [--modes dense,static,set,rigl,rlx2,mast,tiny] [--set '{"targets":{"omega":200}}'] [--dir runs/modes] [--svg FILE]
 *
 * A second invocation with the same arguments only reads the finished runs, so two processes can
 * train disjoint `--modes` lists side by side and a third builds the report.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig, SPARSITY_MODES, type SparsityMode, type TrainConfig, type DeepPartial } from '../src/config/index.js';
import { train } from '../src/marl/train.js';
import { readMetrics, type MetricsRow } from '../src/marl/metrics.js';
import { runPaths } from '../src/marl/run-dir.js';
import { meanStd } from '../src/marl/evaluate.js';
import { lineChart } from '../src/verify/svg.js';
import { formatTable } from '../cli/table.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'demo' },
    steps: { type: 'string', default: '8000' },
    seeds: { type: 'string', default: '1,2,3' },
    density: { type: 'string', default: '0.1' },
    modes: { type: 'string', default: SPARSITY_MODES.join(',') },
    set: { type: 'string', default: '{}' },
    dir: { type: 'string', default: 'runs/modes' },
    svg: { type: 'string' },
    'train-only': { type: 'boolean', default: false },
  },
});
const seeds = (values.seeds as string).split(',').map(Number);
const modes = (values.modes as string).split(',') as SparsityMode[];
const density = Number(values.density);
const extra = JSON.parse(values.set as string) as DeepPartial<TrainConfig>;

function configFor(mode: SparsityMode, seed: number): TrainConfig {
  return resolveConfig(values.preset as string, { steps: Number(values.steps), seed, sparsity: { mode, density: mode === 'dense' ? 1 : density } }, extra);
}

const runDir = (mode: SparsityMode, seed: number): string => join(values.dir as string, `${configFor(mode, seed).env.replace('/', '_')}-d${density}`, `${mode}-s${seed}`);

/** Whether the run in `dir` has reached `steps` (a finished shorter run is extended by resuming it). */
function finished(dir: string, steps: number): boolean {
  const p = runPaths(dir).summary;
  return existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { counters: { tEnv: number } }).counters.tEnv >= steps;
}

// --- train what is missing (a killed study resumes from each run's last checkpoint)
for (const mode of modes) {
  for (const seed of seeds) {
    const dir = runDir(mode, seed);
    if (finished(dir, Number(values.steps))) continue;
    const t0 = performance.now();
    await train(configFor(mode, seed), { outDir: dir, resume: existsSync(runPaths(dir).checkpoint) });
    console.error(`${mode} seed ${seed}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}
if (values['train-only']) process.exit(0);

// --- report
const rows: string[][] = [];
const curves = new Map<SparsityMode, MetricsRow[][]>();
for (const mode of modes) curves.set(mode, seeds.map((s) => readMetrics(runPaths(runDir(mode, s)).metrics)));
const finalOf = (mode: SparsityMode): number[] => (curves.get(mode) ?? []).map((rs) => rs.at(-1)?.testReturn ?? NaN);
const denseMean = modes.includes('dense') ? meanStd(finalOf('dense')).mean : NaN;
for (const mode of modes) {
  const f = meanStd(finalOf(mode));
  const last = (curves.get(mode) ?? []).map((rs) => rs.at(-1) as MetricsRow);
  rows.push([
    mode,
    `${f.mean.toFixed(3)} ± ${f.std.toFixed(3)}`,
    meanStd((curves.get(mode) ?? []).map((rs) => meanStd(rs.slice(-3).map((r) => r.testReturn)).mean)).mean.toFixed(3),
    meanStd((curves.get(mode) ?? []).map((rs) => meanStd(rs.map((r) => r.testReturn)).mean)).mean.toFixed(3),
    meanStd(last.map((r) => r.testWinRate)).mean.toFixed(2),
    Number.isFinite(denseMean) ? `${((100 * f.mean) / denseMean).toFixed(1)}%` : '',
    meanStd(last.map((r) => r.globalDensity)).mean.toFixed(3),
    meanStd(last.map((r) => r.trainFlopsRatio)).mean.toFixed(3),
    meanStd(last.map((r) => r.inferenceFlopsRatio)).mean.toFixed(3),
  ]);
}
console.log(`${configFor('dense', seeds[0]!).env}, density ${density}, ${values.steps} steps, seeds ${seeds.join(',')}`);
for (const line of formatTable(['mode', 'final test return', 'last 3 tests', 'mean over run', 'final win rate', 'vs dense', 'density', 'train FLOPs', 'infer FLOPs'], rows)) console.log(line);
if (values.svg) {
  const series = modes.map((mode) => {
    const runs = curves.get(mode) ?? [];
    const points = (runs[0] ?? []).map((r, i): [number, number] => [r.tEnv, meanStd(runs.map((rs) => rs[i]?.testReturn ?? NaN)).mean]);
    return { name: mode, points };
  });
  mkdirSync(dirname(values.svg), { recursive: true });
  writeFileSync(values.svg, lineChart({ title: `test return, mean of ${seeds.length} seeds (density ${density})`, xLabel: 'environment steps', yLabel: 'test return', series }));
}
