/**
 * Running `train()` from the command line: progress display, Ctrl-C → checkpoint and an
 * {@link InterruptedError} (exit 130) naming the command that resumes, a warning when training blew
 * up, pictures at the end.
 */
import type { TrainConfig } from '../src/config/types.js';
import type { ModelProvenance } from '../src/snapshot/types.js';
import type { EnvOptions } from '../src/envs/registry.js';
import { train, type TrainSummary } from '../src/marl/train.js';
import { createProgress } from '../src/util/progress.js';
import { InterruptedError } from '../src/util/errors.js';
import { DIVERGED_LOSS } from '../src/marl/metrics.js';
import { writeRunPictures } from '../src/verify/run-report.js';
import type { CliIo } from './io.js';
import { percent } from './table.js';

/**
 * Train with a progress bar; Ctrl-C stops at the next episode with a checkpoint, and then throws
 * {@link InterruptedError} (after the pictures are drawn) so that the command ends with exit code 130.
 * @param warmStartFrom a run directory (trained or imported) to prune and fine-tune instead of a fresh start.
 * @param more `warmStartFrom`: a run directory (trained or imported) to prune and fine-tune instead of a
 *   fresh start; `resumeCommand`: the command that continues the run, for the message after an
 *   interrupt (default `mast train --out <outDir> --resume`); `envOptions`: how to run a bridged
 *   environment (`--python`, `--env-timeout`); `provenance`: what a compression starts from, for the agent's metadata.
 */
export async function runTraining(
  config: TrainConfig,
  outDir: string,
  resume: boolean,
  backend: string,
  io: CliIo,
  more: { warmStartFrom?: string; resumeCommand?: string; envOptions?: Omit<EnvOptions, 'args'>; provenance?: ModelProvenance } = {},
): Promise<TrainSummary> {
  const { warmStartFrom, envOptions, provenance } = more;
  const resumeCommand = more.resumeCommand ?? `mast train --out ${outDir} --resume`;
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  const progress = createProgress({ total: config.steps, label: `train ${config.alg} on ${config.env}`, stream: io.progressStream });
  let testReturn: number | null = null;
  let winRate: number | null = null;
  try {
    const summary = await train(config, {
      outDir,
      resume,
      backend,
      signal: abort.signal,
      ...(warmStartFrom ? { warmStartFrom } : {}),
      ...(envOptions ? { envOptions } : {}),
      ...(provenance ? { provenance } : {}),
      onMetrics: (row) => {
        testReturn = row.testReturn;
        winRate = row.testWinRate;
      },
      onEpisode: (p) => {
        const fields: Record<string, string | number> = { eps: p.epsilon.toFixed(2) };
        if (testReturn !== null) fields['test return'] = testReturn.toFixed(3);
        if (winRate !== null) fields['win'] = percent(winRate);
        if (p.loss !== null) fields['loss'] = p.loss.toExponential(2);
        progress.update(Math.min(p.tEnv, config.steps), fields);
      },
    });
    progress.done(summary.completed ? `trained ${summary.counters.tEnv} steps in ${summary.elapsedSec.toFixed(1)} s` : `stopped at step ${summary.counters.tEnv}`);
    writeRunPictures(outDir);
    if (summary.diverged) {
      const d = summary.diverged;
      io.err(`warning: training blew up: mean loss ${d.loss.toExponential(2)} at step ${d.tEnv} (above ${DIVERGED_LOSS.toExponential(0)}); summary.json records it as "diverged"`);
      io.err('  hint: train a new run with a lower optimizer.lr (e.g. --config with {"optimizer": {"lr": 0.0005}}), or with {"standardiseRewards": true}');
    }
    if (!summary.completed) throw new InterruptedError(`stopped at step ${summary.counters.tEnv}; continue with: ${resumeCommand}`);
    return summary;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
