/**
 * `npm run bench -- offline-compress`: offline compression of the shipped dense agents to density 0.1
 * (record ε-greedy episodes, distil while pruning, export), then the evaluated return of each
 * compressed agent beside its dense source on the same 100 seeded episodes. Several compression seeds
 * (each records its own episodes). Not a timed bench: it measures whether returns hold.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG } from '../src/config/index.js';
import { makeEnv } from '../src/envs/registry.js';
import { recordEpisodes } from '../src/marl/compress/record.js';
import { defaultPruneInterval, distillAgent } from '../src/marl/compress/distill.js';
import { exportAgentBytes } from '../src/onnx/export-agent.js';
import { importAgent } from '../src/onnx/import-agent.js';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { evaluateOnnxAgent } from '../src/verify/eval.js';

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
const SOURCES = ['smaclite_3m-dense', 'lbf_8x8-2p-2f-coop-dense'];
const SEEDS = [1, 2, 3];
const EVAL_EPISODES = 100;
const RECORD = { episodes: 300, epsilon: 0.05 };
const DISTILL = {
  density: 0.1,
  updates: 4000,
  batchSize: 32,
  pruneEnd: 0.5,
  heldOut: 0.2,
  policyWeight: 1,
  temperature: 0.05,
};

/** One compressed agent's figures. */
export interface OfflineCompressRow {
  source: string;
  seed: number;
  denseReturn: number;
  compressedReturn: number;
  /** compressed / dense return. */
  ratio: number;
  heldOutAgreement: number;
  maxAbsQDiff: number;
  flops: number;
}

/** Run the bench; `log` gets a line per compressed agent as it finishes. */
export async function offlineCompressBench(log: (line: string) => void): Promise<OfflineCompressRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mast-bench-offline-'));
  const rows: OfflineCompressRow[] = [];
  for (const name of SOURCES) {
    const path = join(MODELS, `${name}.onnx`);
    const teacher = importAgent(readOnnxFile(path).model, { what: path });
    const dense = await evaluateOnnxAgent(path, { episodes: EVAL_EPISODES, seed: 0, engine: 'sparse' });
    for (const seed of SEEDS) {
      const env = makeEnv(teacher.metadata.env);
      const recording = await recordEpisodes(teacher, env, { ...RECORD, seed });
      const { student, report } = await distillAgent(teacher, recording.episodes, env.getEnvInfo(), {
        ...DISTILL,
        pruneInterval: defaultPruneInterval(DISTILL.updates, DISTILL.pruneEnd),
        distribution: 'erk',
        optimizer: { ...DEFAULT_CONFIG.optimizer, name: 'adam', lr: 1e-3 },
        seed,
      });
      const out = join(dir, `${name}-s${seed}.onnx`);
      writeFileSync(out, exportAgentBytes(student, { format: 'sparse' }));
      const compressed = await evaluateOnnxAgent(out, { episodes: EVAL_EPISODES, seed: 0, engine: 'sparse' });
      const row: OfflineCompressRow = {
        source: name,
        seed,
        denseReturn: dense.meanReturn,
        compressedReturn: compressed.meanReturn,
        ratio: compressed.meanReturn / dense.meanReturn,
        heldOutAgreement: report.heldOut?.actionAgreement ?? NaN,
        maxAbsQDiff: report.heldOut?.maxAbsQDiff ?? NaN,
        flops: compressed.flops.ratio,
      };
      rows.push(row);
      log(
        `${name} seed ${seed}: return ${row.compressedReturn.toFixed(3)} vs dense ${row.denseReturn.toFixed(3)} (${(100 * row.ratio).toFixed(1)}%), held-out agreement ${(100 * row.heldOutAgreement).toFixed(1)}%, max |ΔQ| ${row.maxAbsQDiff.toExponential(2)}, FLOPs ×${row.flops.toFixed(3)}`,
      );
    }
  }
  return rows;
}
