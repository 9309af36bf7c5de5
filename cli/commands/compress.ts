/** `mast compress`: prune a trained run by magnitude and let MAST's sparse training recover it. */
import { Command } from 'commander';
import { DENSITY_DISTRIBUTIONS, type DensityDistribution } from '../../src/config/index.js';
import { compressConfig, compressionReport, type TestPoint } from '../../src/marl/compress.js';
import { BACKEND_HELP, backendOption, intAtLeast, numberIn, oneOf } from '../options.js';
import { runTraining } from '../run-training.js';
import type { CliIo } from '../io.js';
import { percent } from '../table.js';

interface CompressOpts {
  out: string;
  density: number;
  steps: number;
  distribution?: DensityDistribution;
  resume?: boolean;
  backend: string;
  json?: boolean;
}

const describe = (p: TestPoint | null): string => (p ? `return ${p.return.toFixed(3)}${p.winRate === null ? '' : `, win rate ${percent(p.winRate)}`} (step ${p.tEnv})` : 'n/a');

/** Build the `compress` command. */
export function compressCommand(io: CliIo): Command {
  return new Command('compress')
    .description('prune a trained run to a density by magnitude, then recover it with MAST training')
    .argument('<run>', 'trained run directory (from mast train), or an imported agent (from mast import)')
    .requiredOption('--out <dir>', 'run directory of the compressed agent')
    .requiredOption('--density <d>', 'global density to keep, in (0, 1)', numberIn(0, 1))
    .option('--steps <n>', 'environment steps of recovery training', intAtLeast(1), 10_000)
    .option('--distribution <name>', `per-layer density: ${DENSITY_DISTRIBUTIONS.join(' | ')} (default: the run's)`, oneOf(DENSITY_DISTRIBUTIONS))
    .option('--resume', 'continue an interrupted compression in --out')
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print the before/after report as one JSON object')
    .action(async (run: string, opts: CompressOpts) => {
      const config = compressConfig(run, { density: opts.density, steps: opts.steps, ...(opts.distribution ? { distribution: opts.distribution } : {}) });
      await runTraining(config, opts.out, opts.resume === true, opts.backend, io, run);
      const report = compressionReport(run, opts.out, opts.density);
      if (opts.json) {
        io.out(JSON.stringify({ out: opts.out, ...report }));
        return;
      }
      io.out(`source (${run}):  ${describe(report.source)}`);
      io.out(`pruned to ${opts.density}:   ${describe(report.pruned)}`);
      io.out(`recovered (${opts.out}): ${describe(report.recovered)}`);
      if (report.trainFlopsRatio !== null) io.out(`FLOPs vs dense: training ×${report.trainFlopsRatio.toFixed(3)}, inference ×${report.inferenceFlopsRatio?.toFixed(3)}`);
    });
}
