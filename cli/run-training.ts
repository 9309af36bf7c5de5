/**
 * Running `train()` from the command line: progress display (also in plain lines to the run's
 * console log, cli/console-log.ts), Ctrl-C → checkpoint and an {@link InterruptedError} (exit 130)
 * naming the command that resumes, a warning when training blew up, pictures at the end.
 */
import { existsSync } from 'node:fs';
import type { TrainConfig } from '../src/config/types.js';
import type { ModelProvenance } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { EnvOptions } from '../src/envs/registry.js';
import { train, type TrainSummary } from '../src/marl/training/train.js';
import { createProgress, type Progress } from '../src/util/progress.js';
import { openRunDir, runPaths } from '../src/run/run-dir.js';
import { InterruptedError } from '@mast-toolkit/runtime/internal/util/errors';
import { DIVERGED_LOSS } from '../src/marl/training/metrics.js';
import { writeRunPictures } from '../src/verify/run-report.js';
import type { CliIo } from './io.js';
import { onInterrupt } from './interrupt.js';
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
  more: {
    warmStartFrom?: string;
    resumeCommand?: string;
    envOptions?: Omit<EnvOptions, 'args'>;
    provenance?: ModelProvenance;
  } = {},
): Promise<TrainSummary> {
  const { warmStartFrom, envOptions, provenance } = more;
  const resumeCommand = more.resumeCommand ?? `mast train --out ${outDir} --resume`;
  // the run directory is locked before anything goes into its console log
  const lock = openRunDir(outDir);
  const interrupt = onInterrupt();
  io.consoleLog?.open(
    outDir,
    resume && existsSync(runPaths(outDir).checkpoint) ? 'resumed from its last checkpoint' : 'new run, from step 0',
  );
  const label = `train ${config.alg} on ${config.env}`;
  const progresses: Progress[] = [createProgress({ total: config.steps, label, stream: io.progressStream })];
  if (io.consoleLog) progresses.push(createProgress({ total: config.steps, label, stream: io.consoleLog.stream }));
  let testReturn: number | null = null;
  let winRate: number | null = null;
  try {
    const summary = await train(config, {
      outDir,
      resume,
      backend,
      lock,
      signal: interrupt.signal,
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
        for (const progress of progresses) progress.update(Math.min(p.tEnv, config.steps), fields);
      },
    });
    for (const progress of progresses) progress.done(trainedLine(summary));
    writeRunPictures(outDir);
    if (summary.diverged) {
      const d = summary.diverged;
      io.err(
        `warning: training blew up: mean loss ${d.loss.toExponential(2)} at step ${d.tEnv} (above ${DIVERGED_LOSS.toExponential(0)}); summary.json records it as "diverged"`,
      );
      io.err(
        '  hint: train a new run with a lower optimizer.lr (e.g. --config with {"optimizer": {"lr": 0.0005}}), or with {"standardiseRewards": true}',
      );
    }
    if (!summary.completed)
      throw new InterruptedError(`stopped at step ${summary.counters.tEnv}; continue with: ${resumeCommand}`);
    return summary;
  } catch (err) {
    io.consoleLog?.write(`error: ${err instanceof Error ? err.message : String(err)}`); // cli/main.ts prints it
    throw err;
  } finally {
    lock.release();
    interrupt.dispose();
  }
}

/**
 * The closing line of a training session. A resumed session names the steps it started from, since
 * its time covers only its own steps: "trained steps 6000→8000 (2000 this session) in 3.1 s".
 */
export function trainedLine(
  summary: Pick<TrainSummary, 'completed' | 'counters' | 'startTEnv' | 'elapsedSec'>,
): string {
  const { startTEnv, elapsedSec } = summary;
  const end = summary.counters.tEnv;
  const time = `${elapsedSec.toFixed(1)} s`;
  if (!summary.completed)
    return startTEnv > 0
      ? `stopped at step ${end} (steps ${startTEnv}→${end} this session, in ${time})`
      : `stopped at step ${end}`;
  if (startTEnv === 0) return `trained ${end} steps in ${time}`;
  if (end === startTEnv) return `already trained to step ${end}: nothing left to train (${time})`;
  return `trained steps ${startTEnv}→${end} (${end - startTEnv} this session) in ${time}`;
}
