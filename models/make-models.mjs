#!/usr/bin/env node
// Regenerates models/: exports each listed run's agent with the current exporter (default options:
// weight matrices as sparse initializers), evaluates it with ONNX Runtime exactly as
// `mast eval models/<file>.onnx` does by default, and writes its card. Run after `npm run build`:
//   node models/make-models.mjs            # every entry whose run directory exists
// The run directories come from the study files in bench/studies/ (see docs/results.md).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(root, 'dist', p));
const { exportRun } = await dist('src/onnx/export-run.js');
const { evaluateOnnxAgent } = await dist('src/verify/eval.js');
const { modelCard } = await dist('src/verify/model-card.js');
const { writeJsonAtomic } = await import('@mast-toolkit/runtime/internal/util/atomic');

/** name → run directory (relative to the repository root). */
const MODELS = JSON.parse(readFileSync(join(root, 'models', 'sources.json'), 'utf8'));

for (const [name, run] of Object.entries(MODELS)) {
  if (!existsSync(join(root, run))) {
    console.error(`skip ${name}: ${run} does not exist (train it with the study first)`);
    continue;
  }
  const onnx = join(root, 'models', `${name}.onnx`);
  exportRun(join(root, run), onnx, 'sparse');
  const report = await evaluateOnnxAgent(onnx, { episodes: 100, seed: 0 });
  writeJsonAtomic(join(root, 'models', `${name}.json`), modelCard(onnx, report));
  console.log(
    `${name}: return ${report.meanReturn.toFixed(3)}${report.winRate === null ? '' : `, win rate ${(100 * report.winRate).toFixed(0)}%`}, FLOPs ×${report.flops.ratio.toFixed(3)}`,
  );
}
