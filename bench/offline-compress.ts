/**
 * `npm run bench -- offline-compress [--recipe best|defaults] [--source NAME,...] [--seeds 1,2,3]`: offline compression of the
 * shipped dense agents to density 0.1 (record ε-greedy episodes, distil while pruning, export), then
 * the evaluated return of each compressed agent beside its dense source. Not a timed bench: it
 * measures whether returns hold.
 *
 * Protocol: several compression seeds (each records its own episodes and distils with its own
 * batches); every compressed agent and the dense source play the SAME 300 seeded greedy episodes
 * (evaluation seed 0, the sparse engine); a return is reported as mean ± standard error over those
 * episodes, and "% of dense" for a source is the mean over compression seeds of compressed / dense.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG } from '../src/config/index.js';
import { makeEnv } from '../src/envs/registry.js';
import { recordEpisodes } from '../src/marl/compress/record.js';
import { defaultPruneInterval, distillAgent, type DistillOptions } from '../src/marl/compress/distill.js';
import type { Episode } from '../src/marl/replay/episode.js';
import { exportAgentBytes } from '../src/onnx/export-agent.js';
import { importAgent } from '../src/onnx/import-agent.js';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { evaluateOnnxAgent, type EvalReport } from '../src/verify/eval.js';
import { formatMachine, machineInfo, type MachineInfo } from './machine.js';

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
/** The shipped dense agents compressed. */
export const OFFLINE_COMPRESS_SOURCES = ['smaclite_3m-dense', 'lbf_8x8-2p-2f-coop-dense'];
const SEEDS = [1, 2, 3];
const EVAL = { episodes: 300, seed: 0 };

/** A recipe: the recorded parts (episodes at an ε each) and the distillation's options. */
export interface OfflineCompressRecipe {
  record: ReadonlyArray<{ episodes: number; epsilon: number }>;
  distill: Omit<DistillOptions, 'pruneInterval' | 'optimizer' | 'seed'> & { lr: number };
}

const DISTILL_DEFAULTS = {
  density: 0.1,
  distribution: 'erk',
  updates: 4000,
  batchSize: 32,
  pruneEnd: 0.5,
  heldOut: 0.2,
  policyWeight: 1,
  temperature: 0.05,
  lrSchedule: 'constant',
  lr: 1e-3,
} as const;

/**
 * The recipes (`--recipe NAME`): `best`, the best found (docs/results.md, "Offline compression to
 * 0.1 over several seeds"), the default; `defaults`, docs/compress.md's example (`mast record --episodes
 * 300`, ε 0.05) with `mast compress --data`'s defaults. Part k of compression seed s is recorded with seed 1000·s + k.
 */
export const OFFLINE_COMPRESS_RECIPES: Record<'best' | 'defaults', OfflineCompressRecipe> = {
  best: {
    record: [{ episodes: 3000, epsilon: 0.3 }],
    distill: { ...DISTILL_DEFAULTS, updates: 20_000, pruneEnd: 0.6, lrSchedule: 'cosine' },
  },
  defaults: { record: [{ episodes: 300, epsilon: 0.05 }], distill: DISTILL_DEFAULTS },
};

/** A return over the evaluation episodes. */
export interface EvaluatedReturn {
  mean: number;
  /** Standard error of the mean over the episodes. */
  se: number;
  winRate: number | null;
}

/** One compressed agent's figures. */
export interface OfflineCompressRow {
  source: string;
  seed: number;
  dense: EvaluatedReturn;
  compressed: EvaluatedReturn;
  /** compressed / dense mean return. */
  ratio: number;
  heldOutAgreement: number;
  maxAbsQDiff: number;
  /** FLOPs per decision, compressed / dense. */
  flops: number;
  /** CPU seconds of recording and distilling (this process, all threads). */
  cpuSeconds: number;
}

/** The bench's result: the machine, the protocol, a row per compressed agent. */
export interface OfflineCompressSummary {
  machine: MachineInfo;
  loadAvgEnd: number[];
  recipe: { name: string } & OfflineCompressRecipe;
  evaluation: typeof EVAL;
  rows: OfflineCompressRow[];
}

const evaluated = (r: EvalReport): EvaluatedReturn => ({
  mean: r.meanReturn,
  se: r.returnStd / Math.sqrt(r.episodes),
  winRate: r.winRate,
});

/** Run the bench; `log` gets a line per compressed agent as it finishes. */
export async function offlineCompressBench(
  log: (line: string) => void,
  only: { sources?: string[]; seeds?: number[]; recipe?: keyof typeof OFFLINE_COMPRESS_RECIPES } = {},
): Promise<OfflineCompressSummary> {
  const recipeName = only.recipe ?? 'best';
  const recipe = OFFLINE_COMPRESS_RECIPES[recipeName];
  const machine = machineInfo();
  const dir = mkdtempSync(join(tmpdir(), 'mast-bench-offline-'));
  const rows: OfflineCompressRow[] = [];
  const { lr, ...distill } = recipe.distill;
  for (const name of only.sources ?? OFFLINE_COMPRESS_SOURCES) {
    const path = join(MODELS, `${name}.onnx`);
    const teacher = importAgent(readOnnxFile(path).model, { what: path });
    const dense = evaluated(await evaluateOnnxAgent(path, { ...EVAL, engine: 'sparse' }));
    for (const seed of only.seeds ?? SEEDS) {
      const cpu = process.cpuUsage();
      const episodes: Episode[] = [];
      for (const [k, part] of recipe.record.entries()) {
        const env = makeEnv(teacher.metadata.env);
        episodes.push(...(await recordEpisodes(teacher, env, { ...part, seed: 1000 * seed + k })).episodes);
      }
      const options: DistillOptions = {
        ...distill,
        pruneInterval: defaultPruneInterval(distill.updates, distill.pruneEnd),
        optimizer: { ...DEFAULT_CONFIG.optimizer, name: 'adam', lr },
        seed,
      };
      const info = makeEnv(teacher.metadata.env).getEnvInfo();
      const { student, report } = await distillAgent(teacher, episodes, info, options);
      const used = process.cpuUsage(cpu);
      const out = join(dir, `${name}-s${seed}.onnx`);
      writeFileSync(out, exportAgentBytes(student, { format: 'sparse' }));
      const result = await evaluateOnnxAgent(out, { ...EVAL, engine: 'sparse' });
      const row: OfflineCompressRow = {
        source: name,
        seed,
        dense,
        compressed: evaluated(result),
        ratio: result.meanReturn / dense.mean,
        heldOutAgreement: report.heldOut?.actionAgreement ?? NaN,
        maxAbsQDiff: report.heldOut?.maxAbsQDiff ?? NaN,
        flops: result.flops.ratio,
        cpuSeconds: (used.user + used.system) / 1e6,
      };
      rows.push(row);
      log(formatRow(row));
    }
  }
  return {
    machine,
    loadAvgEnd: machineInfo().loadAvg,
    recipe: { name: recipeName, ...recipe },
    evaluation: EVAL,
    rows,
  };
}

const ret = (r: EvaluatedReturn): string =>
  `${r.mean.toFixed(3)} ± ${r.se.toFixed(3)}${r.winRate === null ? '' : ` (${(100 * r.winRate).toFixed(0)}% wins)`}`;

function formatRow(row: OfflineCompressRow): string {
  return `${row.source} seed ${row.seed}: return ${ret(row.compressed)} vs dense ${ret(row.dense)} (${(100 * row.ratio).toFixed(1)}%), held-out agreement ${(100 * row.heldOutAgreement).toFixed(1)}%, max |ΔQ| ${row.maxAbsQDiff.toExponential(2)}, FLOPs ×${row.flops.toFixed(3)}, ${row.cpuSeconds.toFixed(0)} CPU s`;
}

/** Per source: the mean over seeds of compressed / dense, with the standard error across seeds. */
export function formatOfflineCompress(summary: OfflineCompressSummary): string[] {
  const lines: string[] = [];
  for (const name of new Set(summary.rows.map((r) => r.source))) {
    const ratios = summary.rows.filter((r) => r.source === name).map((r) => r.ratio);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / Math.max(1, ratios.length - 1));
    const spread = ratios.length > 1 ? ` (± ${((100 * sd) / Math.sqrt(ratios.length)).toFixed(1)} across seeds)` : '';
    lines.push(
      `${name} (recipe ${summary.recipe.name}): compressed / dense return ${(100 * mean).toFixed(1)}%${spread} over ${ratios.length} compression seed${ratios.length === 1 ? '' : 's'}, ${summary.evaluation.episodes} evaluation episodes each`,
    );
  }
  lines.push(
    `${formatMachine(summary.machine)} at the start, ${summary.loadAvgEnd.join(' ')} at the end (a shared machine)`,
  );
  return lines;
}
