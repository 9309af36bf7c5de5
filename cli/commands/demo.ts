/**
 * `mast demo`: the whole pipeline on the embedded default: train a 90%-sparse (static) QMIX agent on
 * `recall`, export it to ONNX (sparse and dense), run it with onnxruntime-node against the tfjs
 * agent, time ONNX Runtime against the sparse engine on the same episodes, and print the report.
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { evaluateOnnxAgent } from '../../src/verify/eval.js';
import { runPaths } from '../../src/marl/run-dir.js';
import type { CliIo } from '../io.js';
import { BACKEND_HELP, backendOption, intAtLeast } from '../options.js';
import { runTraining } from '../run-training.js';
import { exportRun } from './export.js';
import { formatEvalReport } from './eval.js';

interface DemoOpts {
  out: string;
  steps?: number;
  seed: number;
  episodes: number;
  backend: string;
  json?: boolean;
}

/** Build the `demo` command. */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description('train a 90%-sparse QMIX agent on `recall`, export it to ONNX, and verify it with onnxruntime-node (a few minutes)')
    .option('--out <dir>', 'run directory (an existing demo run there is resumed, never overwritten)', 'runs/demo')
    .option('--steps <n>', 'environment steps (default: the demo preset)', intAtLeast(1))
    .option('--seed <n>', 'seed', intAtLeast(0), 1)
    .option('--episodes <n>', 'evaluation episodes', intAtLeast(1), 100)
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print the evaluation report as one JSON object')
    .action(async (opts: DemoOpts) => {
      const config = resolveConfig('demo', { seed: opts.seed, ...(opts.steps ? { steps: opts.steps } : {}) });
      io.err(`[1/3] training ${config.alg} (${config.sparsity.mode}, density ${config.sparsity.density}) on ${config.env} for ${config.steps} steps → ${opts.out}`);
      // an interrupt ends the demo here (exit 130): a half-trained agent is not exported or evaluated
      const again = `mast demo --out ${opts.out}${opts.seed === 1 ? '' : ` --seed ${opts.seed}`}${opts.steps ? ` --steps ${opts.steps}` : ''}`;
      await runTraining(config, opts.out, true, opts.backend, io, { resumeCommand: again });
      const sparsePath = join(opts.out, 'agent.onnx');
      const densePath = join(opts.out, 'agent.dense.onnx');
      const sparseBytes = exportRun(opts.out, sparsePath, 'sparse');
      const denseBytes = exportRun(opts.out, densePath, 'dense');
      io.err(`[2/3] exported ${sparsePath} (${sparseBytes} bytes; dense export ${denseBytes} bytes, ${(denseBytes / sparseBytes).toFixed(1)}× larger)`);
      io.err(`[3/3] evaluating with onnxruntime-node over ${opts.episodes} episodes, against the tfjs agent`);
      const report = await evaluateOnnxAgent(sparsePath, { episodes: opts.episodes, seed: opts.seed, against: opts.out, backend: opts.backend });
      // the two engines timed alone on the same episodes (with --against, the tfjs agent steps in between)
      const [ort, sparse] = [await evaluateOnnxAgent(sparsePath, { episodes: opts.episodes, seed: opts.seed }), await evaluateOnnxAgent(sparsePath, { episodes: opts.episodes, seed: opts.seed, engine: 'sparse' })];
      const engines = { ortMedianUs: ort.latency.medianUs, sparseMedianUs: sparse.latency.medianUs, sparseReturn: sparse.meanReturn };
      if (opts.json) {
        io.out(JSON.stringify({ ...report, denseFileBytes: denseBytes, engines }));
        return;
      }
      for (const line of formatEvalReport(report)) io.out(line);
      io.out(
        `  engines     ONNX Runtime ${engines.ortMedianUs.toFixed(0)} µs, sparse engine ${engines.sparseMedianUs.toFixed(0)} µs per decision (${(engines.ortMedianUs / engines.sparseMedianUs).toFixed(1)}× faster; return ${sparse.meanReturn.toFixed(3)} on the same episodes)`,
      );
      const paths = runPaths(opts.out);
      io.out(`  pictures    ${paths.curves}, ${paths.sparsity}`);
    });
}
