/** `mast eval`: run an ONNX agent with onnxruntime-node; return, FLOPs, latency and parity with its run. */
import { Command } from 'commander';
import { evaluateOnnxAgent, type EvalReport } from '../../src/verify/eval.js';
import type { CliIo } from '../io.js';
import { percent } from '../table.js';
import { BACKEND_HELP, backendOption, intAtLeast, oneOf } from '../options.js';
import { ENGINE_CHOICES, type EngineChoice } from '@mast-toolkit/runtime/internal/runtime/engine-types';
import { autoNote } from '../engine-note.js';
import { ENV_ID_HELP, addEnvOptions, envOptionsFrom, type EnvCliOptions } from '../env-options.js';

/** Human-readable lines of an evaluation report. */
export function formatEvalReport(r: EvalReport): string[] {
  const lines = [
    `${r.model} on ${r.env}: ${r.episodes} episodes (seed ${r.seed}, engine ${r.engine}${autoNote(r.engineTimes)})`,
    `  return      ${r.meanReturn.toFixed(3)} ± ${r.returnStd.toFixed(3)}${r.winRate === null ? '' : `   win rate ${percent(r.winRate, 1)}`}`,
    `  FLOPs/decision  ${r.flops.sparse} sparse vs ${r.flops.dense} dense  (${(r.flops.dense / Math.max(1, r.flops.sparse)).toFixed(1)}× fewer, ratio ${r.flops.ratio.toFixed(3)})`,
    ...(r.trainFlopsRatio === null
      ? []
      : [
          `  training FLOPs  ${r.trainFlopsRatio.toFixed(3)} of the same run dense (${(1 / r.trainFlopsRatio).toFixed(1)}× fewer; from the model's metadata)`,
        ]),
    `  weights     density ${r.density.toFixed(3)} (nonzero fraction of the agent's weight matrices; biases and the mixer not counted), file ${r.fileBytes} bytes`,
    `  latency     median ${r.latency.medianUs.toFixed(0)} µs, p90 ${r.latency.p90Us.toFixed(0)} µs per decision of all agents (${r.engine === 'ort' ? 'ONNX Runtime' : 'sparse engine'}${r.parity ? ', stepped in turn with the tfjs agent' : ''})`,
  ];
  if (r.parity) {
    const p = r.parity;
    lines.push(
      `  parity vs ${p.run}: actions ${percent(p.actionAgreement, 2)} of ${p.decisions}, max |ΔQ| ${p.maxAbsQDiff.toExponential(2)}, return diff ${p.returnDiff.toFixed(4)}`,
    );
  }
  return lines;
}

/** Build the `eval` command. */
export function evalCommand(io: CliIo): Command {
  const cmd = new Command('eval')
    .description(
      'run an ONNX agent with onnxruntime-node and report return, FLOPs, latency and (with --against) parity with the tfjs agent',
    )
    .argument('<model>', '.onnx file exported by `mast export`')
    .option(
      '--env <id>',
      `${ENV_ID_HELP}; default: the one in the model metadata, with the envArgs it was trained with`,
    );
  return addEnvOptions(cmd)
    .option('--episodes <n>', 'greedy episodes', intAtLeast(1), 100)
    .option('--seed <n>', 'seed of the episode seeds', intAtLeast(0), 0)
    .option('--against <run>', 'training run to compare with (its tfjs agent on the same seeded episodes)')
    .option(
      '--engine <name>',
      `engine: ${ENGINE_CHOICES.join(' | ')} (sparse: the toolkit's sparse kernels, work ∝ nonzeros; ort: ONNX Runtime, needs the optional onnxruntime-node; auto: both timed on this model at load, the faster kept)`,
      oneOf(ENGINE_CHOICES),
      'ort',
    )
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print one JSON object')
    .action(
      async (
        path: string,
        opts: EnvCliOptions & {
          env?: string;
          episodes: number;
          seed: number;
          against?: string;
          backend: string;
          engine: EngineChoice;
          json?: boolean;
        },
      ) => {
        const report = await evaluateOnnxAgent(path, {
          ...opts,
          ...(opts.envArg ? { envArgs: opts.envArg } : {}),
          envOptions: envOptionsFrom(opts),
        });
        if (opts.json) io.out(JSON.stringify(report));
        else for (const line of formatEvalReport(report)) io.out(line);
      },
    );
}
